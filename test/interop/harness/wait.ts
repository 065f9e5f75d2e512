// Polling with a deadline and an error that says what was awaited, what was last seen, and
// (through `context`) the logs of the daemons involved.

export interface WaitOptions {
  /** Default 30 s. */
  readonly timeoutMs?: number;
  /** Default 250 ms. */
  readonly intervalMs?: number;
  /** Extra text for the timeout error (daemon logs). Called only on failure. */
  readonly context?: () => string;
  /** Checked before each probe; a string aborts the wait at once (e.g. "bird rr exited with code 1"). */
  readonly abort?: () => string | undefined;
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  try {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return s.length > 2000 ? `${s.slice(0, 2000)}...` : s;
  } catch {
    return String(v);
  }
}

/**
 * Calls `probe` until it returns something other than undefined/null/false and returns that value.
 * A probe that throws counts as "not yet" (the last error is reported on timeout).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: WaitOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 250;
  const start = Date.now();
  let lastError: unknown;
  let attempts = 0;
  while (true) {
    const aborted = opts.abort?.();
    if (aborted !== undefined) {
      throw new WaitTimeoutError(`gave up waiting for ${what}: ${aborted}${opts.context ? `\n${opts.context()}` : ''}`);
    }
    attempts++;
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() - start >= timeoutMs) break;
    await sleep(Math.min(intervalMs, Math.max(0, timeoutMs - (Date.now() - start))));
  }
  const err = lastError === undefined ? '' : `\nlast probe error: ${lastError instanceof Error ? lastError.message : show(lastError)}`;
  throw new WaitTimeoutError(`timed out after ${timeoutMs} ms (${attempts} polls) waiting for ${what}${err}${opts.context ? `\n${opts.context()}` : ''}`);
}

/** Like waitFor, but the probe returns the current state and `done` decides; the timeout shows the last state. */
export async function waitUntil<S>(what: string, read: () => Promise<S> | S, done: (state: S) => boolean, opts: WaitOptions = {}): Promise<S> {
  let last: { state: S } | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        const s = await read();
        last = { state: s };
        return done(s) ? { state: s } : undefined;
      },
      { ...opts, context: undefined },
    ).then((r) => r.state);
  } catch (e) {
    if (!(e instanceof WaitTimeoutError)) throw e;
    const state = last ? `\nlast state: ${show(last.state)}` : '';
    throw new WaitTimeoutError(`${e.message}${state}${opts.context ? `\n${opts.context()}` : ''}`);
  }
}

export { sleep };
