// readMrt() on hand-built records: one test per record kind, plus the damage handling.
import { describe, expect, it } from 'vitest';
import {
  bgpStateName,
  readMrt,
  type Bgp4mpMessageRecord,
  type Bgp4mpStateRecord,
  type BgpLegacyRecord,
  type MrtIssue,
  type MrtRecord,
  type PeerIndexTableRecord,
  type RibGenericRecord,
  type RibRecord,
  type TableDumpRecord,
  type UnknownRecord,
} from '../../../src/formats/mrt.js';

// ---- byte builders ------------------------------------------------------------------------

const u16 = (v: number): number[] => [(v >>> 8) & 255, v & 255];
const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const ip4 = (s: string): number[] => s.split('.').map(Number);

/** Expands IPv6 text with at most one "::" into 16 bytes. */
function ip6(s: string): number[] {
  const [head = '', tail] = s.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => u16(parseInt(g, 16)));
}

function rec(ts: number, type: number, subtype: number, body: number[]): number[] {
  return [...u32(ts), ...u16(type), ...u16(subtype), ...u32(body.length), ...body];
}

const bytes = (...records: number[][]): Uint8Array => Uint8Array.from(records.flat());
const read = (data: Uint8Array): (MrtRecord | MrtIssue)[] => [...readMrt(data)];

const MARKER = Array<number>(16).fill(0xff);
const KEEPALIVE = [...MARKER, ...u16(19), 4];
const ATTRS = [0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 10, 0, 0, 1];
const T0 = 1_600_000_000;

function only<K extends (MrtRecord | MrtIssue)['kind']>(items: (MrtRecord | MrtIssue)[], kind: K) {
  return items.filter((x): x is Extract<MrtRecord | MrtIssue, { kind: K }> => x.kind === kind);
}

// ---- BGP4MP / BGP4MP_ET -------------------------------------------------------------------

describe('BGP4MP', () => {
  it('decodes MESSAGE (2-octet AS, IPv4) with the BGP message as a view', () => {
    const data = bytes(rec(T0, 16, 1, [...u16(65001), ...u16(65002), ...u16(3), ...u16(1), ...ip4('192.0.2.1'), ...ip4('192.0.2.2'), ...KEEPALIVE]));
    const [r] = read(data) as [Bgp4mpMessageRecord];
    expect(r).toMatchObject({
      kind: 'bgp4mp-message', index: 0, offset: 0, timestamp: T0, mrtType: 16, subtype: 1,
      peerAsn: 65001, localAsn: 65002, ifIndex: 3, afi: 1, peerIp: '192.0.2.1', localIp: '192.0.2.2',
      as4: false, addPath: false, local: false,
    });
    expect([...r.message]).toEqual(KEEPALIVE);
    expect(r.message.buffer).toBe(data.buffer); // a subarray, not a copy
  });

  it('decodes BGP4MP_ET MESSAGE_AS4 over IPv6 and adds the microseconds', () => {
    const data = bytes(rec(T0, 17, 4, [...u32(250_000), ...u32(4_200_000_001), ...u32(65536), ...u16(0), ...u16(2), ...ip6('2001:db8::1'), ...ip6('fe80::1:0:0:2'), ...KEEPALIVE]));
    const [r] = read(data) as [Bgp4mpMessageRecord];
    expect(r.timestamp).toBeCloseTo(T0 + 0.25, 6);
    expect(r).toMatchObject({ peerAsn: 4_200_000_001, localAsn: 65536, afi: 2, peerIp: '2001:db8::1', localIp: 'fe80::1:0:0:2', as4: true });
    expect(r.message.length).toBe(19);
  });

  it.each([
    [6, { as4: false, local: true, addPath: false }],
    [7, { as4: true, local: true, addPath: false }],
    [8, { as4: false, local: false, addPath: true }],
    [9, { as4: true, local: false, addPath: true }],
    [10, { as4: false, local: true, addPath: true }],
    [11, { as4: true, local: true, addPath: true }],
  ])('sets the flags of subtype %i', (subtype, flags) => {
    const asn = flags.as4 ? u32(70000) : u16(7000);
    const data = bytes(rec(T0, 16, subtype, [...asn, ...asn, ...u16(0), ...u16(1), ...ip4('10.0.0.1'), ...ip4('10.0.0.2'), ...KEEPALIVE]));
    const [r] = read(data) as [Bgp4mpMessageRecord];
    expect(r.kind).toBe('bgp4mp-message');
    expect(r).toMatchObject({ ...flags, peerAsn: flags.as4 ? 70000 : 7000 });
  });

  it('decodes STATE_CHANGE and STATE_CHANGE_AS4', () => {
    const data = bytes(
      rec(T0, 16, 0, [...u16(64512), ...u16(64513), ...u16(0), ...u16(1), ...ip4('10.1.1.1'), ...ip4('10.1.1.2'), ...u16(1), ...u16(2)]),
      rec(T0 + 1, 16, 5, [...u32(400000), ...u32(64513), ...u16(0), ...u16(2), ...ip6('2001:db8::a'), ...ip6('2001:db8::b'), ...u16(5), ...u16(6)]),
    );
    const [a, b] = read(data) as [Bgp4mpStateRecord, Bgp4mpStateRecord];
    expect(a).toMatchObject({ kind: 'bgp4mp-state', index: 0, peerAsn: 64512, peerIp: '10.1.1.1', oldState: 1, newState: 2, as4: false });
    expect(b).toMatchObject({ kind: 'bgp4mp-state', index: 1, offset: 32, peerAsn: 400000, localIp: '2001:db8::b', oldState: 5, newState: 6, as4: true });
    expect(bgpStateName(b.newState)).toBe('Established');
  });

  it('accepts the address-less records of historic Zebra (afi 0)', () => {
    const data = bytes(
      rec(T0, 16, 0, [...u16(0), ...u16(0), ...u16(3), ...u16(4)]),
      rec(T0, 16, 1, [...u16(0), ...u16(0), ...KEEPALIVE]),
    );
    const [s, m] = read(data) as [Bgp4mpStateRecord, Bgp4mpMessageRecord];
    expect(s).toMatchObject({ kind: 'bgp4mp-state', afi: 0, peerIp: '', oldState: 3, newState: 4 });
    expect(m).toMatchObject({ kind: 'bgp4mp-message', afi: 0, localIp: '' });
    expect([...m.message]).toEqual(KEEPALIVE);
  });

  it('reports an unknown address family and a body shorter than its fixed fields, then continues', () => {
    const data = bytes(
      rec(T0, 16, 1, [...u16(1), ...u16(2), ...u16(0), ...u16(9), ...KEEPALIVE]),
      rec(T0, 16, 4, [...u32(1), ...u16(2)]),
      rec(T0, 16, 0, [...u16(1), ...u16(2), ...u16(0), ...u16(1), ...ip4('1.2.3.4'), ...ip4('5.6.7.8'), ...u16(1)]),
      rec(T0, 16, 1, [...u16(1), ...u16(2), ...u16(0), ...u16(1), ...ip4('1.2.3.4'), ...ip4('5.6.7.8'), ...KEEPALIVE]),
    );
    const items = read(data);
    expect(items.map((x) => x.kind)).toEqual(['issue', 'issue', 'issue', 'bgp4mp-message']);
    expect(only(items, 'issue').map((i) => i.index)).toEqual([0, 1, 2]);
    expect((items[0] as MrtIssue).message).toMatch(/address family 9/);
    expect(items[3]!.index).toBe(3);
  });

  it('reports an _ET record too short for its microsecond field', () => {
    const data = bytes(rec(T0, 17, 4, [1, 2]), rec(T0, 17, 5, [...u32(0), ...u32(1), ...u32(2), ...u16(0), ...u16(1), ...ip4('1.1.1.1'), ...ip4('2.2.2.2'), ...u16(1), ...u16(2)]));
    const items = read(data);
    expect(items.map((x) => x.kind)).toEqual(['issue', 'bgp4mp-state']);
  });

  it('passes deprecated subtypes through as unknown', () => {
    const [r] = read(bytes(rec(T0, 16, 2, [1, 2, 3]))) as [UnknownRecord];
    expect(r).toMatchObject({ kind: 'unknown', mrtType: 16, subtype: 2 });
    expect([...r.body]).toEqual([1, 2, 3]);
  });
});

// ---- TABLE_DUMP ---------------------------------------------------------------------------

function tdEntry4(prefix: string, len: number, peer: string, asn: number, attrs: number[] = ATTRS): number[] {
  return [...ip4(prefix), len, 1, ...u32(T0 - 100), ...ip4(peer), ...u16(asn), ...u16(attrs.length), ...attrs];
}

describe('TABLE_DUMP', () => {
  it('decodes AFI_IPv4 and AFI_IPv6 entries', () => {
    const v6 = [...u16(0), ...u16(7), ...ip6('2001:db8:100::'), 40, 1, ...u32(T0 - 5), ...ip6('2001:db8::99'), ...u16(65000), ...u16(ATTRS.length), ...ATTRS];
    const data = bytes(rec(T0, 12, 1, [...u16(0), ...u16(6), ...tdEntry4('198.51.100.0', 24, '192.0.2.9', 64500)]), rec(T0, 12, 2, v6));
    const [a, b] = read(data) as [TableDumpRecord, TableDumpRecord];
    expect(a).toMatchObject({ kind: 'table-dump', viewNumber: 0, sequence: 6, prefix: '198.51.100.0/24', status: 1, originatedTime: T0 - 100, peerIp: '192.0.2.9', peerAsn: 64500 });
    expect([...a.attributes]).toEqual(ATTRS);
    expect(b).toMatchObject({ prefix: '2001:db8:100::/40', peerIp: '2001:db8::99', sequence: 7, originatedTime: T0 - 5 });
  });

  it('splits batched records and repairs the 4-bytes-short length of early RIPE dumps', () => {
    const body1 = [...u16(0), ...u16(0), ...tdEntry4('3.0.0.0', 8, '10.0.0.1', 1), ...tdEntry4('3.0.0.0', 8, '10.0.0.2', 2)];
    const body2 = [...u16(1), ...u16(0), ...tdEntry4('4.0.0.0', 8, '10.0.0.1', 1)];
    const short = (ts: number, body: number[]) => [...u32(ts), ...u16(12), ...u16(1), ...u32(body.length - 4), ...body];
    const items = read(bytes(short(T0, body1), short(T0, body2)));
    expect(items.map((x) => x.kind)).toEqual(['issue', 'table-dump', 'table-dump', 'issue', 'table-dump']);
    const dumps = only(items, 'table-dump');
    expect(dumps.map((d) => [d.index, d.prefix, d.peerAsn])).toEqual([[0, '3.0.0.0/8', 1], [0, '3.0.0.0/8', 2], [1, '4.0.0.0/8', 1]]);
    expect(dumps[2]!.offset).toBe(12 + body1.length);
    expect(dumps.every((d) => d.attributes.length === ATTRS.length)).toBe(true);
  });

  it('reports a prefix length too long for the family but keeps the other entries', () => {
    const body = [...u16(0), ...u16(0), ...tdEntry4('1.0.0.0', 33, '10.0.0.1', 1), ...tdEntry4('2.0.0.0', 8, '10.0.0.1', 1)];
    expect(read(bytes(rec(T0, 12, 1, body))).map((x) => x.kind)).toEqual(['issue', 'table-dump']);
  });
});

// ---- TABLE_DUMP_V2 ------------------------------------------------------------------------

function ribEntry(peer: number, attrs: number[], pathId?: number): number[] {
  return [...u16(peer), ...u32(T0 - 1), ...(pathId === undefined ? [] : u32(pathId)), ...u16(attrs.length), ...attrs];
}

describe('TABLE_DUMP_V2', () => {
  it('decodes PEER_INDEX_TABLE with every peer type', () => {
    const name = [...Buffer.from('rv2')];
    const body = [
      ...ip4('192.0.2.255'), ...u16(name.length), ...name, ...u16(4),
      0, ...ip4('1.1.1.1'), ...ip4('10.0.0.1'), ...u16(65001),
      1, ...ip4('2.2.2.2'), ...ip6('2001:db8::2'), ...u16(65002),
      2, ...ip4('3.3.3.3'), ...ip4('10.0.0.3'), ...u32(4_000_000_000),
      3, ...ip4('0.0.0.0'), ...ip6('::'), ...u32(0),
    ];
    const [r] = read(bytes(rec(T0, 13, 1, body))) as [PeerIndexTableRecord];
    expect(r).toMatchObject({ kind: 'peer-index-table', collectorId: '192.0.2.255', viewName: 'rv2' });
    expect(r.peers).toEqual([
      { type: 0, bgpId: '1.1.1.1', ip: '10.0.0.1', asn: 65001 },
      { type: 1, bgpId: '2.2.2.2', ip: '2001:db8::2', asn: 65002 },
      { type: 2, bgpId: '3.3.3.3', ip: '10.0.0.3', asn: 4_000_000_000 },
      { type: 3, bgpId: '0.0.0.0', ip: '::', asn: 0 },
    ]);
  });

  it('reports a peer table cut short', () => {
    const body = [...ip4('192.0.2.255'), ...u16(0), ...u16(2), 0, ...ip4('1.1.1.1'), ...ip4('10.0.0.1'), ...u16(65001)];
    const [r] = read(bytes(rec(T0, 13, 1, body)));
    expect(r).toMatchObject({ kind: 'issue', message: expect.stringMatching(/1 of 2 peers/) });
  });

  it.each([
    [2, 1, 1, '203.0.113.0/25', [203, 0, 113, 0]],
    [3, 1, 2, '224.0.0.0/4', [0xe0]],
    [4, 2, 1, '2001:db8::/32', [0x20, 0x01, 0x0d, 0xb8]],
    [5, 2, 2, 'ff00::/8', [0xff]],
  ])('decodes RIB subtype %i as AFI %i SAFI %i', (subtype, afi, safi, prefix, prefixBytes) => {
    const bits = Number(prefix.split('/')[1]);
    const body = [...u32(42), bits, ...prefixBytes, ...u16(2), ...ribEntry(0, ATTRS), ...ribEntry(3, [])];
    const [r] = read(bytes(rec(T0, 13, subtype, body))) as [RibRecord];
    expect(r).toMatchObject({ kind: 'rib', afi, safi, sequence: 42, prefix, addPath: false });
    expect(r.entries.map((e) => [e.peerIndex, e.originatedTime, e.attributes.length, e.pathId])).toEqual([
      [0, T0 - 1, ATTRS.length, undefined],
      [3, T0 - 1, 0, undefined],
    ]);
  });

  it.each([8, 9, 10, 11])('reads the RFC 8050 path identifiers of ADDPATH subtype %i', (subtype) => {
    const ipv6 = subtype >= 10;
    const body = [...u32(1), 0, ...u16(2), ...ribEntry(1, ATTRS, 7), ...ribEntry(2, ATTRS, 0xfffffffe)];
    const [r] = read(bytes(rec(T0, 13, subtype, body))) as [RibRecord];
    expect(r).toMatchObject({ kind: 'rib', addPath: true, afi: ipv6 ? 2 : 1, prefix: ipv6 ? '::/0' : '0.0.0.0/0' });
    expect(r.entries.map((e) => e.pathId)).toEqual([7, 0xfffffffe]);
  });

  it('reports RIB entries running past the record and trailing bytes', () => {
    const over = [...u32(1), 8, 10, ...u16(2), ...ribEntry(1, ATTRS)];
    const trailing = [...u32(2), 8, 11, ...u16(1), ...ribEntry(1, ATTRS), 0, 0];
    const items = read(bytes(rec(T0, 13, 2, over), rec(T0, 13, 2, trailing)));
    expect(items.map((x) => x.kind)).toEqual(['issue', 'rib', 'issue']);
    expect((items[0] as MrtIssue).message).toMatch(/entry 1 of 2/);
  });

  it('decodes RIB_GENERIC with an RFC 4364 VPN NLRI', () => {
    // label (3) + RD (8) + 24-bit prefix = 112 bits
    const nlri = [112, 0x00, 0x10, 0x01, ...u16(0), ...u16(65000), ...u32(1), 10, 1, 2];
    const body = [...u32(9), ...u16(1), 128, ...nlri, ...u16(1), ...ribEntry(0, ATTRS)];
    const [r] = read(bytes(rec(T0, 13, 6, body))) as [RibGenericRecord];
    expect(r).toMatchObject({ kind: 'rib-generic', afi: 1, safi: 128, sequence: 9, addPath: false });
    expect([...r.nlri]).toEqual(nlri);
    expect(r.entries).toHaveLength(1);
  });

  it('decodes RIB_GENERIC_ADDPATH with the path id in the entries or in front of the NLRI', () => {
    const nlri = [24, 10, 1, 2];
    const perEntry = [...u32(1), ...u16(1), 4, ...nlri, ...u16(2), ...ribEntry(0, ATTRS, 5), ...ribEntry(1, ATTRS, 6)];
    const inNlri = [...u32(2), ...u16(1), 4, ...u32(77), ...nlri, ...u16(2), ...ribEntry(0, ATTRS), ...ribEntry(1, ATTRS)];
    const [a, b] = read(bytes(rec(T0, 13, 12, perEntry), rec(T0, 13, 12, inNlri))) as [RibGenericRecord, RibGenericRecord];
    expect(a).toMatchObject({ kind: 'rib-generic', addPath: true, safi: 4 });
    expect(a.entries.map((e) => e.pathId)).toEqual([5, 6]);
    expect([...b.nlri]).toEqual(nlri);
    expect(b.entries.map((e) => e.pathId)).toEqual([77, 77]);
  });

  it('decodes flow-spec and EVPN NLRI lengths in RIB_GENERIC', () => {
    const flow = [5, 1, 24, 192, 0, 2]; // length 5: destination prefix 192.0.2.0/24
    const evpn = [3, 4, 1, 2, 3, 4]; // route type 3, length 4
    const items = read(bytes(
      rec(T0, 13, 6, [...u32(1), ...u16(1), 133, ...flow, ...u16(1), ...ribEntry(0, ATTRS)]),
      rec(T0, 13, 6, [...u32(2), ...u16(25), 70, ...evpn, ...u16(1), ...ribEntry(0, ATTRS)]),
    )) as RibGenericRecord[];
    expect(items.map((r) => [r.kind, r.nlri.length])).toEqual([['rib-generic', 6], ['rib-generic', 6]]);
  });
});

// ---- deprecated BGP type ------------------------------------------------------------------

describe('BGP (deprecated type 5) and BGP4PLUS', () => {
  const peers = [...u16(3333), ...ip4('193.0.0.56'), ...u16(12654), ...ip4('193.0.0.1')];

  it('decodes UPDATE, OPEN, NOTIFY and KEEPALIVE with the message contents', () => {
    const update = [...u16(0), ...u16(ATTRS.length), ...ATTRS, 8, 10];
    const data = bytes(
      rec(T0, 5, 1, [...peers, ...update]),
      rec(T0, 5, 5, [...peers, 4, ...u16(3333), ...u16(180), ...ip4('193.0.0.56'), 0]),
      rec(T0, 5, 6, [...peers, 6, 2]),
      rec(T0, 5, 7, peers),
    );
    const items = read(data) as BgpLegacyRecord[];
    expect(items.map((r) => [r.kind, r.bgpType, r.bgpBody?.length])).toEqual([
      ['bgp-legacy', 2, update.length],
      ['bgp-legacy', 1, 10],
      ['bgp-legacy', 3, 2],
      ['bgp-legacy', 4, 0],
    ]);
    expect(items[0]).toMatchObject({ peerAsn: 3333, peerIp: '193.0.0.56', localAsn: 12654, localIp: '193.0.0.1' });
    expect([...items[0]!.bgpBody!]).toEqual(update);
    expect(items[0]!.body.length).toBe(12 + update.length);
  });

  it('decodes STATE_CHANGE and SYNC', () => {
    const data = bytes(
      rec(T0, 5, 3, [...u16(2914), ...ip4('129.250.0.232'), ...u16(3), ...u16(2)]),
      rec(T0, 5, 4, [...u16(0), ...Buffer.from('bview.20000101'), 0, 0xaa]),
    );
    const [s, y] = read(data) as [BgpLegacyRecord, BgpLegacyRecord];
    expect(s).toMatchObject({ peerAsn: 2914, peerIp: '129.250.0.232', oldState: 3, newState: 2 });
    expect(s.localAsn).toBeUndefined();
    expect(y).toMatchObject({ viewNumber: 0, fileName: 'bview.20000101' });
  });

  it('uses 16-octet addresses for BGP4PLUS', () => {
    const body = [...u16(1), ...ip6('2001:db8::1'), ...u16(2), ...ip6('2001:db8::2'), ...u16(0), ...u16(0)];
    const [r] = read(bytes(rec(T0, 9, 1, body))) as [BgpLegacyRecord];
    expect(r).toMatchObject({ kind: 'bgp-legacy', peerIp: '2001:db8::1', localIp: '2001:db8::2', bgpType: 2 });
  });

  it('reports a record shorter than its fixed fields', () => {
    expect(read(bytes(rec(T0, 5, 1, [1, 2, 3]), rec(T0, 5, 7, peers))).map((x) => x.kind)).toEqual(['issue', 'bgp-legacy']);
  });
});

// ---- other types and framing damage -------------------------------------------------------

describe('framing', () => {
  it('passes unknown types through', () => {
    const [r] = read(bytes(rec(T0, 11, 0, [9, 9]))) as [UnknownRecord];
    expect(r).toMatchObject({ kind: 'unknown', mrtType: 11, subtype: 0 });
    expect([...r.body]).toEqual([9, 9]);
  });

  it('stops with an issue when the last record runs past the end', () => {
    const data = bytes(rec(T0, 16, 1, [...u16(1), ...u16(2), ...u16(0), ...u16(1), ...ip4('1.1.1.1'), ...ip4('2.2.2.2'), ...KEEPALIVE]), rec(T0, 16, 1, [1, 2, 3, 4, 5, 6]));
    const items = read(data.subarray(0, data.length - 3));
    expect(items.map((x) => x.kind)).toEqual(['bgp4mp-message', 'issue']);
    expect(items[1]).toMatchObject({ index: 1, offset: 47, mrtType: 16, subtype: 1, message: expect.stringMatching(/truncated/) });
  });

  it('stops with an issue on a partial header', () => {
    const items = read(Uint8Array.from([0, 0, 0, 1, 0]));
    expect(items).toEqual([{ kind: 'issue', index: 0, offset: 0, message: expect.stringMatching(/truncated/) }]);
  });

  it('yields nothing for empty input', () => {
    expect(read(new Uint8Array(0))).toEqual([]);
  });

  const ka = (ts: number) => rec(ts, 5, 7, [...u16(1), ...ip4('10.0.0.1'), ...u16(2), ...ip4('10.0.0.2')]);

  it.each([
    ['past the end of the data', 5000],
    ['into the middle of a later record', 30],
  ])('resynchronises after a record whose length runs %s', (_what, length) => {
    const broken = [...u32(T0), ...u16(5), ...u16(1), ...u32(length), 0xde, 0xad];
    const data = bytes(ka(T0), broken, ka(T0 + 1), ka(T0 + 2), ka(T0 + 3));
    const items = read(data);
    expect(items.map((x) => x.kind)).toEqual(['bgp-legacy', 'issue', 'bgp-legacy', 'bgp-legacy', 'bgp-legacy']);
    expect(items[1]).toMatchObject({ index: 1, offset: 24, message: expect.stringMatching(/damaged/) });
    expect(items.slice(2).map((x) => [x.index, x.offset])).toEqual([[2, 38], [3, 62], [4, 86]]);
  });

  it('skips unframed bytes between records', () => {
    const data = bytes(ka(T0), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], ka(T0 + 1), ka(T0 + 2));
    const items = read(data);
    expect(items.map((x) => x.kind)).toEqual(['bgp-legacy', 'issue', 'bgp-legacy', 'bgp-legacy']);
    expect(items[1]).toMatchObject({ index: 0, offset: 24, message: expect.stringMatching(/13 bytes/) });
    expect(items[2]).toMatchObject({ index: 1, offset: 37 });
  });

  it('trusts the framing when no better header can be found (e.g. a jump of more than a day)', () => {
    const data = bytes(ka(T0), ka(T0 + 10 * 86400), ka(T0 + 10 * 86400 + 1));
    expect(read(data).map((x) => x.kind)).toEqual(['bgp-legacy', 'bgp-legacy', 'bgp-legacy']);
  });
});

describe('bgpStateName', () => {
  it('names RFC 4271 and Quagga states', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 0, 9].map(bgpStateName)).toEqual([
      'Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established', 'Clearing', 'Deleted', 'State(0)', 'State(9)',
    ]);
  });
});
