// RFC 4271 s8.2.2, Established state: UPDATE, NOTIFICATION, KEEPALIVE (and ROUTE-REFRESH) flow.

import { familyKey, notificationFor, type RouteRefreshMessage } from '../../wire/index.js';
import { automaticStop, keepaliveExpired, collisionDump, fail, fsmError, holdTimerExpired, manualStop } from '../procedures.js';
import type { Negotiated } from '../negotiated.js';
import type { StepResult, Transition } from '../transition.js';

/**
 * RFC 2918 s4: a ROUTE-REFRESH for a family we did not advertise is ignored. RFC 7313 s5: so is
 * one with a subtype other than 0 (request), 1 (BoRR) or 2 (EoRR).
 */
function refreshApplies(refresh: RouteRefreshMessage, negotiated: Negotiated | undefined): boolean {
  return refresh.subtype <= 2 && (negotiated?.families.has(familyKey(refresh.afi, refresh.safi)) ?? false);
}

export function established(t: Transition): StepResult {
  const { event, fsm } = t;
  const hold = fsm.negotiated?.holdTime ?? 0;
  const restartHold = () => (hold > 0 ? t.start('hold', hold) : t);
  switch (event.type) {
    // Events 1, 3-7 are ignored.
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return t.stay();
    // Event 2: Cease, ConnectRetryTimer to zero, delete the routes, release, drop,
    // ConnectRetryCounter = 0; Idle.
    case 'ManualStop':
      return manualStop(t, true);
    // Event 8: Cease, ..., delete the routes, ConnectRetryCounter + 1, damping; Idle.
    case 'AutomaticStop':
      return automaticStop(t, true);
    // Event 10: NOTIFICATION Hold Timer Expired, ..., ConnectRetryCounter + 1, damping; Idle.
    case 'HoldTimer_Expires':
      return holdTimerExpired(t);
    // Event 11: send KEEPALIVE, restart the KeepaliveTimer unless the Hold Time is zero. (The
    // session layer restarts it too whenever it sends an UPDATE.)
    case 'KeepaliveTimer_Expires':
      return keepaliveExpired(t);
    // Events 14, 16, 17: a second connection, tracked by the session layer until its OPEN (s6.8).
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return t.stay();
    // Event 15 is in no row of this state: a request for another connection, refused as in
    // Connect and Active.
    case 'Tcp_CR_Invalid':
      return t.emit({ type: 'rejectConnection' }).stay();
    // Event 19 on this connection is unexpected (RFC 6608 s4, subcode 3). An OPEN on another
    // connection, with CollisionDetectEstablishedState, is the session layer's: Event 23 here.
    case 'BGPOpen':
      return fsmError(t);
    // Event 23: Cease, ..., delete the routes, ConnectRetryCounter + 1; Idle.
    case 'OpenCollisionDump':
      return collisionDump(t);
    // Events 18, 24, 25: ConnectRetryTimer to zero, delete the routes, release, drop,
    // ConnectRetryCounter + 1; Idle. The RFC leaves damping out of this row only; Wren damps it
    // like every other counted failure, since a peer resetting sessions oscillates all the same.
    case 'TcpConnectionFails':
      return fail(t);
    case 'NotifMsgVerErr':
    case 'NotifMsg':
      return fail(t, { received: event.notification });
    // Event 26: restart the HoldTimer (if the Hold Time is non-zero); stay.
    case 'KeepAliveMsg':
      return restartHold().stay();
    // Event 27: process the UPDATE, restart the HoldTimer; stay.
    case 'UpdateMsg':
      t.emit({ type: 'processUpdate', update: event.update });
      return restartHold().stay();
    // Event 28: NOTIFICATION with the UPDATE error, ..., ConnectRetryCounter + 1, damping; Idle.
    case 'UpdateMsgErr':
      return fail(t, { send: notificationFor(event.error) });
    // RFC 2918 s4 / RFC 7313: re-advertise the family. Any message shows the peer alive, so the
    // HoldTimer restarts as for UPDATE and KEEPALIVE.
    case 'RouteRefreshMsg':
      if (refreshApplies(event.refresh, fsm.negotiated)) t.emit({ type: 'processRouteRefresh', refresh: event.refresh });
      return restartHold().stay();
    // RFC 7313 s5: ROUTE-REFRESH Message Error / Invalid Message Length.
    case 'RouteRefreshMsgErr':
      return fail(t, { send: notificationFor(event.error) });
    // Event 21 is listed among "any other event" (FSM Error), but RFC 4271 s6.1 requires every
    // header error to be reported as Message Header Error, which tells the peer more.
    case 'BGPHeaderErr':
      return fail(t, { send: notificationFor(event.error) });
    // Any other event (9, 12-13, 20, 22): FSM Error (RFC 6608 subcode 3 for an OPEN); Idle.
    default:
      return fsmError(t);
  }
}
