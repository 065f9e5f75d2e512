import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { gunzipSync } from 'node:zlib';
import {
  formatIpv6,
  readFrames,
  readPackets,
  TcpFlags,
  type CaptureIssue,
  type CapturedFrame,
  type CapturedPacket,
} from '../../../src/formats/pcap.js';
import {
  bytes,
  concat,
  ethernet,
  fixture,
  ipv4,
  ipv6,
  mplsLabel,
  pcapFile,
  pcapngSection,
  tcpSegment,
  v6,
  vlanTag,
  type NgBlock,
} from './capture-builder.js';

const packetsOf = (b: Uint8Array): CapturedPacket[] =>
  [...readPackets(b)].filter((x): x is CapturedPacket => x.kind === 'packet');
const issuesOf = (b: Uint8Array): CaptureIssue[] =>
  [...readPackets(b)].filter((x): x is CaptureIssue => x.kind === 'issue');
const framesOf = (b: Uint8Array): CapturedFrame[] =>
  [...readFrames(b)].filter((x): x is CapturedFrame => x.kind === 'frame');

describe('frame counts match tshark (PROVENANCE.md)', () => {
  // [file, frames, link type] -- frames as listed in pcap-fixtures/PROVENANCE.md
  const cases: [string, number, number][] = [
    ['tcpdump/tests/bgp-4byte-asn.pcap', 91, 1],
    ['tcpdump/tests/bgp-lu-multiple-labels.pcap', 39, 1],
    ['tcpdump/tests/bgp-bgpsec.pcap', 36, 1],
    ['packetlife-backup/pcaps/EBGP_adjacency.cap', 24, 1],
    ['packetlife-backup/pcaps/BGP_hard_reset.cap', 32, 1],
    ['traffic-reproducer/examples/pcap_processing/bgp.pcap', 32, 1],
    ['traffic-reproducer/examples/pcap_processing/bgp-multi-sources.pcap', 153, 1],
    ['tcpdump/tests/bgp-infinite-loop.pcap', 5, 113],
    ['tcpdump/tests/bgp-addpath.pcap', 1, 101],
    ['tcpdump/tests/bgp_vpn_attrset.pcap', 1, 9],
    ['packetlife-backup/pcaps/4-byte_AS_numbers_Full_Support.cap', 9, 104],
    ['packetlife-backup/pcaps/4-byte_AS_numbers_Mixed_Scenario.cap', 4, 104],
    ['packetlife-backup/pcaps/BGP_redist.cap', 2, 104],
    ['bgp-rs/res/pcap/BGP_notification_msg.cap', 14, 0],
    ['bgp-rs/res/pcap/bgp_withdraw.cap', 2, 0],
    ['tcpdump/tests/bgp-role.pcapng', 9, 113],
    ['tcpdump/tests/bgp-enhanced-route-refresh-subtype.pcapng', 3, 113],
    ['PcapPlusPlus/Tests/Packet++Test/PacketExamples/BgpPackets.pcap', 8, 1],
    ['tcpdump/tests/bgp_vpn_rt-oobr.pcap', 38, 1],
  ];
  it.each(cases)('%s has %i frames', (file, frames, linkType) => {
    const got = framesOf(fixture(file));
    expect(got).toHaveLength(frames);
    expect(got.map((f) => f.frame)).toEqual(Array.from({ length: frames }, (_, i) => i + 1));
    expect(got[0]?.linkType).toBe(linkType);
  });

  it('counts frames of a gzipped capture (scapy bgp_fragmented)', () => {
    expect(framesOf(gunzipSync(fixture('scapy/test/pcaps/bgp_fragmented.pcap.gz')))).toHaveLength(2);
  });
});

describe('decoding real captures', () => {
  it('reads IPv6 transport over Ethernet with RFC 5952 addresses (traffic-reproducer bgp.pcap)', () => {
    const b = fixture('traffic-reproducer/examples/pcap_processing/bgp.pcap');
    const pkts = packetsOf(b);
    expect(pkts).toHaveLength(32);
    expect(issuesOf(b)).toEqual([]);
    expect(pkts[0]).toMatchObject({
      frame: 1, src: '2001:db8:90::1', srcPort: 43158, dst: '2a02:a90:4007:31::69', dstPort: 179,
      seq: 1162133270, flags: TcpFlags.SYN, wireLength: 0, truncated: false,
    });
    expect(pkts[0]?.ts).toBeCloseTo(1705487746.763802, 5);
    expect(pkts[1]).toMatchObject({ seq: 1368796306, ack: 1162133271, flags: TcpFlags.SYN | TcpFlags.ACK });
    expect(pkts[3]?.payload.length).toBe(97);
  });

  it('ignores Ethernet padding after the IP datagram (EBGP_adjacency frame 3: 60-byte frame, 40-byte IP)', () => {
    const b = fixture('packetlife-backup/pcaps/EBGP_adjacency.cap');
    expect(framesOf(b)[2]?.data.length).toBe(60);
    const p = packetsOf(b)[2];
    expect(p).toMatchObject({ frame: 3, flags: TcpFlags.ACK, wireLength: 0, truncated: false });
    expect(p?.payload.length).toBe(0);
  });

  it('skips ARP silently (bgp-4byte-asn: 91 frames, 79 TCP, no issues)', () => {
    const b = fixture('tcpdump/tests/bgp-4byte-asn.pcap');
    expect(packetsOf(b)).toHaveLength(79);
    expect(issuesOf(b)).toEqual([]);
  });

  it('walks Cisco HDLC + MPLS (BGP_redist)', () => {
    const [a, c] = packetsOf(fixture('packetlife-backup/pcaps/BGP_redist.cap'));
    expect(a).toMatchObject({ src: '2.2.2.2', srcPort: 179, dst: '4.4.4.4', dstPort: 63535, seq: 3584584777, wireLength: 115 });
    expect(c).toMatchObject({ src: '2.2.2.2', dst: '5.5.5.5', dstPort: 49433, seq: 1739207760, wireLength: 115 });
  });

  it('reads Cisco HDLC (4-byte_AS_numbers_Mixed_Scenario)', () => {
    const pkts = packetsOf(fixture('packetlife-backup/pcaps/4-byte_AS_numbers_Mixed_Scenario.cap'));
    expect(pkts).toHaveLength(4);
    expect(pkts[1]).toMatchObject({ src: '172.16.3.1', srcPort: 20029, dst: '172.16.3.2', dstPort: 179, seq: 2930925528, wireLength: 58 });
  });

  it('reads PPP (bgp_vpn_attrset), Linux SLL (bgp-infinite-loop), raw IP (bgp-addpath), BSD loopback (bgp_withdraw)', () => {
    expect(packetsOf(fixture('tcpdump/tests/bgp_vpn_attrset.pcap'))[0]).toMatchObject({
      src: '12.4.4.4', srcPort: 2051, dst: '12.1.1.1', dstPort: 179, seq: 3293077573, ack: 3348108582, wireLength: 121,
    });
    const sll = packetsOf(fixture('tcpdump/tests/bgp-infinite-loop.pcap'));
    expect(sll).toHaveLength(5);
    expect(sll[0]).toMatchObject({ src: '196.59.48.65', srcPort: 14214, dst: '192.168.1.1', dstPort: 179, seq: 2470159403, wireLength: 34 });
    expect(packetsOf(fixture('tcpdump/tests/bgp-addpath.pcap'))[0]).toMatchObject({ src: '127.0.0.1', srcPort: 179, dstPort: 59631, wireLength: 231 });
    const lo = packetsOf(fixture('bgp-rs/res/pcap/bgp_withdraw.cap'));
    expect(lo[1]).toMatchObject({ frame: 2, src: '127.0.0.2', srcPort: 62454, dst: '127.0.0.1', dstPort: 1179, seq: 2545776499, wireLength: 52 });
    expect(lo[1]?.ts).toBeCloseTo(1587868839.776609, 5);
  });

  it('reads pcapng with eight interfaces (PcapPlusPlus BgpPackets, mergecap output)', () => {
    const pkts = packetsOf(fixture('PcapPlusPlus/Tests/Packet++Test/PacketExamples/BgpPackets.pcap'));
    expect(pkts.map((p) => p.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(pkts.every((p) => p.srcPort === 179 || p.dstPort === 179)).toBe(true);
  });

  it('keeps the captured part of a snaplen-truncated segment and reports it', () => {
    const b = fixture('tcpdump/tests/bgp_mp_reach_nlri-oobr.pcap');
    const items = [...readPackets(b)];
    expect(items[0]).toMatchObject({ kind: 'issue', frame: 1 });
    expect(items[1]).toMatchObject({ kind: 'packet', truncated: true, wireLength: 65455 });
    expect((items[1] as CapturedPacket).payload.length).toBe(2580);
  });

  it('reports link types it does not decode once, not per frame', () => {
    // Juniper Ethernet (178) and Frame Relay (107) are decoded now (capture-link-types.test.ts);
    // LINKTYPE_USER0 (147) never will be.
    const frames = framesOf(fixture('packetlife-backup/pcaps/EBGP_adjacency.cap')).slice(0, 3);
    expect(issuesOf(pcapFile({ le: true, nano: false, linkType: 147 }, frames))).toEqual([
      expect.objectContaining({ frame: 1, message: expect.stringContaining('unsupported link type 147') }),
    ]);
  });
});

describe('container encodings', () => {
  const source = fixture('packetlife-backup/pcaps/EBGP_adjacency.cap');
  const frames = framesOf(source);
  const sourcePackets = packetsOf(source);
  const expected = sourcePackets.map(({ ts, ...rest }) => ({ ...rest, ts: expect.closeTo(ts, 5) as unknown as number }));
  const sameAsSource = (b: Uint8Array): void => {
    const got = packetsOf(b).map(({ payload, ...rest }) => ({ ...rest, payload: [...payload] }));
    expect(got).toEqual(expected.map(({ payload, ...rest }) => ({ ...rest, payload: [...payload] })));
  };

  it.each([
    [false, false],
    [false, true],
    [true, true],
  ])('classic pcap, little-endian=%s, nanoseconds=%s', (le, nano) => {
    sameAsSource(pcapFile({ le, nano, linkType: 1 }, frames));
  });

  it('big-endian pcapng with nanosecond if_tsresol, interleaved unknown blocks', () => {
    const blocks: NgBlock[] = frames.flatMap((f) => [
      { type: 'raw', blockType: 4, body: bytes(0, 0, 0, 0) } as NgBlock, // name resolution, empty
      { type: 'epb', iface: 1, ts: f.ts, data: f.data },
    ]);
    const b = pcapngSection(false, [{ linkType: 101 }, { linkType: 1, tsresol: 9 }], blocks);
    sameAsSource(b);
  });

  it('obsolete Packet Blocks and Simple Packet Blocks', () => {
    const pb = pcapngSection(true, [{ linkType: 1 }], frames.map((f) => ({ type: 'pb', iface: 0, ts: f.ts, data: f.data })));
    sameAsSource(pb);
    const spb = pcapngSection(true, [{ linkType: 1 }], frames.map((f) => ({ type: 'spb', data: f.data })));
    const got = packetsOf(spb);
    expect(got.map((p) => [p.frame, p.seq, p.ts])).toEqual(expected.map((p) => [p.frame, p.seq, 0]));
  });

  it('several sections with different byte orders and link types; frame numbers run across them', () => {
    const half = Math.floor(frames.length / 2);
    const first = pcapngSection(true, [{ linkType: 1 }], frames.slice(0, half).map((f) => ({ type: 'epb', iface: 0, ts: f.ts, data: f.data })));
    // The second section redeclares interface 0 as raw IP: the Ethernet header must go.
    const second = pcapngSection(false, [{ linkType: 101, tsresol: 3 }], frames.slice(half).map((f) => ({ type: 'epb', iface: 0, ts: f.ts, data: f.data.subarray(14) })));
    const got = packetsOf(concat(first, second));
    expect(got.map((p) => [p.frame, p.seq, p.src])).toEqual(expected.map((p) => [p.frame, p.seq, p.src]));
    expect(got[half]?.ts).toBeCloseTo(sourcePackets[half]?.ts ?? 0, 2); // millisecond resolution
  });

  it('a bad block length ends the file with an issue', () => {
    const b = pcapngSection(true, [{ linkType: 1 }], frames.slice(0, 3).map((f) => ({ type: 'epb', iface: 0, ts: f.ts, data: f.data })));
    const broken = b.slice();
    // Second EPB: corrupt its leading length. Blocks: SHB 28, IDB 20, then EPBs.
    const secondEpb = 28 + 20 + new DataView(b.buffer).getUint32(28 + 20 + 4, true);
    new DataView(broken.buffer).setUint32(secondEpb + 4, 7, true);
    const items = [...readPackets(broken)];
    expect(items.filter((x) => x.kind === 'packet')).toHaveLength(1);
    expect(items.at(-1)).toMatchObject({ kind: 'issue', offset: secondEpb + 4 });
  });

  it('a packet on an undeclared interface is reported and still numbered', () => {
    const b = pcapngSection(true, [{ linkType: 1 }], [
      { type: 'epb', iface: 3, ts: 1, data: frames[0]?.data ?? new Uint8Array() },
      { type: 'epb', iface: 0, ts: 2, data: frames[1]?.data ?? new Uint8Array() },
    ]);
    const items = [...readPackets(b)];
    expect(items[0]).toMatchObject({ kind: 'issue', frame: 1 });
    expect(items[1]).toMatchObject({ kind: 'packet', frame: 2 });
  });

  it('a record cut by the end of the file is reported; its bytes are still decoded', () => {
    const cut = source.subarray(0, source.length - 4); // frame 24: 54 bytes of headers + 6 padding
    const items = [...readPackets(cut)];
    expect(items.filter((x) => x.kind === 'packet')).toHaveLength(24);
    expect(items.some((x) => x.kind === 'issue' && x.frame === 24)).toBe(true);
  });
});

describe('link and network layers (synthetic)', () => {
  const payload = bytes(1, 2, 3, 4, 5);
  const seg = tcpSegment({ srcPort: 179, dstPort: 40000, seq: 7, ack: 9, flags: 0x18, payload, options: bytes(2, 4, 5, 0xb4, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2) });
  const v4 = ipv4([10, 0, 0, 1], [10, 0, 0, 2], seg);
  const v6src = v6('2001:db8::1');
  const v6dst = v6('fe80::2');
  const decodeOne = (linkType: number, frame: Uint8Array): (CapturedPacket | CaptureIssue)[] =>
    [...readPackets(pcapFile({ le: true, nano: false, linkType }, [{ ts: 1, data: frame }]))];
  const expectPacket = (items: (CapturedPacket | CaptureIssue)[], src = '10.0.0.1', dst = '10.0.0.2'): void => {
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'packet', src, dst, srcPort: 179, dstPort: 40000, seq: 7, ack: 9, flags: 0x18, truncated: false });
    expect([...(items[0] as CapturedPacket).payload]).toEqual([...payload]);
  };

  it('Ethernet with stacked 802.1ad + 802.1Q + 0x9100 tags', () => {
    expectPacket(decodeOne(1, ethernet(0x88a8, concat(vlanTag(10, 0x8100), vlanTag(20, 0x9100), vlanTag(30, 0x0800), v4))));
  });

  it('Ethernet with an MPLS label stack, IPv4 and IPv6 below it', () => {
    expectPacket(decodeOne(1, ethernet(0x8847, concat(mplsLabel(100, false), mplsLabel(200, false), mplsLabel(300, true), v4))));
    const six = ipv6(v6src, v6dst, seg);
    expectPacket(decodeOne(1, ethernet(0x8847, concat(mplsLabel(16, true), six))), '2001:db8::1', 'fe80::2');
  });

  it('IPv4 header options and padding after the datagram', () => {
    const withOptions = ipv4([10, 0, 0, 1], [10, 0, 0, 2], seg, { options: bytes(0x94, 4, 0, 0) }); // router alert
    expectPacket(decodeOne(1, concat(ethernet(0x0800, withOptions), new Uint8Array(12))));
  });

  it('IPv6 hop-by-hop, routing and destination options are skipped', () => {
    const six = ipv6(v6src, v6dst, seg, { exts: [{ type: 0, body: bytes(1, 4, 0, 0, 0, 0) }, { type: 43, body: bytes(0, 0, 0, 0, 0, 0) }, { type: 60, body: new Uint8Array(14) }] });
    expectPacket(decodeOne(1, ethernet(0x86dd, six)), '2001:db8::1', 'fe80::2');
  });

  it('a lone first IP fragment is reported at the end of the capture and decoded as a cut segment', () => {
    // Reassembly proper is covered in capture-fragments.test.ts.
    const frag4 = decodeOne(1, ethernet(0x0800, ipv4([10, 0, 0, 1], [10, 0, 0, 2], seg, { frag: 0x2000 })));
    expect(frag4).toEqual([
      expect.objectContaining({ kind: 'issue', message: expect.stringContaining('IPv4 datagram incomplete') }),
      expect.objectContaining({ kind: 'packet', truncated: true, fragments: [1] }),
    ]);
    const frag6 = decodeOne(1, ethernet(0x86dd, ipv6(v6src, v6dst, seg, { exts: [{ type: 44, body: bytes(0, 1, 0, 0, 0, 1) }] })));
    expect(frag6).toEqual([
      expect.objectContaining({ kind: 'issue', message: expect.stringContaining('IPv6 datagram incomplete') }),
      expect.objectContaining({ kind: 'packet', truncated: true, src: '2001:db8::1', fragments: [1] }),
    ]);
    // Without its first fragment there is nothing to decode.
    const later = decodeOne(1, ethernet(0x0800, ipv4([10, 0, 0, 1], [10, 0, 0, 2], seg, { frag: 0x0003 })));
    expect(later).toEqual([expect.objectContaining({ kind: 'issue', message: expect.stringContaining('first bytes are missing') })]);
  });

  it('non-TCP traffic is ignored silently', () => {
    expect(decodeOne(1, ethernet(0x0806, new Uint8Array(28)))).toEqual([]); // ARP
    expect(decodeOne(1, ethernet(0x0800, ipv4([10, 0, 0, 1], [10, 0, 0, 2], new Uint8Array(16), { proto: 17 })))).toEqual([]);
    expect(decodeOne(1, ethernet(0x86dd, ipv6(v6src, v6dst, new Uint8Array(8), { next: 58 })))).toEqual([]);
    expect(decodeOne(1, ethernet(0x0800, ipv4([10, 0, 0, 1], [10, 0, 0, 2], new Uint8Array(16), { proto: 17, frag: 0x2000 })))).toEqual([]);
  });

  it('PPP (plain, HDLC-framed, compressed protocol), PPP-in-HDLC and Cisco HDLC', () => {
    expectPacket(decodeOne(9, concat(bytes(0x00, 0x21), v4)));
    expectPacket(decodeOne(9, concat(bytes(0xff, 0x03, 0x00, 0x21), v4)));
    expectPacket(decodeOne(9, concat(bytes(0x21), v4)));
    expectPacket(decodeOne(50, concat(bytes(0xff, 0x03, 0x00, 0x57), ipv6(v6src, v6dst, seg))), '2001:db8::1', 'fe80::2');
    expectPacket(decodeOne(50, concat(bytes(0x0f, 0x00, 0x08, 0x00), v4)));
    expectPacket(decodeOne(104, concat(bytes(0x8f, 0x00, 0x86, 0xdd), ipv6(v6src, v6dst, seg))), '2001:db8::1', 'fe80::2');
    expectPacket(decodeOne(104, concat(bytes(0x0f, 0x00, 0x88, 0x47), mplsLabel(1, true), v4)));
  });

  it('Linux SLL and SLL2', () => {
    expectPacket(decodeOne(113, concat(bytes(0, 0, 0, 1, 0, 6), new Uint8Array(8), bytes(0x08, 0x00), v4)));
    expectPacket(decodeOne(276, concat(bytes(0x86, 0xdd, 0, 0), new Uint8Array(4), bytes(0, 1, 0, 6), new Uint8Array(8), ipv6(v6src, v6dst, seg))), '2001:db8::1', 'fe80::2');
  });

  it('raw IP link types 12, 14, 101, 228, 229 and BSD loopback in both byte orders', () => {
    for (const lt of [12, 14, 101, 228]) expectPacket(decodeOne(lt, v4));
    expectPacket(decodeOne(229, ipv6(v6src, v6dst, seg)), '2001:db8::1', 'fe80::2');
    expectPacket(decodeOne(0, concat(bytes(2, 0, 0, 0), v4))); // AF_INET, little-endian host
    expectPacket(decodeOne(0, concat(bytes(0, 0, 0, 30), ipv6(v6src, v6dst, seg))), '2001:db8::1', 'fe80::2'); // Darwin AF_INET6, big-endian
    expect(decodeOne(0, concat(bytes(0, 0, 0, 7), v4))).toEqual([]); // some other family
  });

  it('a segment cut by the snaplen is kept, marked truncated, and reported', () => {
    const frame = ethernet(0x0800, v4);
    const items = [...readPackets(pcapFile({ le: true, nano: false, linkType: 1 }, [{ ts: 1, data: frame.subarray(0, frame.length - 3), origLength: frame.length }]))];
    expect(items[0]).toMatchObject({ kind: 'issue', frame: 1, message: expect.stringContaining('2 of 5') });
    expect(items[1]).toMatchObject({ kind: 'packet', truncated: true, wireLength: 5 });
    expect([...(items[1] as CapturedPacket).payload]).toEqual([1, 2]);
  });

  it('short or inconsistent headers become issues with file offsets', () => {
    const cases = [
      ethernet(0x0800, v4.subarray(0, 10)),
      ethernet(0x0800, ipv4([1, 1, 1, 1], [2, 2, 2, 2], seg, { totalLength: 12 })),
      ethernet(0x86dd, ipv6(v6src, v6dst, seg).subarray(0, 30)),
      ethernet(0x0800, ipv4([1, 1, 1, 1], [2, 2, 2, 2], seg.subarray(0, 12))),
      ethernet(0x8100, bytes(0, 1)),
      bytes(1, 2, 3),
      ethernet(0x0800, bytes(0x75, 0, 0, 20)),
    ];
    for (const frame of cases) {
      const items = decodeOne(1, frame);
      expect(items).toHaveLength(1);
      expect(items[0]?.kind).toBe('issue');
      const off = (items[0] as CaptureIssue).offset;
      expect(off).toBeGreaterThanOrEqual(40);
      expect(off).toBeLessThanOrEqual(40 + frame.length);
    }
  });
});

describe('formatIpv6 (RFC 5952)', () => {
  it.each([
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:DB8:AA:0:0:0:0:BBBB', '2001:db8:aa::bbbb'],
    ['0:0:0:0:0:ffff:c000:201', '::ffff:192.0.2.1'],
  ])('%s -> %s', (full, text) => {
    expect(formatIpv6(Uint8Array.from(v6(full)), 0)).toBe(text);
  });
});

describe('malformed input never throws and always terminates', () => {
  const consume = (b: Uint8Array): number => {
    let n = 0;
    for (const x of readPackets(b)) {
      n++;
      if (x.kind === 'issue') {
        expect(x.offset).toBeGreaterThanOrEqual(0);
        expect(x.offset).toBeLessThanOrEqual(b.length);
      }
    }
    return n;
  };

  it.each([
    'tcpdump/tests/bgp-aigp-oobr.pcap',
    'tcpdump/tests/bgp-as-path-oobr.pcap',
    'tcpdump/tests/bgp-bgp_capabilities_print-oobr-1.pcap',
    'tcpdump/tests/bgp-bgp_capabilities_print-oobr-2.pcap',
    'tcpdump/tests/bgp_mp_reach_nlri-oobr.pcap',
    'tcpdump/tests/bgp_mvpn_6_and_7_oobr.pcap',
    'tcpdump/tests/bgp_pmsi_tunnel-oobr.pcap',
    'tcpdump/tests/bgp_vpn_rt-oobr.pcap',
    'tcpdump/tests/bgp-ub.pcap',
    'tcpdump/tests/bgp-infinite-loop.pcap',
  ])('%s', (file) => {
    expect(consume(fixture(file))).toBeGreaterThan(0);
  });

  it('every prefix of small captures (pcap and pcapng)', () => {
    for (const file of ['tcpdump/tests/bgp-role.pcapng', 'packetlife-backup/pcaps/BGP_redist.cap', 'tcpdump/tests/bgp-4byte-asn.pcap']) {
      const b = fixture(file);
      const full = framesOf(b).length;
      for (let n = 0; n <= b.length; n++) {
        const cut = b.subarray(0, n);
        consume(cut);
        expect(framesOf(cut).length).toBeLessThanOrEqual(full);
      }
    }
  });

  it('garbage input gives an issue, not an exception', () => {
    expect([...readPackets(new Uint8Array())]).toEqual([expect.objectContaining({ kind: 'issue', frame: 0, offset: 0 })]);
    expect([...readPackets(bytes(1, 2, 3, 4, 5, 6, 7, 8))]).toEqual([expect.objectContaining({ kind: 'issue' })]);
  });

  it('random bytes (fast-check)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (b) => {
      consume(b);
    }), { numRuns: 500 });
  });

  it('random bytes behind a valid pcap or pcapng header (fast-check)', () => {
    const classic = pcapFile({ le: true, nano: false, linkType: 1 }, []);
    const ng = pcapngSection(false, [{ linkType: 1 }, { linkType: 113, tsresol: 0x89 }], []);
    fc.assert(fc.property(fc.boolean(), fc.uint8Array({ maxLength: 1024 }), (useNg, tail) => {
      consume(concat(useNg ? ng : classic, tail));
    }), { numRuns: 500 });
  });

  it('random byte corruption of a real capture (fast-check)', () => {
    const base = fixture('tcpdump/tests/bgp-role.pcapng');
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (edits) => {
      const b = base.slice();
      for (const [i, v] of edits) b[i] = v;
      consume(b);
    }), { numRuns: 300 });
  });
});
