// The peer state machine of RFC 4271 s8.2.2 as one pure function: (data, event) -> (data, actions).
// It reads no clock and owns no socket or timer: the session layer performs the actions in order
// (timers included) and feeds back what happens as events.

import type { FsmConfig } from './config.js';
import { resolveFsmConfig } from './config.js';
import type { FsmEvent } from './events.js';
import type { FsmData, State } from './state.js';
import { active } from './states/active.js';
import { connect } from './states/connect.js';
import { established } from './states/established.js';
import { idle } from './states/idle.js';
import { openConfirm } from './states/open-confirm.js';
import { openSent } from './states/open-sent.js';
import { Transition, type StepResult } from './transition.js';

const STATE_HANDLERS: Readonly<Record<State, (t: Transition) => StepResult>> = {
  Idle: idle,
  Connect: connect,
  Active: active,
  OpenSent: openSent,
  OpenConfirm: openConfirm,
  Established: established,
};

export function step(fsm: FsmData, event: FsmEvent, config: FsmConfig): StepResult {
  return STATE_HANDLERS[fsm.state](new Transition(fsm, event, resolveFsmConfig(config)));
}
