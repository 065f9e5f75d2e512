// The per-connection data of the RFC 4271 s8 state machine. Plain data: a session can be logged,
// replayed and inspected as a sequence of (FsmData, FsmEvent) pairs.

import type { OpenMessage } from '../wire/index.js';
import type { Negotiated } from './negotiated.js';

/** RFC 4271 s8.2.2. */
export type State = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export const STATES: readonly State[] = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

/** RFC 4271 s8 timers; idleHold is the optional IdleHoldTimer of peer oscillation damping (s8.1.1). */
export type TimerName = 'connectRetry' | 'hold' | 'keepalive' | 'delayOpen' | 'idleHold';

export const TIMERS: readonly TimerName[] = ['connectRetry', 'delayOpen', 'hold', 'keepalive', 'idleHold'];

export interface FsmData {
  readonly state: State;
  /** RFC 4271 s8: ConnectRetryCounter, the attempts since the last start or ManualStop. */
  readonly connectRetryCounter: number;
  /**
   * Which timers run, as the I/O layer was told through startTimer / stopTimer. The FSM needs it
   * ("if the DelayOpenTimer is running", RFC 4271 s8.2.2) and tests check it.
   */
  readonly timers: Readonly<Record<TimerName, boolean>>;
  /** The peer's OPEN, from OpenConfirm on. */
  readonly remoteOpen?: OpenMessage;
  /** What the session negotiated, from OpenConfirm on. */
  readonly negotiated?: Negotiated;
  /** Seconds to wait before the next automatic start: IdleHoldTime, grown by damping. */
  readonly idleHoldTime: number;
  /** Connections that failed since the session was last stable (or since ManualStop). */
  readonly flapCount: number;
  /** `now` of the event that made the session Established, while it is (for the stable period). */
  readonly establishedAt?: number;
}

export const NO_TIMERS: Readonly<Record<TimerName, boolean>> = Object.freeze({
  connectRetry: false,
  hold: false,
  keepalive: false,
  delayOpen: false,
  idleHold: false,
});

export function initialFsmData(idleHoldTime: number): FsmData {
  return { state: 'Idle', connectRetryCounter: 0, timers: NO_TIMERS, idleHoldTime, flapCount: 0 };
}
