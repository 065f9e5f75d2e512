// RFC 4271 s8.1 events, one variant each, named as in the RFC. Every event carries `now`, the
// time it happened in milliseconds on a monotonic clock (performance.now() in the session layer):
// the FSM reads no clock, and a log of events replays to the same states.

import type {
  BgpError,
  BgpMessage,
  NotificationMessage,
  OpenMessage,
  RouteRefreshMessage,
  UpdateMessage,
} from '../wire/index.js';
import { ErrorCode, OpenSubcode } from '../wire/index.js';

type Ev<T extends string, F = object> = Readonly<{ type: T; now: number } & F>;

export type FsmEvent =
  // Administrative events (s8.1.2)
  | Ev<'ManualStart'> // Event 1
  /**
   * Event 2. `communication`: RFC 9003 shutdown communication sent with Cease. `hardReset`: wrap
   * the Cease in an RFC 8538 Hard Reset, so that a peer that negotiated the N bit of graceful
   * restart drops our routes instead of keeping them stale.
   */
  | Ev<'ManualStop', { communication?: string; hardReset?: boolean }>
  | Ev<'AutomaticStart'> // Event 3
  | Ev<'ManualStart_with_PassiveTcpEstablishment'> // Event 4
  | Ev<'AutomaticStart_with_PassiveTcpEstablishment'> // Event 5
  // Events 6 and 7 (AutomaticStart with DampPeerOscillations) are Events 3 and 5 here: automatic
  // starts always honour the IdleHoldTimer when damping is configured.
  /** Event 8. The Cease subcode (RFC 4486), e.g. Maximum Number of Prefixes Reached, and its data. */
  | Ev<'AutomaticStop', { subcode: number; data?: Uint8Array }>
  // Timer events (s8.1.3)
  | Ev<'ConnectRetryTimer_Expires'> // Event 9
  | Ev<'HoldTimer_Expires'> // Event 10
  | Ev<'KeepaliveTimer_Expires'> // Event 11
  | Ev<'DelayOpenTimer_Expires'> // Event 12
  | Ev<'IdleHoldTimer_Expires'> // Event 13
  // TCP connection-based events (s8.1.4)
  | Ev<'TcpConnection_Valid'> // Event 14
  | Ev<'Tcp_CR_Invalid'> // Event 15
  | Ev<'Tcp_CR_Acked'> // Event 16
  | Ev<'TcpConnectionConfirmed'> // Event 17
  | Ev<'TcpConnectionFails'> // Event 18
  // BGP message-based events (s8.1.5)
  /**
   * Events 19 and 20: a decoded OPEN. The FSM knows whether its DelayOpenTimer runs (Event 20)
   * and checks the OPEN with negotiate(); a refused OPEN is handled as BGPOpenMsgErr (Event 22).
   */
  | Ev<'BGPOpen', { open: OpenMessage }>
  | Ev<'BGPHeaderErr', { error: BgpError }> // Event 21
  | Ev<'BGPOpenMsgErr', { error: BgpError }> // Event 22
  | Ev<'OpenCollisionDump'> // Event 23
  | Ev<'NotifMsgVerErr', { notification: NotificationMessage }> // Event 24
  | Ev<'NotifMsg', { notification: NotificationMessage }> // Event 25
  | Ev<'KeepAliveMsg'> // Event 26
  | Ev<'UpdateMsg', { update: UpdateMessage }> // Event 27
  | Ev<'UpdateMsgErr', { error: BgpError }> // Event 28
  /** RFC 2918 / RFC 7313 ROUTE-REFRESH (no RFC 4271 event number). */
  | Ev<'RouteRefreshMsg', { refresh: RouteRefreshMessage }>
  /** RFC 7313 s5: a malformed ROUTE-REFRESH (ROUTE-REFRESH Message Error). */
  | Ev<'RouteRefreshMsgErr', { error: BgpError }>;

export type FsmEventType = FsmEvent['type'];

/** The RFC 4271 s8.1 event number (BGPOpen is 19; 20 when it arrives with the DelayOpenTimer running). */
export const EVENT_NUMBERS: Readonly<Record<FsmEventType, number | undefined>> = {
  ManualStart: 1,
  ManualStop: 2,
  AutomaticStart: 3,
  ManualStart_with_PassiveTcpEstablishment: 4,
  AutomaticStart_with_PassiveTcpEstablishment: 5,
  AutomaticStop: 8,
  ConnectRetryTimer_Expires: 9,
  HoldTimer_Expires: 10,
  KeepaliveTimer_Expires: 11,
  DelayOpenTimer_Expires: 12,
  IdleHoldTimer_Expires: 13,
  TcpConnection_Valid: 14,
  Tcp_CR_Invalid: 15,
  Tcp_CR_Acked: 16,
  TcpConnectionConfirmed: 17,
  TcpConnectionFails: 18,
  BGPOpen: 19,
  BGPHeaderErr: 21,
  BGPOpenMsgErr: 22,
  OpenCollisionDump: 23,
  NotifMsgVerErr: 24,
  NotifMsg: 25,
  KeepAliveMsg: 26,
  UpdateMsg: 27,
  UpdateMsgErr: 28,
  RouteRefreshMsg: undefined,
  RouteRefreshMsgErr: undefined,
};

/** RFC 4271 s8.1.5 Event 24: a NOTIFICATION reporting Unsupported Version Number. */
export function isVersionError(n: NotificationMessage): boolean {
  return n.code === ErrorCode.OPEN_MESSAGE && n.subcode === OpenSubcode.UNSUPPORTED_VERSION_NUMBER;
}

/** The event for a decoded message. */
export function messageEvent(message: BgpMessage, now: number): FsmEvent {
  switch (message.type) {
    case 'open':
      return { type: 'BGPOpen', open: message, now };
    case 'update':
      return { type: 'UpdateMsg', update: message, now };
    case 'notification':
      return isVersionError(message) ? { type: 'NotifMsgVerErr', notification: message, now } : { type: 'NotifMsg', notification: message, now };
    case 'keepalive':
      return { type: 'KeepAliveMsg', now };
    case 'route-refresh':
      return { type: 'RouteRefreshMsg', refresh: message, now };
  }
}

/** The event for a message that failed to decode, by the NOTIFICATION its error carries. */
export function errorEvent(error: BgpError, now: number): FsmEvent {
  switch (error.code) {
    case ErrorCode.OPEN_MESSAGE:
      return { type: 'BGPOpenMsgErr', error, now };
    case ErrorCode.UPDATE_MESSAGE:
      return { type: 'UpdateMsgErr', error, now };
    case ErrorCode.ROUTE_REFRESH_MESSAGE:
      return { type: 'RouteRefreshMsgErr', error, now };
    default:
      // Message Header Error (s6.1), and anything the codec might add later: the header check.
      return { type: 'BGPHeaderErr', error, now };
  }
}
