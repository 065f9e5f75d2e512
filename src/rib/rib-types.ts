// The shapes of the Rib's API: options, query results.

import type { FamilyKey } from '../wire/index.js';
import type { DecisionOptions, DecisionReason } from './decision.js';
import type { ExportFilter, ImportFilter } from './filters.js';
import type { Path } from './path.js';
import type { PeerInfo, RestartPhase } from './peer.js';
import type { PrefixKey } from './prefix-key.js';

export interface RibOptions extends Partial<DecisionOptions> {
  /** Our BGP Identifier: the ORIGINATOR_ID loop check and locally originated paths use it. */
  readonly routerId: string;
  /** Our AS: the AS_PATH loop check uses it. */
  readonly localAsn: number;
  /** Route reflection CLUSTER_ID (RFC 4456 s7); defaults to the router id. */
  readonly clusterId?: string;
  /** ECMP: paths per prefix for an eBGP and an iBGP best path; default 1 and 1 (no multipath). */
  readonly maxPaths?: { readonly ebgp?: number; readonly ibgp?: number };
  /** eBGP multipath across neighbouring ASes with AS paths of equal length. */
  readonly multipathRelax?: boolean;
  readonly importFilter?: ImportFilter;
  readonly exportFilter?: ExportFilter;
}

/** How the session decoded the UPDATE (the AS_PATH reading depends on it). */
export interface UpdateContext {
  /** 4-octet ASNs negotiated (RFC 6793); false merges AS4_PATH into AS_PATH. Default: the peer's asn4, else true. */
  readonly asn4?: boolean;
}

export interface Route {
  readonly prefix: string;
  readonly key: PrefixKey;
  readonly afi: 1 | 2;
  readonly best: Path;
  readonly nextHops: readonly string[];
  /** Candidate paths held for the prefix (all peers). */
  readonly pathCount: number;
}

export interface ExplainedPath {
  readonly path: Path;
  /** 0 for the best path. */
  readonly rank: number;
  readonly best: boolean;
  /** In the multipath (ECMP) set. */
  readonly multipath: boolean;
  /** The path this one lost to, and the step of the decision process that decided. */
  readonly lostTo: { readonly peerId: string; readonly pathId: number } | null;
  readonly reason: DecisionReason | null;
}

export interface Explanation {
  readonly prefix: string;
  readonly nextHops: readonly string[];
  readonly candidates: readonly ExplainedPath[];
}

export interface RouteFilter {
  readonly afi?: 1 | 2;
  /** Only prefixes whose best path comes from this peer. */
  readonly peerId?: string;
}

export interface PeerStatus {
  readonly info: PeerInfo;
  readonly up: boolean;
  readonly families: readonly { readonly family: FamilyKey; readonly paths: number; readonly phase: RestartPhase }[];
  readonly rejected: Readonly<Record<'originatorId' | 'clusterList' | 'asLoop' | 'policy', number>>;
}
