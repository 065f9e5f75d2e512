// RFC 4271 s8.2.2, Connect state, event by event (DelayOpen FALSE, then TRUE).
import { describe, expect, it } from 'vitest';
import { step, type FsmEvent } from '../../../src/fsm/index.js';
import { briefs, config, peerOpen, reach, run, sample, T0 } from './fixtures.js';
import { down, walk, type Row } from './table.js';

const CR = ['connectRetry'];
const TO_OPEN_SENT = ['stop connectRetry', 'sendOpen', 'start hold 240'];

const rows: Row[] = [
  ['ManualStart', 'Connect', []],
  ['ManualStop', 'Idle', down('ManualStop', { stops: CR, restart: false })],
  ['AutomaticStart', 'Connect', []],
  ['ManualStart_with_PassiveTcpEstablishment', 'Connect', []],
  ['AutomaticStart_with_PassiveTcpEstablishment', 'Connect', []],
  ['AutomaticStop', 'Idle', down('AutomaticStop', { stops: CR, restart: false })],
  ['ConnectRetryTimer_Expires', 'Connect', ['dropConnection', 'start connectRetry 120', 'connect']],
  ['HoldTimer_Expires', 'Idle', down('HoldTimer_Expires', { stops: CR })],
  ['KeepaliveTimer_Expires', 'Idle', down('KeepaliveTimer_Expires', { stops: CR })],
  ['DelayOpenTimer_Expires', 'OpenSent', TO_OPEN_SENT],
  ['IdleHoldTimer_Expires', 'Idle', down('IdleHoldTimer_Expires', { stops: CR })],
  ['TcpConnection_Valid', 'Connect', ['acceptConnection']],
  ['Tcp_CR_Invalid', 'Connect', ['rejectConnection']],
  ['Tcp_CR_Acked', 'OpenSent', TO_OPEN_SENT],
  ['TcpConnectionConfirmed', 'OpenSent', TO_OPEN_SENT],
  ['TcpConnectionFails', 'Idle', down('TcpConnectionFails', { stops: CR })],
  ['BGPOpen', 'Idle', down('BGPOpen', { stops: CR })],
  ['BGPHeaderErr', 'Idle', down('BGPHeaderErr', { stops: CR })],
  ['BGPOpenMsgErr', 'Idle', down('BGPOpenMsgErr', { stops: CR })],
  ['OpenCollisionDump', 'Idle', down('OpenCollisionDump', { stops: CR })],
  ['NotifMsgVerErr', 'Idle', down('NotifMsgVerErr', { stops: CR, recv: '2/1' })],
  ['NotifMsg', 'Idle', down('NotifMsg', { stops: CR, recv: '6/2' })],
  ['KeepAliveMsg', 'Idle', down('KeepAliveMsg', { stops: CR })],
  ['UpdateMsg', 'Idle', down('UpdateMsg', { stops: CR })],
  ['UpdateMsgErr', 'Idle', down('UpdateMsgErr', { stops: CR })],
  ['RouteRefreshMsg', 'Idle', down('RouteRefreshMsg', { stops: CR })],
  ['RouteRefreshMsgErr', 'Idle', down('RouteRefreshMsgErr', { stops: CR })],
];

describe('Connect (RFC 4271 s8.2.2)', () => {
  walk('Connect', rows);

  it('counts failures, but not a failed connection attempt nor ManualStop', () => {
    const c = reach('Connect');
    expect(step(c, sample('UpdateMsg'), config()).fsm.connectRetryCounter).toBe(1);
    expect(step(c, sample('TcpConnectionFails'), config()).fsm.connectRetryCounter).toBe(0);
    expect(step(c, sample('ManualStop'), config()).fsm.connectRetryCounter).toBe(0);
  });

  it('sends the NOTIFICATION of a header or OPEN error only with SendNOTIFICATIONwithoutOPEN', () => {
    const cfg = config({ sendNotificationWithoutOpen: true });
    const r = step(reach('Connect', cfg), sample('BGPHeaderErr'), cfg);
    expect(briefs(r.actions)[0]).toBe('notify 1/2 0012');
  });
});

describe('Connect with DelayOpen (RFC 4271 s8.2.2)', () => {
  const cfg = config({ delayOpen: 5 });
  const waiting = () => run(reach('Connect', cfg), [sample('Tcp_CR_Acked')], cfg).fsm;

  it('Events 16/17 start the DelayOpenTimer and stay', () => {
    const r = step(reach('Connect', cfg), sample('TcpConnectionConfirmed'), cfg);
    expect(r.fsm.state).toBe('Connect');
    expect(briefs(r.actions)).toEqual(['stop connectRetry', 'start delayOpen 5']);
  });

  it('Event 12 sends OPEN with the large HoldTimer: OpenSent', () => {
    const r = step(waiting(), sample('DelayOpenTimer_Expires'), cfg);
    expect(r.fsm.state).toBe('OpenSent');
    expect(briefs(r.actions)).toEqual(['sendOpen', 'start hold 240']);
  });

  it('Event 20 (OPEN while the DelayOpenTimer runs) sends OPEN and KEEPALIVE: OpenConfirm', () => {
    const r = step(waiting(), sample('BGPOpen'), cfg);
    expect(r.fsm.state).toBe('OpenConfirm');
    expect(briefs(r.actions)).toEqual(['stop delayOpen', 'sendOpen', 'sendKeepalive', 'start keepalive 30', 'start hold 90']);
    expect(r.fsm.negotiated?.holdTime).toBe(90);
  });

  it('Event 18 with the DelayOpenTimer running goes to Active', () => {
    const r = step(waiting(), sample('TcpConnectionFails'), cfg);
    expect(r.fsm.state).toBe('Active');
    expect(briefs(r.actions)).toEqual(['start connectRetry 120', 'stop delayOpen']);
  });

  it('Event 24 with the DelayOpenTimer running goes to Idle without counting', () => {
    const r = step(waiting(), sample('NotifMsgVerErr'), cfg);
    expect(r.fsm.state).toBe('Idle');
    expect(r.fsm.connectRetryCounter).toBe(0);
    expect(briefs(r.actions)).toEqual(down('NotifMsgVerErr', { stops: ['delayOpen'], recv: '2/1' }));
  });

  it('a refused OPEN is Event 22: no NOTIFICATION before ours, unless configured', () => {
    const bad: FsmEvent = { type: 'BGPOpen', open: peerOpen({ localAsn: 65099 }), now: T0 };
    const r = step(waiting(), bad, cfg);
    expect(briefs(r.actions)).toEqual(down('BGPOpenMsgErr', { stops: ['delayOpen'] }));
    const cfg2 = config({ delayOpen: 5, sendNotificationWithoutOpen: true });
    const r2 = step(run(reach('Connect', cfg2), [sample('Tcp_CR_Acked')], cfg2).fsm, bad, cfg2);
    expect(briefs(r2.actions)[0]).toBe('notify 2/2 fe4b');
  });
});
