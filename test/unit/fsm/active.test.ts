// RFC 4271 s8.2.2, Active state, event by event.
import { describe, expect, it } from 'vitest';
import { step } from '../../../src/fsm/index.js';
import { briefs, config, reach, run, sample } from './fixtures.js';
import { down, walk, type Row } from './table.js';

const CR = ['connectRetry'];
const TO_OPEN_SENT = ['stop connectRetry', 'sendOpen', 'start hold 240'];

const rows: Row[] = [
  ['ManualStart', 'Active', []],
  ['ManualStop', 'Idle', down('ManualStop', { stops: CR, restart: false })],
  ['AutomaticStart', 'Active', []],
  ['ManualStart_with_PassiveTcpEstablishment', 'Active', []],
  ['AutomaticStart_with_PassiveTcpEstablishment', 'Active', []],
  ['AutomaticStop', 'Idle', down('AutomaticStop', { stops: CR, restart: false })],
  ['ConnectRetryTimer_Expires', 'Connect', ['start connectRetry 120', 'connect']],
  ['HoldTimer_Expires', 'Idle', down('HoldTimer_Expires', { stops: CR })],
  ['KeepaliveTimer_Expires', 'Idle', down('KeepaliveTimer_Expires', { stops: CR })],
  ['DelayOpenTimer_Expires', 'OpenSent', TO_OPEN_SENT],
  ['IdleHoldTimer_Expires', 'Idle', down('IdleHoldTimer_Expires', { stops: CR })],
  ['TcpConnection_Valid', 'Active', ['acceptConnection']],
  ['Tcp_CR_Invalid', 'Active', ['rejectConnection']],
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

describe('Active (RFC 4271 s8.2.2)', () => {
  walk('Active', rows);

  it('Event 18 counts the failure', () => {
    expect(step(reach('Active'), sample('TcpConnectionFails'), config()).fsm.connectRetryCounter).toBe(1);
  });

  it('a passive peer keeps waiting when a ConnectRetryTimer expiry comes anyway', () => {
    const cfg = config({ passive: true });
    const r = step(reach('Active', cfg), sample('ConnectRetryTimer_Expires'), cfg);
    expect(r.fsm.state).toBe('Active');
    expect(r.actions).toEqual([]);
  });
});

describe('Active with DelayOpen (RFC 4271 s8.2.2)', () => {
  const cfg = config({ delayOpen: 5 });
  const waiting = () => run(reach('Active', cfg), [sample('TcpConnectionConfirmed')], cfg).fsm;

  it('Events 16/17 start the DelayOpenTimer and stay', () => {
    const r = step(reach('Active', cfg), sample('TcpConnectionConfirmed'), cfg);
    expect(r.fsm.state).toBe('Active');
    expect(briefs(r.actions)).toEqual(['stop connectRetry', 'start delayOpen 5']);
  });

  it('Event 20 sends OPEN and KEEPALIVE: OpenConfirm', () => {
    const r = step(waiting(), sample('BGPOpen'), cfg);
    expect(r.fsm.state).toBe('OpenConfirm');
    expect(briefs(r.actions)).toEqual(['stop delayOpen', 'sendOpen', 'sendKeepalive', 'start keepalive 30', 'start hold 90']);
  });

  it('Event 12 sends OPEN: OpenSent', () => {
    const r = step(waiting(), sample('DelayOpenTimer_Expires'), cfg);
    expect(briefs(r.actions)).toEqual(['sendOpen', 'start hold 240']);
  });

  it('ManualStop sends Cease while the DelayOpenTimer runs, with SendNOTIFICATIONwithoutOPEN only', () => {
    expect(briefs(step(waiting(), sample('ManualStop'), cfg).actions)).toEqual(down('ManualStop', { stops: ['delayOpen'], restart: false }));
    const cfg2 = config({ delayOpen: 5, sendNotificationWithoutOpen: true });
    const w2 = run(reach('Active', cfg2), [sample('TcpConnectionConfirmed')], cfg2).fsm;
    expect(briefs(step(w2, sample('ManualStop'), cfg2).actions)[0]).toBe('notify 6/2 0b6d61696e74656e616e6365');
  });

  it('Event 24 with the DelayOpenTimer running is not counted', () => {
    const r = step(waiting(), sample('NotifMsgVerErr'), cfg);
    expect([r.fsm.state, r.fsm.connectRetryCounter]).toEqual(['Idle', 0]);
  });
});
