// RFC 4271 s8.2.2, Idle state: no connection, no resources; waits for a start event.

import { dampingEngaged } from '../damping.js';
import { start } from '../procedures.js';
import type { StepResult, Transition } from '../transition.js';

/** Events 3 and 5. With damping engaged, the start waits for the IdleHoldTimer (Events 6/7). */
function automaticStart(t: Transition, passive: boolean): StepResult {
  // A restart is already scheduled; its expiry (Event 13) performs it.
  if (t.running('idleHold')) return t.stay();
  if (dampingEngaged(t.fsm, t.config)) return t.start('idleHold', t.fsm.idleHoldTime).stay();
  return start(t, passive);
}

export function idle(t: Transition): StepResult {
  const { event, config, fsm } = t;
  switch (event.type) {
    // Events 1 and 3: initialize, ConnectRetryCounter = 0, start the ConnectRetryTimer, connect,
    // listen; Connect. A manual start does not wait for the damping back-off.
    case 'ManualStart':
      return start(t, false);
    case 'AutomaticStart':
      return automaticStart(t, false);
    // Events 4 and 5: the same without connecting; Active.
    case 'ManualStart_with_PassiveTcpEstablishment':
      return start(t, true);
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return automaticStart(t, true);
    // Event 13: the damping wait is over; start as configured.
    case 'IdleHoldTimer_Expires':
      return start(t, config.passive);
    // Events 2 and 8 are ignored in Idle (no change of state). They also cancel the automatic
    // restart Wren may have scheduled, and ManualStop forgets the back-off (the operator decides).
    case 'ManualStop':
      t.stop('idleHold');
      return t.finish({ ...fsm, idleHoldTime: config.idleHoldTime, flapCount: 0 });
    case 'AutomaticStop':
      return t.stop('idleHold').stay();
    // "Refuses all incoming BGP connections": a request, or a connection that completed anyway.
    case 'TcpConnection_Valid':
      return t.emit({ type: 'rejectConnection' }).stay();
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return t.emit({ type: 'dropConnection' }).stay();
    // Any other event (9-12, 15-28) does not change the state.
    default:
      return t.stay();
  }
}
