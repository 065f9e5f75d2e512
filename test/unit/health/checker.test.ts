// HealthChecker on fake time: rise/fall, the schedule, no overlapping probes, and stop.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/session/clock.js';
import { HealthChecker, type HealthCheckSpec, type HealthState } from '../../../src/health/index.js';
import { advance, scripted, type Step } from './fake.js';

const probe = { kind: 'command', command: 'check' } as const;
const INTERVAL = 10;

function setup(spec: Partial<HealthCheckSpec>, script: readonly (boolean | Step)[]) {
  const clock = new ManualClock();
  const fake = scripted(clock, script);
  const checker = new HealthChecker({ probe, intervalMs: INTERVAL, timeoutMs: 5, ...spec }, { clock, runProbe: fake.runner });
  const states: HealthState[] = [];
  const changes: { at: number; state: HealthState; reason: string }[] = [];
  checker.on('probe', () => states.push(checker.state));
  checker.on('change', (state, reason) => changes.push({ at: clock.now(), state, reason }));
  return { clock, fake, checker, states, changes };
}

describe('HealthChecker rise and fall', () => {
  const T = true;
  const F = false;
  it.each([
    { name: 'down, rise 2: two successes turn it up', spec: {}, results: [T, T, T], states: ['down', 'up', 'up'] },
    { name: 'a failure restarts the rise count', spec: {}, results: [T, F, T, T], states: ['down', 'down', 'down', 'up'] },
    { name: 'failures keep a down check down', spec: {}, results: [F, F, F], states: ['down', 'down', 'down'] },
    { name: 'up, fall 3: three failures in a row turn it down', spec: { initial: 'up' }, results: [F, F, F, F], states: ['up', 'up', 'down', 'down'] },
    { name: 'a success restarts the fall count', spec: { initial: 'up' }, results: [F, F, T, F, F, F], states: ['up', 'up', 'up', 'up', 'up', 'down'] },
    { name: 'rise 1, fall 1 follow every probe', spec: { rise: 1, fall: 1 }, results: [T, F, T, T, F], states: ['up', 'down', 'up', 'up', 'down'] },
    { name: 'up then down then up again', spec: { rise: 2, fall: 2 }, results: [T, T, F, F, T, T], states: ['down', 'up', 'up', 'down', 'down', 'up'] },
  ] as const)('$name', async ({ spec, results, states: expected }) => {
    const { clock, checker, states, changes } = setup(spec, results);
    checker.start();
    await advance(clock, INTERVAL * (results.length - 1) + 1);
    expect(states).toEqual(expected);
    // One change event per transition, in order.
    const transitions = expected.filter((s, i) => s !== (i === 0 ? (spec as { initial?: string }).initial ?? 'down' : expected[i - 1]));
    expect(changes.map((c) => c.state)).toEqual(transitions);
    checker.stop();
  });

  it('says why it changed: the last probe and how many agreed', async () => {
    const { clock, checker, changes } = setup({ rise: 3 }, [true]);
    expect(checker.state).toBe('down');
    expect(checker.reason).toBe('not checked yet (initial state down)');
    checker.start();
    await advance(clock, 2 * INTERVAL + 1);
    expect(changes).toEqual([{ at: 20, state: 'up', reason: 'fake up (3 successes in a row)' }]);
    expect(checker.status()).toMatchObject({ state: 'up', running: true, streak: 0, lastProbe: { ok: true } });
    checker.stop();
  });

  it('emits no change at start: the initial state is read from .state', async () => {
    const { clock, checker, changes } = setup({ initial: 'up' }, [true]);
    checker.start();
    await advance(clock, 5 * INTERVAL);
    expect(checker.state).toBe('up');
    expect(changes).toEqual([]);
    checker.stop();
  });

  it('counts a runner that throws or rejects as a failure', async () => {
    const clock = new ManualClock();
    let n = 0;
    const checker = new HealthChecker(
      { probe, intervalMs: INTERVAL, initial: 'up', fall: 2 },
      {
        clock,
        runProbe: () => {
          if (n++ % 2) return Promise.reject(new Error('rejected'));
          throw new Error('thrown');
        },
      },
    );
    const reasons: string[] = [];
    checker.on('probe', (r) => reasons.push(r.reason));
    checker.start();
    await advance(clock, INTERVAL + 1);
    expect(reasons).toEqual(['probe failed: thrown', 'probe failed: rejected']);
    expect(checker.state).toBe('down');
    checker.stop();
  });
});

describe('HealthChecker schedule', () => {
  it('probes at once, then every interval, start to start', async () => {
    const { clock, fake, checker } = setup({}, [{ ok: true, ms: 3 }]);
    checker.start();
    await advance(clock, 35);
    expect(fake.starts).toEqual([0, 10, 20, 30]);
    checker.stop();
  });

  it('never overlaps: a probe that runs past the interval delays the next', async () => {
    // The runner ignores its timeout (timeoutMs 5) and takes 25 ms: the checker must wait for it.
    const { clock, fake, checker } = setup({}, [{ ok: true, ms: 25 }]);
    checker.start();
    await advance(clock, 80);
    expect(fake.starts).toEqual([0, 25, 50, 75]);
    expect(fake.maxActive()).toBe(1);
    checker.stop();
  });

  it('stop cancels the timer and aborts a running probe; no events follow', async () => {
    const { clock, fake, checker, states } = setup({}, [{ ok: true, ms: 4 }]);
    checker.start();
    await advance(clock, 12); // second probe in flight
    expect(fake.active()).toBe(1);
    checker.stop();
    await advance(clock, 0);
    expect(fake.active()).toBe(0);
    expect(clock.pending).toBe(0);
    const seen = states.length;
    await advance(clock, 50);
    expect(states).toHaveLength(seen);
    expect(checker.isRunning).toBe(false);
  });

  it('stop between probes leaves no timer behind', async () => {
    const { clock, checker } = setup({}, [true]);
    checker.start();
    expect(clock.pending).toBe(1);
    await advance(clock, 5);
    expect(clock.pending).toBe(1);
    checker.stop();
    expect(clock.pending).toBe(0);
  });

  it('a quick stop and start waits for the aborted probe to finish before the next', async () => {
    const { clock, fake, checker } = setup({}, [{ ok: true, ms: 8, ignoreAbort: true }]);
    checker.start();
    await advance(clock, 2);
    checker.stop();
    checker.start();
    await advance(clock, 10);
    expect(fake.starts).toEqual([0, 8]);
    expect(fake.maxActive()).toBe(1);
    checker.stop();
    await advance(clock, 10);
    expect(clock.pending).toBe(0);
  });

  it('keeps its state across stop and start', async () => {
    const { clock, checker } = setup({ rise: 1 }, [true, false]);
    checker.start();
    await advance(clock, 1);
    expect(checker.state).toBe('up');
    checker.stop();
    checker.start();
    expect(checker.state).toBe('up');
    checker.stop();
  });

  it('rejects settings no checker could run', () => {
    expect(() => new HealthChecker({ probe, rise: 0 })).toThrow(/rise must be a positive integer/);
    expect(() => new HealthChecker({ probe: { kind: 'tcp', host: 'x', port: 70000 } })).toThrow(/tcp port/);
    expect(() => new HealthChecker({ probe: { kind: 'http', url: 'ftp://x/' } })).toThrow(/http: or https:/);
  });

  it('caps the timeout at the interval', () => {
    expect(new HealthChecker({ probe, intervalMs: 1000, timeoutMs: 5000 }).spec.timeoutMs).toBe(1000);
    expect(new HealthChecker({ probe }).spec).toMatchObject({ intervalMs: 5000, timeoutMs: 2000, rise: 2, fall: 3, initial: 'down' });
  });
});
