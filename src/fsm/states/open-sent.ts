// RFC 4271 s8.2.2, OpenSent state: our OPEN is out; waiting for the peer's.

import { notificationFor } from '../../wire/index.js';
import {
  acceptOpen,
  automaticStop,
  collisionDump,
  fail,
  fsmError,
  holdTimerExpired,
  manualStop,
  quietFail,
} from '../procedures.js';
import type { StepResult, Transition } from '../transition.js';

export function openSent(t: Transition): StepResult {
  const { event, config } = t;
  switch (event.type) {
    // Events 1, 3-7 are ignored.
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return t.stay();
    // Event 2: Cease, ConnectRetryTimer to zero, release, drop, ConnectRetryCounter = 0; Idle.
    case 'ManualStop':
      return manualStop(t, true);
    // Event 8: Cease, ..., ConnectRetryCounter + 1, damping; Idle.
    case 'AutomaticStop':
      return automaticStop(t, true);
    // Event 10: NOTIFICATION Hold Timer Expired, ..., ConnectRetryCounter + 1, damping; Idle.
    case 'HoldTimer_Expires':
      return holdTimerExpired(t);
    // Events 14, 16, 17: a second connection, tracked by collision detection (s6.8) in the
    // session layer, which runs it in an FSM of its own. Nothing changes for this one.
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return t.stay();
    // Event 15 is in no row of this state: a request for another connection, refused as in
    // Connect and Active.
    case 'Tcp_CR_Invalid':
      return t.emit({ type: 'rejectConnection' }).stay();
    // Event 18: close the BGP connection, restart the ConnectRetryTimer, keep listening; Active.
    // The HoldTimer belonged to the closed connection (in Active its expiry would be a failure).
    case 'TcpConnectionFails':
      t.emit({ type: 'dropConnection' });
      t.stop('hold');
      if (!config.passive) t.start('connectRetry', config.connectRetryTime);
      return t.finish({ ...t.fsm, state: 'Active' });
    // Event 19: DelayOpenTimer and ConnectRetryTimer to zero, send KEEPALIVE, KeepaliveTimer,
    // HoldTimer to the negotiated value (neither when it is zero); OpenConfirm. An OPEN that
    // negotiate() refuses is Event 22. Collision detection (s6.8) is the session layer's.
    case 'BGPOpen':
      return acceptOpen(t, event.open, false);
    // Events 21/22: NOTIFICATION with the error, ..., ConnectRetryCounter + 1, damping; Idle.
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return fail(t, { send: notificationFor(event.error) });
    // Event 23: Cease, ..., ConnectRetryCounter + 1; Idle.
    case 'OpenCollisionDump':
      return collisionDump(t);
    // Event 24: ConnectRetryTimer to zero, release, drop; Idle (not counted).
    case 'NotifMsgVerErr':
      return quietFail(t, event.notification);
    // Event 25 is listed among "any other event", which answers with an FSM Error NOTIFICATION;
    // a NOTIFICATION is never answered (the peer has closed, RFC 4271 s4.5), so Idle without one.
    case 'NotifMsg':
      return fail(t, { received: event.notification });
    // Any other event (9, 11-13, 20, 26-28, ROUTE-REFRESH): FSM Error (RFC 6608 subcode 1 for a
    // message), ..., ConnectRetryCounter + 1, damping; Idle.
    default:
      return fsmError(t);
  }
}
