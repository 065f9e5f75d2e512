// The declarative form of a policy: plain JSON-able data, as a YAML config file writes it.
// compilePolicy() validates an `unknown` against these shapes; docs/policy.md describes them.

export type PolicyAction = 'accept' | 'reject';
export type TermAction = PolicyAction | 'next';
export type OriginName = 'igp' | 'egp' | 'incomplete';

/** One value, or a list of values (any of them). */
export type OneOrMany<T> = T | readonly T[];

/**
 * A whole policy: "accept", "reject", a list of terms (default action reject), or an object.
 */
export type PolicyDecl = PolicyAction | readonly TermDecl[] | PolicyObjectDecl;

export interface PolicyObjectDecl {
  readonly name?: string;
  readonly terms?: readonly TermDecl[];
  /** What happens to a route no deciding term matched. Default: reject (RFC 8212 spirit). */
  readonly default?: PolicyAction;
}

export interface TermDecl {
  readonly name?: string;
  /** Every condition given must hold (AND); a list inside one condition is any-of (OR). */
  readonly match?: MatchDecl;
  /** "accept", "reject", "next", or actions with an optional `action` (default "next"). */
  readonly then: TermAction | ThenDecl;
}

/**
 * "10.0.0.0/8" (exact), "10.0.0.0/8 ge 24 le 32", or an object. Only `ge`: up to the family's
 * maximum; only `le`: from the prefix's own length.
 */
export type PrefixMatchDecl = string | { readonly prefix: string; readonly ge?: number; readonly le?: number };

export interface MatchDecl {
  readonly family?: 'ipv4' | 'ipv6';
  readonly prefixList?: OneOrMany<PrefixMatchDecl>;
  /** "65000:100", "65000:*", "*:100", "no-export" ... : the route carries any of them. */
  readonly communities?: OneOrMany<string>;
  /** "64512:1:2", "64512:1:*" ... */
  readonly largeCommunities?: OneOrMany<string>;
  /** "rt 65000:100", "soo 192.0.2.1:7", "rt 65000:*", "origin-validation valid", or 16 hex digits. */
  readonly extendedCommunities?: OneOrMany<string>;
  /** Regular expressions over the AS path text "65001 65002 {65003}" (docs/policy.md). */
  readonly asPath?: OneOrMany<string>;
  readonly asPathLength?: { readonly min?: number; readonly max?: number };
  readonly peerAsn?: OneOrMany<number>;
  /** Addresses or prefixes. */
  readonly peerAddress?: OneOrMany<string>;
  readonly routeType?: 'ibgp' | 'ebgp';
  /** Addresses or prefixes. */
  readonly nextHop?: OneOrMany<string>;
  readonly origin?: OneOrMany<OriginName>;
}

/** Edits of a community list, applied in this order: replace, remove, add. */
export interface CommunityEditDecl {
  /** The whole new list; [] removes the attribute. */
  readonly replace?: readonly string[];
  /** Patterns (wildcards allowed): every community matching one is removed. */
  readonly remove?: OneOrMany<string>;
  /** Values appended unless already present. */
  readonly add?: OneOrMany<string>;
}

export interface ThenDecl {
  readonly action?: TermAction;
  readonly localPref?: number;
  /** A value, or "+n" / "-n" to adjust the current one (absent counts as 0; clamped to 0..2^32-1). */
  readonly med?: number | string;
  /** "self" (local.address), "peer" (peer.address) or an address. */
  readonly nextHop?: string;
  readonly origin?: OriginName;
  /** Wren-local preference (higher wins), returned beside the attributes; never sent. */
  readonly weight?: number;
  /** Own AS n times, or { asn, count }. */
  readonly prepend?: number | { readonly asn?: number; readonly count?: number };
  readonly communities?: CommunityEditDecl;
  readonly largeCommunities?: CommunityEditDecl;
  readonly extendedCommunities?: CommunityEditDecl;
}
