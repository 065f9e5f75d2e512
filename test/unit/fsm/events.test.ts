// Messages and decoding errors as FSM events; the RFC 4271 s8.1 numbering.
import { describe, expect, it } from 'vitest';
import { errorEvent, EVENT_NUMBERS, messageEvent } from '../../../src/fsm/index.js';
import { BgpError, emptyUpdate } from '../../../src/wire/index.js';
import { EVENT_TYPES, peerOpen } from './fixtures.js';

describe('events', () => {
  it('each decoded message becomes its event', () => {
    const n = (code: number, subcode: number) => ({ type: 'notification' as const, code, subcode, data: new Uint8Array(0) });
    expect(messageEvent(peerOpen(), 1).type).toBe('BGPOpen');
    expect(messageEvent(emptyUpdate(), 1).type).toBe('UpdateMsg');
    expect(messageEvent({ type: 'keepalive' }, 1)).toEqual({ type: 'KeepAliveMsg', now: 1 });
    expect(messageEvent(n(6, 2), 1).type).toBe('NotifMsg');
    expect(messageEvent(n(2, 1), 1).type).toBe('NotifMsgVerErr');
    expect(messageEvent({ type: 'route-refresh', afi: 1, safi: 1, subtype: 0, data: new Uint8Array(0) }, 1).type).toBe('RouteRefreshMsg');
  });

  it('each decoding error becomes the event of its NOTIFICATION code', () => {
    const e = (code: number) => errorEvent(new BgpError(code, 1, 'x'), 7).type;
    expect([e(1), e(2), e(3), e(7), e(5)]).toEqual(['BGPHeaderErr', 'BGPOpenMsgErr', 'UpdateMsgErr', 'RouteRefreshMsgErr', 'BGPHeaderErr']);
  });

  it('RFC 4271 s8.1 numbers', () => {
    expect(Object.keys(EVENT_NUMBERS).sort()).toEqual([...EVENT_TYPES].sort());
    expect([EVENT_NUMBERS.ManualStart, EVENT_NUMBERS.AutomaticStop, EVENT_NUMBERS.TcpConnectionFails, EVENT_NUMBERS.UpdateMsgErr]).toEqual([1, 8, 18, 28]);
  });
});
