import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { gunzipSync } from 'node:zlib';
import { TcpFlags, type CapturedPacket } from '../../../src/formats/pcap.js';
import { flowId, tcpStreams, TcpReassembler, type TcpEvent } from '../../../src/formats/tcp.js';
import { fixture } from './capture-builder.js';

const { SYN, ACK, FIN, RST, PSH } = TcpFlags;

/** A segment from 10.0.0.1:50000 to 10.0.0.2:179 unless overridden. */
function pkt(frame: number, seq: number, data: number[] | Uint8Array, flags = ACK | PSH, more: Partial<CapturedPacket> = {}): CapturedPacket {
  const payload = data instanceof Uint8Array ? data : Uint8Array.from(data);
  return {
    kind: 'packet', frame, ts: frame / 10, src: '10.0.0.1', dst: '10.0.0.2', srcPort: 50000, dstPort: 179,
    seq: seq >>> 0, ack: 0, flags, payload, wireLength: payload.length, truncated: false, ...more,
  };
}

/** Compact view of events: ['data', frame, [bytes]], ['gap', frame, missing] or ['end', frame, reason]. */
function summary(events: TcpEvent[]): (string | number | number[])[][] {
  return events.map((e) => (e.kind === 'data' ? ['data', e.frame, [...e.data]] : e.kind === 'gap' ? ['gap', e.frame, e.missing] : ['end', e.frame, e.reason]));
}

function run(packets: CapturedPacket[], r = new TcpReassembler()): TcpEvent[] {
  return [...packets.flatMap((p) => r.push(p)), ...r.flush()];
}

const ISN = 1000;

describe('TcpReassembler (synthetic)', () => {
  it('delivers in-order data after a SYN, starting at ISN + 1', () => {
    const ev = run([pkt(1, ISN, [], SYN), pkt(2, ISN + 1, [1, 2, 3]), pkt(3, ISN + 4, [4])]);
    expect(summary(ev)).toEqual([['data', 2, [1, 2, 3]], ['data', 3, [4]]]);
    expect(ev[0]?.flow).toEqual({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 50000, dstPort: 179, id: '10.0.0.1:50000>10.0.0.2:179' });
  });

  it('buffers out-of-order segments and delivers them with the one that fills the hole', () => {
    const ev = run([pkt(1, ISN, [], SYN), pkt(2, ISN + 4, [4, 5]), pkt(3, ISN + 6, [6]), pkt(4, ISN + 1, [1, 2, 3])]);
    expect(summary(ev)).toEqual([['data', 4, [1, 2, 3, 4, 5, 6]]]);
  });

  it('drops retransmissions', () => {
    const ev = run([pkt(1, ISN, [], SYN), pkt(2, ISN + 1, [1, 2]), pkt(3, ISN + 1, [1, 2]), pkt(4, ISN + 3, [3]), pkt(5, ISN + 3, [3])]);
    expect(summary(ev)).toEqual([['data', 2, [1, 2]], ['data', 4, [3]]]);
  });

  it('delivers only the new part of overlapping segments, in order and out of order', () => {
    const ev = run([
      pkt(1, ISN, [], SYN),
      pkt(2, ISN + 1, [1, 2, 3, 4]),
      pkt(3, ISN + 3, [3, 4, 5, 6]), // overlaps what was delivered
      pkt(4, ISN + 9, [9, 10]), // ahead
      pkt(5, ISN + 8, [8, 9, 10, 11]), // ahead, overlapping the buffered one
      pkt(6, ISN + 6, [6, 7]), // fills the hole
    ]);
    expect(summary(ev)).toEqual([['data', 2, [1, 2, 3, 4]], ['data', 3, [5, 6]], ['data', 6, [7, 8, 9, 10, 11]]]);
  });

  it('handles 32-bit sequence wrap-around', () => {
    const isn = 0xfffffffa;
    const ev = run([
      pkt(1, isn, [], SYN),
      // Byte k of the stream (value k + 1) has sequence number 0xfffffffb + k, modulo 2^32.
      pkt(2, 0x00000002, [8, 9, 10]), // after the wrap, arrives first
      pkt(3, isn + 1, [1, 2, 3, 4, 5, 6, 7, 8]), // 0xfffffffb .. 0x00000002 (overlaps 1 byte)
      pkt(4, 0x00000001, [7, 8]), // old by now
      pkt(5, 0x00000005, [11]),
    ]);
    expect(summary(ev)).toEqual([['data', 3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], ['data', 5, [11]]]);
  });

  it('reports a hole that is never filled at flush, then delivers what follows', () => {
    const r = new TcpReassembler();
    expect(r.push(pkt(1, ISN, [], SYN))).toEqual([]);
    expect(summary(r.push(pkt(2, ISN + 1, [1, 2])))).toEqual([['data', 2, [1, 2]]]);
    expect(r.push(pkt(3, ISN + 10, [10, 11]))).toEqual([]);
    expect(summary(r.flush())).toEqual([['gap', 3, 7], ['data', 3, [10, 11]]]);
  });

  it('gives up a hole once the peer acknowledges data beyond it', () => {
    const r = new TcpReassembler();
    r.push(pkt(1, ISN, [], SYN));
    r.push(pkt(2, ISN + 1, [1, 2]));
    r.push(pkt(3, ISN + 10, [10, 11]));
    const reply = (frame: number, ack: number): CapturedPacket =>
      pkt(frame, 5000, [], ACK, { src: '10.0.0.2', dst: '10.0.0.1', srcPort: 179, dstPort: 50000, ack });
    expect(r.push(reply(4, ISN + 3))).toEqual([]); // acknowledges only what we have
    expect(summary(r.push(reply(5, ISN + 12)))).toEqual([['gap', 3, 7], ['data', 3, [10, 11]]]);
    expect(r.flush()).toEqual([]);
  });

  it('declares a gap when the out-of-order buffer exceeds its bound', () => {
    const r = new TcpReassembler({ maxBufferedBytes: 4 });
    r.push(pkt(1, ISN, [], SYN));
    expect(r.push(pkt(2, ISN + 11, [11, 12, 13]))).toEqual([]);
    expect(summary(r.push(pkt(3, ISN + 14, [14, 15])))).toEqual([['gap', 2, 10], ['data', 3, [11, 12, 13, 14, 15]]]);
    // The late segment is now old news.
    expect(r.push(pkt(4, ISN + 1, [1, 2, 3]))).toEqual([]);
  });

  it('a stream picked up without SYN starts at the first segment, after a gap of unknown size', () => {
    const ev = run([pkt(1, 777, [1, 2]), pkt(2, 775, [9, 9]), pkt(3, 779, [3])]);
    expect(summary(ev)).toEqual([['gap', 1, 0], ['data', 1, [1, 2]], ['data', 3, [3]]]);
  });

  it('FIN ends the direction; a new SYN on the same 4-tuple starts a new stream', () => {
    const ev = run([
      pkt(1, ISN, [], SYN),
      pkt(2, ISN + 1, [1, 2], ACK | PSH | FIN),
      pkt(3, ISN + 3, [], ACK), // after the FIN: ignored
      pkt(4, 90000, [], SYN),
      pkt(5, 90001, [5, 6]),
    ]);
    expect(summary(ev)).toEqual([['data', 2, [1, 2]], ['end', 2, 'fin'], ['data', 5, [5, 6]]]);
  });

  it('FIN waits for the data before it; a hole before the FIN is a gap at flush; nothing after it counts', () => {
    const ev = run([pkt(1, ISN, [], SYN), pkt(2, ISN + 4, [4], FIN | ACK), pkt(3, ISN + 1, [1]), pkt(4, ISN + 5, [5]), pkt(5, ISN + 7, [7])]);
    expect(summary(ev)).toEqual([['data', 3, [1]], ['gap', 2, 2], ['data', 2, [4]]]);
  });

  it('RST ends the direction, giving up its holes', () => {
    const ev = run([pkt(1, ISN, [], SYN), pkt(2, ISN + 1, [1]), pkt(3, ISN + 5, [5]), pkt(4, ISN + 6, [], RST), pkt(5, ISN + 6, [6])]);
    expect(summary(ev)).toEqual([['data', 2, [1]], ['gap', 3, 3], ['data', 3, [5]], ['end', 4, 'rst']]);
  });

  it('a truncated capture delivers what is there and a gap for the rest', () => {
    const ev = run([
      pkt(1, ISN, [], SYN),
      pkt(2, ISN + 1, [1, 2], ACK, { wireLength: 6, truncated: true }),
      pkt(3, ISN + 7, [7]),
    ]);
    expect(summary(ev)).toEqual([['data', 2, [1, 2]], ['gap', 2, 4], ['data', 3, [7]]]);
  });

  it('keeps the two directions apart and names IPv6 flows with brackets', () => {
    expect(flowId('2001:db8::1', 179, '2001:db8::2', 40000)).toBe('[2001:db8::1]:179>[2001:db8::2]:40000');
    const ev = run([
      pkt(1, ISN, [], SYN),
      pkt(2, 5000, [], SYN | ACK, { src: '10.0.0.2', dst: '10.0.0.1', srcPort: 179, dstPort: 50000 }),
      pkt(3, ISN + 1, [1]),
      pkt(4, 5001, [2], ACK, { src: '10.0.0.2', dst: '10.0.0.1', srcPort: 179, dstPort: 50000 }),
    ]);
    expect(ev.map((e) => e.flow.id)).toEqual(['10.0.0.1:50000>10.0.0.2:179', '10.0.0.2:179>10.0.0.1:50000']);
  });

  it('reconstructs any delivery order of a stream consistently (fast-check)', () => {
    const scenario = fc.record({
      stream: fc.uint8Array({ minLength: 1, maxLength: 200 }),
      isn: fc.oneof(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0xffffff00, max: 0xffffffff })),
      cuts: fc.array(fc.tuple(fc.nat(199), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 30 }),
      limit: fc.constantFrom(8, 64, 1 << 20),
    });
    fc.assert(fc.property(scenario, ({ stream, isn, cuts, limit }) => {
      const segs = cuts
        .map(([start, len]) => [start % stream.length, len] as const)
        .map(([start, len]) => ({ start, data: stream.subarray(start, Math.min(stream.length, start + len)) }));
      const r = new TcpReassembler({ maxBufferedBytes: limit });
      const events = run([pkt(0, isn, [], SYN), ...segs.map((s, i) => pkt(i + 1, isn + 1 + s.start, s.data))], r);
      // Walk the events: data must match the stream where it claims to be, gaps skip ahead.
      let pos = 0;
      for (const e of events) {
        expect(e.kind).not.toBe('end');
        if (e.kind === 'gap') {
          expect(e.missing).toBeGreaterThan(0);
          pos += e.missing;
        } else if (e.kind === 'data') {
          expect([...e.data]).toEqual([...stream.subarray(pos, pos + e.data.length)]);
          pos += e.data.length;
        }
      }
      expect(pos).toBe(Math.max(...segs.map((s) => s.start + s.data.length)));
      const covered = new Set(segs.flatMap((s) => Array.from(s.data, (_, i) => s.start + i)));
      // Without pressure on the buffer, a fully covered stream has no gaps at all.
      const buffered = segs.reduce((n, seg) => n + seg.data.length, 0);
      if (covered.size === pos && limit >= buffered) expect(events.every((e) => e.kind === 'data')).toBe(true);
    }), { numRuns: 400 });
  });
});

// ---------------------------------------------------------------------------------------------
// Real captures

interface Walk {
  types: Record<number, number>;
  /** Bytes left over that do not form a whole message, per flow. */
  leftovers: number[];
  gaps: { flow: string; frame: number; missing: number }[];
}

/** Splits each port-`port` flow's reassembled bytes into BGP messages (marker, length, type). */
function walkBgp(bytes: Uint8Array, port = 179): Walk {
  const flows = new Map<string, number[]>();
  const walk: Walk = { types: {}, leftovers: [], gaps: [] };
  for (const e of tcpStreams(bytes)) {
    if (e.kind === 'issue' || (e.flow.srcPort !== port && e.flow.dstPort !== port)) continue;
    if (e.kind === 'gap') {
      walk.gaps.push({ flow: e.flow.id, frame: e.frame, missing: e.missing });
      continue;
    }
    if (e.kind === 'end') continue;
    const buf = flows.get(e.flow.id) ?? [];
    buf.push(...e.data);
    flows.set(e.flow.id, buf);
  }
  for (const buf of flows.values()) {
    let off = 0;
    while (buf.length - off >= 19) {
      expect(buf.slice(off, off + 16).every((b) => b === 0xff)).toBe(true);
      const len = ((buf[off + 16] ?? 0) << 8) | (buf[off + 17] ?? 0);
      expect(len).toBeGreaterThanOrEqual(19);
      if (buf.length - off < len) break;
      const type = buf[off + 18] ?? 0;
      walk.types[type] = (walk.types[type] ?? 0) + 1;
      off += len;
    }
    walk.leftovers.push(buf.length - off);
  }
  return walk;
}

const OPEN = 1, UPDATE = 2, NOTIFICATION = 3, KEEPALIVE = 4, ROUTE_REFRESH = 5;

describe('tcpStreams on real captures', () => {
  // BGP message counts as listed in pcap-fixtures/PROVENANCE.md (tshark).
  const cases: [string, Record<number, number>][] = [
    ['packetlife-backup/pcaps/EBGP_adjacency.cap', { [OPEN]: 2, [UPDATE]: 12, [KEEPALIVE]: 12 }],
    ['packetlife-backup/pcaps/BGP_hard_reset.cap', { [OPEN]: 2, [UPDATE]: 12, [KEEPALIVE]: 12 }],
    ['packetlife-backup/pcaps/BGP_soft_reset.cap', { [UPDATE]: 12, [KEEPALIVE]: 8, [ROUTE_REFRESH]: 1 }],
    ['packetlife-backup/pcaps/4-byte_AS_numbers_Full_Support.cap', { [OPEN]: 2, [UPDATE]: 9, [KEEPALIVE]: 5 }],
    ['packetlife-backup/pcaps/BGP_redist.cap', { [UPDATE]: 2 }],
    ['tcpdump/tests/bgp-4byte-asn.pcap', { [OPEN]: 8, [UPDATE]: 10, [NOTIFICATION]: 1, [KEEPALIVE]: 16 }],
    ['tcpdump/tests/bgp-lu-multiple-labels.pcap', { [OPEN]: 4, [UPDATE]: 7, [NOTIFICATION]: 1, [KEEPALIVE]: 8 }],
    ['tcpdump/tests/bgp-role.pcapng', { [OPEN]: 1, [UPDATE]: 9, [KEEPALIVE]: 2 }],
    ['traffic-reproducer/examples/pcap_processing/bgp.pcap', { [OPEN]: 2, [UPDATE]: 28, [NOTIFICATION]: 1, [KEEPALIVE]: 5 }],
    ['traffic-reproducer/examples/pcap_processing/bgp-multi-sources.pcap', { [OPEN]: 8, [UPDATE]: 416, [KEEPALIVE]: 32 }],
    ['PcapPlusPlus/Tests/Packet++Test/PacketExamples/BgpPackets.pcap', { [OPEN]: 2, [UPDATE]: 6, [NOTIFICATION]: 2, [KEEPALIVE]: 1, [ROUTE_REFRESH]: 1 }],
  ];
  // Checked against tcpdump -S: the next segment starts this many bytes after the previous one ended.
  const lostSegments: Record<string, { flow: string; frame: number; missing: number }[]> = {
    'tcpdump/tests/bgp-role.pcapng': [{ flow: '192.168.10.17:179>192.168.10.124:53580', frame: 2, missing: 38 }],
    'PcapPlusPlus/Tests/Packet++Test/PacketExamples/BgpPackets.pcap': [{ flow: '30.3.30.3:20576>30.3.30.30:179', frame: 4, missing: 190 }],
  };
  it.each(cases)('%s reassembles into whole BGP messages', (file, types) => {
    const walk = walkBgp(fixture(file));
    expect(walk.types).toEqual(types);
    expect(walk.leftovers.every((n) => n === 0)).toBe(true);
    // Besides "picked up mid-stream" markers (missing 0), only segments the capture really lost.
    expect(walk.gaps.filter((g) => g.missing !== 0)).toEqual(lostSegments[file] ?? []);
  });

  it('scapy bgp_fragmented: one UPDATE split over two segments comes out whole', () => {
    const events = [...tcpStreams(gunzipSync(fixture('scapy/test/pcaps/bgp_fragmented.pcap.gz')))];
    const data = events.filter((e) => e.kind === 'data');
    expect(data.map((e) => [e.frame, e.data.length])).toEqual([[1, 1448], [2, 643]]);
    const whole = Uint8Array.from(data.flatMap((e) => [...e.data]));
    expect(whole.subarray(0, 16).every((b) => b === 0xff)).toBe(true);
    expect((whole[16] ?? 0) * 256 + (whole[17] ?? 0)).toBe(2091);
    expect(whole[18]).toBe(UPDATE);
    expect(walkBgp(gunzipSync(fixture('scapy/test/pcaps/bgp_fragmented.pcap.gz'))).types).toEqual({ [UPDATE]: 1 });
  });

  it('BGP_hard_reset: the session reconnects on a new port; the old one ends with FIN', () => {
    const ids = new Set<string>();
    for (const e of tcpStreams(fixture('packetlife-backup/pcaps/BGP_hard_reset.cap'))) if (e.kind === 'data') ids.add(e.flow.id);
    expect([...ids].sort()).toEqual(['1.1.1.1:19252>2.2.2.2:179', '1.1.1.1:46612>2.2.2.2:179', '2.2.2.2:179>1.1.1.1:19252', '2.2.2.2:179>1.1.1.1:46612']);
  });

  it('bgp-rs (port 1179, BSD loopback): whole messages, and the missing segment in bgp_withdraw is a gap', () => {
    expect(walkBgp(fixture('bgp-rs/res/pcap/BGP_notification_msg.cap'), 1179).types).toEqual({ [OPEN]: 2, [NOTIFICATION]: 1 });
    const withdraw = walkBgp(fixture('bgp-rs/res/pcap/bgp_withdraw.cap'), 1179);
    expect(withdraw.types).toEqual({ [UPDATE]: 2 });
    expect(withdraw.gaps).toEqual([
      { flow: '127.0.0.2:62454>127.0.0.1:1179', frame: 1, missing: 0 },
      { flow: '127.0.0.2:62454>127.0.0.1:1179', frame: 2, missing: 19 },
    ]);
  });

  it('malformed captures never throw and terminate', () => {
    for (const file of [
      'tcpdump/tests/bgp-aigp-oobr.pcap',
      'tcpdump/tests/bgp-as-path-oobr.pcap',
      'tcpdump/tests/bgp_mp_reach_nlri-oobr.pcap',
      'tcpdump/tests/bgp_mvpn_6_and_7_oobr.pcap',
      'tcpdump/tests/bgp_vpn_rt-oobr.pcap',
      'tcpdump/tests/bgp-ub.pcap',
      'tcpdump/tests/bgp-infinite-loop.pcap',
    ]) {
      const events = [...tcpStreams(fixture(file))];
      expect(events.length).toBeGreaterThan(0);
    }
    // The 60121-byte segment of which 197 bytes were captured: data, then a gap for the rest.
    const rt = [...tcpStreams(fixture('tcpdump/tests/bgp_vpn_rt-oobr.pcap'))].filter((e) => e.kind !== 'issue');
    expect(rt.map((e) => (e.kind === 'data' ? ['data', e.data.length] : e.kind === 'gap' ? ['gap', e.missing] : []))).toEqual([
      ['gap', 0],
      ['data', 197],
      ['gap', 60121 - 197],
    ]);
  });

  it('random bytes and corrupted captures through tcpStreams (fast-check)', () => {
    const base = fixture('packetlife-backup/pcaps/BGP_hard_reset.cap');
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), (edits) => {
      const b = base.slice();
      for (const [i, v] of edits) b[i] = v;
      return [...tcpStreams(b)].length >= 0;
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (b) => [...tcpStreams(b)].length >= 0), { numRuns: 300 });
  });
});
