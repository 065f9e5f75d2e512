// Choosing among the paths of one prefix: the best path (RFC 4271 s9.1.2), the multipath (ECMP)
// set beside it, and the ranking explain() shows.

import {
  DECISION_STEPS,
  MULTIPATH_STEPS,
  medComparable,
  medValue,
  preference,
  type DecisionOptions,
  type DecisionReason,
} from './decision.js';
import { infoOf, pathIdOf, type DecisionInput, type PathInfo, type PathRef } from './path.js';

export interface MultipathOptions {
  /** How many paths may share a prefix's traffic, for a best path learned by eBGP and by iBGP. */
  readonly maxPaths: { readonly ebgp: number; readonly ibgp: number };
  /** eBGP multipath across neighbouring ASes, when the AS paths are as long ("as-path multipath-relax"). */
  readonly multipathRelax: boolean;
}

export type SelectionOptions = DecisionOptions & MultipathOptions;

/** Full order between two stored paths: the decision steps, then the ADD-PATH identifier. */
export function compareRefs(a: PathRef, b: PathRef, o: DecisionOptions): number {
  return preference(infoOf(a), infoOf(b), o) || pathIdOf(a) - pathIdOf(b);
}

/**
 * The index of the best path, -1 for none.
 * - alwaysCompareMed: every pair of paths is comparable and the steps order them totally.
 * - deterministicMed (default): RFC 4271 s9.1.2.2 c) compares MED only between paths from one
 *   neighbouring AS, so the best path of each neighbouring AS is chosen first and those are then
 *   compared (MED no longer applies between them). Equivalent to RFC 4271's "remove from
 *   consideration" procedure, and independent of the order the paths arrived in.
 * - otherwise: pairwise in arrival order (later paths challenge the current best), which is what
 *   routers without deterministic MED do; the result can depend on arrival order.
 */
export function selectBest(refs: readonly PathRef[], o: DecisionOptions): number {
  const n = refs.length;
  if (n <= 1) return n - 1;
  if (o.alwaysCompareMed || !o.deterministicMed) {
    let best = 0;
    for (let i = 1; i < n; i++) if (compareRefs(refs[i]!, refs[best]!, o) < 0) best = i;
    return best;
  }
  const winners = groupWinners(refs, o);
  let best = winners[0]!;
  for (let k = 1; k < winners.length; k++) if (compareRefs(refs[winners[k]!]!, refs[best]!, o) < 0) best = winners[k]!;
  return best;
}

/** The best path of each neighbouring AS (indexes into refs, in order of first appearance). */
function groupWinners(refs: readonly PathRef[], o: DecisionOptions): number[] {
  const winners: number[] = [];
  for (let i = 0; i < refs.length; i++) {
    const as = infoOf(refs[i]!).neighborAs;
    let k = 0;
    while (k < winners.length && infoOf(refs[winners[k]!]!).neighborAs !== as) k++;
    if (k === winners.length) winners.push(i);
    else if (compareRefs(refs[i]!, refs[winners[k]!]!, o) < 0) winners[k] = i;
  }
  return winners;
}

/**
 * Two paths may share traffic when they are equal through the IGP metric step (the same
 * stale state, weight, LOCAL_PREF, origination, AS path length, ORIGIN, comparable MED, eBGP or
 * iBGP, and IGP cost) and, for eBGP, come from the same neighbouring AS unless multipathRelax.
 * Symmetric by construction: every test is an equality.
 */
export function multipathEqual(a: DecisionInput, b: DecisionInput, o: SelectionOptions): boolean {
  for (const step of MULTIPATH_STEPS) if (step.compare(a, b, o) !== 0) return false;
  if (a.ebgp && b.ebgp && !o.multipathRelax && a.neighborAs !== b.neighborAs) return false;
  return true;
}

export function maxPathsFor(best: PathInfo, o: MultipathOptions): number {
  if (best.local) return 1;
  return Math.max(1, best.ebgp ? o.maxPaths.ebgp : o.maxPaths.ibgp);
}

/**
 * The multipath set: the best path, then the paths multipath-equal to it in decision order, one
 * per next hop, up to maxPaths. Where MED is comparable (same neighbouring AS), only the lowest
 * MED of the set is kept, so relaxing the AS rule never brings back a path MED removed.
 */
export function multipathSet(refs: readonly PathRef[], best: number, o: SelectionOptions): number[] {
  const b = infoOf(refs[best]!);
  const limit = maxPathsFor(b, o);
  if (limit <= 1 || refs.length === 1) return [best];
  let cands: number[] = [];
  for (let i = 0; i < refs.length; i++) if (i !== best && multipathEqual(b, infoOf(refs[i]!), o)) cands.push(i);
  if (cands.length === 0) return [best];
  // Drop what MED would remove first: the order below is then a total order (MED ties within
  // every neighbouring AS left), so the set does not depend on the order paths arrived in.
  const pool = [best, ...cands].map((i) => infoOf(refs[i]!));
  cands = cands.filter((i) => {
    const p = infoOf(refs[i]!);
    return !pool.some((q) => medComparable(p, q, o) && medValue(q, o) < medValue(p, o));
  });
  cands.sort((x, y) => compareRefs(refs[x]!, refs[y]!, o));
  const set = [best];
  const hops = new Set([b.nextHop]);
  for (const i of cands) {
    if (set.length >= limit) break;
    const p = infoOf(refs[i]!);
    if (hops.has(p.nextHop)) continue;
    hops.add(p.nextHop);
    set.push(i);
  }
  return set;
}

/** The next hops traffic is spread over for a set of paths; none for a locally originated best. */
export function nextHopsOf(refs: readonly PathRef[], set: readonly number[]): string[] {
  const out: string[] = [];
  for (const i of set) {
    const p = infoOf(refs[i]!);
    if (!p.local && p.nextHop !== '') out.push(p.nextHop);
  }
  return out;
}

export interface RankedPath {
  /** Index into the refs given to rankPaths. */
  readonly index: number;
  readonly rank: number;
  /** Index of the path this one lost to (its own neighbouring AS's best under deterministic MED, else the best); -1 for the best. */
  readonly lostTo: number;
  readonly reason: DecisionReason | null;
}

/** All paths, best first, each with the path it lost to and the step that decided. */
export function rankPaths(refs: readonly PathRef[], o: DecisionOptions): RankedPath[] {
  const remaining = refs.map((_, i) => i);
  const order: number[] = [];
  while (remaining.length > 0) {
    const k = selectBest(remaining.map((i) => refs[i]!), o);
    order.push(remaining[k]!);
    remaining.splice(k, 1);
  }
  const best = order[0];
  const winners = o.alwaysCompareMed || !o.deterministicMed ? [] : groupWinners(refs, o);
  return order.map((index, rank) => {
    if (index === best) return { index, rank, lostTo: -1, reason: null };
    const own = winners.find((w) => infoOf(refs[w]!).neighborAs === infoOf(refs[index]!).neighborAs);
    const lostTo = own !== undefined && own !== index ? own : best!;
    return { index, rank, lostTo, reason: decidingStep(refs[lostTo]!, refs[index]!, o) };
  });
}

function decidingStep(winner: PathRef, loser: PathRef, o: DecisionOptions): DecisionReason | null {
  const a = infoOf(winner);
  const b = infoOf(loser);
  for (const step of DECISION_STEPS) if (step.compare(a, b, o) !== 0) return step.reason;
  return pathIdOf(winner) !== pathIdOf(loser) ? 'path-id' : null;
}
