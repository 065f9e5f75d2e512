// One health check, run on a schedule: probes every interval, never two at once, and turns
// consecutive results into an up/down state with rise/fall hysteresis (ExaBGP healthcheck.py,
// HAProxy `check rise N fall M`), so one lost probe does not withdraw an anycast route.
import { EventEmitter } from 'node:events';
import { systemClock, type Clock, type TimerHandle } from '../session/clock.js';
import { runProbe } from './probes.js';
import { resolveHealthCheck, type ResolvedHealthCheck } from './spec.js';
import type { HealthCheckSpec, HealthState, ProbeResult, ProbeRunner } from './types.js';

export interface HealthCheckerOptions {
  /** Schedules probes (default: the system clock). Probes themselves time out on real timers. */
  readonly clock?: Clock;
  /** Runs one probe (default: runProbe). */
  readonly runProbe?: ProbeRunner;
}

export interface HealthCheckerEvents {
  /** The state changed; reason: the last probe's, with how many agreed. */
  change: [state: HealthState, reason: string];
  /** Every probe result, before the 'change' it may cause. */
  probe: [result: ProbeResult];
}

/** What a status display shows: JSON-able. */
export interface HealthStatus {
  readonly state: HealthState;
  readonly reason: string;
  readonly running: boolean;
  /** Consecutive results against the state so far (rising toward `rise`, or falling toward `fall`). */
  readonly streak: number;
  readonly lastProbe?: ProbeResult;
}

export class HealthChecker extends EventEmitter<HealthCheckerEvents> {
  readonly spec: ResolvedHealthCheck;
  private readonly clock: Clock;
  private readonly runner: ProbeRunner;
  private current: HealthState;
  private why: string;
  private streak = 0;
  private last: ProbeResult | undefined;
  private running = false;
  /** Bumped by start and stop: a probe that settles under an older generation is ignored. */
  private generation = 0;
  private timer: TimerHandle | undefined;
  private inFlight: { readonly controller: AbortController; readonly done: Promise<unknown> } | undefined;

  /** Throws a RangeError for settings no checker could run (see resolveHealthCheck). */
  constructor(spec: HealthCheckSpec, options: HealthCheckerOptions = {}) {
    super();
    this.spec = resolveHealthCheck(spec);
    this.clock = options.clock ?? systemClock;
    this.runner = options.runProbe ?? runProbe;
    this.current = this.spec.initial;
    this.why = `not checked yet (initial state ${this.current})`;
  }

  get state(): HealthState {
    return this.current;
  }

  get reason(): string {
    return this.why;
  }

  get isRunning(): boolean {
    return this.running;
  }

  status(): HealthStatus {
    return { state: this.current, reason: this.why, running: this.running, streak: this.streak, ...(this.last ? { lastProbe: this.last } : {}) };
  }

  /** Starts probing: the first probe at once (on the next timer tick), then every interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const gen = ++this.generation;
    // A probe aborted by stop() may still be tearing down (killing its process group): wait for
    // it, so a quick stop/start never runs two probes at once.
    const draining = this.inFlight?.done;
    if (draining) void draining.then(() => gen === this.generation && this.schedule(0));
    else this.schedule(0);
  }

  /** Stops probing: cancels the timer, aborts a running probe; no events follow. The state is kept. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.timer?.cancel();
    this.timer = undefined;
    this.inFlight?.controller.abort();
    this.streak = 0;
  }

  private schedule(ms: number): void {
    const gen = this.generation;
    this.timer = this.clock.setTimer(ms, () => {
      this.timer = undefined;
      if (gen === this.generation) this.probe(gen);
    });
  }

  private probe(gen: number): void {
    const started = this.clock.now();
    const controller = new AbortController();
    // Through a promise constructor, so a runner that throws instead of rejecting is a failure too.
    const run = new Promise<ProbeResult>((resolve) => resolve(this.runner(this.spec.probe, { timeoutMs: this.spec.timeoutMs, signal: controller.signal })));
    const done = run.catch(
      (e: unknown): ProbeResult => ({ ok: false, reason: `probe failed: ${e instanceof Error ? e.message : String(e)}`, durationMs: this.clock.now() - started }),
    );
    const flight = { controller, done };
    this.inFlight = flight;
    void done.then((result) => {
      if (this.inFlight === flight) this.inFlight = undefined;
      if (gen !== this.generation) return;
      // Start to start, as long as the probe fits in the interval; one that ran over is followed
      // at once. Scheduled before the events, so a listener that throws cannot stop the checker.
      this.schedule(Math.max(0, started + this.spec.intervalMs - this.clock.now()));
      const changed = this.count(result);
      this.emit('probe', result);
      if (changed) this.emit('change', this.current, this.why);
    });
  }

  /** Rise/fall: `rise` successes in a row turn a down check up, `fall` failures an up one down. */
  private count(result: ProbeResult): boolean {
    this.last = result;
    const agrees = result.ok === (this.current === 'up');
    if (agrees) {
      this.streak = 0;
      return false;
    }
    this.streak++;
    const needed = this.current === 'up' ? this.spec.fall : this.spec.rise;
    if (this.streak < needed) return false;
    this.current = result.ok ? 'up' : 'down';
    const what = result.ok ? (this.streak === 1 ? 'success' : 'successes') : this.streak === 1 ? 'failure' : 'failures';
    this.why = `${result.reason} (${this.streak} ${what} in a row)`;
    this.streak = 0;
    return true;
  }
}
