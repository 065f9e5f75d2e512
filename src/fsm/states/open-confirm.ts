// RFC 4271 s8.2.2, OpenConfirm state: OPENs exchanged; waiting for the peer's KEEPALIVE.

import { notificationFor } from '../../wire/index.js';
import { automaticStop, keepaliveExpired, collisionDump, fail, fsmError, holdTimerExpired, manualStop, quietFail } from '../procedures.js';
import type { StepResult, Transition } from '../transition.js';

export function openConfirm(t: Transition): StepResult {
  const { event, fsm } = t;
  const hold = fsm.negotiated?.holdTime ?? 0;
  switch (event.type) {
    // Events 1, 3-7 are ignored.
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return t.stay();
    // Event 2: Cease, release, drop, ConnectRetryCounter = 0, ConnectRetryTimer to zero; Idle.
    case 'ManualStop':
      return manualStop(t, true);
    // Event 8: Cease, ..., ConnectRetryCounter + 1, damping; Idle.
    case 'AutomaticStop':
      return automaticStop(t, true);
    // Event 10: NOTIFICATION Hold Timer Expired, ..., ConnectRetryCounter + 1, damping; Idle.
    case 'HoldTimer_Expires':
      return holdTimerExpired(t);
    // Event 11: send KEEPALIVE, restart the KeepaliveTimer; stay.
    case 'KeepaliveTimer_Expires':
      return keepaliveExpired(t);
    // Events 14, 16, 17: a second connection, tracked by the session layer (s6.8).
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return t.stay();
    // Event 15 is in no row of this state: a request for another connection, refused as in
    // Connect and Active.
    case 'Tcp_CR_Invalid':
      return t.emit({ type: 'rejectConnection' }).stay();
    // Events 18 and 25: ConnectRetryTimer to zero, release, drop, ConnectRetryCounter + 1, damping; Idle.
    case 'TcpConnectionFails':
      return fail(t);
    case 'NotifMsg':
      return fail(t, { received: event.notification });
    // Event 24: ConnectRetryTimer to zero, release, drop; Idle (not counted).
    case 'NotifMsgVerErr':
      return quietFail(t, event.notification);
    // Event 19 on this connection is a second OPEN: unexpected (RFC 6608 s4, subcode 2). The RFC's
    // collision row (an OPEN on another connection) reaches this FSM as Event 23, decided by
    // resolveCollision() in the session layer.
    case 'BGPOpen':
      return fsmError(t);
    // Events 21/22: NOTIFICATION with the error, ..., ConnectRetryCounter + 1, damping; Idle.
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return fail(t, { send: notificationFor(event.error) });
    // Event 23: Cease, ..., ConnectRetryCounter + 1; Idle.
    case 'OpenCollisionDump':
      return collisionDump(t);
    // Event 26: restart the HoldTimer; Established.
    case 'KeepAliveMsg': {
      if (hold > 0) t.start('hold', hold);
      if (fsm.negotiated) t.emit({ type: 'established', negotiated: fsm.negotiated });
      return t.finish({ ...fsm, state: 'Established', establishedAt: event.now });
    }
    // Any other event (9, 12-13, 20, 27-28, ROUTE-REFRESH): FSM Error (RFC 6608 subcode 2 for a
    // message), ..., ConnectRetryCounter + 1, damping; Idle.
    default:
      return fsmError(t);
  }
}
