// One step under construction: the actions so far and the timers they leave running. Local to
// step(), which stays a pure function of (FsmData, FsmEvent, FsmConfig).

import type { FsmAction } from './actions.js';
import type { ResolvedFsmConfig } from './config.js';
import type { FsmEvent, FsmEventType } from './events.js';
import { TIMERS, type FsmData, type TimerName } from './state.js';

export interface StepResult {
  readonly fsm: FsmData;
  readonly actions: FsmAction[];
}

const EXPIRING: Partial<Record<FsmEventType, TimerName>> = {
  ConnectRetryTimer_Expires: 'connectRetry',
  HoldTimer_Expires: 'hold',
  KeepaliveTimer_Expires: 'keepalive',
  DelayOpenTimer_Expires: 'delayOpen',
  IdleHoldTimer_Expires: 'idleHold',
};

export class Transition {
  readonly actions: FsmAction[] = [];
  private readonly timers: Record<TimerName, boolean>;

  constructor(
    readonly fsm: FsmData,
    readonly event: FsmEvent,
    readonly config: ResolvedFsmConfig,
  ) {
    this.timers = { ...fsm.timers };
    // A timer whose expiry this is has stopped running.
    const expired = EXPIRING[event.type];
    if (expired) this.timers[expired] = false;
  }

  running(timer: TimerName): boolean {
    return this.timers[timer];
  }

  emit(action: FsmAction): this {
    this.actions.push(action);
    return this;
  }

  /** Starts, or restarts, a timer. */
  start(timer: TimerName, seconds: number): this {
    this.timers[timer] = true;
    return this.emit({ type: 'startTimer', timer, seconds });
  }

  /** Stops a timer if it runs ("sets the ... Timer to zero"); nothing to say otherwise. */
  stop(timer: TimerName): this {
    if (!this.timers[timer]) return this;
    this.timers[timer] = false;
    return this.emit({ type: 'stopTimer', timer });
  }

  stopAll(): this {
    for (const t of TIMERS) this.stop(t);
    return this;
  }

  /** The step's result: `next` with the timers as the actions left them. */
  finish(next: Omit<FsmData, 'timers'>): StepResult {
    return { fsm: { ...next, timers: { ...this.timers } }, actions: this.actions };
  }

  /** No state change (the actions emitted so far, if any, still apply). */
  stay(): StepResult {
    return this.finish(this.fsm);
  }
}
