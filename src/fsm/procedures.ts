// Steps that several states of RFC 4271 s8.2.2 share: starting, sending our OPEN, accepting the
// peer's, and the many ways back to Idle.

import {
  BgpError,
  ceaseNotification,
  CeaseSubcode,
  ErrorCode,
  FsmSubcode,
  MessageType,
  notificationFor,
  type NotificationMessage,
  type OpenMessage,
} from '../wire/index.js';
import { afterFailure } from './damping.js';
import type { FsmEventType } from './events.js';
import { negotiate } from './negotiate.js';
import type { State } from './state.js';
import type { StepResult, Transition } from './transition.js';

/**
 * Idle, Events 1/3 (active) and 4/5 (passive): set ConnectRetryCounter to zero, start the
 * ConnectRetryTimer, initiate a TCP connection (active only), listen; Connect or Active.
 */
export function start(t: Transition, passiveStart: boolean): StepResult {
  const { config, fsm } = t;
  const passive = passiveStart || config.passive;
  t.stop('idleHold');
  // config.passive never initiates, so it has no use for the ConnectRetryTimer either.
  if (!config.passive) t.start('connectRetry', config.connectRetryTime);
  if (!passive) t.emit({ type: 'connect' });
  t.emit({ type: 'listen' });
  return t.finish({ ...fsm, state: passive ? 'Active' : 'Connect', connectRetryCounter: 0 });
}

/** Connect / Active: send our OPEN and give the peer a large HoldTimer (4 minutes) to answer. */
export function sendOpen(t: Transition): StepResult {
  t.stop('connectRetry');
  t.stop('delayOpen');
  t.emit({ type: 'sendOpen', open: t.config.localOpen });
  t.start('hold', t.config.openSentHoldTime);
  return t.finish({ ...t.fsm, state: 'OpenSent' });
}

/**
 * Connect / Active, Events 16/17: the TCP connection is up. Stop the ConnectRetryTimer; with
 * DelayOpen, start the DelayOpenTimer and wait for the peer's OPEN; otherwise send ours.
 */
export function connectionUp(t: Transition): StepResult {
  t.stop('connectRetry');
  if (t.config.delayOpen > 0) return t.start('delayOpen', t.config.delayOpen).stay();
  return sendOpen(t);
}

/**
 * Connect / Active Event 20, OpenSent Event 19: a valid OPEN. Send KEEPALIVE (and our OPEN when
 * DelayOpen held it back); run the KeepaliveTimer and HoldTimer with the negotiated values, or
 * neither when the Hold Time is zero; OpenConfirm. A refused OPEN is Event 22.
 */
export function acceptOpen(t: Transition, open: OpenMessage, sendOurs: boolean): StepResult {
  const negotiated = negotiate(t.config.localOpen, open, t.config.expectations);
  if (negotiated instanceof BgpError) {
    return sendOurs ? openErrorBeforeOpen(t, negotiated, 'BGPOpenMsgErr') : fail(t, { send: notificationFor(negotiated), reason: 'BGPOpenMsgErr' });
  }
  t.stop('connectRetry');
  t.stop('delayOpen');
  if (sendOurs) t.emit({ type: 'sendOpen', open: t.config.localOpen });
  t.emit({ type: 'sendKeepalive' });
  if (negotiated.holdTime > 0) {
    t.start('keepalive', negotiated.keepaliveTime);
    t.start('hold', negotiated.holdTime);
  } else {
    t.stop('hold');
  }
  return t.finish({ ...t.fsm, state: 'OpenConfirm', remoteOpen: open, negotiated });
}

/**
 * Connect / Active, Events 21/22: the NOTIFICATION goes out only when SendNOTIFICATIONwithoutOPEN
 * allows it (we have not sent our OPEN yet), then Idle.
 */
export function openErrorBeforeOpen(t: Transition, error: BgpError, reason?: FsmEventType): StepResult {
  return fail(t, {
    ...(t.config.sendNotificationWithoutOpen ? { send: notificationFor(error) } : {}),
    ...(reason ? { reason } : {}),
  });
}

interface Teardown {
  /** NOTIFICATION to send before closing. */
  readonly send?: NotificationMessage;
  /** NOTIFICATION the peer sent. */
  readonly received?: NotificationMessage;
  /** What happens to ConnectRetryCounter. */
  readonly counter: 'increment' | 'reset' | 'keep';
  /** The RFC's "(optionally) performs peer oscillation damping". */
  readonly damp: boolean;
  /** Schedule the automatic restart (IdleHoldTimer). */
  readonly restart: boolean;
  /** ManualStop: the operator took over; forget the back-off. */
  readonly clearDamping?: boolean;
  readonly reason?: FsmEventType;
}

/**
 * Back to Idle: send the NOTIFICATION (if any), stop every timer, drop the connection, release
 * the resources ("deletes all routes" when Established: sessionDown.wasEstablished), and maybe
 * schedule the automatic restart.
 */
export function toIdle(t: Transition, how: Teardown): StepResult {
  const { fsm, event, config } = t;
  if (how.send) t.emit({ type: 'sendNotification', notification: how.send });
  t.stopAll();
  t.emit({ type: 'dropConnection' });
  t.emit({ type: 'releaseResources' });
  const notification = how.send
    ? { direction: 'sent' as const, message: how.send }
    : how.received
      ? { direction: 'received' as const, message: how.received }
      : undefined;
  t.emit({
    type: 'sessionDown',
    reason: how.reason ?? event.type,
    wasEstablished: fsm.state === 'Established',
    ...(notification ? { notification } : {}),
  });
  let { idleHoldTime, flapCount } = fsm;
  if (how.clearDamping) ({ idleHoldTime, flapCount } = { idleHoldTime: config.idleHoldTime, flapCount: 0 });
  else if (how.damp) ({ idleHoldTime, flapCount } = afterFailure(fsm, event.now, config));
  if (how.restart && config.automaticRestart) t.start('idleHold', idleHoldTime);
  const connectRetryCounter =
    how.counter === 'reset' ? 0 : how.counter === 'increment' ? fsm.connectRetryCounter + 1 : fsm.connectRetryCounter;
  return t.finish({ state: 'Idle', connectRetryCounter, idleHoldTime, flapCount });
}

/** The common failure row: increments ConnectRetryCounter, damps, restarts automatically. */
export function fail(t: Transition, extra: { send?: NotificationMessage; received?: NotificationMessage; reason?: FsmEventType } = {}): StepResult {
  return toIdle(t, { ...extra, counter: 'increment', damp: true, restart: true });
}

/** A failure the RFC does not count (version errors, a failed connection attempt in Connect). */
export function quietFail(t: Transition, received?: NotificationMessage): StepResult {
  return toIdle(t, { ...(received ? { received } : {}), counter: 'keep', damp: false, restart: true });
}

/** ManualStop (Event 2): ConnectRetryCounter to zero, no restart; Cease when an OPEN was sent. */
export function manualStop(t: Transition, sendCease: boolean): StepResult {
  const communication = t.event.type === 'ManualStop' ? t.event.communication : undefined;
  const hardReset = t.event.type === 'ManualStop' && t.event.hardReset === true;
  // RFC 4486 s4 / RFC 9003 s2: Cease, Administrative Shutdown, with the shutdown communication;
  // RFC 8538 s3: inside a Hard Reset (its data: the inner code, subcode and data) when asked.
  const cease = ceaseNotification(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, communication);
  const send = !sendCease
    ? undefined
    : hardReset
      ? { ...cease, subcode: CeaseSubcode.HARD_RESET, data: Uint8Array.from([cease.code, cease.subcode, ...cease.data]) }
      : cease;
  return toIdle(t, { ...(send ? { send } : {}), counter: 'reset', damp: false, restart: false, clearDamping: true });
}

/**
 * AutomaticStop (Event 8): counted and damped like a failure, but not restarted by the FSM (the
 * system stopped the peer; it starts it again when it wants to). Cease when an OPEN was sent.
 */
export function automaticStop(t: Transition, sendCease: boolean): StepResult {
  const e = t.event;
  const send: NotificationMessage | undefined =
    sendCease && e.type === 'AutomaticStop'
      ? { type: 'notification', code: ErrorCode.CEASE, subcode: e.subcode, data: e.data ?? new Uint8Array(0) }
      : undefined;
  return toIdle(t, { ...(send ? { send } : {}), counter: 'increment', damp: true, restart: false });
}

/**
 * OpenCollisionDump (Event 23): Cease / Connection Collision Resolution (RFC 4486 s4). Counted as
 * the RFC says; not damped and not restarted, because the other connection carries the session.
 */
export function collisionDump(t: Transition): StepResult {
  return toIdle(t, { send: ceaseNotification(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION), counter: 'increment', damp: false, restart: false });
}

/** Hold Timer Expired (RFC 4271 s6.5): NOTIFICATION 4/0. */
export function holdTimerExpired(t: Transition): StepResult {
  return fail(t, { send: { type: 'notification', code: ErrorCode.HOLD_TIMER_EXPIRED, subcode: 0, data: new Uint8Array(0) } });
}

const MESSAGE_OF: Partial<Record<FsmEventType, number>> = {
  BGPOpen: MessageType.OPEN,
  BGPOpenMsgErr: MessageType.OPEN,
  UpdateMsg: MessageType.UPDATE,
  UpdateMsgErr: MessageType.UPDATE,
  KeepAliveMsg: MessageType.KEEPALIVE,
  RouteRefreshMsg: MessageType.ROUTE_REFRESH,
  RouteRefreshMsgErr: MessageType.ROUTE_REFRESH,
};

const UNEXPECTED_IN: Partial<Record<State, number>> = {
  OpenSent: FsmSubcode.UNEXPECTED_IN_OPENSENT,
  OpenConfirm: FsmSubcode.UNEXPECTED_IN_OPENCONFIRM,
  Established: FsmSubcode.UNEXPECTED_IN_ESTABLISHED,
};

/**
 * "Any other event" in OpenSent, OpenConfirm and Established: Finite State Machine Error. RFC 6608
 * s4: an unexpected message gets the subcode of the state, with the message type as its 1-octet
 * data; an event that is no message (a timer) gets Unspecified Error (s3).
 */
export function fsmError(t: Transition): StepResult {
  const messageType = MESSAGE_OF[t.event.type];
  const subcode = messageType === undefined ? undefined : UNEXPECTED_IN[t.fsm.state];
  const notification: NotificationMessage =
    messageType === undefined || subcode === undefined
      ? { type: 'notification', code: ErrorCode.FSM, subcode: FsmSubcode.UNSPECIFIED, data: new Uint8Array(0) }
      : { type: 'notification', code: ErrorCode.FSM, subcode, data: Uint8Array.of(messageType) };
  return fail(t, { send: notification });
}

/** Event 11 in OpenConfirm and Established: send KEEPALIVE, restart the KeepaliveTimer unless the Hold Time is 0. */
export function keepaliveExpired(t: Transition): StepResult {
  t.emit({ type: 'sendKeepalive' });
  const n = t.fsm.negotiated;
  if ((n?.holdTime ?? 0) > 0) t.start('keepalive', n?.keepaliveTime ?? 0);
  return t.stay();
}
