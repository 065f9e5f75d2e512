// Peer oscillation damping. RFC 4271 s8.1.1 names the attributes (DampPeerOscillations,
// IdleHoldTime, IdleHoldTimer) and s8.2.2 leaves the method to the implementation. Wren's method:
// every failure schedules the automatic restart IdleHoldTime later; with damping, each failure
// that follows another doubles IdleHoldTime up to maxIdleHoldTime; a session that stayed
// Established for stablePeriod clears the history, so its next failure waits idleHoldTime again.
// Time comes from the events' `now` (milliseconds); the FSM reads no clock.

import type { ResolvedFsmConfig } from './config.js';
import type { FsmData } from './state.js';

export interface DampingOutcome {
  /** The wait before the restart this failure schedules, and the start of the next back-off. */
  readonly idleHoldTime: number;
  readonly flapCount: number;
}

/** A session that was Established for at least stablePeriod seconds, as of `now`. */
export function wasStable(fsm: FsmData, now: number, config: ResolvedFsmConfig): boolean {
  return fsm.establishedAt !== undefined && now - fsm.establishedAt >= config.stablePeriod * 1000;
}

/** The damping state after one more failure at `now`. */
export function afterFailure(fsm: FsmData, now: number, config: ResolvedFsmConfig): DampingOutcome {
  if (!config.dampPeerOscillations) return { idleHoldTime: config.idleHoldTime, flapCount: fsm.flapCount + 1 };
  const stable = wasStable(fsm, now, config);
  const flaps = stable ? 0 : fsm.flapCount;
  const current = stable ? config.idleHoldTime : fsm.idleHoldTime;
  const ceiling = Math.max(config.maxIdleHoldTime, config.idleHoldTime);
  // The first failure waits IdleHoldTime; each one after it twice as long as the last (from 1 s
  // when IdleHoldTime is 0, so that damping still damps).
  const idleHoldTime = flaps === 0 ? current : Math.min(ceiling, Math.max(1, current) * 2);
  return { idleHoldTime, flapCount: flaps + 1 };
}

/** The back-off is engaged: automatic starts wait for the IdleHoldTimer. */
export function dampingEngaged(fsm: FsmData, config: ResolvedFsmConfig): boolean {
  return config.dampPeerOscillations && fsm.flapCount > 0 && fsm.idleHoldTime > 0;
}
