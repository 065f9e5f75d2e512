// Paths as the RIB stores them. One PathInfo is shared by every prefix of one UPDATE (per peer
// session, family and attribute set): what the decision process reads from the attributes is
// derived once per UPDATE (and only once a comparison needs it), not once per prefix. A prefix
// refers to its PathInfo directly, or through a PathWithId when ADD-PATH gave it a path
// identifier other than 0. PathInfo objects are immutable; marking paths stale replaces them
// (see graceful-restart.ts).

import { asPathLength, effectiveAsPath, type AsPathSegment, type OriginCode, type PathAttribute } from '../wire/index.js';
import { LLGR_STALE, NO_LLGR, hasCommunity } from './attributes.js';
import type { PeerInfo } from './peer.js';

/** Graceful restart state of a path: fresh, stale (RFC 4724), long-lived stale (RFC 9494). */
export type StaleState = 'none' | 'gr' | 'llgr';

/** LOCAL_PREF of a path without one: RFC 4271 names no default; 100 is what implementations use. */
export const DEFAULT_LOCAL_PREF = 100;

/** What the decision process reads of a path. Both the RIB's PathInfo and the public Path have it. */
export interface DecisionInput {
  readonly stale: StaleState;
  /** Local to this router (never sent); higher wins. */
  readonly weight: number;
  readonly localPref: number;
  /** Originated by this router (announceLocal). */
  readonly local: boolean;
  /** RFC 4271 s9.1.2.2 a): an AS_SET counts 1, confederation segments 0. */
  readonly asPathLength: number;
  readonly origin: OriginCode;
  /** MULTI_EXIT_DISC, or null when absent. */
  readonly med: number | null;
  /** RFC 4271 s9.1.2.2 c): the AS MEDs are comparable within. */
  readonly neighborAs: number;
  readonly ebgp: boolean;
  readonly nextHop: string;
  /** ORIGINATOR_ID when present (RFC 4456 s9), else the BGP Identifier of the peer. */
  readonly routerId: string;
  readonly clusterListLength: number;
  readonly peerAddress: string;
  /** ADD-PATH path identifier (RFC 7911); 0 without ADD-PATH. */
  readonly pathId?: number;
}

/** A path at the edges (deltas, lookups, explain): plain data. */
export interface Path extends DecisionInput {
  readonly prefix: string;
  readonly afi: 1 | 2;
  readonly peerId: string;
  readonly pathId: number;
  /** As accepted (after the import filter); MP_REACH_NLRI keeps its next hop only (nlri: null). */
  readonly attributes: readonly PathAttribute[];
  /** The AS path the decision used (RFC 6793 merge applied for 2-octet peers). */
  readonly asPath: readonly AsPathSegment[];
}

/** What the decision process reads from the attributes; derived on first comparison. */
interface DecisionView {
  readonly asPath: readonly AsPathSegment[];
  readonly localPref: number;
  readonly med: number | null;
  readonly origin: OriginCode;
  readonly asPathLength: number;
  readonly neighborAs: number;
  readonly routerId: string;
  readonly clusterListLength: number;
}

const lastPeek: { info: PathInfo | null; view: DecisionView | null } = { info: null, view: null };

const LOCAL = 1;
const EBGP = 2;
const RETAINED = 4;
const NO_LLGR_BIT = 8;
const AS2 = 16;
const IPV6 = 32;
const STALE_SHIFT = 6;
const STALE_STATES: readonly StaleState[] = ['none', 'gr', 'llgr'];

/**
 * A path as stored: per prefix of a full table this is shared by the ~6 prefixes of an UPDATE,
 * so it is kept small (6 fields): flags packed in one number, and what only the decision process
 * reads derived on the first comparison (most prefixes of a table from one peer never need it).
 */
export class PathInfo implements DecisionInput {
  readonly nextHop: string;
  private readonly bits: number;
  private view: DecisionView | null = null;

  constructor(
    readonly source: PeerInfo,
    afi: 1 | 2,
    readonly attributes: readonly PathAttribute[],
    /** Whether AS_PATH carries 4-octet ASNs (else AS4_PATH is merged, RFC 6793). */
    asn4: boolean,
    readonly weight: number,
    stale: StaleState,
    local: boolean,
    /** Kept from a session that went down (graceful restart): removed by End-of-RIB or the stale timer. */
    retained: boolean,
  ) {
    let nextHop = '';
    let llgrStale = false;
    let noLlgr = false;
    for (const a of attributes) {
      if (a.type === 'next-hop') {
        if (afi === 1 && nextHop === '') nextHop = a.nextHop;
      } else if (a.type === 'mp-reach') {
        // RFC 4760 s3: the MP_REACH_NLRI next hop is the one for its family.
        if (a.afi === afi && a.nextHops.length > 0) nextHop = a.nextHops[0]!;
      } else if (a.type === 'communities') {
        llgrStale = hasCommunity(a.communities, LLGR_STALE);
        noLlgr = hasCommunity(a.communities, NO_LLGR);
      }
    }
    this.nextHop = nextHop;
    // RFC 9494 s4.3: a path received with LLGR_STALE is treated as long-lived stale wherever it came from.
    const s = llgrStale ? 'llgr' : stale;
    this.bits =
      (local ? LOCAL : 0) |
      (!local && !source.ibgp ? EBGP : 0) |
      (retained ? RETAINED : 0) |
      (noLlgr ? NO_LLGR_BIT : 0) |
      (asn4 ? 0 : AS2) |
      (afi === 2 ? IPV6 : 0) |
      (STALE_STATES.indexOf(s) << STALE_SHIFT);
  }

  get afi(): 1 | 2 {
    return this.bits & IPV6 ? 2 : 1;
  }
  get local(): boolean {
    return (this.bits & LOCAL) !== 0;
  }
  get ebgp(): boolean {
    return (this.bits & EBGP) !== 0;
  }
  get retained(): boolean {
    return (this.bits & RETAINED) !== 0;
  }
  /** Carries NO_LLGR (RFC 9494 s4.5): dropped rather than kept LLGR-stale. */
  get noLlgr(): boolean {
    return (this.bits & NO_LLGR_BIT) !== 0;
  }
  get asn4(): boolean {
    return (this.bits & AS2) === 0;
  }
  get stale(): StaleState {
    return STALE_STATES[this.bits >>> STALE_SHIFT]!;
  }
  get peerAddress(): string {
    return this.source.address;
  }
  get peerId(): string {
    return this.source.id;
  }
  get asPath(): readonly AsPathSegment[] {
    return this.decision().asPath;
  }
  get localPref(): number {
    return this.decision().localPref;
  }
  get med(): number | null {
    return this.decision().med;
  }
  get origin(): OriginCode {
    return this.decision().origin;
  }
  get asPathLength(): number {
    return this.decision().asPathLength;
  }
  get neighborAs(): number {
    return this.decision().neighborAs;
  }
  get routerId(): string {
    return this.decision().routerId;
  }
  get clusterListLength(): number {
    return this.decision().clusterListLength;
  }

  /** The decision fields, kept once a comparison needed them. */
  decision(): DecisionView {
    return (this.view ??= this.derive());
  }

  /**
   * The decision fields without keeping them on the path (materializing a Path for a delta).
   * The prefixes of one UPDATE come one after the other: the last result is reused.
   */
  peek(): DecisionView {
    if (this.view) return this.view;
    if (lastPeek.info !== this) {
      lastPeek.info = this;
      lastPeek.view = this.derive();
    }
    return lastPeek.view!;
  }

  /** The same path retained across a session loss, with the given attributes and stale state. */
  retain(attributes: readonly PathAttribute[], stale: StaleState): PathInfo {
    return new PathInfo(this.source, this.afi, attributes, this.asn4, this.weight, stale, this.local, true);
  }

  private derive(): DecisionView {
    let localPref = DEFAULT_LOCAL_PREF;
    let med: number | null = null;
    let origin: OriginCode = 2;
    let routerId = this.source.routerId;
    let clusterListLength = 0;
    for (const a of this.attributes) {
      switch (a.type) {
        case 'local-pref':
          localPref = a.localPref;
          break;
        case 'med':
          med = a.med;
          break;
        case 'origin':
          origin = a.origin;
          break;
        case 'originator-id':
          routerId = a.originatorId;
          break;
        case 'cluster-list':
          clusterListLength = a.clusterIds.length;
          break;
        default:
          break;
      }
    }
    const asPath = effectiveAsPath(this.attributes, this.asn4).segments;
    return {
      asPath,
      localPref,
      med,
      origin,
      asPathLength: asPathLength(asPath),
      neighborAs: neighborAs(asPath, this.source.localAsn),
      routerId,
      clusterListLength,
    };
  }
}

/** A path whose ADD-PATH identifier is not 0: the shared PathInfo plus the id. */
export class PathWithId {
  constructor(
    readonly info: PathInfo,
    readonly pathId: number,
  ) {}
}

/** What a prefix holds for one of its paths. */
export type PathRef = PathInfo | PathWithId;

export function infoOf(ref: PathRef): PathInfo {
  return ref instanceof PathWithId ? ref.info : ref;
}

export function pathIdOf(ref: PathRef): number {
  return ref instanceof PathWithId ? ref.pathId : 0;
}

export function makeRef(info: PathInfo, pathId: number): PathRef {
  return pathId === 0 ? info : new PathWithId(info, pathId);
}

/**
 * RFC 4271 s9.1.2.2 c): "neighborAS(n) is a function that returns the neighbor AS from which the
 * route was received. If the route is learned via IBGP, and the other IBGP speaker didn't
 * originate the route, it is the neighbor AS from which the other IBGP speaker learned the route.
 * If the route is learned via IBGP, and the other IBGP speaker either (a) originated the route, or
 * (b) created the route by aggregation and the AS_PATH attribute of the aggregate route is either
 * empty or begins with an AS_SET, it is the local AS." Leading confederation segments are skipped.
 */
export function neighborAs(segments: readonly AsPathSegment[], localAsn: number): number {
  for (const s of segments) {
    if (s.type === 3 || s.type === 4) continue;
    return s.type === 2 && s.asns.length > 0 ? s.asns[0]! : localAsn;
  }
  return localAsn;
}

/** The public, plain-data form of a path of `prefix`. */
export function toPath(ref: PathRef, prefix: string): Path {
  const p = infoOf(ref);
  const d = p.peek();
  return {
    prefix,
    afi: p.afi,
    peerId: p.source.id,
    pathId: pathIdOf(ref),
    attributes: p.attributes,
    asPath: d.asPath,
    nextHop: p.nextHop,
    stale: p.stale,
    weight: p.weight,
    localPref: d.localPref,
    local: p.local,
    asPathLength: d.asPathLength,
    origin: d.origin,
    med: d.med,
    neighborAs: d.neighborAs,
    ebgp: p.ebgp,
    routerId: d.routerId,
    clusterListLength: d.clusterListLength,
    peerAddress: p.source.address,
  };
}
