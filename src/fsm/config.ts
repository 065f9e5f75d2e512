// The session attributes of RFC 4271 s8 for one peer. Times are in seconds.

import type { OpenMessage } from '../wire/index.js';
import type { PeerExpectations } from './negotiated.js';
import { initialFsmData, type FsmData } from './state.js';

export interface FsmConfig {
  /** The OPEN we send (buildLocalOpen(expectations) makes one that matches the expectations). */
  readonly localOpen: OpenMessage;
  /** What the peer's OPEN is checked against. Our Hold Time is the one localOpen announces. */
  readonly expectations: PeerExpectations;
  /**
   * Never initiate a TCP connection: starts behave as their PassiveTcpEstablishment variants and
   * the ConnectRetryTimer is not used, so the FSM waits in Active for the peer (s8.1.1).
   */
  readonly passive?: boolean;
  /** ConnectRetryTime (s10: 120 seconds suggested). */
  readonly connectRetryTime?: number;
  /** The "large value" the HoldTimer gets in OpenSent (s8.2.2: 4 minutes suggested). */
  readonly openSentHoldTime?: number;
  /** DelayOpen with this DelayOpenTime (s8.1.1); absent or 0: DelayOpen is FALSE. */
  readonly delayOpen?: number;
  /** IdleHoldTime (s8.1.1): the wait before an automatic restart, and the start of the back-off. */
  readonly idleHoldTime?: number;
  /** DampPeerOscillations (s8.1.1): double the IdleHoldTime on each repeated failure. */
  readonly dampPeerOscillations?: boolean;
  /** Ceiling of the damped IdleHoldTime. */
  readonly maxIdleHoldTime?: number;
  /** A session Established for this long was stable: the back-off restarts from idleHoldTime. */
  readonly stablePeriod?: number;
  /**
   * After a failure (not after ManualStop or AutomaticStop), start again by itself when the
   * IdleHoldTimer expires. On by default; off, the FSM stays Idle until a start event.
   */
  readonly automaticRestart?: boolean;
  /** SendNOTIFICATIONwithoutOPEN (s8.1.1): NOTIFICATIONs may go out before our OPEN has. */
  readonly sendNotificationWithoutOpen?: boolean;
  /** CollisionDetectEstablishedState (s8.1.1), read by resolveCollision() in the session layer. */
  readonly collisionDetectEstablishedState?: boolean;
}

export const FSM_DEFAULTS = Object.freeze({
  connectRetryTime: 120,
  openSentHoldTime: 240,
  delayOpen: 0,
  idleHoldTime: 5,
  dampPeerOscillations: false,
  maxIdleHoldTime: 120,
  stablePeriod: 300,
  automaticRestart: true,
  passive: false,
  sendNotificationWithoutOpen: false,
  collisionDetectEstablishedState: false,
});

export type ResolvedFsmConfig = Readonly<Required<FsmConfig>>;

/** Configs are immutable data: each is resolved once (step() runs for every message). */
const resolved = new WeakMap<FsmConfig, ResolvedFsmConfig>();

export function resolveFsmConfig(config: FsmConfig): ResolvedFsmConfig {
  let r = resolved.get(config);
  if (!r) {
    const out: Record<string, unknown> = { ...FSM_DEFAULTS };
    for (const [k, v] of Object.entries(config)) if (v !== undefined) out[k] = v;
    r = Object.freeze(out) as unknown as ResolvedFsmConfig;
    resolved.set(config, r);
  }
  return r;
}

/** A peer that was never started: Idle, no timers, IdleHoldTime at its configured value. */
export function initialFsm(config: FsmConfig): FsmData {
  return initialFsmData(config.idleHoldTime ?? FSM_DEFAULTS.idleHoldTime);
}
