// Peer oscillation damping: the IdleHoldTime back-off grows on repeated failures, is capped, and
// resets after a stable period. Time comes from the events' `now`.
import { describe, expect, it } from 'vitest';
import { initialFsm, step, type FsmAction, type FsmConfig, type FsmEventType } from '../../../src/fsm/index.js';
import { briefs, config, run, sample, T0 } from './fixtures.js';

const SECOND = 1000;

const waitOf = (actions: readonly FsmAction[]): number | undefined => {
  const start = actions.find((a) => a.type === 'startTimer' && a.timer === 'idleHold');
  return start?.type === 'startTimer' ? start.seconds : undefined;
};

const UP = ['Tcp_CR_Acked', 'BGPOpen', 'KeepAliveMsg'] as const;

/**
 * The IdleHoldTimer waits scheduled by a peer that comes up (first by ManualStart, then each time
 * the IdleHoldTimer expires), stays Established for upTimes[i] seconds and loses its hold timer.
 */
function waits(cfg: FsmConfig, upTimes: readonly number[]): (number | undefined)[] {
  let fsm = initialFsm(cfg);
  let now = T0;
  const out: (number | undefined)[] = [];
  upTimes.forEach((up, i) => {
    const start: FsmEventType = i === 0 ? 'ManualStart' : 'IdleHoldTimer_Expires';
    fsm = run(fsm, [start, ...UP].map((t) => sample(t, now)), cfg).fsm;
    expect(fsm.state).toBe('Established');
    now += up * SECOND;
    const r = step(fsm, sample('HoldTimer_Expires', now), cfg);
    out.push(waitOf(r.actions));
    fsm = r.fsm;
    now += (fsm.idleHoldTime + 1) * SECOND;
  });
  return out;
}

describe('damping (RFC 4271 s8.1.1 DampPeerOscillations)', () => {
  const damped = config({ dampPeerOscillations: true, idleHoldTime: 5, maxIdleHoldTime: 40, stablePeriod: 300 });

  it('doubles IdleHoldTime on each repeated failure, up to the ceiling', () => {
    expect(waits(damped, [10, 10, 10, 10, 10, 10])).toEqual([5, 10, 20, 40, 40, 40]);
  });

  it('resets after a session stable for stablePeriod', () => {
    expect(waits(damped, [10, 10, 10, 300, 10])).toEqual([5, 10, 20, 5, 10]);
  });

  it('299 seconds is not stable', () => {
    expect(waits(damped, [10, 10, 299])).toEqual([5, 10, 20]);
  });

  it('without damping every restart waits IdleHoldTime', () => {
    expect(waits(config({ idleHoldTime: 5 }), [10, 10, 10, 10])).toEqual([5, 5, 5, 5]);
  });

  it('counts the failures', () => {
    const cfg = damped;
    const fsm = run(initialFsm(cfg), [sample('ManualStart'), sample('TcpConnectionFails'), sample('ManualStart'), sample('Tcp_CR_Acked'), sample('UpdateMsg')], cfg).fsm;
    expect(fsm.flapCount).toBe(1);
  });

  it('an automatic start honours the back-off (Events 6/7); a manual start does not', () => {
    // AutomaticStop: counted and damped, no restart scheduled.
    const up = run(initialFsm(damped), [sample('ManualStart'), sample('Tcp_CR_Acked'), sample('BGPOpen'), sample('KeepAliveMsg')], damped).fsm;
    const stopped = step(up, sample('AutomaticStop'), damped).fsm;
    expect(stopped.timers.idleHold).toBe(false);
    expect(stopped.flapCount).toBe(1);
    const auto = step(stopped, sample('AutomaticStart'), damped);
    expect([auto.fsm.state, briefs(auto.actions)]).toEqual(['Idle', ['start idleHold 5']]);
    const expired = step(auto.fsm, sample('IdleHoldTimer_Expires'), damped);
    expect(expired.fsm.state).toBe('Connect');
    const manual = step(stopped, sample('ManualStart'), damped);
    expect(manual.fsm.state).toBe('Connect');
  });

  it('ManualStop forgets the back-off', () => {
    const cfg = damped;
    let fsm = run(initialFsm(cfg), [sample('ManualStart'), sample('Tcp_CR_Acked'), sample('UpdateMsg')], cfg).fsm;
    fsm = run(fsm, [sample('IdleHoldTimer_Expires'), sample('Tcp_CR_Acked'), sample('UpdateMsg')], cfg).fsm;
    expect([fsm.flapCount, fsm.idleHoldTime]).toEqual([2, 10]);
    const stopped = step(fsm, sample('ManualStop'), cfg).fsm;
    expect([stopped.flapCount, stopped.idleHoldTime, stopped.timers.idleHold]).toEqual([0, 5, false]);
  });

  it('damps from one second when IdleHoldTime is zero', () => {
    expect(waits(config({ dampPeerOscillations: true, idleHoldTime: 0, maxIdleHoldTime: 8 }), [1, 1, 1, 1, 1])).toEqual([0, 2, 4, 8, 8]);
  });
});
