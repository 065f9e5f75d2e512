// What we configured for a peer, and what a session negotiated with it. Plain data: the session
// layer keeps a Negotiated for as long as the session lives and hands its codec contexts to wire/.

import type { CodecContext, FamilyKey } from '../wire/index.js';

/** RFC 7911 s4, from our side: send path ids, receive them, or both. */
export type AddPathMode = 'send' | 'receive' | 'both';

/**
 * What we configured for one peer. buildLocalOpen() turns it into the OPEN we send; negotiate()
 * checks the peer's OPEN against it (AS, identifier, role, required capabilities). What both ends
 * must agree on (hold time, families, ADD-PATH, ...) negotiate() reads from the two OPENs, as the
 * peer does: families, holdTime and addPath reach the session through the OPEN we sent.
 */
export interface PeerExpectations {
  readonly localAsn: number;
  /** The AS we expect the peer to be in; 'any' for dynamic peers whose AS is not configured. */
  readonly peerAsn: number | 'any';
  readonly localRouterId: string;
  /** Families we want (familyKey(afi, safi)); each becomes a multiprotocol capability. */
  readonly families: readonly FamilyKey[];
  /** RFC 9234 s4.1 local role (Role.PROVIDER ... Role.PEER); absent when roles are not used. */
  readonly role?: number;
  /** RFC 9234 s4.2 strict mode: a peer that sends no role capability is refused. */
  readonly strictRole?: boolean;
  /** Our Hold Time in seconds (0, or 3 and more; RFC 4271 s4.2), announced in our OPEN. */
  readonly holdTime: number;
  /** RFC 7911 per family. */
  readonly addPath?: ReadonlyMap<FamilyKey, AddPathMode>;
  /**
   * Capability codes the peer must announce, as local policy (RFC 5492 s5 allows refusing a peer
   * that lacks a capability we need, with Unsupported Capability). Empty by default: no RFC
   * requires it of the capabilities Wren speaks.
   */
  readonly requiredCapabilities?: readonly number[];
}

/** RFC 4724 s3 as announced by the peer, when both sides announced graceful restart. */
export interface NegotiatedGracefulRestart {
  /** Seconds the peer asks us to keep its routes while it restarts. */
  readonly restartTime: number;
  /** R bit: the peer has restarted (its previous session ended in a restart). */
  readonly restartState: boolean;
  /** Families the peer preserves across a restart, and whether it did so this time (F bit). */
  readonly families: ReadonlyMap<FamilyKey, { readonly forwardingState: boolean }>;
  /** RFC 8538 s2: both sides set the N bit, so NOTIFICATIONs (but Hard Reset) keep routes too. */
  readonly notification: boolean;
}

export interface Negotiated {
  /** The peer's real AS: its four-octet AS capability, or My Autonomous System (RFC 6793 s4.1). */
  readonly peerAsn: number;
  readonly peerRouterId: string;
  /** RFC 4271 s8.2.2: the peer's AS is ours, the connection is internal. */
  readonly ibgp: boolean;
  /** RFC 4271 s4.2: the smaller of the two Hold Times; 0 (no keepalives) or at least 3. */
  readonly holdTime: number;
  /** RFC 4271 s10: a third of the Hold Time, 0 when it is 0. */
  readonly keepaliveTime: number;
  /** Families both sides announced (RFC 4760 s8; IPv4 unicast for a side that announced none). */
  readonly families: ReadonlySet<FamilyKey>;
  /** RFC 6793: both announced four-octet AS numbers. */
  readonly asn4: boolean;
  /** RFC 7911: families whose NLRI the peer sends to us with path ids. */
  readonly addPathReceive: ReadonlySet<FamilyKey>;
  /** RFC 7911: families whose NLRI we send with path ids. */
  readonly addPathSend: ReadonlySet<FamilyKey>;
  /** RFC 8654: both announced extended messages. */
  readonly extendedMessage: boolean;
  /** RFC 2918: both announced route refresh (code 2, or the pre-standard 128). */
  readonly routeRefresh: boolean;
  /** RFC 7313: both announced enhanced route refresh. */
  readonly enhancedRouteRefresh: boolean;
  readonly gracefulRestart?: NegotiatedGracefulRestart;
  /** RFC 9494: long-lived stale time (seconds) per family the peer announced. */
  readonly llgr?: ReadonlyMap<FamilyKey, number>;
  /** RFC 8950: "afi/safi/nexthopafi" triples both announced, e.g. "1/1/2" (IPv4 unicast over IPv6). */
  readonly extendedNextHop: ReadonlySet<string>;
  /** RFC 9234: both roles, when both sides announced one. */
  readonly role?: { readonly local: number; readonly remote: number };
  /** For decoding what the peer sends us. */
  readonly codecIn: CodecContext;
  /** For encoding what we send to the peer. */
  readonly codecOut: CodecContext;
}
