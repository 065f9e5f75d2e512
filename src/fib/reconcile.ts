// Reconciling at start (issue #5, the IBM field note): read what is installed with our protocol
// id, compare with what the RIB wants, apply only the difference. A restarted Wren comes back to
// the same kernel state, without duplicates and without rewriting routes that are already right.

import { canonicalPrefix, checkRoute, routeSatisfies } from './route.js';
import type { FibBackend, FibChange, FibResult, FibRoute } from './types.js';

/** The changes that turn `installed` into `desired`: deletes first, then replaces. Pure. */
export function diffRoutes(installed: readonly FibRoute[], desired: readonly FibRoute[]): FibChange[] {
  const want = new Map<string, FibRoute>();
  for (const r of desired) {
    const c = checkRoute(r);
    // A malformed route is still asked for, so that the backend reports it (EINVAL).
    want.set(c.ok ? c.checked.route.prefix : r.prefix, c.ok ? c.checked.route : r);
  }
  const have = new Map<string, FibRoute>();
  for (const r of installed) have.set(canonicalPrefix(r.prefix), r);
  const deletes: FibChange[] = [];
  for (const [prefix, route] of have) if (!want.has(prefix)) deletes.push({ op: 'delete', route });
  const replaces: FibChange[] = [];
  for (const [prefix, route] of want) {
    const current = have.get(prefix);
    if (!current || !routeSatisfies(current, route)) replaces.push({ op: 'replace', route });
  }
  return [...deletes, ...replaces];
}

export interface Reconciliation {
  /** What the backend listed before. */
  readonly installed: readonly FibRoute[];
  readonly changes: readonly FibChange[];
  readonly result: FibResult;
}

/** Lists the backend's routes and applies the difference to `desired`. */
export async function reconcile(backend: FibBackend, desired: readonly FibRoute[]): Promise<Reconciliation> {
  const installed = await backend.list();
  const changes = diffRoutes(installed, desired);
  const result = changes.length > 0 ? await backend.apply(changes) : { outcomes: [], failed: 0 };
  return { installed, changes, result };
}
