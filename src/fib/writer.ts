// FibWriter: RIB deltas in, batched FIB writes out. It owns the timing (flush after `delayMs`,
// or at once when `maxBatch` prefixes wait) and the logging; the coalescer decides what to write
// and the backend writes it. One flush runs at a time; changes arriving meanwhile wait for the next.

import pino, { type Logger } from 'pino';
import type { RibDelta } from '../rib/delta.js';
import { FibCoalescer } from './coalesce.js';
import { FibGuard, type FibGuardOptions, type FibRefusal } from './guard.js';
import { reconcile } from './reconcile.js';
import type { FibBackend, FibChange, FibOutcome, FibRoute } from './types.js';

/** The timer part of session/clock.ts's Clock (a ManualClock drives it in tests). */
export interface FibTimers {
  setTimer(ms: number, fn: () => void): { cancel(): void };
}

const systemTimers: FibTimers = {
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

export interface FibWriterOptions extends FibGuardOptions {
  /** Prefixes per backend batch (1000). */
  readonly maxBatch?: number;
  /** How long changes wait for more before a flush, in ms (20). */
  readonly delayMs?: number;
  /** At most this many routes installed; more are refused until there is room. */
  readonly maxRoutes?: number;
  readonly timers?: FibTimers;
  readonly logger?: Logger;
  /** Called after every flush, the timed ones included. */
  readonly onFlush?: (report: FlushReport) => void;
}

export interface FlushReport {
  /** What was written, in order, with each outcome. */
  readonly outcomes: readonly FibOutcome[];
  readonly failed: number;
  readonly refused: readonly FibRefusal[];
  readonly batches: number;
}

export class FibWriter {
  private readonly coalescer: FibCoalescer;
  private readonly guard: FibGuard;
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private readonly timers: FibTimers;
  private readonly log: Logger;
  private timer: { cancel(): void } | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly backend: FibBackend,
    private readonly options: FibWriterOptions = {},
  ) {
    this.guard = new FibGuard(options);
    this.coalescer = new FibCoalescer(this.guard, options.maxRoutes ?? Infinity);
    this.maxBatch = Math.max(1, options.maxBatch ?? 1000);
    this.delayMs = options.delayMs ?? 20;
    this.timers = options.timers ?? systemTimers;
    this.log = options.logger ?? pino({ level: 'silent' });
  }

  /** Takes RIB deltas; they are written at the next flush. */
  update(deltas: Iterable<RibDelta>): void {
    for (const d of deltas) this.coalescer.offerDelta(d);
    this.schedule();
  }

  /** Takes FIB changes directly (tests, the CLI, a plan); written at the next flush. */
  change(changes: Iterable<FibChange>): void {
    for (const c of changes) this.coalescer.offer(c);
    this.schedule();
  }

  get pendingCount(): number {
    return this.coalescer.pendingCount;
  }

  /** True while a change of the prefix waits for a flush (or for room under the route limit). */
  isPending(prefix: string): boolean {
    return this.coalescer.isPending(prefix);
  }

  /** The installed route of a prefix, as the writer believes. */
  installedRoute(prefix: string): FibRoute | null {
    return this.coalescer.installedRoute(prefix);
  }

  /** What the writer believes is installed. */
  installed(): FibRoute[] {
    return this.coalescer.installedRoutes();
  }

  /** Writes everything pending now, in batches of `maxBatch`. */
  flush(): Promise<FlushReport> {
    this.timer?.cancel();
    this.timer = null;
    const next = this.chain.then(() => this.drain());
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Start-up: installs exactly `desired` (less what the guard refuses) by listing the backend and
   * applying the difference, then takes the outcome as what is installed.
   */
  reconcile(desired: readonly FibRoute[]): Promise<FlushReport> {
    const next = this.chain.then(async () => {
      const refused: FibRefusal[] = [];
      const accepted: FibRoute[] = [];
      const max = this.options.maxRoutes ?? Infinity;
      for (const route of desired) {
        const refusal = this.guard.check(route);
        if (!refusal && accepted.length >= max) refused.push({ route, reason: 'max-routes', message: `${route.prefix}: the FIB holds its maximum of ${max} routes` });
        else if (refusal) refused.push(refusal);
        else accepted.push(route);
      }
      const r = await reconcile(this.backend, accepted);
      this.coalescer.adopt(r.installed);
      this.coalescer.commit(r.result);
      const report: FlushReport = { outcomes: r.result.outcomes, failed: r.result.failed, refused, batches: r.changes.length > 0 ? 1 : 0 };
      this.report(report);
      return report;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Start-up without deleting anything yet: lists what the backend holds and takes it as
   * installed, so that a route the RIB wants again and that is there already is not rewritten.
   * `reconcile` later removes what is still not wanted.
   */
  adoptInstalled(): Promise<FibRoute[]> {
    const next = this.chain.then(async () => {
      const listed = await this.backend.list();
      this.coalescer.adopt(listed);
      return listed;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Deletes every route this writer installed or was about to (a clean exit). */
  removeAll(): Promise<FlushReport> {
    this.coalescer.dropPending();
    for (const route of this.coalescer.installedRoutes()) this.coalescer.offer({ op: 'delete', route });
    return this.flush();
  }

  /** Flushes what is pending and stops the timer. The backend stays open (it is not the writer's). */
  async close(): Promise<void> {
    await this.flush();
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(): void {
    if (this.coalescer.pendingCount >= this.maxBatch) {
      void this.flush().catch((err: unknown) => this.log.error({ err }, 'FIB flush failed'));
    } else if (!this.timer && this.coalescer.pendingCount > 0) {
      this.timer = this.timers.setTimer(this.delayMs, () => {
        this.timer = null;
        void this.flush().catch((err: unknown) => this.log.error({ err }, 'FIB flush failed'));
      });
    }
  }

  private async drain(): Promise<FlushReport> {
    const outcomes: FibOutcome[] = [];
    const refused: FibRefusal[] = [];
    let failed = 0;
    let batches = 0;
    while (this.coalescer.pendingCount > 0) {
      const batch = this.coalescer.take(this.maxBatch);
      refused.push(...batch.refused);
      if (batch.changes.length === 0) continue;
      const result = await this.backend.apply(batch.changes);
      this.coalescer.commit(result);
      outcomes.push(...result.outcomes);
      failed += result.failed;
      batches++;
    }
    const report: FlushReport = { outcomes, failed, refused, batches };
    this.report(report);
    return report;
  }

  private report(r: FlushReport): void {
    for (const x of r.refused) this.log.warn({ prefix: x.route.prefix, reason: x.reason }, `FIB refused route: ${x.message}`);
    for (const o of r.outcomes) {
      if (!o.ok) this.log.warn({ prefix: o.change.route.prefix, op: o.change.op, code: o.code }, `FIB ${o.change.op} failed: ${o.message}`);
    }
    if (r.batches > 0) this.log.debug({ changes: r.outcomes.length, failed: r.failed, batches: r.batches }, 'FIB flushed');
    this.options.onFlush?.(r);
  }
}
