// What the RIB knows about a peer: the facts of its session (PeerInfo, from config and the OPEN
// exchange) and the RIB's own bookkeeping per family (prefix counts, graceful restart phase).

import type { FamilyKey } from '../wire/index.js';
import type { AddPathSendMode } from './add-path-out.js';
import type { PrefixLimit } from './prefix-limit.js';

export interface PeerInfo {
  /** Unique name of the peer (config key); "local" is reserved for announceLocal(). */
  readonly id: string;
  /** Transport address of the peer: the last tie-break (RFC 4271 s9.1.2.2 g). */
  readonly address: string;
  /** The peer's AS. */
  readonly asn: number;
  /** The BGP Identifier from the peer's OPEN. */
  readonly routerId: string;
  /** Same AS as ours (RFC 4271 s5.1.5 and following). */
  readonly ibgp: boolean;
  /** The peer is a route-reflector client of ours (RFC 4456). */
  readonly rrClient?: boolean;
  /** Our AS on this session (a per-peer local-as may differ from the RIB's). */
  readonly localAsn: number;
  /**
   * ADD-PATH receive (RFC 7911) was negotiated for these families. Informational: the decoder
   * already put the identifiers in each PrefixList; without them every path has id 0.
   */
  readonly addPath?: ReadonlySet<FamilyKey>;
  /**
   * ADD-PATH send was negotiated for these families: the peer said it can receive path ids
   * (RFC 7911 s4, s5), so it is advertised several paths per prefix, each under its own identifier.
   */
  readonly addPathSend?: ReadonlySet<FamilyKey>;
  /** Which paths go to the peer under ADD-PATH send (default 'ecmp'; add-path-out.ts). */
  readonly addPathSendMode?: AddPathSendMode;
  /** Both sides announced 4-octet ASNs (RFC 6793); false merges AS4_PATH. Default true. */
  readonly asn4?: boolean;
  /** Weight given to every path from this peer (local to this router; default 0). */
  readonly weight?: number;
  /** Accept paths whose AS_PATH contains our AS up to this many times (default 0). */
  readonly allowAsIn?: number;
  /** Max-prefix limits per family (RFC 4486 s4). */
  readonly maxPrefix?: readonly PrefixLimit[];
}

/** Where a family of a peer is in graceful restart (RFC 4724) / long-lived GR (RFC 9494). */
export type RestartPhase = 'none' | 'gr' | 'llgr';

export interface FamilyState {
  /** Paths accepted into the Adj-RIB-In (after the import filter; stale ones included). */
  count: number;
  phase: RestartPhase;
  /** RFC 9494 stale time (seconds) to apply when the GR phase ends; 0 for none. */
  llgrStaleTime: number;
  /** The warning threshold was reported and the count has not gone back below it since. */
  warned: boolean;
}

export class PeerState {
  up = true;
  readonly families = new Map<FamilyKey, FamilyState>();
  /** Paths refused since the peer was added, by reason. */
  readonly rejected = { originatorId: 0, clusterList: 0, asLoop: 0, policy: 0 };

  constructor(public info: PeerInfo) {}

  family(key: FamilyKey): FamilyState {
    let f = this.families.get(key);
    if (!f) {
      f = { count: 0, phase: 'none', llgrStaleTime: 0, warned: false };
      this.families.set(key, f);
    }
    return f;
  }
}
