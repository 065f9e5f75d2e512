// Coalescing FIB changes until they are written: pure, no I/O (FibWriter does the I/O).
//
// The coalescer keeps, per prefix, only the latest wanted state (a route, or none) and what it
// believes is installed. At flush time the two are compared: a prefix changed twice is written
// once, a route added and withdrawn in between is not written at all, a route changed back to
// what is installed is not written either. The guard's refusals and the route count limit apply
// here, before anything is written.

import type { RibDelta } from '../rib/delta.js';
import type { FibGuard, FibRefusal } from './guard.js';
import { canonicalPrefix, checkRoute, routeSatisfies } from './route.js';
import type { FibChange, FibResult, FibRoute } from './types.js';

/** A RIB change as the FIB sees it: the new multipath set, or a delete when there is none. */
export function changeFromDelta(d: RibDelta): FibChange {
  const route: FibRoute = { prefix: d.prefix, nextHops: d.best ? d.nextHops.map((address) => ({ address })) : [] };
  // No next hops: the prefix is gone, or originated by us (nothing to forward to).
  return { op: route.nextHops.length > 0 ? 'replace' : 'delete', route };
}

export interface TakenBatch {
  /** Deletes first (they make room under the limit), then replaces. */
  readonly changes: readonly FibChange[];
  readonly refused: readonly FibRefusal[];
}

export class FibCoalescer {
  /** Prefix -> wanted route, or null for "none". */
  private readonly pending = new Map<string, FibRoute | null>();
  /** Routes refused for the count limit only: installed once there is room. */
  private readonly overLimit = new Map<string, FibRoute>();
  private readonly installed = new Map<string, FibRoute>();

  constructor(
    private readonly guard: FibGuard,
    private readonly maxRoutes = Infinity,
  ) {}

  /** Prefixes waiting to be compared and written. */
  get pendingCount(): number {
    return this.pending.size;
  }

  offer(change: FibChange): void {
    const prefix = canonicalPrefix(change.route.prefix);
    this.overLimit.delete(prefix);
    this.pending.set(prefix, change.op === 'replace' ? { ...change.route, prefix } : null);
  }

  offerDelta(d: RibDelta): void {
    this.offer(changeFromDelta(d));
  }

  /** Compares up to `max` pending prefixes with what is installed; they leave the pending set. */
  take(max: number): TakenBatch {
    const deletes: FibChange[] = [];
    const adds: FibRoute[] = [];
    const replaces: FibChange[] = [];
    const refused: FibRefusal[] = [];
    let n = 0;
    for (const [prefix, wanted] of this.pending) {
      if (n++ >= max) break;
      this.pending.delete(prefix);
      const current = this.installed.get(prefix);
      const checked = wanted ? checkRoute(wanted) : null;
      const refusal = !wanted || !checked ? null : checked.ok ? this.guard.checkChecked(checked.checked) : { route: wanted, reason: 'invalid' as const, message: checked.message };
      if (refusal) refused.push(refusal);
      if (!checked?.ok || refusal) {
        // A route we may no longer have must not stay behind in the kernel.
        if (current) deletes.push({ op: 'delete', route: current });
        continue;
      }
      const canonical = checked.checked.route;
      if (current && routeSatisfies(current, canonical)) continue;
      if (current) replaces.push({ op: 'replace', route: canonical });
      else adds.push(canonical);
    }
    // The limit counts what will be installed once the deletes are done.
    let room = this.maxRoutes - (this.installed.size - deletes.length);
    for (const route of adds) {
      if (room > 0) {
        replaces.push({ op: 'replace', route });
        room--;
      } else {
        this.overLimit.set(route.prefix, route);
        refused.push({ route, reason: 'max-routes', message: `${route.prefix}: the FIB holds its maximum of ${this.maxRoutes} routes` });
      }
    }
    // Routes refused earlier for the limit go in when deletes made room.
    for (const [prefix, route] of this.overLimit) {
      if (room <= 0 || replaces.length + deletes.length >= max) break;
      this.overLimit.delete(prefix);
      replaces.push({ op: 'replace', route });
      room--;
    }
    return { changes: [...deletes, ...replaces], refused };
  }

  /** Records what the backend did: the belief about the kernel follows the outcomes. */
  commit(result: FibResult): void {
    for (const o of result.outcomes) {
      const prefix = canonicalPrefix(o.change.route.prefix);
      if (o.ok) {
        if (o.change.op === 'replace') this.installed.set(prefix, o.change.route);
        else this.installed.delete(prefix);
      } else if (o.change.op === 'delete' && o.code === 'ESRCH') {
        this.installed.delete(prefix);
      }
      // A failed replace leaves the old route in place; an unknown outcome (EIO) is left to the next reconcile.
    }
  }

  /** Replaces the belief about the kernel with a listing (at start, or after a reconcile). */
  adopt(installed: readonly FibRoute[]): void {
    this.installed.clear();
    for (const r of installed) this.installed.set(canonicalPrefix(r.prefix), r);
  }

  isPending(prefix: string): boolean {
    return this.pending.has(canonicalPrefix(prefix)) || this.overLimit.has(canonicalPrefix(prefix));
  }

  installedRoute(prefix: string): FibRoute | null {
    return this.installed.get(canonicalPrefix(prefix)) ?? null;
  }

  /** Forgets every wanted change not yet written. */
  dropPending(): void {
    this.pending.clear();
    this.overLimit.clear();
  }

  installedRoutes(): FibRoute[] {
    return [...this.installed.values()];
  }
}
