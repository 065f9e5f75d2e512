// RFC 4271 s8.2.2, OpenConfirm state, event by event; RFC 6608 subcode 2 for unexpected messages.
import { describe, expect, it } from 'vitest';
import { step } from '../../../src/fsm/index.js';
import { config, reach, sample, T0 } from './fixtures.js';
import { down, SHUTDOWN, walk, type Row } from './table.js';

const HK = ['hold', 'keepalive'];
const fsmError = (type: Row[0], sub: string): Row => [type, 'Idle', down(type, { send: `5/${sub}`, stops: HK })];

const rows: Row[] = [
  ['ManualStart', 'OpenConfirm', []],
  ['ManualStop', 'Idle', down('ManualStop', { send: SHUTDOWN, stops: HK, restart: false })],
  ['AutomaticStart', 'OpenConfirm', []],
  ['ManualStart_with_PassiveTcpEstablishment', 'OpenConfirm', []],
  ['AutomaticStart_with_PassiveTcpEstablishment', 'OpenConfirm', []],
  ['AutomaticStop', 'Idle', down('AutomaticStop', { send: '6/1', stops: HK, restart: false })],
  fsmError('ConnectRetryTimer_Expires', '0'),
  ['HoldTimer_Expires', 'Idle', down('HoldTimer_Expires', { send: '4/0', stops: ['keepalive'] })],
  ['KeepaliveTimer_Expires', 'OpenConfirm', ['sendKeepalive', 'start keepalive 30']],
  fsmError('DelayOpenTimer_Expires', '0'),
  fsmError('IdleHoldTimer_Expires', '0'),
  ['TcpConnection_Valid', 'OpenConfirm', []],
  ['Tcp_CR_Invalid', 'OpenConfirm', ['rejectConnection']],
  ['Tcp_CR_Acked', 'OpenConfirm', []],
  ['TcpConnectionConfirmed', 'OpenConfirm', []],
  ['TcpConnectionFails', 'Idle', down('TcpConnectionFails', { stops: HK })],
  fsmError('BGPOpen', '2 01'),
  ['BGPHeaderErr', 'Idle', down('BGPHeaderErr', { send: '1/2 0012', stops: HK })],
  ['BGPOpenMsgErr', 'Idle', down('BGPOpenMsgErr', { send: '2/4', stops: HK })],
  ['OpenCollisionDump', 'Idle', down('OpenCollisionDump', { send: '6/7', stops: HK, restart: false })],
  ['NotifMsgVerErr', 'Idle', down('NotifMsgVerErr', { recv: '2/1', stops: HK })],
  ['NotifMsg', 'Idle', down('NotifMsg', { recv: '6/2', stops: HK })],
  ['KeepAliveMsg', 'Established', ['start hold 90', 'established']],
  fsmError('UpdateMsg', '2 02'),
  fsmError('UpdateMsgErr', '2 02'),
  fsmError('RouteRefreshMsg', '2 05'),
  fsmError('RouteRefreshMsgErr', '2 05'),
];

describe('OpenConfirm (RFC 4271 s8.2.2)', () => {
  walk('OpenConfirm', rows);

  it('KEEPALIVE makes the session Established, with the negotiated session and its time', () => {
    const oc = reach('OpenConfirm');
    const r = step(oc, sample('KeepAliveMsg', T0 + 42), config());
    expect(r.actions.find((a) => a.type === 'established')).toEqual({ type: 'established', negotiated: oc.negotiated });
    expect(r.fsm.establishedAt).toBe(T0 + 42);
  });

  it('leaving forgets the OPEN and the negotiated session', () => {
    const r = step(reach('OpenConfirm'), sample('NotifMsg'), config());
    expect(r.fsm.negotiated).toBeUndefined();
    expect(r.fsm.remoteOpen).toBeUndefined();
  });

  it('Event 24 is not counted; Event 25 is', () => {
    const oc = reach('OpenConfirm');
    expect(step(oc, sample('NotifMsgVerErr'), config()).fsm.connectRetryCounter).toBe(0);
    expect(step(oc, sample('NotifMsg'), config()).fsm.connectRetryCounter).toBe(1);
  });
});
