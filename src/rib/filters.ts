// The seams where policy plugs in. Policy lives in src/policy; the RIB only calls these.

import type { PathAttribute } from '../wire/index.js';
import type { Path } from './path.js';
import type { PeerInfo } from './peer.js';
import type { PrefixKey } from './prefix-key.js';

/** A received path as the import filter sees it. */
export interface ImportRoute {
  readonly key: PrefixKey;
  readonly afi: 1 | 2;
  readonly pathId: number;
  /** As received (LOCAL_PREF already removed for eBGP, RFC 4271 s5.1.5; no NLRI inside). */
  readonly attributes: readonly PathAttribute[];
}

/**
 * Accepts (returning the attributes to store, possibly changed), or rejects (null). Return the
 * same array for the same input where you can: prefixes of one UPDATE then share one stored
 * path. An object form also sets the path's weight.
 */
export type ImportFilter = (
  route: ImportRoute,
  peer: PeerInfo,
) => readonly PathAttribute[] | { readonly attributes: readonly PathAttribute[]; readonly weight?: number } | null;

/** A best path on its way to a peer's Adj-RIB-Out. */
export interface ExportRoute {
  readonly key: PrefixKey;
  readonly prefix: string;
  readonly path: Path;
  /** The path's attributes after the protocol's own rules for this peer (see outbound.ts). */
  readonly attributes: readonly PathAttribute[];
}

/** The attributes to advertise to the peer, or null to advertise nothing (withdraw). */
export type ExportFilter = (route: ExportRoute, peer: PeerInfo) => readonly PathAttribute[] | null;
