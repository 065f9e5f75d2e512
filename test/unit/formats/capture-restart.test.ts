// Stream restarts on one 4-tuple: TcpReassembler's 'end' events and how readCaptureRecords uses
// them (a new session must not inherit the old one's buffered bytes or negotiated OPENs).

import { describe, it, expect } from 'vitest';
import { openBgpFile, type BgpRecord } from '../../../src/formats/bgp-reader.js';
import { TcpFlags, type CapturedPacket } from '../../../src/formats/pcap.js';
import { TcpReassembler, type TcpEvent } from '../../../src/formats/tcp.js';
import { concat, ethernet, ipv4, pcapFile, tcpSegment } from './capture-builder.js';

const { SYN, ACK, FIN, RST, PSH } = TcpFlags;

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const MARKER = 'ff'.repeat(16);
// OPEN, AS 65001 / 65002, capabilities MP IPv4 unicast, 4-octet AS, ADD-PATH IPv4 unicast send/receive.
const OPEN_C_ADDPATH = hex(`${MARKER} 0031 01 04 fde9 00b4 0a000001 14 0212 010400010001 41040000fde9 450400010103`);
const OPEN_S_ADDPATH = hex(`${MARKER} 0031 01 04 fdea 00b4 0a000002 14 0212 010400010001 41040000fdea 450400010103`);
// The same without ADD-PATH.
const OPEN_C = hex(`${MARKER} 002b 01 04 fde9 00b4 0a000001 0e 020c 010400010001 41040000fde9`);
const OPEN_S = hex(`${MARKER} 002b 01 04 fdea 00b4 0a000002 0e 020c 010400010001 41040000fdea`);
const ATTRS = '0014 40010100 4002060201 0000fde9 4003040a000001';
/** 10.1.0.0/24 with path identifier 1 (ADD-PATH). */
const UPDATE_ADDPATH = hex(`${MARKER} 0033 02 0000 ${ATTRS} 00000001 18 0a0100`);
/** 10.2.0.0/24 without path identifier: under a negotiated ADD-PATH context it would not parse. */
const UPDATE_PLAIN = hex(`${MARKER} 002f 02 0000 ${ATTRS} 18 0a0200`);

const C = [10, 0, 0, 1];
const S = [10, 0, 0, 2];

interface Seg {
  from: 'c' | 's';
  seq: number;
  ack?: number;
  flags: number;
  payload?: Uint8Array;
}

function capture(segs: Seg[]): Uint8Array {
  return pcapFile({ le: true, nano: false, linkType: 1 }, segs.map((s, i) => {
    const tcp = tcpSegment({
      srcPort: s.from === 'c' ? 50000 : 179,
      dstPort: s.from === 'c' ? 179 : 50000,
      seq: s.seq,
      ack: s.ack ?? 0,
      flags: s.flags,
      ...(s.payload ? { payload: s.payload } : {}),
    });
    return { ts: 1 + i, data: ethernet(0x0800, s.from === 'c' ? ipv4(C, S, tcp) : ipv4(S, C, tcp)) };
  }));
}

/** [frame, 'open' | 'update' | ..., extra] per record; UPDATE NLRI as "a.b.c.d/len#pathId". */
function summary(records: Iterable<BgpRecord>): (string | number)[][] {
  const out: (string | number)[][] = [];
  for (const r of records) {
    if (r.kind === 'message') {
      const m = r.message;
      if (m.type !== 'update') {
        out.push([r.frame ?? 0, m.type]);
        continue;
      }
      const nlri = Array.from({ length: m.nlri.count }, (_, i) => {
        const w = m.nlri.words[i] ?? 0;
        const id = m.nlri.pathIds ? `#${m.nlri.pathIds[i]}` : '';
        return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}/${m.nlri.lengths[i]}${id}`;
      });
      out.push([r.frame ?? 0, 'update', nlri.join(' ')]);
    } else if (r.kind === 'error') {
      out.push([r.frame ?? 0, 'error', r.error.message]);
    } else if (r.kind === 'gap') {
      out.push([r.frame ?? 0, 'gap', r.missing]);
    }
  }
  return out;
}

describe('readCaptureRecords across a session restart on the same 4-tuple', () => {
  it('RST, then a new SYN: the unfinished message is reported and dropped, not glued to the new OPEN', () => {
    const partial = UPDATE_ADDPATH.subarray(0, 25);
    const b = capture([
      { from: 'c', seq: 1000, flags: SYN },
      { from: 's', seq: 5000, ack: 1001, flags: SYN | ACK },
      { from: 'c', seq: 1001, ack: 5001, flags: ACK | PSH, payload: OPEN_C_ADDPATH },
      { from: 's', seq: 5001, ack: 1050, flags: ACK | PSH, payload: OPEN_S_ADDPATH },
      { from: 'c', seq: 1050, ack: 5050, flags: ACK | PSH, payload: concat(UPDATE_ADDPATH, partial) },
      { from: 'c', seq: 1126, ack: 5050, flags: RST | ACK },
      { from: 'c', seq: 900000, flags: SYN },
      { from: 's', seq: 700000, ack: 900001, flags: SYN | ACK },
      { from: 'c', seq: 900001, ack: 700001, flags: ACK | PSH, payload: OPEN_C },
      { from: 's', seq: 700001, ack: 900044, flags: ACK | PSH, payload: OPEN_S },
      { from: 'c', seq: 900044, ack: 700044, flags: ACK | PSH, payload: UPDATE_PLAIN },
    ]);
    expect(summary(openBgpFile(b).records)).toEqual([
      [3, 'open'],
      [4, 'open'],
      [5, 'update', '10.1.0.0/24#1'],
      [6, 'error', 'stream ended by RST inside a message: 25 bytes dropped'],
      [9, 'open'],
      [10, 'open'],
      [11, 'update', '10.2.0.0/24'],
    ]);
  });

  it('FIN on both sides, then a new session whose SYN and OPENs the capture missed: the old OPENs are forgotten', () => {
    const b = capture([
      { from: 'c', seq: 1000, flags: SYN },
      { from: 's', seq: 5000, ack: 1001, flags: SYN | ACK },
      { from: 'c', seq: 1001, ack: 5001, flags: ACK | PSH, payload: OPEN_C_ADDPATH },
      { from: 's', seq: 5001, ack: 1050, flags: ACK | PSH, payload: OPEN_S_ADDPATH },
      { from: 'c', seq: 1050, ack: 5050, flags: ACK | PSH, payload: UPDATE_ADDPATH },
      { from: 'c', seq: 1101, ack: 5050, flags: FIN | ACK },
      { from: 'c', seq: 1050, ack: 5050, flags: ACK | PSH, payload: UPDATE_ADDPATH }, // a retransmission: old
      { from: 's', seq: 5050, ack: 1102, flags: FIN | ACK },
      { from: 'c', seq: 1102, ack: 5051, flags: ACK },
      // New connection on the same ports; ISN per RFC 6528 lies beyond the old stream.
      { from: 'c', seq: 2000000, ack: 3000000, flags: ACK | PSH, payload: UPDATE_PLAIN },
    ]);
    expect(summary(openBgpFile(b).records)).toEqual([
      [3, 'open'],
      [4, 'open'],
      [5, 'update', '10.1.0.0/24#1'],
      [10, 'update', '10.2.0.0/24'],
    ]);
  });

  it("a half-closed session: the peer's last messages still decode with the OPENs of their session", () => {
    // The server sends its FIN first; the client's UPDATE after it belongs to the same session.
    const b = capture([
      { from: 'c', seq: 1000, flags: SYN },
      { from: 's', seq: 5000, ack: 1001, flags: SYN | ACK },
      { from: 'c', seq: 1001, ack: 5001, flags: ACK | PSH, payload: OPEN_C_ADDPATH },
      { from: 's', seq: 5001, ack: 1050, flags: ACK | PSH, payload: OPEN_S_ADDPATH },
      { from: 's', seq: 5050, ack: 1050, flags: FIN | ACK },
      { from: 'c', seq: 1050, ack: 5051, flags: ACK | PSH, payload: UPDATE_ADDPATH },
    ]);
    expect(summary(openBgpFile(b).records)).toEqual([
      [3, 'open'],
      [4, 'open'],
      [6, 'update', '10.1.0.0/24#1'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

function pkt(frame: number, from: 'c' | 's', seq: number, data: number[], flags = ACK | PSH, ack = 0): CapturedPacket {
  const payload = Uint8Array.from(data);
  const c = { addr: '10.0.0.1', port: 50000 };
  const s = { addr: '10.0.0.2', port: 179 };
  const [a, b] = from === 'c' ? [c, s] : [s, c];
  return {
    kind: 'packet', frame, ts: frame, src: a.addr, dst: b.addr, srcPort: a.port, dstPort: b.port,
    seq: seq >>> 0, ack, flags, payload, wireLength: payload.length, truncated: false,
  };
}

function events(packets: CapturedPacket[]): (string | number | number[])[][] {
  const r = new TcpReassembler();
  const all: TcpEvent[] = [...packets.flatMap((p) => r.push(p)), ...r.flush()];
  const side = (e: TcpEvent): string => (e.flow.srcPort === 179 ? 's' : 'c');
  return all.map((e) =>
    e.kind === 'data' ? [side(e), 'data', e.frame, [...e.data]] : e.kind === 'gap' ? [side(e), 'gap', e.frame, e.missing] : [side(e), 'end', e.frame, e.reason]);
}

describe("TcpReassembler 'end' events", () => {
  it('a new SYN on a live direction: its holes are given up, then end (syn), then the new stream', () => {
    expect(events([
      pkt(1, 'c', 100, [], SYN),
      pkt(2, 'c', 101, [1, 2]),
      pkt(3, 'c', 105, [5]),
      pkt(4, 'c', 9000, [], SYN),
      pkt(5, 'c', 9001, [7, 8]),
      pkt(6, 'c', 9000, [], SYN), // a retransmitted SYN changes nothing
    ])).toEqual([
      ['c', 'data', 2, [1, 2]],
      ['c', 'gap', 3, 2],
      ['c', 'data', 3, [5]],
      ['c', 'end', 4, 'syn'],
      ['c', 'data', 5, [7, 8]],
    ]);
  });

  it('FIN: end once everything before it arrived; retransmissions after it are ignored, new data starts a new stream', () => {
    expect(events([
      pkt(1, 'c', 100, [], SYN),
      pkt(2, 'c', 103, [3], ACK | FIN), // FIN at 104, one hole before it
      pkt(3, 'c', 101, [1, 2]), // fills it: the stream is complete
      pkt(4, 'c', 101, [1, 2, 3]), // retransmission
      pkt(5, 'c', 50, [9]), // before the stream: another connection's bytes
      pkt(6, 'c', 52, [10]),
    ])).toEqual([
      ['c', 'data', 3, [1, 2, 3]],
      ['c', 'end', 3, 'fin'],
      ['c', 'gap', 5, 0],
      ['c', 'data', 5, [9]],
      ['c', 'gap', 6, 1],
      ['c', 'data', 6, [10]],
    ]);
  });

  it('RST ends both directions; in-flight data right behind the end is ignored, data far beyond it is a new stream', () => {
    expect(events([
      pkt(1, 'c', 100, [], SYN),
      pkt(2, 's', 500, [], SYN | ACK, 101),
      pkt(3, 's', 501, [1]),
      pkt(4, 's', 505, [5]), // a hole at 502..504
      pkt(5, 'c', 101, [], RST | ACK, 502),
      pkt(6, 's', 506, [6]), // was in flight
      pkt(7, 'c', 101, [2]), // from the RST's sender, right where it ended
      pkt(8, 's', 500 + 100000, [7]), // a new connection
    ])).toEqual([
      ['s', 'data', 3, [1]],
      ['c', 'end', 5, 'rst'],
      ['s', 'gap', 4, 3],
      ['s', 'data', 4, [5]],
      ['s', 'end', 5, 'rst'],
      ['s', 'gap', 8, 0],
      ['s', 'data', 8, [7]],
    ]);
  });

  it('flush at the end of the capture emits no end event', () => {
    expect(events([pkt(1, 'c', 100, [], SYN), pkt(2, 'c', 101, [1])])).toEqual([['c', 'data', 2, [1]]]);
  });
});
