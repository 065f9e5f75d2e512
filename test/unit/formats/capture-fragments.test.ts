// IP fragment reassembly in readPackets: IPv4 (RFC 791) and the IPv6 fragment header (RFC 8200).

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readPackets, type CaptureIssue, type CapturedPacket, type IpReassemblyOptions } from '../../../src/formats/pcap.js';
import { openBgpFile } from '../../../src/formats/bgp-reader.js';
import { bytes, concat, ethernet, fixture, pcapFile, tcpSegment, v6 } from './capture-builder.js';

type Item = CapturedPacket | CaptureIssue;

const be16 = (v: number): Uint8Array => bytes((v >> 8) & 0xff, v & 0xff);
const be32 = (v: number): Uint8Array => bytes(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);

const SRC = [192, 0, 2, 1];
const DST = [192, 0, 2, 2];

/** An IPv4 fragment (20-byte header) carrying `body` at byte `offset` of the datagram's payload. */
function v4frag(id: number, offset: number, more: boolean, body: Uint8Array, o: { proto?: number; src?: number[] } = {}): Uint8Array {
  return concat(
    bytes(0x45, 0), be16(20 + body.length), be16(id), be16((more ? 0x2000 : 0) | (offset / 8)),
    bytes(64, o.proto ?? 6), be16(0), bytes(...(o.src ?? SRC)), bytes(...DST), body,
  );
}

const V6SRC = v6('2001:db8::1');
const V6DST = v6('2001:db8::2');

/** An IPv6 packet whose only extension header is a fragment header (next = first header of the fragmentable part). */
function v6frag(id: number, offset: number, more: boolean, next: number, body: Uint8Array): Uint8Array {
  const frag = concat(bytes(next, 0), be16(offset | (more ? 1 : 0)), be32(id));
  return concat(bytes(0x60, 0, 0, 0), be16(8 + body.length), bytes(44, 64), bytes(...V6SRC), bytes(...V6DST), frag, body);
}

/** Splits `payload` at the given offsets (multiples of 8) into [offset, piece] pairs. */
function split(payload: Uint8Array, cuts: number[]): [number, Uint8Array][] {
  const edges = [0, ...cuts, payload.length];
  return edges.slice(0, -1).map((start, i) => [start, payload.subarray(start, edges[i + 1])]);
}

const capture = (frames: Uint8Array[], ts: (i: number) => number = (i) => 1 + i / 1000): Uint8Array =>
  pcapFile({ le: true, nano: false, linkType: 1 }, frames.map((data, i) => ({ ts: ts(i), data })));

const decode = (frames: Uint8Array[], options?: IpReassemblyOptions, ts?: (i: number) => number): Item[] => [
  ...readPackets(capture(frames, ts), options ? { reassembly: options } : {}),
];
const packets = (items: Item[]): CapturedPacket[] => items.filter((x): x is CapturedPacket => x.kind === 'packet');
const issues = (items: Item[]): CaptureIssue[] => items.filter((x): x is CaptureIssue => x.kind === 'issue');

// A KEEPALIVE and the start of a BGP UPDATE as the payload of one 120-byte TCP segment.
const bgpPayload = Uint8Array.from({ length: 100 }, (_, i) => (i < 16 ? 0xff : i === 17 ? 19 : i === 18 ? 4 : (i * 7) & 0xff));
const segment = tcpSegment({ srcPort: 179, dstPort: 40000, seq: 1000, ack: 5, flags: 0x18, payload: bgpPayload });

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('IPv4 fragment reassembly', () => {
  const pieces = split(segment, [32, 64]);
  const frames = pieces.map(([off, body], i) => ethernet(0x0800, v4frag(77, off, i < pieces.length - 1, body)));

  it('reassembles a segment in three fragments in every arrival order; the packet is credited to the last frame', () => {
    for (const order of permutations([0, 1, 2])) {
      const items = decode(order.map((i) => frames[i] as Uint8Array));
      expect(issues(items)).toEqual([]);
      const [p, ...more] = packets(items);
      expect(more).toEqual([]);
      expect(p).toMatchObject({ frame: 3, src: '192.0.2.1', dst: '192.0.2.2', srcPort: 179, dstPort: 40000, seq: 1000, ack: 5, truncated: false, wireLength: 100 });
      expect(p?.fragments).toEqual([1, 2, 3]);
      expect([...(p?.payload ?? [])]).toEqual([...bgpPayload]);
    }
  });

  it('duplicates and identical overlaps are absorbed; other traffic in between does not disturb it', () => {
    const overlap = ethernet(0x0800, v4frag(77, 24, true, segment.subarray(24, 72))); // covers parts of 1 and 2
    const other = ethernet(0x0800, v4frag(78, 0, false, tcpSegment({ srcPort: 179, dstPort: 40001, seq: 1 }))); // MF 0, offset 0: not a fragment
    const items = decode([frames[0] as Uint8Array, other, overlap, frames[0] as Uint8Array, frames[1] as Uint8Array, frames[2] as Uint8Array]);
    expect(issues(items)).toEqual([]);
    expect(packets(items).map((p) => [p.frame, p.dstPort, p.payload.length, p.fragments])).toEqual([
      [2, 40001, 0, undefined],
      [6, 40000, 100, [1, 3, 4, 5, 6]],
    ]);
  });

  it('a fragment arriving after its datagram completed starts an orphan datagram, reported at the end', () => {
    // The overlap already filled bytes 32..63, so the datagram completes with fragment 3 (frame 3).
    const overlap = ethernet(0x0800, v4frag(77, 24, true, segment.subarray(24, 72)));
    const items = decode([frames[0] as Uint8Array, overlap, frames[2] as Uint8Array, frames[1] as Uint8Array]);
    expect(packets(items).map((p) => [p.frame, p.payload.length])).toEqual([[3, 100]]);
    expect(issues(items)).toEqual([expect.objectContaining({ frame: 4, message: expect.stringContaining('its first bytes are missing') })]);
  });

  it('overlapping fragments that disagree: the bytes received first win, and it is reported once', () => {
    const forged = segment.slice(24, 72).fill(0xee);
    const items = decode([frames[0] as Uint8Array, ethernet(0x0800, v4frag(77, 24, true, forged)), frames[1] as Uint8Array, frames[2] as Uint8Array]);
    expect(issues(items)).toEqual([expect.objectContaining({ frame: 2, message: expect.stringContaining('different bytes') })]);
    const p = packets(items)[0];
    // Bytes 0..31 from fragment 1, 32..71 from the forged one (it came before fragment 2), then fragment 2 and 3.
    const expected = segment.slice();
    expected.fill(0xee, 32, 72);
    expect([...(p?.payload ?? [])]).toEqual([...expected.subarray(20)]);
  });

  it('fragments are keyed by source, destination, protocol and identification', () => {
    const otherSrc = pieces.map(([off, body], i) => ethernet(0x0800, v4frag(77, off, i < 2, body, { src: [192, 0, 2, 9] })));
    const otherId = pieces.map(([off, body], i) => ethernet(0x0800, v4frag(99, off, i < 2, body)));
    const items = decode([frames[0], otherSrc[0], otherId[2], otherId[0], frames[1], otherSrc[2], otherId[1], otherSrc[1], frames[2]] as Uint8Array[]);
    expect(issues(items)).toEqual([]);
    expect(packets(items).map((p) => [p.frame, p.src, p.fragments])).toEqual([
      [7, '192.0.2.1', [3, 4, 7]],
      [8, '192.0.2.9', [2, 6, 8]],
      [9, '192.0.2.1', [1, 5, 9]],
    ]);
    // Fragments of other protocols are not held at all.
    expect(decode([ethernet(0x0800, v4frag(5, 0, true, new Uint8Array(16), { proto: 17 }))])).toEqual([]);
  });

  it('a missing middle fragment: at the end of the capture, the bytes before the hole are decoded as a cut segment', () => {
    const items = decode([frames[0] as Uint8Array, frames[2] as Uint8Array]);
    expect(issues(items)).toEqual([
      expect.objectContaining({ frame: 2, message: expect.stringMatching(/IPv4 datagram incomplete \(the capture ends.*2 fragment\(s\) hold 88 of 120 bytes; decoding its first 32/) }),
      expect.objectContaining({ frame: 2, message: 'TCP payload truncated by the incomplete IP datagram: 12 of 100 bytes' }),
    ]);
    expect(packets(items)).toEqual([expect.objectContaining({ frame: 2, truncated: true, wireLength: 100, fragments: [1, 2] })]);
    expect(packets(items)[0]?.payload.length).toBe(12);
  });

  it('fragments past the largest datagram are refused', () => {
    const items = decode([ethernet(0x0800, v4frag(1, 65528, false, new Uint8Array(16)))]);
    expect(items).toEqual([expect.objectContaining({ kind: 'issue', message: expect.stringContaining('beyond the largest datagram') })]);
  });
});

describe('reassembly bounds (all given up datagrams are reported; none is lost silently)', () => {
  const datagram = (id: number): Uint8Array[] =>
    split(segment, [32, 64]).map(([off, body], i) => ethernet(0x0800, v4frag(id, off, i < 2, body)));

  it('maxDatagrams: a new datagram beyond the limit gives up the oldest', () => {
    const [a0, a1, a2] = datagram(1);
    const [b0, b1, b2] = datagram(2);
    const items = decode([a0, b0, b1, b2, a1, a2] as Uint8Array[], { maxDatagrams: 1 });
    // Datagram 1 is given up when datagram 2 starts (its one fragment decoded as a cut segment:
    // how long the segment was is unknown). Its late fragments 2 and 3 are orphans at the end.
    expect(issues(items).map((i) => [i.frame, i.message.match(/\(([^)]*)\)/)?.[1]])).toEqual([
      [1, 'too many datagrams in reassembly'],
      [6, 'the capture ends before its other fragments'],
    ]);
    expect(packets(items).map((p) => [p.frame, p.truncated, p.fragments])).toEqual([
      [1, true, [1]],
      [4, false, [2, 3, 4]],
    ]);
  });

  it('maxBufferedBytes and maxFragments', () => {
    const [a0, a1, a2] = datagram(1);
    const bytesBound = decode([a0, a1, a2] as Uint8Array[], { maxBufferedBytes: 40 });
    expect(issues(bytesBound)[0]?.message).toContain('reassembly buffer full');
    expect(packets(bytesBound).every((p) => p.truncated)).toBe(true);
    const fragBound = decode([a0, a0, a0, a1, a2] as Uint8Array[], { maxFragments: 2 });
    expect(issues(fragBound)[0]?.message).toContain('more than 2 fragments');
  });

  it('timeoutSeconds: a datagram whose other fragments come too late is given up; the late ones are orphans', () => {
    const [a0, a1, a2] = datagram(1);
    const items = decode([a0, a1, a2] as Uint8Array[], undefined, (i) => (i === 0 ? 100 : 131));
    expect(issues(items).map((i) => [i.frame, i.message.replace(/:.*/, '')])).toEqual([
      [1, 'IPv4 datagram incomplete (not completed within 30 s)'],
      [3, 'IPv4 datagram incomplete (the capture ends before its other fragments)'],
    ]);
    expect(issues(items)[1]?.message).toContain('first bytes are missing');
    expect(packets(items)).toHaveLength(1);
  });
});

describe('IPv6 fragment header', () => {
  // The fragmentable part: a destination options header (PadN), then the TCP segment.
  const destOpts = bytes(6, 0, 1, 4, 0, 0, 0, 0);
  const fragmentable = concat(destOpts, segment);

  it('reassembles fragments in any order and walks the extension headers behind the fragment header', () => {
    const pieces = split(fragmentable, [48, 96]);
    const frames = pieces.map(([off, body], i) => ethernet(0x86dd, v6frag(0xdeadbeef, off, i < 2, 60, body)));
    for (const order of permutations([0, 1, 2])) {
      const items = decode(order.map((i) => frames[i] as Uint8Array));
      expect(issues(items)).toEqual([]);
      expect(packets(items)).toEqual([expect.objectContaining({ frame: 3, src: '2001:db8::1', dst: '2001:db8::2', srcPort: 179, seq: 1000, truncated: false, fragments: [1, 2, 3] })]);
      expect([...(packets(items)[0]?.payload ?? [])]).toEqual([...bgpPayload]);
    }
  });

  it('an atomic fragment (offset 0, M clear) is decoded at once', () => {
    const items = decode([ethernet(0x86dd, v6frag(1, 0, false, 6, segment))]);
    expect(items).toEqual([expect.objectContaining({ kind: 'packet', frame: 1, srcPort: 179, truncated: false })]);
    expect((items[0] as CapturedPacket).fragments).toBeUndefined();
  });

  it('fragments of other protocols are not held; a fragment header inside a reassembled datagram is reported', () => {
    expect(decode([ethernet(0x86dd, v6frag(1, 0, true, 17, new Uint8Array(16)))])).toEqual([]);
    const nested = concat(bytes(44, 0, 0, 0, 0, 0, 0, 1), segment);
    const [a, b] = split(nested, [64]);
    const items = decode([ethernet(0x86dd, v6frag(2, a?.[0] ?? 0, true, 60, a?.[1] ?? bytes())), ethernet(0x86dd, v6frag(2, b?.[0] ?? 0, false, 60, b?.[1] ?? bytes()))]);
    expect(items).toEqual([expect.objectContaining({ kind: 'issue', message: expect.stringContaining('inside a reassembled datagram') })]);
  });
});

describe('corpus: fuzzed single first fragments (tcpdump *-oobr)', () => {
  it.each([
    ['bgp-bgp_capabilities_print-oobr-1.pcap', { srcPort: 179, dstPort: 100, wireLength: 4075 }, 158],
    ['bgp-bgp_capabilities_print-oobr-2.pcap', { srcPort: 179, dstPort: 100, wireLength: 4075 }, 158],
    ['bgp_pmsi_tunnel-oobr.pcap', { srcPort: 179, dstPort: 0, wireLength: 252 }, 46],
  ])('%s: the frame is the first fragment (MF set) of a larger datagram, cut by the snaplen', (name, fields, captured) => {
    const items = [...readPackets(fixture(`tcpdump/tests/${name}`))];
    expect(packets(items)).toEqual([expect.objectContaining({ frame: 1, truncated: true, fragments: [1], ...fields })]);
    expect(packets(items)[0]?.payload.length).toBe(captured);
    expect(issues(items)[0]?.message).toContain('datagram incomplete');
    // The BGP layer sees the captured bytes (and resynchronises on the marker inside them).
    const records = [...openBgpFile(fixture(`tcpdump/tests/${name}`)).records];
    expect(records.some((r) => r.kind === 'error' && 'code' in r.error)).toBe(true);
  });
});

describe('properties (fast-check)', () => {
  it('any fragmentation of a segment, in any order, with duplicates, reassembles to the segment', () => {
    const scenario = fc.record({
      payload: fc.uint8Array({ minLength: 0, maxLength: 600 }),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: 77 }), { maxLength: 12 }),
      order: fc.array(fc.nat(), { maxLength: 20 }),
      dups: fc.array(fc.nat(), { maxLength: 4 }),
      v6: fc.boolean(),
    });
    fc.assert(fc.property(scenario, ({ payload, cuts, order, dups, v6: six }) => {
      const seg = tcpSegment({ srcPort: 179, dstPort: 1234, seq: 42, payload });
      const offsets = [...new Set(cuts.map((c) => c * 8).filter((c) => c < seg.length))].sort((x, y) => x - y);
      if (offsets.length === 0) offsets.push(8); // at least two fragments
      const pieces = split(seg, offsets);
      const frames = pieces.map(([off, body], i) =>
        six ? ethernet(0x86dd, v6frag(7, off, i < pieces.length - 1, 6, body)) : ethernet(0x0800, v4frag(7, off, i < pieces.length - 1, body)));
      // A deterministic shuffle driven by `order`, then duplicates.
      const shuffled = frames.slice();
      order.forEach((k, i) => {
        const a = i % shuffled.length;
        const b = k % shuffled.length;
        [shuffled[a], shuffled[b]] = [shuffled[b] as Uint8Array, shuffled[a] as Uint8Array];
      });
      // Duplicates of the others before the last original (after completion they would start an
      // orphan datagram, as the test above shows).
      const withDups = [...shuffled.slice(0, -1), ...dups.map((k) => shuffled[k % (shuffled.length - 1)] as Uint8Array), shuffled.at(-1) as Uint8Array];
      const items = decode(withDups);
      expect(issues(items)).toEqual([]);
      const got = packets(items);
      expect(got).toHaveLength(1);
      expect([...(got[0]?.payload ?? [])]).toEqual([...payload]);
      expect(got[0]?.frame).toBe(withDups.length); // completed by the last of the originals
    }), { numRuns: 300 });
  });

  it('random fragments never throw, terminate, and stay within the bounds', () => {
    const frag = fc.record({ id: fc.nat(3), offset: fc.nat(8191), more: fc.boolean(), body: fc.uint8Array({ maxLength: 64 }), six: fc.boolean() });
    fc.assert(fc.property(fc.array(frag, { maxLength: 60 }), (fs) => {
      const frames = fs.map((f) => (f.six ? ethernet(0x86dd, v6frag(f.id, f.offset * 8, f.more, 6, f.body)) : ethernet(0x0800, v4frag(f.id, f.offset * 8, f.more, f.body))));
      const items = decode(frames, { maxDatagrams: 3, maxBufferedBytes: 512, maxFragments: 8 });
      for (const p of packets(items)) expect(p.payload.length).toBeLessThanOrEqual(65535);
    }), { numRuns: 300 });
  });
});
