// One probe attempt: whatever happens first (the verdict, the deadline, an abort) settles it,
// exactly once, and the timer and abort listener are always released. Real timers on purpose:
// probes do real I/O; the checker above them is the part that runs on an injected clock.
import type { ProbeOptions, ProbeResult } from './types.js';

/** Gives the verdict. Calls after the first are ignored. */
export type Settle = (ok: boolean, reason: string) => void;
/**
 * Asked to stop early (deadline or abort): the probe tears down and then calls settle(false, reason).
 * A command settles only once its process group is gone, so a result means nothing is left running.
 */
export type Cancel = (reason: string) => void;

export function runAttempt(options: ProbeOptions, start: (settle: Settle) => Cancel): Promise<ProbeResult> {
  const started = performance.now();
  const result = (ok: boolean, reason: string): ProbeResult => ({ ok, reason, durationMs: performance.now() - started });
  const { signal, timeoutMs } = options;
  if (signal?.aborted) return Promise.resolve(result(false, 'aborted'));
  return new Promise((resolve) => {
    let settled = false;
    let cancelled = false;
    const settle: Settle = (ok, reason) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result(ok, reason));
    };
    const stop = (reason: string) => {
      if (settled || cancelled) return;
      cancelled = true;
      cancel(reason);
    };
    const onAbort = () => stop('aborted');
    // Neither can fire before start() returns: the signal was not aborted, and timers wait a tick.
    const timer = setTimeout(() => stop(`timed out after ${timeoutMs} ms`), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    let cancel: Cancel = () => {};
    try {
      cancel = start(settle);
    } catch (e) {
      // A probe that cannot even start (net.connect throws on a bad port) is a failure, not a throw.
      settle(false, `cannot start probe: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

/** The errno code of a socket or spawn error ("ECONNREFUSED"), else its message. */
export function errorCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}
