// Decoded BGP messages: plain data, discriminated on `type`. Encoding is the exact inverse of
// decoding: every field needed to write the same bytes again is kept (flags, grouping of
// capabilities into parameters, the order of attributes, unused bits of prefixes).

import type { BgpError } from './errors.js';
import type { AttributeCache } from './attrs/cache.js';
import type { FamilyKey } from './constants.js';

/**
 * What the bytes mean depends on what the session negotiated (RFC 6793, RFC 7911, RFC 8654).
 * The codec never guesses: the caller says.
 */
export interface CodecContext {
  /** Both sides announced the four-octet AS capability: AS_PATH and AGGREGATOR carry 4-octet ASNs. */
  readonly asn4: boolean;
  /** Families whose NLRI carry ADD-PATH path identifiers in this direction (familyKey(afi, safi)). */
  readonly addPath: ReadonlySet<FamilyKey>;
  /** Extended messages negotiated: messages may be up to 65535 bytes. */
  readonly extendedMessage: boolean;
  /**
   * RFC 6396 s4.3.4: inside TABLE_DUMP_V2 RIB entries, MP_REACH_NLRI holds only the next hop
   * (length + address), no AFI/SAFI and no NLRI. Set by the MRT reader, never by a session.
   */
  readonly mrtRibEntry?: { afi: number; safi: number };
  /**
   * Optional interning of decoded attributes (all but MP_REACH/MP_UNREACH): identical attribute
   * bytes decode to the same shared, immutable object. Owned by the caller (one per session).
   */
  readonly attributeCache?: AttributeCache;
}

export const DEFAULT_CONTEXT: CodecContext = Object.freeze({
  asn4: true,
  addPath: new Set<FamilyKey>(),
  extendedMessage: false,
});

export function makeContext(partial: Partial<CodecContext> = {}): CodecContext {
  return { ...DEFAULT_CONTEXT, ...partial };
}

// ---------------------------------------------------------------------------------------------
// Prefixes. NLRI are the hot path (a full table is ~1M of them), so a list of prefixes is one
// packed array rather than one object per prefix. Helpers in prefix.ts read and format it.

/**
 * A list of IPv4 or IPv6 prefixes, packed. Entry i is described by:
 * - lengths[i]: the prefix length in bits;
 * - words[i * w .. i * w + w): the address, big-endian 32-bit words (w = 1 for IPv4, 4 for IPv6),
 *   exactly the bits that were on the wire (bits past the length are kept, so re-encoding is exact);
 * - pathIds?.[i]: the ADD-PATH path identifier (RFC 7911), when the context says so.
 */
export interface PrefixList {
  readonly afi: 1 | 2;
  readonly count: number;
  readonly lengths: Uint8Array;
  readonly words: Uint32Array;
  readonly pathIds: Uint32Array | null;
}

// ---------------------------------------------------------------------------------------------
// Path attributes: one variant per known attribute, `unknown` for every other one.

export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;
export type OriginCode = 0 | 1 | 2;

/** RFC 4271 / RFC 5065 segment types. */
export const AsPathSegmentType = { AS_SET: 1, AS_SEQUENCE: 2, AS_CONFED_SEQUENCE: 3, AS_CONFED_SET: 4 } as const;
export interface AsPathSegment {
  readonly type: 1 | 2 | 3 | 4;
  readonly asns: readonly number[];
}

export interface AttrCommon {
  /** The flags octet as received (or to be sent); EXTENDED_LENGTH decides the length field's size. */
  readonly flags: number;
}

export interface OriginAttr extends AttrCommon { readonly type: 'origin'; readonly origin: OriginCode }
export interface AsPathAttr extends AttrCommon { readonly type: 'as-path'; readonly segments: readonly AsPathSegment[] }
export interface NextHopAttr extends AttrCommon { readonly type: 'next-hop'; readonly nextHop: string }
export interface MedAttr extends AttrCommon { readonly type: 'med'; readonly med: number }
export interface LocalPrefAttr extends AttrCommon { readonly type: 'local-pref'; readonly localPref: number }
export interface AtomicAggregateAttr extends AttrCommon { readonly type: 'atomic-aggregate' }
/** AGGREGATOR: the ASN is 2 or 4 octets depending on the context (as4 records which). */
export interface AggregatorAttr extends AttrCommon {
  readonly type: 'aggregator';
  readonly asn: number;
  readonly address: string;
  readonly as4: boolean;
}
/** RFC 1997: each community is one unsigned 32-bit number (high 16 bits: ASN). */
export interface CommunitiesAttr extends AttrCommon { readonly type: 'communities'; readonly communities: readonly number[] }
export interface OriginatorIdAttr extends AttrCommon { readonly type: 'originator-id'; readonly originatorId: string }
export interface ClusterListAttr extends AttrCommon { readonly type: 'cluster-list'; readonly clusterIds: readonly string[] }

/**
 * RFC 4760 MP_REACH_NLRI. For IPv4/IPv6 unicast and multicast the next hop is parsed into
 * addresses (one, or global + link-local for a 32-byte IPv6 next hop) and the NLRI into a
 * PrefixList. Every other family keeps next hop and NLRI as opaque bytes so they survive re-encoding.
 */
export interface MpReachAttr extends AttrCommon {
  readonly type: 'mp-reach';
  readonly afi: number;
  readonly safi: number;
  /** Parsed next hop addresses; empty when the family is opaque (see nextHopBytes). */
  readonly nextHops: readonly string[];
  /** The next hop field as raw bytes, set when it is not a plain list of addresses. */
  readonly nextHopBytes: Uint8Array | null;
  /** RFC 4760 "Reserved" octet (was the SNPA count in RFC 2858); 0 on the wire in practice. */
  readonly reserved: number;
  readonly nlri: PrefixList | null;
  /** NLRI of a family this codec keeps opaque. */
  readonly nlriBytes: Uint8Array | null;
}
export interface MpUnreachAttr extends AttrCommon {
  readonly type: 'mp-unreach';
  readonly afi: number;
  readonly safi: number;
  readonly withdrawn: PrefixList | null;
  readonly withdrawnBytes: Uint8Array | null;
}
/** RFC 4360: each extended community is 8 bytes, kept as 16 lowercase hex digits. */
export interface ExtendedCommunitiesAttr extends AttrCommon {
  readonly type: 'extended-communities';
  readonly communities: readonly string[];
}
export interface As4PathAttr extends AttrCommon { readonly type: 'as4-path'; readonly segments: readonly AsPathSegment[] }
export interface As4AggregatorAttr extends AttrCommon { readonly type: 'as4-aggregator'; readonly asn: number; readonly address: string }
/** RFC 7311: TLVs; type 1 is the accumulated IGP metric (8 octets). */
export interface AigpAttr extends AttrCommon {
  readonly type: 'aigp';
  readonly tlvs: readonly { readonly type: number; readonly value: Uint8Array }[];
}
/** RFC 8092: (global administrator, local data 1, local data 2), each uint32. */
export type LargeCommunity = readonly [number, number, number];
export interface LargeCommunityAttr extends AttrCommon { readonly type: 'large-communities'; readonly communities: readonly LargeCommunity[] }
/** RFC 9234 Only To Customer. */
export interface OtcAttr extends AttrCommon { readonly type: 'otc'; readonly asn: number }
/** Any attribute this codec does not interpret: kept byte for byte. */
export interface UnknownAttr extends AttrCommon { readonly type: 'unknown'; readonly code: number; readonly value: Uint8Array }

export type PathAttribute =
  | OriginAttr
  | AsPathAttr
  | NextHopAttr
  | MedAttr
  | LocalPrefAttr
  | AtomicAggregateAttr
  | AggregatorAttr
  | CommunitiesAttr
  | OriginatorIdAttr
  | ClusterListAttr
  | MpReachAttr
  | MpUnreachAttr
  | ExtendedCommunitiesAttr
  | As4PathAttr
  | As4AggregatorAttr
  | AigpAttr
  | LargeCommunityAttr
  | OtcAttr
  | UnknownAttr;

export type AttrKind = PathAttribute['type'];
export type AttrOf<K extends AttrKind> = Extract<PathAttribute, { type: K }>;

// ---------------------------------------------------------------------------------------------
// Capabilities (RFC 5492) and OPEN.

export interface MultiprotocolCap { readonly type: 'multiprotocol'; readonly afi: number; readonly safi: number; readonly reserved: number }
export interface RouteRefreshCap { readonly type: 'route-refresh' }
export interface ExtendedNextHopCap {
  readonly type: 'extended-next-hop';
  readonly entries: readonly { readonly afi: number; readonly safi: number; readonly nextHopAfi: number }[];
}
export interface ExtendedMessageCap { readonly type: 'extended-message' }
export interface RoleCap { readonly type: 'role'; readonly role: number }
export interface GracefulRestartCap {
  readonly type: 'graceful-restart';
  /** The 4 flag bits: 0x8 Restart State (R), 0x4 Notification (N, RFC 8538). */
  readonly flags: number;
  readonly restartTime: number;
  readonly families: readonly { readonly afi: number; readonly safi: number; readonly flags: number }[];
}
export interface FourOctetAsCap { readonly type: 'four-octet-as'; readonly asn: number }
/** RFC 7911 send/receive: 1 receive, 2 send, 3 both. */
export interface AddPathCap {
  readonly type: 'add-path';
  readonly families: readonly { readonly afi: number; readonly safi: number; readonly sendReceive: number }[];
}
export interface EnhancedRouteRefreshCap { readonly type: 'enhanced-route-refresh' }
export interface LongLivedGracefulRestartCap {
  readonly type: 'long-lived-graceful-restart';
  readonly families: readonly { readonly afi: number; readonly safi: number; readonly flags: number; readonly staleTime: number }[];
}
export interface FqdnCap { readonly type: 'fqdn'; readonly hostname: string; readonly domain: string }
export interface SoftwareVersionCap { readonly type: 'software-version'; readonly version: string }
export interface RouteRefreshCiscoCap { readonly type: 'route-refresh-cisco' }
/** Unknown capability, or a known one whose bytes do not follow its RFC: kept byte for byte. */
export interface UnknownCap { readonly type: 'unknown'; readonly code: number; readonly value: Uint8Array }

export type Capability =
  | MultiprotocolCap
  | RouteRefreshCap
  | ExtendedNextHopCap
  | ExtendedMessageCap
  | RoleCap
  | GracefulRestartCap
  | FourOctetAsCap
  | AddPathCap
  | EnhancedRouteRefreshCap
  | LongLivedGracefulRestartCap
  | FqdnCap
  | SoftwareVersionCap
  | RouteRefreshCiscoCap
  | UnknownCap;

/** RFC 5492: optional parameter 2 holds one or more capabilities; others are kept opaque. */
export type OptionalParameter =
  | { readonly type: 2; readonly capabilities: readonly Capability[] }
  | { readonly type: number; readonly value: Uint8Array };

export interface OpenMessage {
  readonly type: 'open';
  readonly version: number;
  /** The 2-octet "My Autonomous System" field (AS_TRANS when the real ASN needs 4 octets). */
  readonly myAsn: number;
  readonly holdTime: number;
  readonly bgpId: string;
  readonly params: readonly OptionalParameter[];
  /** RFC 9072: parameters were encoded with the extended (0xFF) length form. */
  readonly extendedParams: boolean;
}

export interface UpdateMessage {
  readonly type: 'update';
  /** IPv4 withdrawn routes field. */
  readonly withdrawn: PrefixList;
  readonly attributes: readonly PathAttribute[];
  /** IPv4 NLRI field. */
  readonly nlri: PrefixList;
  /**
   * RFC 7606 outcomes that did not reset the session: attribute-discard errors (the attribute is
   * absent from `attributes`) and at most one treat-as-withdraw (every NLRI of this UPDATE, in
   * `nlri` and in MP_REACH_NLRI, is to be handled as withdrawn). Absent when the UPDATE was clean.
   */
  readonly errors?: readonly BgpError[];
}

export interface NotificationMessage {
  readonly type: 'notification';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export interface KeepaliveMessage { readonly type: 'keepalive' }

/** RFC 2918 / RFC 7313: subtype 0 request, 1 BoRR, 2 EoRR; trailing bytes (ORF, RFC 5291) kept. */
export interface RouteRefreshMessage {
  readonly type: 'route-refresh';
  readonly afi: number;
  readonly subtype: number;
  readonly safi: number;
  readonly data: Uint8Array;
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;
