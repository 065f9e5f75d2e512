// RFC 4271 s8.2.2, Established state, event by event; RFC 6608 subcode 3 for unexpected messages.
import { describe, expect, it } from 'vitest';
import { step, type FsmEvent } from '../../../src/fsm/index.js';
import { briefs, config, reach, sample, T0 } from './fixtures.js';
import { down, SHUTDOWN, walk, type Row } from './table.js';

const HK = ['hold', 'keepalive'];
const est = { est: true } as const;
const fsmError = (type: Row[0], sub: string): Row => [type, 'Idle', down(type, { send: `5/${sub}`, stops: HK, ...est })];

const rows: Row[] = [
  ['ManualStart', 'Established', []],
  ['ManualStop', 'Idle', down('ManualStop', { send: SHUTDOWN, stops: HK, restart: false, ...est })],
  ['AutomaticStart', 'Established', []],
  ['ManualStart_with_PassiveTcpEstablishment', 'Established', []],
  ['AutomaticStart_with_PassiveTcpEstablishment', 'Established', []],
  ['AutomaticStop', 'Idle', down('AutomaticStop', { send: '6/1', stops: HK, restart: false, ...est })],
  fsmError('ConnectRetryTimer_Expires', '0'),
  ['HoldTimer_Expires', 'Idle', down('HoldTimer_Expires', { send: '4/0', stops: ['keepalive'], ...est })],
  ['KeepaliveTimer_Expires', 'Established', ['sendKeepalive', 'start keepalive 30']],
  fsmError('DelayOpenTimer_Expires', '0'),
  fsmError('IdleHoldTimer_Expires', '0'),
  ['TcpConnection_Valid', 'Established', []],
  ['Tcp_CR_Invalid', 'Established', ['rejectConnection']],
  ['Tcp_CR_Acked', 'Established', []],
  ['TcpConnectionConfirmed', 'Established', []],
  ['TcpConnectionFails', 'Idle', down('TcpConnectionFails', { stops: HK, ...est })],
  fsmError('BGPOpen', '3 01'),
  ['BGPHeaderErr', 'Idle', down('BGPHeaderErr', { send: '1/2 0012', stops: HK, ...est })],
  fsmError('BGPOpenMsgErr', '3 01'),
  ['OpenCollisionDump', 'Idle', down('OpenCollisionDump', { send: '6/7', stops: HK, restart: false, ...est })],
  ['NotifMsgVerErr', 'Idle', down('NotifMsgVerErr', { recv: '2/1', stops: HK, ...est })],
  ['NotifMsg', 'Idle', down('NotifMsg', { recv: '6/2', stops: HK, ...est })],
  ['KeepAliveMsg', 'Established', ['start hold 90']],
  ['UpdateMsg', 'Established', ['processUpdate', 'start hold 90']],
  ['UpdateMsgErr', 'Idle', down('UpdateMsgErr', { send: '3/1', stops: HK, ...est })],
  ['RouteRefreshMsg', 'Established', ['processRouteRefresh', 'start hold 90']],
  ['RouteRefreshMsgErr', 'Idle', down('RouteRefreshMsgErr', { send: '7/1', stops: HK, ...est })],
];

describe('Established (RFC 4271 s8.2.2)', () => {
  walk('Established', rows);

  const refresh = (afi: number, safi: number, subtype: number): FsmEvent => ({
    type: 'RouteRefreshMsg',
    refresh: { type: 'route-refresh', afi, safi, subtype, data: new Uint8Array(0) },
    now: T0,
  });

  it('ignores ROUTE-REFRESH for a family not negotiated (RFC 2918 s4) or an unknown subtype (RFC 7313 s5)', () => {
    const e = reach('Established');
    expect(briefs(step(e, refresh(2, 1, 0), config()).actions)).toEqual(['processRouteRefresh', 'start hold 90']);
    expect(briefs(step(e, refresh(1, 1, 2), config()).actions)).toEqual(['processRouteRefresh', 'start hold 90']);
    expect(briefs(step(e, refresh(1, 128, 0), config()).actions)).toEqual(['start hold 90']);
    expect(briefs(step(e, refresh(1, 1, 3), config()).actions)).toEqual(['start hold 90']);
  });

  it('the UPDATE is handed over as received', () => {
    const e = sample('UpdateMsg');
    const r = step(reach('Established'), e, config());
    expect(r.actions[0]).toEqual({ type: 'processUpdate', update: (e as { update: unknown }).update });
  });

  it('ManualStop carries the shutdown communication and resets ConnectRetryCounter', () => {
    const r = step(reach('Established'), { type: 'ManualStop', communication: 'maintenance', now: T0 }, config());
    const sent = r.actions.find((a) => a.type === 'sendNotification');
    expect(sent?.type === 'sendNotification' && new TextDecoder().decode(sent.notification.data.subarray(1))).toBe('maintenance');
    expect(r.fsm.connectRetryCounter).toBe(0);
  });

  it('ManualStop without a communication sends a bare Cease / Administrative Shutdown', () => {
    const r = step(reach('Established'), { type: 'ManualStop', now: T0 }, config());
    expect(briefs(r.actions)[0]).toBe('notify 6/2');
  });

  it('AutomaticStop sends its Cease subcode and data', () => {
    const data = Uint8Array.of(0, 1, 1, 0, 0, 0, 100);
    const r = step(reach('Established'), { type: 'AutomaticStop', subcode: 1, data, now: T0 }, config());
    expect(briefs(r.actions)[0]).toBe('notify 6/1 00010100000064');
  });
});
