// What `wren status` and `wren routes` show, as plain JSON-able data: the lab prints them now, and
// the daemon's control API will serve them. Field names are a stable interface (docs/lab.md shows
// them); add fields, do not rename them. Everything is computed from the Speaker's public queries.

import type { State } from '../fsm/index.js';
import type { DecisionReason, ExplainedPath, Path, Route } from '../rib/index.js';
import { formatAsPath, formatCommunity, parsePrefix } from '../wire/index.js';
import type { FamilyName, Speaker } from './speaker.js';

/** One peer, as the `wren status` table and `wren status --json` show it. */
export interface PeerView {
  /** The peer's address. */
  readonly address: string;
  /** The peer's AS (from its OPEN once known; 0 for a dynamic neighbor of 'any' AS before it). */
  readonly remoteAsn: number;
  readonly type: 'ibgp' | 'ebgp';
  /** We reflect routes to this peer (it is our route-reflector client, RFC 4456). */
  readonly routeReflectorClient?: boolean;
  /** Accepted from a dynamic-neighbor range. */
  readonly dynamic?: boolean;
  readonly description?: string;
  /** The RFC 4271 s8.2.2 state name: Idle, Connect, Active, OpenSent, OpenConfirm, Established. */
  readonly state: State;
  /** When the session entered its state (ISO 8601, UTC). */
  readonly since: string;
  /** Milliseconds in the state. */
  readonly sinceMs: number;
  /**
   * The INFO column of `calicoctl node status`: "Established" when up; otherwise the state name
   * and, when there is one, what went wrong last ("Active: Cease / Administrative Shutdown").
   */
  readonly info: string;
  /** What went wrong last (a NOTIFICATION sent or received, a socket error), when anything did. */
  readonly lastError?: string;
  /** The peer's BGP Identifier, once its OPEN was received. */
  readonly routerId?: string;
  /** The negotiated hold time (seconds), once its OPEN was received. */
  readonly holdTime?: number;
  readonly families: readonly FamilyName[];
  /** Paths accepted from the peer (after import policy), all families. */
  readonly prefixesReceived: number;
  /**
   * Of those, how many are the best path of their prefix or in its ECMP set. Absent when the view
   * was asked without counts (`bestCounts: false`), which saves a walk over the Loc-RIB.
   */
  readonly prefixesBest?: number;
  /** Families whose End-of-RIB the peer has sent in this session. */
  readonly endOfRibReceived: readonly FamilyName[];
}

/** `wren status --json`. */
export interface StatusView {
  readonly localAsn: number;
  readonly routerId: string;
  readonly peers: readonly PeerView[];
}

export interface StatusViewOptions {
  /** The wall-clock time `since` is computed from (now). */
  readonly now?: Date;
  /** Count `prefixesBest` (one walk over the Loc-RIB; default true). */
  readonly bestCounts?: boolean;
}

/** The best path of a prefix. */
export interface BestPathView {
  /** The peer it was learned from (its address), or 'local' for a route this speaker announces. */
  readonly peer: string;
  /** The peer's AS; absent for a local route. */
  readonly peerAsn?: number;
  /** "64512 65000 {1 2}": AS_SETs in braces, confederation segments in parentheses/brackets; "" when empty. */
  readonly asPath: string;
  readonly origin: OriginName;
  /** LOCAL_PREF when the path carries one (iBGP). */
  readonly localPref?: number;
  readonly med?: number;
  /** "65000:100", or a well-known name ("no-export"). */
  readonly communities?: readonly string[];
  /** "64512:1:2". */
  readonly largeCommunities?: readonly string[];
  /** The path's next hop; "" for a local route announced with next hop self. */
  readonly nextHop: string;
  /** Kept across a peer's restart: 'gr' (RFC 4724) or 'llgr' (RFC 9494). Absent when fresh. */
  readonly stale?: 'gr' | 'llgr';
}

export type OriginName = 'igp' | 'egp' | 'incomplete';

/** What became of a prefix on its way into the forwarding table. */
export interface FibStateView {
  /**
   * installed: in the table as the RIB wants it; pending: a write is on its way; refused: a guard
   * rail kept it out (docs/fib.md); failed: the table refused the write; none: not in the table
   * (a local route, or not written yet).
   */
  readonly state: 'installed' | 'pending' | 'refused' | 'failed' | 'none';
  /** Why, for refused / failed / none. */
  readonly detail?: string;
}

/** One candidate path of a prefix, ranked (`wren routes --why`). */
export interface CandidateView {
  /** Peer address, or 'local'. */
  readonly peer: string;
  /** 0 for the best path. */
  readonly rank: number;
  readonly best: boolean;
  /** In the ECMP set. */
  readonly multipath: boolean;
  readonly asPath: string;
  readonly nextHop: string;
  readonly localPref: number;
  readonly med?: number;
  readonly origin: OriginName;
  /**
   * Why it ranks where it does, in words: "best path"; "in the ECMP set (192.168.1.11 won the
   * tie-break: lower router id (...))"; or "lost to 192.168.1.12: shorter AS path (2 < 3)".
   */
  readonly reason: string;
  /** The step of the decision process that decided (src/rib/decision.ts names); null for the best path. */
  readonly step: DecisionReason | null;
}

/** One prefix of the Loc-RIB. */
export interface RouteView {
  readonly prefix: string;
  /** The next hops traffic is spread over (the ECMP set); empty for a local route. */
  readonly nextHops: readonly string[];
  /** The ECMP set with the peer each next hop was learned from, in the order of `nextHops`. */
  readonly ecmp: readonly { readonly nextHop: string; readonly peer: string }[];
  readonly best: BestPathView;
  /** Candidate paths held for the prefix. */
  readonly paths: number;
  /** The forwarding table's state of the prefix; null when the speaker keeps no table. */
  readonly fib: FibStateView | null;
  /** Every candidate, ranked, when asked for (`why`). */
  readonly why?: readonly CandidateView[];
}

/** `wren routes --json`. */
export interface RoutesView {
  readonly routes: readonly RouteView[];
  /** More routes matched than `limit` allowed. */
  readonly truncated?: boolean;
}

export interface RoutesViewOptions {
  /** "10.244.0.0/26": that prefix exactly; "10.244.0.5": the longest match of the address. */
  readonly prefix?: string;
  /** Rank every candidate and say why (`why` on each route). */
  readonly why?: boolean;
  /** Only IPv4 (1) or IPv6 (2). */
  readonly afi?: 1 | 2;
  /** At most this many routes. */
  readonly limit?: number;
}

export class ViewError extends Error {
  override readonly name = 'ViewError';
}

const ORIGINS: readonly OriginName[] = ['igp', 'egp', 'incomplete'];

/** The peer table of a speaker. */
export function statusView(speaker: Speaker, options: StatusViewOptions = {}): StatusView {
  const now = (options.now ?? new Date()).getTime();
  const best = options.bestCounts === false ? null : bestCounts(speaker);
  const peers = speaker.peerStates().map((p): PeerView => {
    const config = speaker.peerConfig(p.address);
    const sinceMs = Math.max(0, Math.round(p.sinceMs));
    const up = p.state === 'Established';
    return {
      address: p.address,
      remoteAsn: p.remoteAsn,
      type: p.type,
      ...(config?.routeReflectorClient ? { routeReflectorClient: true } : {}),
      ...(p.dynamic ? { dynamic: true } : {}),
      ...(p.description ? { description: p.description } : {}),
      state: p.state,
      since: new Date(now - sinceMs).toISOString(),
      sinceMs,
      info: up ? 'Established' : p.info ? `${p.state}: ${p.info}` : p.state,
      ...(p.info ? { lastError: p.info } : {}),
      ...(p.routerId !== undefined ? { routerId: p.routerId } : {}),
      ...(p.holdTime !== undefined ? { holdTime: p.holdTime } : {}),
      families: p.families,
      prefixesReceived: p.prefixesReceived,
      ...(best ? { prefixesBest: best.get(p.address) ?? 0 } : {}),
      endOfRibReceived: p.endOfRibReceived,
    };
  });
  return { localAsn: speaker.options.localAsn, routerId: speaker.options.routerId, peers };
}

/**
 * Per peer, the paths that are the best of their prefix or in its ECMP set: one walk over the
 * Loc-RIB; the ranking is computed only for prefixes with several next hops.
 */
function bestCounts(speaker: Speaker): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (peer: string) => counts.set(peer, (counts.get(peer) ?? 0) + 1);
  for (const r of speaker.rib.routes()) {
    if (r.nextHops.length <= 1) {
      add(r.best.peerId);
      continue;
    }
    for (const c of speaker.explain(r.prefix)?.candidates ?? []) if (c.best || c.multipath) add(c.path.peerId);
  }
  return counts;
}

/** The Loc-RIB, or one prefix of it, with the forwarding table's state of each prefix. */
export function routesView(speaker: Speaker, options: RoutesViewOptions = {}): RoutesView {
  const asns = new Map(speaker.peerStates().map((p) => [p.address, p.remoteAsn]));
  const make = (r: Route) => routeView(speaker, r, asns, options.why ?? false);
  if (options.prefix !== undefined) {
    const text = options.prefix.trim();
    const parsed = parsePrefix(text);
    if (!parsed) throw new ViewError(`"${options.prefix}" is neither a prefix nor an address`);
    if (options.afi !== undefined && parsed.afi !== options.afi) return { routes: [] };
    const r = text.includes('/') ? speaker.route(text) : speaker.lookup(text);
    return { routes: r ? [make(r)] : [] };
  }
  const limit = options.limit ?? Infinity;
  if (!(limit >= 0)) throw new ViewError(`limit must be a number >= 0: ${options.limit}`);
  const routes: RouteView[] = [];
  for (const r of speaker.rib.routes(options.afi !== undefined ? { afi: options.afi } : {})) {
    if (routes.length >= limit) return { routes, truncated: true };
    routes.push(make(r));
  }
  return { routes };
}

function routeView(speaker: Speaker, r: Route, asns: ReadonlyMap<string, number>, why: boolean): RouteView {
  const multi = r.nextHops.length > 1;
  const explanation = why || multi ? speaker.explain(r.prefix) : null;
  const candidates = explanation?.candidates ?? [];
  let ecmp: { nextHop: string; peer: string }[];
  if (multi) {
    const byHop = new Map(candidates.filter((c) => c.best || c.multipath).map((c) => [c.path.nextHop, c.path.peerId]));
    ecmp = r.nextHops.map((nextHop) => ({ nextHop, peer: byHop.get(nextHop) ?? r.best.peerId }));
  } else {
    ecmp = r.nextHops.map((nextHop) => ({ nextHop, peer: r.best.peerId }));
  }
  return {
    prefix: r.prefix,
    nextHops: [...r.nextHops],
    ecmp,
    best: bestPathView(r.best, asns),
    paths: r.pathCount,
    fib: fibState(speaker, r),
    ...(why ? { why: candidates.map((c) => candidateView(c, candidates)) } : {}),
  };
}

function bestPathView(p: Path, asns: ReadonlyMap<string, number>): BestPathView {
  const peerAsn = p.local ? undefined : asns.get(p.peerId);
  const communities: string[] = [];
  const large: string[] = [];
  let localPref: number | undefined;
  for (const a of p.attributes) {
    if (a.type === 'communities') communities.push(...a.communities.map(formatCommunity));
    else if (a.type === 'large-communities') large.push(...a.communities.map((c) => c.join(':')));
    else if (a.type === 'local-pref') localPref = a.localPref;
  }
  return {
    peer: p.peerId,
    ...(peerAsn !== undefined ? { peerAsn } : {}),
    asPath: formatAsPath(p.asPath),
    origin: ORIGINS[p.origin] ?? 'incomplete',
    ...(localPref !== undefined ? { localPref } : {}),
    ...(p.med !== null ? { med: p.med } : {}),
    ...(communities.length ? { communities } : {}),
    ...(large.length ? { largeCommunities: large } : {}),
    nextHop: nextHopText(p),
    ...(p.stale !== 'none' ? { stale: p.stale } : {}),
  };
}

/** Local routes announced with next hop self carry a placeholder (0.0.0.0 / ::): shown as "". */
function nextHopText(p: Path): string {
  return p.local && (p.nextHop === '0.0.0.0' || p.nextHop === '::') ? '' : p.nextHop;
}

function fibState(speaker: Speaker, r: Route): FibStateView | null {
  const fib = speaker.fib;
  if (!fib) return null;
  const s = fib.prefixStatus(r.prefix);
  if (s) {
    switch (s.state) {
      case 'installed':
      case 'pending':
        return { state: s.state };
      case 'refused':
        return { state: 'refused', detail: `${s.reason}: ${s.message}` };
      case 'failed':
        return { state: 'failed', detail: `${s.code}: ${s.message}` };
    }
  }
  if (r.nextHops.length === 0) return { state: 'none', detail: r.best.local ? 'announced by this speaker: nothing to forward' : 'no next hop' };
  return { state: 'none', detail: 'not written yet' };
}

function candidateView(c: ExplainedPath, all: readonly ExplainedPath[]): CandidateView {
  const p = c.path;
  return {
    peer: p.peerId,
    rank: c.rank,
    best: c.best,
    multipath: c.multipath,
    asPath: formatAsPath(p.asPath),
    nextHop: nextHopText(p),
    localPref: p.localPref,
    ...(p.med !== null ? { med: p.med } : {}),
    origin: ORIGINS[p.origin] ?? 'incomplete',
    reason: candidateReason(c, all),
    step: c.best ? null : c.reason,
  };
}

function candidateReason(c: ExplainedPath, all: readonly ExplainedPath[]): string {
  if (c.best) return 'best path';
  const winner = c.lostTo ? all.find((o) => o.path.peerId === c.lostTo!.peerId && o.path.pathId === c.lostTo!.pathId) : undefined;
  const who = c.lostTo?.peerId ?? 'the best path';
  const why = winner && c.reason ? reasonText(c.reason, winner.path, c.path) : 'equal in every step';
  if (c.multipath) return `in the ECMP set (${who} won the tie-break: ${why})`;
  return `lost to ${who}: ${why}`;
}

/** The step of the decision process that decided, in words, from the winner's side. */
export function reasonText(step: DecisionReason, winner: Path, loser: Path): string {
  switch (step) {
    case 'llgr-stale':
      return 'not long-lived stale (RFC 9494)';
    case 'stale':
      return 'not stale (graceful restart, RFC 4724)';
    case 'weight':
      return `higher weight (${winner.weight} > ${loser.weight})`;
    case 'local-pref':
      return `higher local preference (${winner.localPref} > ${loser.localPref})`;
    case 'locally-originated':
      return 'a locally originated route';
    case 'as-path-length':
      return `shorter AS path (${winner.asPathLength} < ${loser.asPathLength})`;
    case 'origin':
      return `lower origin (${ORIGINS[winner.origin]} < ${ORIGINS[loser.origin]})`;
    case 'med':
      return `lower MED (${winner.med ?? 0} < ${loser.med ?? 0})`;
    case 'ebgp-over-ibgp':
      return 'an eBGP path (preferred over iBGP)';
    case 'igp-metric':
      return 'a lower IGP metric to its next hop';
    case 'originator-id/router-id':
      return `lower router id (${winner.routerId} < ${loser.routerId})`;
    case 'cluster-list-length':
      return `shorter cluster list (${winner.clusterListLength} < ${loser.clusterListLength})`;
    case 'peer-address':
      return `lower peer address (${winner.peerAddress} < ${loser.peerAddress})`;
    case 'path-id':
      return `lower path id (${winner.pathId} < ${loser.pathId})`;
  }
}
