// Whole sessions: the happy path, active and passive, two FSMs talking to each other, hold-timer
// expiry and the automatic restart.
import { describe, expect, it } from 'vitest';
import {
  buildLocalOpen,
  initialFsm,
  step,
  type FsmAction,
  type FsmConfig,
  type FsmData,
  type FsmEvent,
} from '../../../src/fsm/index.js';
import { briefs, config, expectations, peerExpectations, run, sample, T0 } from './fixtures.js';

describe('happy path', () => {
  it('active: Idle -> Connect -> OpenSent -> OpenConfirm -> Established, then keepalives and UPDATEs', () => {
    const steps: [FsmEvent, string, string[]][] = [
      [sample('ManualStart'), 'Connect', ['start connectRetry 120', 'connect', 'listen']],
      [sample('Tcp_CR_Acked'), 'OpenSent', ['stop connectRetry', 'sendOpen', 'start hold 240']],
      [sample('BGPOpen'), 'OpenConfirm', ['sendKeepalive', 'start keepalive 30', 'start hold 90']],
      [sample('KeepAliveMsg'), 'Established', ['start hold 90', 'established']],
      [sample('KeepaliveTimer_Expires'), 'Established', ['sendKeepalive', 'start keepalive 30']],
      [sample('UpdateMsg'), 'Established', ['processUpdate', 'start hold 90']],
      [sample('KeepAliveMsg'), 'Established', ['start hold 90']],
    ];
    let fsm = initialFsm(config());
    for (const [event, state, actions] of steps) {
      const r = step(fsm, event, config());
      expect([r.fsm.state, briefs(r.actions)]).toEqual([state, actions]);
      fsm = r.fsm;
    }
    expect(fsm.timers).toEqual({ connectRetry: false, delayOpen: false, hold: true, keepalive: true, idleHold: false });
  });

  it('passive: Idle -> Active -> OpenSent on the peer\'s connection -> Established', () => {
    const cfg = config({ passive: true });
    const steps: [FsmEvent, string, string[]][] = [
      [sample('ManualStart'), 'Active', ['listen']],
      [sample('TcpConnection_Valid'), 'Active', ['acceptConnection']],
      [sample('TcpConnectionConfirmed'), 'OpenSent', ['sendOpen', 'start hold 240']],
      [sample('BGPOpen'), 'OpenConfirm', ['sendKeepalive', 'start keepalive 30', 'start hold 90']],
      [sample('KeepAliveMsg'), 'Established', ['start hold 90', 'established']],
    ];
    let fsm = initialFsm(cfg);
    for (const [event, state, actions] of steps) {
      const r = step(fsm, event, cfg);
      expect([r.fsm.state, briefs(r.actions)]).toEqual([state, actions]);
      fsm = r.fsm;
    }
  });
});

/** An event before it is given its time. */
type Body = FsmEvent extends infer E ? (E extends FsmEvent ? Omit<E, 'now'> : never) : never;

/** Two FSMs joined by an ideal network: each one's actions become the other's events. */
class Pair {
  readonly fsm: [FsmData, FsmData];
  readonly log: string[] = [];
  private now = T0;
  constructor(readonly cfg: [FsmConfig, FsmConfig]) {
    this.fsm = [initialFsm(cfg[0]), initialFsm(cfg[1])];
  }
  /** Delivers the events in order, then what they cause, breadth first (like a network would). */
  deliver(...events: [0 | 1, Body][]): void {
    const queue: [0 | 1, FsmEvent][] = events.map(([side, e]) => [side, { ...e, now: this.now++ } as FsmEvent]);
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [s, e] = item;
      const r = step(this.fsm[s], e, this.cfg[s]);
      this.fsm[s] = r.fsm;
      this.log.push(`${s}:${e.type}->${r.fsm.state}`);
      const other = (1 - s) as 0 | 1;
      for (const a of r.actions) for (const next of this.effects(a)) queue.push([other, { ...next, now: this.now++ } as FsmEvent]);
    }
  }
  private effects(a: FsmAction): Body[] {
    switch (a.type) {
      case 'sendOpen':
        return [{ type: 'BGPOpen', open: a.open }];
      case 'sendKeepalive':
        return [{ type: 'KeepAliveMsg' }];
      case 'sendNotification':
        return [{ type: 'NotifMsg', notification: a.notification }];
      default:
        return [];
    }
  }
}

describe('two FSMs', () => {
  const ours = config();
  const theirs: FsmConfig = { localOpen: buildLocalOpen(peerExpectations), expectations: peerExpectations, passive: true };

  it('reach Established together and agree on what they negotiated', () => {
    const p = new Pair([ours, theirs]);
    p.deliver([0, { type: 'ManualStart' }], [1, { type: 'ManualStart' }]);
    // TCP: ours connects, theirs accepts; both ends see the connection before any data.
    p.deliver([1, { type: 'TcpConnection_Valid' }]);
    p.deliver([1, { type: 'TcpConnectionConfirmed' }], [0, { type: 'Tcp_CR_Acked' }]);
    expect(p.log).toContain('0:KeepAliveMsg->Established');
    expect(p.fsm.map((f) => f.state)).toEqual(['Established', 'Established']);
    const [a, b] = p.fsm.map((f) => f.negotiated!);
    expect(a!.holdTime).toBe(b!.holdTime);
    expect(a!.families).toEqual(b!.families);
    expect(a!.codecIn).toEqual(b!.codecOut);
    expect(a!.codecOut).toEqual(b!.codecIn);
    expect([a!.peerAsn, b!.peerAsn]).toEqual([expectations.peerAsn, peerExpectations.peerAsn]);
  });

  it('ManualStop on one side takes both to Idle: Cease sent, Cease received', () => {
    const p = new Pair([ours, theirs]);
    p.deliver([0, { type: 'ManualStart' }], [1, { type: 'ManualStart' }]);
    p.deliver([1, { type: 'TcpConnectionConfirmed' }], [0, { type: 'Tcp_CR_Acked' }]);
    expect(p.fsm.map((f) => f.state)).toEqual(['Established', 'Established']);
    p.deliver([0, { type: 'ManualStop', communication: 'bye' }]);
    expect(p.fsm.map((f) => f.state)).toEqual(['Idle', 'Idle']);
    expect(p.fsm[1].timers.idleHold).toBe(true);
    expect(p.fsm[0].timers.idleHold).toBe(false);
  });
});

describe('hold timer', () => {
  it('expiry in Established: Hold Timer Expired, routes go, restart after IdleHoldTime', () => {
    const up = run(initialFsm(config()), (['ManualStart', 'Tcp_CR_Acked', 'BGPOpen', 'KeepAliveMsg'] as const).map((t) => sample(t))).fsm;
    const r = step(up, sample('HoldTimer_Expires', T0 + 90_000), config());
    expect(r.fsm.state).toBe('Idle');
    expect(briefs(r.actions)).toEqual([
      'notify 4/0',
      'stop keepalive',
      'dropConnection',
      'releaseResources',
      'down HoldTimer_Expires est sent 4/0',
      'start idleHold 5',
    ]);
    const again = step(r.fsm, sample('IdleHoldTimer_Expires', T0 + 95_000), config());
    expect([again.fsm.state, briefs(again.actions)]).toEqual(['Connect', ['start connectRetry 120', 'connect', 'listen']]);
  });

  it('expiry in OpenSent (no OPEN within the 4 minutes)', () => {
    const sent = run(initialFsm(config()), [sample('ManualStart'), sample('Tcp_CR_Acked')]).fsm;
    const r = step(sent, sample('HoldTimer_Expires', T0 + 240_000), config());
    expect([r.fsm.state, briefs(r.actions)[0]]).toEqual(['Idle', 'notify 4/0']);
  });

  it('without automatic restart the FSM stays Idle', () => {
    const cfg = config({ automaticRestart: false });
    const sent = run(initialFsm(cfg), [sample('ManualStart'), sample('Tcp_CR_Acked')], cfg).fsm;
    const r = step(sent, sample('HoldTimer_Expires'), cfg);
    expect(r.fsm.timers.idleHold).toBe(false);
    expect(briefs(r.actions)).not.toContain('start idleHold 5');
  });
});
