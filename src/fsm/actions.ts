// What the I/O layer must do after a step, in order. Plain data, like the events.

import type { NotificationMessage, OpenMessage, RouteRefreshMessage, UpdateMessage } from '../wire/index.js';
import type { FsmEventType } from './events.js';
import type { Negotiated } from './negotiated.js';
import type { TimerName } from './state.js';

export type FsmAction =
  /** Start the timer, or restart it when it runs; its expiry comes back as the matching event. */
  | { readonly type: 'startTimer'; readonly timer: TimerName; readonly seconds: number }
  /** Stop the timer; its expiry must not be delivered afterwards (clearTimeout guarantees it). */
  | { readonly type: 'stopTimer'; readonly timer: TimerName }
  /** Initiate a TCP connection to the peer (Tcp_CR_Acked or TcpConnectionFails follow). */
  | { readonly type: 'connect' }
  /** Accept connections from the peer (TcpConnection_Valid, TcpConnectionConfirmed follow). */
  | { readonly type: 'listen' }
  /** Complete the handshake of a connection request from the peer (Event 14). */
  | { readonly type: 'acceptConnection' }
  /** Refuse a connection request (Event 15, or any request while Idle). */
  | { readonly type: 'rejectConnection' }
  /** Close the TCP connection, or abandon the attempt to open one. */
  | { readonly type: 'dropConnection' }
  | { readonly type: 'sendOpen'; readonly open: OpenMessage }
  | { readonly type: 'sendKeepalive' }
  /** Write the NOTIFICATION (before the dropConnection that follows it). */
  | { readonly type: 'sendNotification'; readonly notification: NotificationMessage }
  /** OpenConfirm -> Established: switch the codec to the negotiated contexts, start routing. */
  | { readonly type: 'established'; readonly negotiated: Negotiated }
  /** Hand the UPDATE to the RIB (its RFC 7606 `errors` say what to treat as withdrawn). */
  | { readonly type: 'processUpdate'; readonly update: UpdateMessage }
  /** RFC 2918 s4 / RFC 7313: re-advertise (or mark the boundaries of) the family's Adj-RIB-Out. */
  | { readonly type: 'processRouteRefresh'; readonly refresh: RouteRefreshMessage }
  /** Free what the connection held and stop accepting connections from the peer (Idle). */
  | { readonly type: 'releaseResources' }
  /**
   * The connection (or the attempt) ended and the FSM went to Idle. `wasEstablished`: the
   * session was up, so the routes learned on it must go (RFC 4271 s8.2.2 "deletes all routes").
   * `reason` is the event that ended it (BGPOpenMsgErr when our checks refused the peer's OPEN).
   */
  | {
      readonly type: 'sessionDown';
      readonly reason: FsmEventType;
      readonly wasEstablished: boolean;
      readonly notification?: { readonly direction: 'sent' | 'received'; readonly message: NotificationMessage };
    };

export type FsmActionType = FsmAction['type'];
