// RFC 4271 s8.2.2, Connect state: waiting for the TCP connection we initiated (or one from the peer).

import { acceptOpen, automaticStop, connectionUp, fail, manualStop, openErrorBeforeOpen, quietFail, sendOpen } from '../procedures.js';
import type { StepResult, Transition } from '../transition.js';

export function connect(t: Transition): StepResult {
  const { event, config } = t;
  switch (event.type) {
    // Events 1, 3-7 are ignored.
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return t.stay();
    // Event 2: drop the connection, release, ConnectRetryCounter = 0, stop the ConnectRetryTimer; Idle.
    case 'ManualStop':
      return manualStop(t, false);
    // Event 9: drop the connection, restart the ConnectRetryTimer, stop the DelayOpenTimer,
    // connect again, keep listening; stay in Connect.
    case 'ConnectRetryTimer_Expires':
      t.emit({ type: 'dropConnection' });
      t.start('connectRetry', config.connectRetryTime);
      t.stop('delayOpen');
      return t.emit({ type: 'connect' }).stay();
    // Event 12: send OPEN, HoldTimer to a large value; OpenSent.
    case 'DelayOpenTimer_Expires':
      return sendOpen(t);
    // Event 14: process the connection; stay. Event 15: reject it; stay.
    case 'TcpConnection_Valid':
      return t.emit({ type: 'acceptConnection' }).stay();
    case 'Tcp_CR_Invalid':
      return t.emit({ type: 'rejectConnection' }).stay();
    // Events 16/17: DelayOpen ? start the DelayOpenTimer, stay : send OPEN, OpenSent.
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return connectionUp(t);
    // Event 18: with the DelayOpenTimer running, restart the ConnectRetryTimer, stop the
    // DelayOpenTimer, keep listening, Active; otherwise stop the ConnectRetryTimer, drop the
    // connection, release; Idle (the RFC neither counts nor damps this row).
    case 'TcpConnectionFails':
      if (t.running('delayOpen')) {
        t.start('connectRetry', config.connectRetryTime);
        t.stop('delayOpen');
        return t.finish({ ...t.fsm, state: 'Active' });
      }
      return quietFail(t);
    // Event 20 (OPEN with the DelayOpenTimer running): send OPEN and KEEPALIVE, timers; OpenConfirm.
    // Event 19 (no DelayOpenTimer) falls under "any other event".
    case 'BGPOpen':
      return t.running('delayOpen') ? acceptOpen(t, event.open, true) : fail(t);
    // Events 21/22: NOTIFICATION only with SendNOTIFICATIONwithoutOPEN; counted, damped; Idle.
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return openErrorBeforeOpen(t, event.error);
    // Event 24: with the DelayOpenTimer running, Idle without counting; otherwise counted, damped.
    case 'NotifMsgVerErr':
      return t.running('delayOpen') ? quietFail(t, event.notification) : fail(t, { received: event.notification });
    // Event 8 belongs to "any other event"; Wren does not restart after it.
    case 'AutomaticStop':
      return automaticStop(t, false);
    case 'NotifMsg':
      return fail(t, { received: event.notification });
    // Any other event (10-11, 13, 19, 23, 25-28, ROUTE-REFRESH): stop the timers, release, drop
    // the connection, ConnectRetryCounter + 1, damping; Idle. No NOTIFICATION: no OPEN was sent.
    default:
      return fail(t);
  }
}
