// The Loc-RIB kept in a forwarding table: the Speaker's best-path/ECMP deltas go to a FibWriter,
// and the start and stop of the speaker decide what happens to routes already in the table.
//
// Start (DESIGN.md "Kernel FIB"; the IBM field note: a restarted host must come back to the same
// state, not a duplicate): what the backend holds with our protocol id is taken as installed, so
// a route the RIB wants again is not rewritten; once every configured peer has sent End-of-RIB
// (RFC 4724 s2), or `syncDelayMs` has passed, the table is reconciled with the Loc-RIB and
// whatever is still not wanted is deleted. Nothing is deleted before that, so traffic keeps
// flowing over the old routes while the sessions come up.
//
// Stop: our routes are deleted, unless the speaker stops for a graceful restart or `keepOnStop`
// is set; then they stay and the next start reconciles them.

import type { Logger } from 'pino';
import { changeFromDelta, FibWriter, routeSatisfies, type FibBackend, type FibChange, type FibRoute, type FibWriterOptions, type FlushReport } from '../fib/index.js';
import type { RibDelta } from '../rib/index.js';
import type { Clock, TimerHandle } from '../session/clock.js';

/** What reports changes made to the table by others (FibMonitor from src/fib fits). */
export interface FibChangeSource {
  on(event: 'changed' | 'deleted', fn: (route: FibRoute) => void): unknown;
  on(event: 'overrun', fn: () => void): unknown;
}

export interface SpeakerFibOptions extends Omit<FibWriterOptions, 'timers' | 'logger'> {
  readonly backend: FibBackend;
  /**
   * Changes to our routes seen in the table (a netlink monitor). When what the table holds is not
   * what Wren wrote, 'restore' (the default) writes it back as the RIB wants it, 'report' logs it.
   */
  readonly monitor?: FibChangeSource;
  readonly foreignChanges?: 'restore' | 'report';
  /** Leave our routes in the table when the speaker stops (graceful restart does so anyway). */
  readonly keepOnStop?: boolean;
  /** At start, how long to wait for every peer's End-of-RIB before stale routes go (ms, 30000). */
  readonly syncDelayMs?: number;
}

/** What became of one prefix on its way to the table. */
export type FibPrefixStatus =
  | { readonly state: 'installed'; readonly route: FibRoute }
  | { readonly state: 'pending' }
  | { readonly state: 'refused'; readonly reason: string; readonly message: string }
  | { readonly state: 'failed'; readonly code: string; readonly message: string };

export interface FibCounters {
  /** Changes written and succeeded, by operation. */
  replaced: number;
  deleted: number;
  /** Changes the backend refused (errno). */
  failed: number;
  /** Routes the guard rails kept out. */
  refused: number;
  flushes: number;
  /** Routes of ours found changed or deleted by someone else. */
  foreign: number;
}

/** Where the Speaker reports peers' progress: who is configured, who has sent End-of-RIB. */
export interface FibSyncSource {
  on(event: 'routes', fn: (deltas: readonly RibDelta[]) => void): unknown;
  off(event: 'routes', fn: (deltas: readonly RibDelta[]) => void): unknown;
  /** True when every configured peer is Established and has sent End-of-RIB for its families. */
  initialSyncDone(): boolean;
  /** The Loc-RIB as routes to install. */
  wantedRoutes(): FibRoute[];
}

export class FibSync {
  readonly writer: FibWriter;
  readonly counters: FibCounters = { replaced: 0, deleted: 0, failed: 0, refused: 0, flushes: 0, foreign: 0 };
  private checkTimer: TimerHandle | null = null;
  /** The last refusal or failure per prefix, until a write of it succeeds. */
  private readonly problems = new Map<string, FibPrefixStatus>();
  /** Routes of ours found in the table at start, until the first reconcile. */
  private adopted: Map<string, FibRoute> | null = null;
  private readonly onRoutes = (deltas: readonly RibDelta[]) => {
    if (this.problems.size > 0) for (const d of deltas) this.problems.delete(d.prefix);
    if (!this.adopted) {
      this.writer.update(deltas);
      return;
    }
    // Before the first reconcile a route found at start is only ever widened: the peers have not
    // all spoken, so a next hop missing from the RIB may just not have arrived yet (a graceful
    // restart must not narrow an ECMP route, even for a moment). The reconcile settles it.
    const changes: FibChange[] = [];
    for (const d of deltas) {
      const was = this.adopted.get(d.prefix);
      if (!was) {
        changes.push(changeFromDelta(d));
        continue;
      }
      const hops = new Map(was.nextHops.map((h) => [h.address, h]));
      let wider = false;
      if (d.best) {
        for (const address of d.nextHops) {
          if (hops.has(address)) continue;
          hops.set(address, { address });
          wider = true;
        }
      }
      if (!wider) continue;
      const route: FibRoute = { prefix: d.prefix, nextHops: [...hops.values()] };
      this.adopted.set(d.prefix, route);
      changes.push({ op: 'replace', route });
    }
    if (changes.length > 0) this.writer.change(changes);
  };
  private syncTimer: TimerHandle | null = null;
  private synced = false;
  private running = false;
  private syncing: Promise<unknown> | null = null;

  constructor(
    private readonly source: FibSyncSource,
    private readonly options: SpeakerFibOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    const { backend: _backend, keepOnStop: _keep, syncDelayMs: _delay, monitor, foreignChanges: _fc, ...writerOptions } = options;
    // Our own writes are seen by the monitor too: every event only schedules a comparison of the
    // table with what the writer believes, after the writes in flight are done.
    monitor?.on('changed', () => this.scheduleCheck());
    monitor?.on('deleted', () => this.scheduleCheck());
    monitor?.on('overrun', () => this.scheduleCheck());
    this.writer = new FibWriter(options.backend, {
      ...writerOptions,
      timers: clock,
      logger: log,
      onFlush: (report) => {
        this.record(report);
        options.onFlush?.(report);
      },
    });
  }

  get backend(): FibBackend {
    return this.options.backend;
  }

  /** True once the table has been reconciled with the Loc-RIB after start. */
  get initialSyncComplete(): boolean {
    return this.synced;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.synced = false;
    this.source.on('routes', this.onRoutes);
    const adopted = await this.writer.adoptInstalled();
    this.adopted = new Map(adopted.map((r) => [r.prefix, r]));
    if (adopted.length > 0) this.log.info({ routes: adopted.length }, 'FIB: routes of ours found in the table; kept until the peers have sent their routes');
    this.syncTimer = this.clock.setTimer(this.options.syncDelayMs ?? 30_000, () => {
      this.syncTimer = null;
      void this.sync('timer');
    });
    this.check();
  }

  /** Called by the speaker whenever a peer's progress may have changed (End-of-RIB, peer down). */
  check(): void {
    if (this.running && !this.synced && !this.syncing && this.source.initialSyncDone()) void this.sync('end-of-rib');
  }

  /** Reconciles the table with the Loc-RIB now (also what the timer and the End-of-RIBs do). */
  async sync(why: 'timer' | 'end-of-rib' | 'request' = 'request'): Promise<FlushReport> {
    this.syncTimer?.cancel();
    this.syncTimer = null;
    const run = (async () => {
      await this.writer.flush();
      this.adopted = null;
      const report = await this.writer.reconcile(this.source.wantedRoutes());
      this.synced = true;
      const deleted = report.outcomes.filter((o) => o.ok && o.change.op === 'delete').length;
      this.log.info({ why, changes: report.outcomes.length, deleted, failed: report.failed, refused: report.refused.length }, 'FIB reconciled with the RIB');
      return report;
    })();
    this.syncing = run;
    try {
      return await run;
    } finally {
      this.syncing = null;
    }
  }

  private scheduleCheck(): void {
    if (!this.running || this.checkTimer) return;
    this.checkTimer = this.clock.setTimer(200, () => {
      this.checkTimer = null;
      void this.checkTable().catch((err: unknown) => this.log.error({ err }, 'FIB: checking the table failed'));
    });
  }

  /** Compares the table with what we wrote; restores or reports what someone else changed. */
  async checkTable(): Promise<number> {
    if (!this.running) return 0;
    await this.writer.flush();
    if (this.writer.pendingCount > 0) {
      this.scheduleCheck();
      return 0;
    }
    const listed = new Map((await this.options.backend.list()).map((r) => [r.prefix, r]));
    const believed = this.writer.installed();
    const foreign: string[] = [];
    for (const r of believed) {
      const now = listed.get(r.prefix);
      if (!now || !routeSatisfies(now, r)) foreign.push(r.prefix);
      listed.delete(r.prefix);
    }
    for (const prefix of listed.keys()) foreign.push(prefix);
    if (foreign.length === 0) return 0;
    this.counters.foreign += foreign.length;
    const restore = (this.options.foreignChanges ?? 'restore') === 'restore';
    this.log.warn({ prefixes: foreign.slice(0, 20), count: foreign.length, action: restore ? 'restore' : 'report' }, 'FIB: routes of ours were changed or deleted by someone else');
    if (restore) await this.writer.reconcile(this.synced || !this.adopted ? this.source.wantedRoutes() : [...this.writer.installed()]);
    else await this.writer.adoptInstalled();
    return foreign.length;
  }

  /** Detaches from the speaker; deletes our routes unless `keep` (graceful restart) says otherwise. */
  async stop(keep: boolean): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.source.off('routes', this.onRoutes);
    this.checkTimer?.cancel();
    this.checkTimer = null;
    this.syncTimer?.cancel();
    this.syncTimer = null;
    if (this.syncing) await this.syncing.catch(() => undefined);
    if (keep || this.options.keepOnStop) {
      await this.writer.close();
      this.log.info({ routes: this.writer.installed().length }, 'FIB: routes left in the table for the next start');
    } else {
      const report = await this.writer.removeAll();
      await this.writer.close();
      this.log.info({ deleted: report.outcomes.filter((o) => o.ok).length, failed: report.failed }, 'FIB: our routes removed');
    }
  }

  /** What became of a prefix: installed (and how), pending, refused by a guard rail, or failed. */
  prefixStatus(prefix: string): FibPrefixStatus | null {
    if (this.writer.isPending(prefix)) return { state: 'pending' };
    const problem = this.problems.get(prefix);
    if (problem) return problem;
    const route = this.writer.installedRoute(prefix);
    return route ? { state: 'installed', route } : null;
  }

  installed(): FibRoute[] {
    return this.writer.installed();
  }

  private record(report: FlushReport): void {
    this.counters.flushes++;
    for (const r of report.refused) {
      this.counters.refused++;
      this.problems.set(r.route.prefix, { state: 'refused', reason: r.reason, message: r.message });
    }
    for (const o of report.outcomes) {
      const prefix = o.change.route.prefix;
      if (o.ok) {
        if (o.change.op === 'replace') this.counters.replaced++;
        else this.counters.deleted++;
        this.problems.delete(prefix);
      } else {
        this.counters.failed++;
        if (o.change.op === 'delete' && o.code === 'ESRCH') this.problems.delete(prefix);
        else this.problems.set(prefix, { state: 'failed', code: o.code, message: o.message });
      }
    }
  }
}
