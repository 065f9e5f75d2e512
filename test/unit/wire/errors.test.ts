// Each malformed message gets the NOTIFICATION of RFC 4271 s6 and the action of RFC 7606.
import { describe, expect, it } from 'vitest';
import { BgpError, decodeMessage, isTreatAsWithdraw, makeContext, toHex, type UpdateMessage } from '../../../src/wire/index.js';
import { AS_PATH, BASE, message, NEXT_HOP, NLRI, ORIGIN, update } from '../../helpers/build.js';

const ctx = makeContext({ asn4: true });

function thrown(bytes: Uint8Array): BgpError {
  try {
    decodeMessage(bytes, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(BgpError);
    return e as BgpError;
  }
  throw new Error('expected a BgpError');
}

function decodedUpdate(bytes: Uint8Array): UpdateMessage {
  const m = decodeMessage(bytes, ctx).message;
  expect(m.type).toBe('update');
  return m as UpdateMessage;
}

const OPEN_BODY = '04fde900b4c0000201 00';

describe('message header (RFC 4271 s6.1)', () => {
  it('bad marker: Connection Not Synchronized', () => {
    const m = message(4, '');
    m[3] = 0;
    const e = thrown(m);
    expect([e.code, e.subcode, e.action]).toEqual([1, 1, 'session-reset']);
  });
  it('length below 19: Bad Message Length with the length as data', () => {
    const e = thrown(message(4, '', 18));
    expect([e.code, e.subcode, toHex(e.data)]).toEqual([1, 2, '0012']);
  });
  it('length above 4096 without extended messages', () => {
    const e = thrown(message(2, '00'.repeat(4100)));
    expect([e.code, e.subcode, toHex(e.data)]).toEqual([1, 2, toHex(Uint8Array.of(0x10, 0x17))]);
  });
  it('accepts the same message once extended messages are negotiated', () => {
    const big = update(BASE, NLRI.repeat(1100));
    expect(big.length).toBeGreaterThan(4096);
    const m = decodeMessage(big, makeContext({ extendedMessage: true })).message as UpdateMessage;
    expect(m.nlri.count).toBe(1100);
  });
  it('unknown type: Bad Message Type with the type as data', () => {
    const e = thrown(message(9, ''));
    expect([e.code, e.subcode, toHex(e.data)]).toEqual([1, 3, '09']);
  });
  it('KEEPALIVE longer than 19: Bad Message Length', () => {
    const e = thrown(message(4, '00'));
    expect([e.code, e.subcode, toHex(e.data)]).toEqual([1, 2, '0014']);
  });
  it('OPEN shorter than 29: Bad Message Length', () => {
    expect(thrown(message(1, '04fde9')).subcode).toBe(2);
  });
  it('ROUTE-REFRESH BoRR with trailing bytes: ROUTE-REFRESH Message Error / Invalid Message Length (RFC 7313)', () => {
    const e = thrown(message(5, '0001010100'));
    expect([e.code, e.subcode]).toEqual([7, 1]);
  });
});

describe('OPEN (RFC 4271 s6.2)', () => {
  it('decodes a plain OPEN', () => {
    const m = decodeMessage(message(1, OPEN_BODY.replace(' ', '')), ctx).message;
    expect(m).toMatchObject({ type: 'open', myAsn: 65001, holdTime: 180, bgpId: '192.0.2.1', params: [] });
  });
  it('version 3: Unsupported Version Number, data = 4', () => {
    const e = thrown(message(1, '03fde900b4c000020100'));
    expect([e.code, e.subcode, toHex(e.data)]).toEqual([2, 1, '0004']);
  });
  it('hold time 2: Unacceptable Hold Time', () => {
    expect(thrown(message(1, '04fde90002c000020100')).subcode).toBe(6);
  });
  it('BGP identifier 0: Bad BGP Identifier', () => {
    expect(thrown(message(1, '04fde900b40000000000')).subcode).toBe(3);
  });
  it('optional parameters length beyond the message: OPEN error, unspecific', () => {
    const e = thrown(message(1, '04fde900b4c000020105 0206'.replace(' ', '')));
    expect([e.code, e.subcode]).toEqual([2, 0]);
  });
  it('capability overrunning its parameter', () => {
    const e = thrown(message(1, '04fde900b4c000020104 0202 4104'.replace(/ /g, '')));
    expect([e.code, e.subcode]).toEqual([2, 0]);
  });
  it('reads RFC 9072 extended optional parameters', () => {
    const m = decodeMessage(message(1, '04fde900b4c0000201 ff ff 0007 02 0004 0200 9900'.replace(/ /g, '')), ctx).message;
    expect(m).toMatchObject({ type: 'open', extendedParams: true, params: [{ type: 2, capabilities: [{ type: 'route-refresh' }, { type: 'unknown' }] }] });
  });
});

describe('UPDATE (RFC 4271 s6.3, RFC 7606)', () => {
  it('a clean UPDATE has no errors', () => {
    const m = decodedUpdate(update(BASE, NLRI));
    expect(m.errors).toBeUndefined();
    expect(m.nlri.count).toBe(1);
  });
  it('withdrawn routes length overrunning the message: reset, Malformed Attribute List', () => {
    const e = thrown(message(2, '00ff0000'));
    expect([e.code, e.subcode, e.action]).toEqual([3, 1, 'session-reset']);
  });
  it('total attribute length overrunning the message: reset', () => {
    const e = thrown(message(2, '000000ff40010100'));
    expect([e.code, e.subcode, e.action]).toEqual([3, 1, 'session-reset']);
  });
  it('NLRI with a prefix length of 33: Invalid Network Field, reset (RFC 7606 s5.3)', () => {
    const e = thrown(update(BASE, '210a000000'));
    expect([e.code, e.subcode, e.action]).toEqual([3, 10, 'session-reset']);
  });
  const taw = (attrs: string, subcode: number, dataHex?: string) => {
    const m = decodedUpdate(update(attrs, NLRI));
    expect(isTreatAsWithdraw(m)).toBe(true);
    const e = m.errors!.find((x) => x.action === 'treat-as-withdraw')!;
    expect([e.code, e.subcode]).toEqual([3, subcode]);
    if (dataHex !== undefined) expect(toHex(e.data)).toBe(dataHex);
    return m;
  };
  it('ORIGIN value 5: Invalid ORIGIN, treat-as-withdraw, data = the attribute', () => {
    taw(`40010105${AS_PATH}${NEXT_HOP}`, 6, '40010105');
  });
  it('ORIGIN of length 2: Attribute Length Error, treat-as-withdraw', () => {
    taw(`4001020000${AS_PATH}${NEXT_HOP}`, 5);
  });
  it('ORIGIN flagged optional: Attribute Flags Error, treat-as-withdraw', () => {
    taw(`c0010100${AS_PATH}${NEXT_HOP}`, 4, 'c0010100');
  });
  it('AS_PATH segment overrunning the attribute: Malformed AS_PATH, treat-as-withdraw', () => {
    taw(`${ORIGIN}4002060203 0000fde9${NEXT_HOP}`, 11);
  });
  it('AS_PATH segment of length zero: malformed (RFC 7606 s7.2)', () => {
    taw(`${ORIGIN}4002020200${NEXT_HOP}`, 11);
  });
  it('NEXT_HOP of length 5: treat-as-withdraw', () => {
    taw(`${ORIGIN}${AS_PATH}400305c000020101`, 5);
  });
  it('COMMUNITIES of length 5: Optional Attribute Error, treat-as-withdraw', () => {
    taw(`${BASE}c0080500000001ff`, 9);
  });
  it('missing AS_PATH with NLRI: Missing Well-known Attribute, data = type code', () => {
    taw(`${ORIGIN}${NEXT_HOP}`, 3, '02');
  });
  it('missing NEXT_HOP without IPv4 NLRI is not an error', () => {
    expect(decodedUpdate(update(`${ORIGIN}${AS_PATH}`)).errors).toBeUndefined();
  });
  it('ATOMIC_AGGREGATE of length 1: attribute discard, the route stays', () => {
    const m = decodedUpdate(update(`${BASE}40060100`, NLRI));
    expect(isTreatAsWithdraw(m)).toBe(false);
    expect(m.errors!.map((e) => e.action)).toEqual(['attribute-discard']);
    expect(m.attributes.some((a) => a.type === 'atomic-aggregate')).toBe(false);
  });
  it('AGGREGATOR of the wrong length: attribute discard', () => {
    const m = decodedUpdate(update(`${BASE}c00707fde9c000020100`, NLRI));
    expect(m.errors!.map((e) => [e.subcode, e.action])).toEqual([[5, 'attribute-discard']]);
  });
  it('malformed AS4_PATH: attribute discard (RFC 6793 s6)', () => {
    const m = decodedUpdate(update(`${BASE}c0110302 05 00`.replace(/ /g, ''), NLRI));
    expect(m.errors!.map((e) => e.action)).toEqual(['attribute-discard']);
  });
  it('a repeated attribute: all but the first discarded (RFC 7606 s3 g)', () => {
    const m = decodedUpdate(update(`${BASE}40010101`, NLRI));
    expect(m.errors!.map((e) => e.action)).toEqual(['attribute-discard']);
    expect(m.attributes.filter((a) => a.type === 'origin')).toEqual([{ type: 'origin', flags: 0x40, origin: 0 }]);
  });
  it('a repeated MP_REACH_NLRI: session reset', () => {
    const mp = '800e0b00020110' + '20010db8000000000000000000000001' + '00';
    const e = thrown(update(`${ORIGIN}${AS_PATH}${mp}${mp}`.replace('800e0b', '800e15')));
    expect([e.subcode, e.action]).toEqual([1, 'session-reset']);
  });
  it('an unrecognized well-known attribute: Unrecognized Well-known Attribute, reset', () => {
    const e = thrown(update(`${BASE}40630100`, NLRI));
    expect([e.code, e.subcode, e.action, toHex(e.data)]).toEqual([3, 2, 'session-reset', '40630100']);
  });
  it('an unknown optional attribute is kept byte for byte', () => {
    const m = decodedUpdate(update(`${BASE}e0630201ff`, NLRI));
    expect(m.attributes.at(-1)).toEqual({ type: 'unknown', flags: 0xe0, code: 0x63, value: Uint8Array.of(1, 0xff) });
  });
  it('MP_REACH_NLRI with malformed NLRI: AFI/SAFI disable', () => {
    const e = thrown(update(`${ORIGIN}${AS_PATH}800e1500020110${'20010db8000000000000000000000001'}00 81`.replace(/ /g, '').replace('800e15', '800e16')));
    expect(e.action).toBe('afi-safi-disable');
  });
  it('an attribute overrunning the list with IPv4 NLRI present: treat-as-withdraw', () => {
    const m = decodedUpdate(update(`${BASE}c00808000000`, NLRI));
    expect(isTreatAsWithdraw(m)).toBe(true);
  });
  it('an attribute overrunning the list and no NLRI in sight: session reset', () => {
    expect(thrown(update(`${ORIGIN}c00808000000`)).action).toBe('session-reset');
  });
});

describe('NOTIFICATION helpers', () => {
  it('reads the cause of an RFC 8538 Hard Reset and describes it', async () => {
    const { hardResetCause, describeNotification, ceaseNotification, shutdownCommunication } = await import('../../../src/wire/index.js');
    const m = decodeMessage(message(3, '06090400'), ctx).message;
    expect(m.type).toBe('notification');
    if (m.type !== 'notification') return;
    expect(hardResetCause(m)).toMatchObject({ code: 4, subcode: 0 });
    expect(describeNotification(m)).toBe('Cease / Hard Reset (Hold Timer Expired / Unspecific)');
    const shut = ceaseNotification(2, 'maintenance until 14:00');
    expect(shutdownCommunication(shut)).toBe('maintenance until 14:00');
    expect(describeNotification(shut)).toBe('Cease / Administrative Shutdown: "maintenance until 14:00"');
    // RFC 9003: at most 255 octets, cut on a UTF-8 boundary.
    const long = ceaseNotification(2, 'é'.repeat(200));
    expect(long.data[0]).toBe(254);
    expect(shutdownCommunication(long)).toBe('é'.repeat(127));
  });
});
