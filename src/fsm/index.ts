// The pure peer state machine (RFC 4271 s8) and capability negotiation. No sockets, no clocks,
// no timers, no logger: step(FsmData, FsmEvent, FsmConfig) -> { fsm: FsmData, actions: FsmAction[] }.
//
// Time. Every event carries `now` (milliseconds, monotonic; the session layer passes
// performance.now()). The FSM only remembers when the session became Established, to tell a stable
// session from a flapping one (damping.ts); it never reads a clock.
//
// Timers. The FSM starts and stops them with startTimer / stopTimer actions (startTimer on a
// running timer restarts it) and tracks which run in FsmData.timers; the session layer runs real
// timers and delivers each expiry as its event (HoldTimer_Expires, ...). A stopped timer's expiry
// must not be delivered afterwards.
//
// Restarts. After a failure the FSM schedules its own automatic restart with the IdleHoldTimer
// (IdleHoldTime, doubled per repeated failure with dampPeerOscillations); ManualStop and
// AutomaticStop schedule none. One FSM runs per TCP connection; collision.ts says how the session
// layer resolves two connections to one peer.

export { step } from './step.js';
export type { StepResult } from './transition.js';
export { STATES, TIMERS, type State, type TimerName, type FsmData } from './state.js';
export { FSM_DEFAULTS, initialFsm, resolveFsmConfig, type FsmConfig, type ResolvedFsmConfig } from './config.js';
export { EVENT_NUMBERS, messageEvent, errorEvent, isVersionError, type FsmEvent, type FsmEventType } from './events.js';
export type { FsmAction, FsmActionType } from './actions.js';
export { negotiate } from './negotiate.js';
export type { AddPathMode, Negotiated, NegotiatedGracefulRestart, PeerExpectations } from './negotiated.js';
export { buildLocalOpen, type LocalOpenOptions } from './local-open.js';
export { rolesCorrespond } from './roles.js';
export { resolveCollision, type CollisionContext, type CollisionOutcome } from './collision.js';
