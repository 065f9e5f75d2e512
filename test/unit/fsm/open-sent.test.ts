// RFC 4271 s8.2.2, OpenSent state, event by event; RFC 6608 subcode 1 for unexpected messages.
import { describe, expect, it } from 'vitest';
import { step, type FsmEvent } from '../../../src/fsm/index.js';
import { briefs, config, peerOpen, reach, sample, T0 } from './fixtures.js';
import { down, SHUTDOWN, walk, type Row } from './table.js';

const H = ['hold'];
const fsmError = (type: Row[0], sub: string): Row => [type, 'Idle', down(type, { send: `5/${sub}`, stops: H })];

const rows: Row[] = [
  ['ManualStart', 'OpenSent', []],
  ['ManualStop', 'Idle', down('ManualStop', { send: SHUTDOWN, stops: H, restart: false })],
  ['AutomaticStart', 'OpenSent', []],
  ['ManualStart_with_PassiveTcpEstablishment', 'OpenSent', []],
  ['AutomaticStart_with_PassiveTcpEstablishment', 'OpenSent', []],
  ['AutomaticStop', 'Idle', down('AutomaticStop', { send: '6/1', stops: H, restart: false })],
  fsmError('ConnectRetryTimer_Expires', '0'),
  ['HoldTimer_Expires', 'Idle', down('HoldTimer_Expires', { send: '4/0' })],
  fsmError('KeepaliveTimer_Expires', '0'),
  fsmError('DelayOpenTimer_Expires', '0'),
  fsmError('IdleHoldTimer_Expires', '0'),
  ['TcpConnection_Valid', 'OpenSent', []],
  ['Tcp_CR_Invalid', 'OpenSent', ['rejectConnection']],
  ['Tcp_CR_Acked', 'OpenSent', []],
  ['TcpConnectionConfirmed', 'OpenSent', []],
  ['TcpConnectionFails', 'Active', ['dropConnection', 'stop hold', 'start connectRetry 120']],
  ['BGPOpen', 'OpenConfirm', ['sendKeepalive', 'start keepalive 30', 'start hold 90']],
  ['BGPHeaderErr', 'Idle', down('BGPHeaderErr', { send: '1/2 0012', stops: H })],
  ['BGPOpenMsgErr', 'Idle', down('BGPOpenMsgErr', { send: '2/4', stops: H })],
  ['OpenCollisionDump', 'Idle', down('OpenCollisionDump', { send: '6/7', stops: H, restart: false })],
  ['NotifMsgVerErr', 'Idle', down('NotifMsgVerErr', { recv: '2/1', stops: H })],
  ['NotifMsg', 'Idle', down('NotifMsg', { recv: '6/2', stops: H })],
  fsmError('KeepAliveMsg', '1 04'),
  fsmError('UpdateMsg', '1 02'),
  fsmError('UpdateMsgErr', '1 02'),
  fsmError('RouteRefreshMsg', '1 05'),
  fsmError('RouteRefreshMsgErr', '1 05'),
];

describe('OpenSent (RFC 4271 s8.2.2)', () => {
  walk('OpenSent', rows);

  it('the large HoldTimer runs while waiting for the OPEN', () => {
    const s = reach('OpenSent');
    expect(s.timers).toMatchObject({ hold: true, connectRetry: false });
  });

  it('ConnectRetryCounter: + 1 on failures and collisions, unchanged on version errors, 0 on ManualStop', () => {
    const s = reach('OpenSent');
    const counter = (type: Row[0]) => step(s, sample(type), config()).fsm.connectRetryCounter;
    expect(counter('UpdateMsg')).toBe(1);
    expect(counter('OpenCollisionDump')).toBe(1);
    expect(counter('HoldTimer_Expires')).toBe(1);
    expect(counter('NotifMsgVerErr')).toBe(0);
    expect(counter('ManualStop')).toBe(0);
  });

  it('keeps the OPEN and the negotiated session; internal when the AS is ours', () => {
    const r = step(reach('OpenSent'), sample('BGPOpen'), config());
    expect(r.fsm.remoteOpen?.bgpId).toBe('192.0.2.2');
    expect(r.fsm.negotiated?.ibgp).toBe(false);
    const ibgp: FsmEvent = { type: 'BGPOpen', open: peerOpen({ localAsn: 65001 }), now: T0 };
    const cfg = config({ expectations: { ...config().expectations, peerAsn: 65001 } });
    expect(step(reach('OpenSent', cfg), ibgp, cfg).fsm.negotiated?.ibgp).toBe(true);
  });

  it('a negotiated Hold Time of zero runs neither HoldTimer nor KeepaliveTimer', () => {
    const e: FsmEvent = { type: 'BGPOpen', open: peerOpen({ holdTime: 0 }), now: T0 };
    const r = step(reach('OpenSent'), e, config());
    expect(briefs(r.actions)).toEqual(['sendKeepalive', 'stop hold']);
    expect(r.fsm.timers).toMatchObject({ hold: false, keepalive: false });
  });

  it('an OPEN that negotiate() refuses sends its NOTIFICATION (Bad Peer AS, data = My AS)', () => {
    const e: FsmEvent = { type: 'BGPOpen', open: peerOpen({ localAsn: 65099 }), now: T0 };
    const r = step(reach('OpenSent'), e, config());
    expect(r.fsm.state).toBe('Idle');
    expect(briefs(r.actions)).toEqual(down('BGPOpenMsgErr', { send: '2/2 fe4b', stops: H }));
  });

  it('Hold Time of one second: Unacceptable Hold Time', () => {
    const e: FsmEvent = { type: 'BGPOpen', open: { ...peerOpen(), holdTime: 1 }, now: T0 };
    expect(briefs(step(reach('OpenSent'), e, config()).actions)[0]).toBe('notify 2/6');
  });

  it('uses the configured large hold time', () => {
    const cfg = config({ openSentHoldTime: 60 });
    expect(reach('OpenSent', cfg)).toBeTruthy();
    const r = step(reach('Connect', cfg), sample('Tcp_CR_Acked'), cfg);
    expect(briefs(r.actions)).toContain('start hold 60');
  });
});
