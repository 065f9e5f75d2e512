// Connection collision (RFC 4271 s6.8), decided for the session layer, which alone sees both
// connections.
//
// How the session layer uses it. It runs one FSM per TCP connection to a peer. When an OPEN
// arrives on one connection (after stepping it into that connection's FSM) while another
// connection to the same peer is in OpenConfirm (or in OpenSent, when the peer's BGP Identifier is
// known from configuration, or Established, see below), the two collide:
//
//   const outcome = resolveCollision(localId, open.bgpId, { existing: other.state,
//     existingInitiatedLocally: other.outgoing, localAsn, remoteAsn: openAsn(open),
//     collisionDetectEstablishedState: config.collisionDetectEstablishedState });
//
// (With only the two identifiers it assumes the case s6.8 describes: the existing connection is
// ours, in OpenConfirm, and the new one was initiated by the peer.)
//
// and it steps OpenCollisionDump (Event 23) into the FSM of the connection that loses
// ('keep-existing': the new one; 'keep-new': the existing one). That FSM sends
// Cease / Connection Collision Resolution (6/7, RFC 4486 s4), drops its connection and goes Idle
// without scheduling a restart; the session layer then forgets it. The winner carries on.

import { ipv4ToU32 } from '../wire/index.js';
import type { State } from './state.js';

export type CollisionOutcome = 'keep-existing' | 'keep-new';

export interface CollisionContext {
  /** State of the connection that already existed; OpenConfirm, the case s6.8 describes, by default. */
  readonly existing?: State;
  /**
   * We initiated the existing connection (so the peer initiated the new one), or accepted it.
   * True by default, as s6.8 words it: the existing connection is ours, the new one the peer's.
   */
  readonly existingInitiatedLocally?: boolean;
  /** RFC 6286 s2.3 tie-break for equal BGP Identifiers (possible between different ASes). */
  readonly localAsn?: number;
  readonly remoteAsn?: number;
  /** CollisionDetectEstablishedState (RFC 4271 s8.1.1). */
  readonly collisionDetectEstablishedState?: boolean;
}

/**
 * Which connection survives a collision. The identifiers are dotted quads; RFC 4271 s6.8 step 1
 * compares them as 4-octet unsigned integers in host byte order.
 */
export function resolveCollision(localRouterId: string, remoteRouterId: string, c: CollisionContext = {}): CollisionOutcome {
  const existing = c.existing ?? 'OpenConfirm';
  const existingInitiatedLocally = c.existingInitiatedLocally ?? true;
  // RFC 4271 s6.8: no collision can be detected with a connection in Idle, Connect or Active; it
  // has exchanged no OPEN, so the connection that has one goes on (the attempt is abandoned).
  if (existing === 'Idle' || existing === 'Connect' || existing === 'Active') return 'keep-new';
  // "Unless allowed via configuration, a connection collision with an existing BGP connection
  // that is in the Established state causes closing of the newly created connection."
  if (existing === 'Established' && !c.collisionDetectEstablishedState) return 'keep-existing';
  const local = ipv4ToU32(localRouterId);
  const remote = ipv4ToU32(remoteRouterId);
  // Steps 2 and 3: the connection initiated by the speaker with the higher identifier survives
  // (if ours is lower, we accept the one the remote system initiated, and the reverse).
  let localWins: boolean;
  if (local !== remote) localWins = local > remote;
  // RFC 6286 s2.3: equal identifiers: the connection initiated by the larger AS survives.
  else if (c.localAsn !== undefined && c.remoteAsn !== undefined && c.localAsn !== c.remoteAsn) localWins = c.localAsn > c.remoteAsn;
  else return 'keep-existing';
  return existingInitiatedLocally === localWins ? 'keep-existing' : 'keep-new';
}
