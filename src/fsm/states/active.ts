// RFC 4271 s8.2.2, Active state: listening for (and accepting) a connection from the peer.

import { acceptOpen, automaticStop, connectionUp, fail, manualStop, openErrorBeforeOpen, quietFail, sendOpen } from '../procedures.js';
import type { StepResult, Transition } from '../transition.js';

export function active(t: Transition): StepResult {
  const { event, config } = t;
  switch (event.type) {
    // Events 1, 3-7 are ignored.
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return t.stay();
    // Event 2: Cease if the DelayOpenTimer runs and SendNOTIFICATIONwithoutOPEN is set; release,
    // drop, ConnectRetryCounter = 0, stop the ConnectRetryTimer; Idle.
    case 'ManualStop':
      return manualStop(t, t.running('delayOpen') && config.sendNotificationWithoutOpen);
    // Event 9: restart the ConnectRetryTimer, connect, keep listening; Connect. A passive peer
    // never runs that timer; should the expiry come anyway, it keeps waiting.
    case 'ConnectRetryTimer_Expires':
      if (config.passive) return t.stay();
      t.start('connectRetry', config.connectRetryTime);
      t.emit({ type: 'connect' });
      return t.finish({ ...t.fsm, state: 'Connect' });
    // Event 12: ConnectRetryTimer to zero, stop the DelayOpenTimer, send OPEN, large HoldTimer; OpenSent.
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
    // Event 18: stop the DelayOpenTimer, release, ConnectRetryCounter + 1, damping; Idle. (The RFC
    // also restarts the ConnectRetryTimer, whose expiry Idle ignores; Wren stops it instead and
    // lets the IdleHoldTimer bring the peer back.)
    case 'TcpConnectionFails':
      return fail(t);
    // Event 20: send OPEN and KEEPALIVE, timers; OpenConfirm. Event 19 is "any other event".
    case 'BGPOpen':
      return t.running('delayOpen') ? acceptOpen(t, event.open, true) : fail(t);
    // Events 21/22: NOTIFICATION only with SendNOTIFICATIONwithoutOPEN; counted, damped; Idle.
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return openErrorBeforeOpen(t, event.error);
    // Event 24: with the DelayOpenTimer running, Idle without counting; otherwise counted, damped.
    case 'NotifMsgVerErr':
      return t.running('delayOpen') ? quietFail(t, event.notification) : fail(t, { received: event.notification });
    case 'AutomaticStop':
      return automaticStop(t, false);
    case 'NotifMsg':
      return fail(t, { received: event.notification });
    // Any other event (10-11, 13, 19, 23, 25-28, ROUTE-REFRESH): ConnectRetryTimer to zero, release,
    // drop, ConnectRetryCounter + 1, damping; Idle.
    default:
      return fail(t);
  }
}
