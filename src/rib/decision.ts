// The BGP decision process (RFC 4271 s9.1), one comparison per step, each beside the text it
// implements. A step returns a negative number when `a` is preferred, positive when `b` is, 0
// when they tie and the next step decides. comparePaths() runs the steps in order and says which
// path won and at which step ("why").

import { ipv4ToU32, parseIpv6 } from '../wire/index.js';
import type { DecisionInput } from './path.js';

export type DecisionReason =
  | 'llgr-stale'
  | 'stale'
  | 'weight'
  | 'local-pref'
  | 'locally-originated'
  | 'as-path-length'
  | 'origin'
  | 'med'
  | 'ebgp-over-ibgp'
  | 'igp-metric'
  | 'originator-id/router-id'
  | 'cluster-list-length'
  | 'peer-address'
  | 'path-id';

export interface DecisionOptions {
  /** Compare MED between paths from different neighbouring ASes too (default false). */
  readonly alwaysCompareMed: boolean;
  /**
   * Compare MED only inside groups of paths from the same neighbouring AS, then compare the
   * group winners (default true). The result then does not depend on arrival order. When false
   * (and alwaysCompareMed is false), paths are compared pairwise in arrival order, as routers
   * without "deterministic-med" do, and the winner can depend on that order.
   */
  readonly deterministicMed: boolean;
  /** A missing MED is the worst (2^32 - 1) rather than RFC 4271's "lowest possible value" 0. */
  readonly medMissingAsWorst: boolean;
  /** Cost of reaching a next hop through the IGP (RFC 4271 s9.1.2.2 e); default 0 for every next hop. */
  readonly igpMetric: (nextHop: string) => number;
}

export const DEFAULT_DECISION_OPTIONS: DecisionOptions = Object.freeze({
  alwaysCompareMed: false,
  deterministicMed: true,
  medMissingAsWorst: false,
  igpMetric: () => 0,
});

export type Step = (a: DecisionInput, b: DecisionInput, o: DecisionOptions) => number;

const STALE_RANK = { none: 0, gr: 1, llgr: 2 } as const;

/**
 * RFC 9494 s4.4 (Route Selection), in substance: a route carrying LLGR_STALE is treated as the
 * least preferred, below any route without it; it is compared first so nothing else outweighs it.
 */
export const compareLlgrStale: Step = (a, b) => (a.stale === 'llgr' ? 1 : 0) - (b.stale === 'llgr' ? 1 : 0);

/**
 * RFC 4724 keeps a restarting peer's routes ("stale") so forwarding continues; they are a stand-in
 * until the peer re-advertises. Like common implementations, Wren prefers any fresh route to a
 * stale one.
 */
export const compareStale: Step = (a, b) => STALE_RANK[a.stale] - STALE_RANK[b.stale];

/** Weight: local to this router, never sent; the highest wins (the vendor step before LOCAL_PREF). */
export const compareWeight: Step = (a, b) => b.weight - a.weight;

/**
 * RFC 4271 s9.1.1: "If the route is learned from an internal peer, either the value of the
 * LOCAL_PREF attribute is taken as the degree of preference, or the local system computes the
 * degree of preference of the route based on preconfigured policy information." s9.1.2: the
 * route with the highest degree of preference is selected. Missing LOCAL_PREF counts as 100.
 */
export const compareLocalPref: Step = (a, b) => b.localPref - a.localPref;

/** Routes this router originates (announceLocal) before learned ones (the vendor step after LOCAL_PREF). */
export const compareLocallyOriginated: Step = (a, b) => (a.local ? 0 : 1) - (b.local ? 0 : 1);

/**
 * RFC 4271 s9.1.2.2 a): "Remove from consideration all routes that are not tied for having the
 * smallest number of AS numbers present in their AS_PATH attributes. Note that when counting
 * this number, an AS_SET counts as 1, no matter how many ASes are in the set." RFC 5065 s5.3:
 * confederation segments are not counted.
 */
export const compareAsPathLength: Step = (a, b) => a.asPathLength - b.asPathLength;

/**
 * RFC 4271 s9.1.2.2 b): "Remove from consideration all routes that are not tied for having the
 * lowest Origin number in their Origin attribute." (IGP 0 < EGP 1 < INCOMPLETE 2.)
 */
export const compareOrigin: Step = (a, b) => a.origin - b.origin;

/**
 * RFC 4271 s9.1.2.2 c): "Remove from consideration routes with less-preferred MULTI_EXIT_DISC
 * attributes. MULTI_EXIT_DISC is only comparable between routes learned from the same
 * neighboring AS (the neighboring AS is determined from the AS_PATH attribute). Routes that do
 * not have the MULTI_EXIT_DISC attribute are considered to have the lowest possible
 * MULTI_EXIT_DISC value." (alwaysCompareMed and medMissingAsWorst change the two rules.)
 */
export const compareMed: Step = (a, b, o) => {
  if (!medComparable(a, b, o)) return 0;
  return medValue(a, o) - medValue(b, o);
};

export function medComparable(a: DecisionInput, b: DecisionInput, o: DecisionOptions): boolean {
  return o.alwaysCompareMed || a.neighborAs === b.neighborAs;
}

export function medValue(p: DecisionInput, o: DecisionOptions): number {
  if (p.med !== null) return p.med;
  return o.medMissingAsWorst ? 0xffffffff : 0;
}

/**
 * RFC 4271 s9.1.2.2 d): "If at least one of the candidate routes was received via EBGP, remove
 * from consideration all routes that were received via IBGP."
 */
export const compareEbgpOverIbgp: Step = (a, b) => (a.ebgp ? 0 : 1) - (b.ebgp ? 0 : 1);

/**
 * RFC 4271 s9.1.2.2 e): "Remove from consideration any routes with less-preferred interior
 * cost. The interior cost of a route is determined by calculating the metric to the NEXT_HOP
 * for the route using the Routing Table." (The caller's igpMetric hook is that table.)
 */
export const compareIgpMetric: Step = (a, b, o) => o.igpMetric(a.nextHop) - o.igpMetric(b.nextHop);

/**
 * RFC 4271 s9.1.2.2 f): "Remove from consideration all routes other than the route that was
 * advertised by the BGP speaker with the lowest BGP Identifier value." RFC 4456 s9: "If a route
 * carries the ORIGINATOR_ID attribute, then in Step f) the ORIGINATOR_ID SHOULD be treated as the
 * BGP Identifier of the BGP speaker that has advertised the route."
 */
export const compareRouterId: Step = (a, b) => ipv4Order(a.routerId) - ipv4Order(b.routerId);

/**
 * RFC 4456 s9: "the following rule SHOULD be inserted between Steps f) and g): a BGP Speaker
 * SHOULD prefer a route with the shorter CLUSTER_LIST length. The CLUSTER_LIST length is zero if
 * a route does not carry the CLUSTER_LIST attribute."
 */
export const compareClusterListLength: Step = (a, b) => a.clusterListLength - b.clusterListLength;

/** RFC 4271 s9.1.2.2 g): "Prefer the route received from the lowest peer address." */
export const comparePeerAddress: Step = (a, b) => {
  const x = addressOrder(a.peerAddress);
  const y = addressOrder(b.peerAddress);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Several paths of one peer (ADD-PATH, RFC 7911) that tie everywhere else: the lowest identifier. */
export const comparePathId: Step = (a, b) => (a.pathId ?? 0) - (b.pathId ?? 0);

/** The steps in the order they are applied. */
export const DECISION_STEPS: readonly { readonly reason: DecisionReason; readonly compare: Step }[] = [
  { reason: 'llgr-stale', compare: compareLlgrStale },
  { reason: 'stale', compare: compareStale },
  { reason: 'weight', compare: compareWeight },
  { reason: 'local-pref', compare: compareLocalPref },
  { reason: 'locally-originated', compare: compareLocallyOriginated },
  { reason: 'as-path-length', compare: compareAsPathLength },
  { reason: 'origin', compare: compareOrigin },
  { reason: 'med', compare: compareMed },
  { reason: 'ebgp-over-ibgp', compare: compareEbgpOverIbgp },
  { reason: 'igp-metric', compare: compareIgpMetric },
  { reason: 'originator-id/router-id', compare: compareRouterId },
  { reason: 'cluster-list-length', compare: compareClusterListLength },
  { reason: 'peer-address', compare: comparePeerAddress },
  { reason: 'path-id', compare: comparePathId },
];

/** Steps up to and including the IGP metric: paths equal through these may share the traffic (ECMP). */
export const MULTIPATH_STEPS = DECISION_STEPS.slice(0, DECISION_STEPS.findIndex((s) => s.reason === 'igp-metric') + 1);

export interface Comparison {
  /** 'a' or 'b', or null when every step ties (the same path). */
  readonly winner: 'a' | 'b' | null;
  /** The step that decided; null on a tie. */
  readonly reason: DecisionReason | null;
}

/** Compares two paths; the winner is the preferred one and `reason` the step that decided. */
export function comparePaths(a: DecisionInput, b: DecisionInput, options: Partial<DecisionOptions> = {}): Comparison {
  const o = options === DEFAULT_DECISION_OPTIONS ? DEFAULT_DECISION_OPTIONS : { ...DEFAULT_DECISION_OPTIONS, ...options };
  for (const step of DECISION_STEPS) {
    const c = step.compare(a, b, o);
    if (c !== 0) return { winner: c < 0 ? 'a' : 'b', reason: step.reason };
  }
  return { winner: null, reason: null };
}

/** The same as comparePaths, as a number (< 0: a preferred), without allocating. */
export function preference(a: DecisionInput, b: DecisionInput, o: DecisionOptions): number {
  for (const step of DECISION_STEPS) {
    const c = step.compare(a, b, o);
    if (c !== 0) return c;
  }
  return 0;
}

// Identifiers and addresses repeat across every path of a peer: convert each text once.
const orderCache = new Map<string, number | string>();
const ORDER_CACHE_MAX = 1 << 14;

function cached(text: string, convert: (t: string) => number | string): number | string {
  let v = orderCache.get(text);
  if (v === undefined) {
    v = convert(text);
    if (orderCache.size >= ORDER_CACHE_MAX) orderCache.clear();
    orderCache.set(text, v);
  }
  return v;
}

function ipv4Order(text: string): number {
  return cached(text, (t) => Math.max(ipv4ToU32(t), 0)) as number;
}

/** IPv4 addresses before IPv6, each in numeric order, as a comparable string. */
function addressOrder(text: string): string {
  return cached(`@${text}`, (t) => {
    const v4 = ipv4ToU32(t.slice(1));
    if (v4 >= 0) return `4${v4.toString(16).padStart(8, '0')}`;
    const v6 = parseIpv6(t.slice(1));
    return v6 ? `6${Array.from(v6, (b) => b.toString(16).padStart(2, '0')).join('')}` : `9${t}`;
  }) as string;
}
