// A scripted probe runner on a ManualClock, and a way to move fake time with promises settling
// in between (the checker reacts to probe results on the microtask queue).
import { setImmediate as macrotask } from 'node:timers/promises';
import type { ManualClock } from '../../../src/session/clock.js';
import type { HealthProbe, ProbeRunner } from '../../../src/health/index.js';

export interface Step {
  readonly ok: boolean;
  /** How long the probe takes on the fake clock (0: settles at once). */
  readonly ms?: number;
  /** Keeps running after an abort until ms is up, like a process slow to die. */
  readonly ignoreAbort?: boolean;
}

export interface Scripted {
  readonly runner: ProbeRunner;
  /** Fake time at which each probe started. */
  readonly starts: number[];
  /** Most probes ever running at once. */
  readonly maxActive: () => number;
  readonly active: () => number;
}

/** Probes answer from `script` in order (the last step repeats), or per probe via `byProbe`. */
export function scripted(clock: ManualClock, script: readonly (boolean | Step)[], byProbe?: (p: HealthProbe) => boolean | Step): Scripted {
  let i = 0;
  let active = 0;
  let maxActive = 0;
  const starts: number[] = [];
  const runner: ProbeRunner = (probe, { signal }) => {
    const raw = byProbe ? byProbe(probe) : script[Math.min(i++, script.length - 1)]!;
    const step: Step = typeof raw === 'boolean' ? { ok: raw } : raw;
    const ms = step.ms ?? 0;
    starts.push(clock.now());
    active++;
    maxActive = Math.max(maxActive, active);
    const result = { ok: step.ok, reason: step.ok ? 'fake up' : 'fake down', durationMs: ms };
    if (ms === 0) {
      active--;
      return Promise.resolve(result);
    }
    return new Promise((resolve) => {
      const timer = clock.setTimer(ms, () => {
        active--;
        resolve(result);
      });
      if (step.ignoreAbort) return;
      signal?.addEventListener('abort', () => {
        timer.cancel();
        active--;
        resolve({ ok: false, reason: 'aborted', durationMs: 0 });
      });
    });
  };
  return { runner, starts, maxActive: () => maxActive, active: () => active };
}

/** Advances fake time 1 ms at a time, letting promise callbacks run after each step. */
export async function advance(clock: ManualClock, ms: number): Promise<void> {
  await macrotask();
  for (let t = 0; t < ms; t++) {
    clock.advance(1);
    await macrotask();
  }
}
