// The health checks of all announcements, keyed by announcement id. A config reload hands over
// the new specs; only what changed is touched, so a reload never resets a check that is in the
// middle of rising or falling, and never flaps a route whose check did not change.
import { EventEmitter } from 'node:events';
import { HealthChecker, type HealthCheckerOptions } from './checker.js';
import { resolveHealthCheck, sameHealthCheck } from './spec.js';
import type { HealthCheckSpec, HealthState, ProbeResult } from './types.js';

export interface HealthSetEvents {
  change: [id: string, state: HealthState, reason: string];
  probe: [id: string, result: ProbeResult];
}

/** What update() did, by announcement id. */
export interface HealthSetUpdate {
  /** New ids: started, in their initial state (read it with state(id)). */
  readonly added: readonly string[];
  /** Gone from the specs: stopped and forgotten. */
  readonly removed: readonly string[];
  /** Spec changed: the old checker stopped, a new one started from its initial state. */
  readonly replaced: readonly string[];
  /** Same spec: left running, state kept. */
  readonly kept: readonly string[];
}

export class HealthSet extends EventEmitter<HealthSetEvents> {
  private readonly checkers = new Map<string, HealthChecker>();

  constructor(private readonly options: HealthCheckerOptions = {}) {
    super();
  }

  /**
   * Makes the running checks match `specs`. All specs are checked first: if one is invalid this
   * throws a RangeError naming the id, and nothing changes. A replaced checker whose new initial
   * state differs from the old checker's state emits 'change' (synchronously), so a listener that
   * follows 'change' events keeps its routes right across a reload.
   */
  update(specs: ReadonlyMap<string, HealthCheckSpec>): HealthSetUpdate {
    for (const [id, spec] of specs) {
      try {
        resolveHealthCheck(spec);
      } catch (e) {
        throw new RangeError(`${id}: ${(e as Error).message}`);
      }
    }
    const added: string[] = [];
    const removed: string[] = [];
    const replaced: string[] = [];
    const kept: string[] = [];
    for (const [id, checker] of this.checkers) {
      if (specs.has(id)) continue;
      this.drop(id, checker);
      removed.push(id);
    }
    const changes: [string, HealthState][] = [];
    for (const [id, spec] of specs) {
      const old = this.checkers.get(id);
      if (old && sameHealthCheck(old.spec, spec)) {
        kept.push(id);
        continue;
      }
      if (old) this.drop(id, old);
      const checker = this.add(id, spec);
      if (old) {
        replaced.push(id);
        if (checker.state !== old.state) changes.push([id, checker.state]);
      } else {
        added.push(id);
      }
    }
    for (const [id, state] of changes) this.emit('change', id, state, `health check changed; starting ${state}`);
    return { added, removed, replaced, kept };
  }

  get(id: string): HealthChecker | undefined {
    return this.checkers.get(id);
  }

  state(id: string): HealthState | undefined {
    return this.checkers.get(id)?.state;
  }

  ids(): string[] {
    return [...this.checkers.keys()];
  }

  get size(): number {
    return this.checkers.size;
  }

  /** Stops and forgets every checker. */
  stop(): void {
    for (const [id, checker] of this.checkers) this.drop(id, checker);
  }

  private add(id: string, spec: HealthCheckSpec): HealthChecker {
    const checker = new HealthChecker(spec, this.options);
    checker.on('probe', (result) => this.emit('probe', id, result));
    checker.on('change', (state, reason) => this.emit('change', id, state, reason));
    this.checkers.set(id, checker);
    checker.start();
    return checker;
  }

  private drop(id: string, checker: HealthChecker): void {
    checker.stop();
    checker.removeAllListeners();
    this.checkers.delete(id);
  }
}
