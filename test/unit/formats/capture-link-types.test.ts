// Link types added for the corpus: Juniper Ethernet (DLT 178) and Frame Relay (DLT 107).

import { describe, it, expect } from 'vitest';
import { openBgpFile } from '../../../src/formats/bgp-reader.js';
import { readPackets, type CaptureIssue, type CapturedPacket } from '../../../src/formats/pcap.js';
import { bytes, concat, ethernet, fixture, ipv4, ipv6, pcapFile, tcpSegment, v6 } from './capture-builder.js';

const packetsOf = (b: Uint8Array): CapturedPacket[] => [...readPackets(b)].filter((x): x is CapturedPacket => x.kind === 'packet');
const issuesOf = (b: Uint8Array): CaptureIssue[] => [...readPackets(b)].filter((x): x is CaptureIssue => x.kind === 'issue');

const messageTypes = (b: Uint8Array): string[] => {
  const out: string[] = [];
  for (const r of openBgpFile(b).records) out.push(r.kind === 'message' ? r.message.type : r.kind);
  return out;
};

describe('Juniper Ethernet (LINKTYPE_JUNIPER_ETHER, 178)', () => {
  it('tcpdump bgp-aigp.pcap: "MGC" + flags 0x80 + 16 bytes of extension TLVs, then Ethernet', () => {
    const b = fixture('tcpdump/tests/bgp-aigp.pcap');
    expect(issuesOf(b)).toEqual([]);
    const [p, ...rest] = packetsOf(b);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ frame: 1, src: '172.16.20.5', srcPort: 59631, dst: '172.16.20.3', dstPort: 179, seq: 3923783171, truncated: false });
    expect(messageTypes(b)).toEqual(['update', 'update']);
  });

  const seg = tcpSegment({ srcPort: 179, dstPort: 40000, seq: 7, payload: bytes(1, 2, 3) });
  const v4 = ipv4([10, 0, 0, 1], [10, 0, 0, 2], seg);
  const decode = (frame: Uint8Array): (CapturedPacket | CaptureIssue)[] => [...readPackets(pcapFile({ le: true, nano: false, linkType: 178 }, [{ ts: 1, data: frame }]))];

  it('without extensions, with extensions, and with the L2 header stripped (flag 0x02: 4-byte cookie, then IP)', () => {
    const plain = decode(concat(bytes(0x4d, 0x47, 0x43, 0x00), ethernet(0x0800, v4)));
    const ext = decode(concat(bytes(0x4d, 0x47, 0x43, 0x81, 0, 6, 1, 4, 0, 0, 0, 9), ethernet(0x0800, v4)));
    const noL2 = decode(concat(bytes(0x4d, 0x47, 0x43, 0x82, 0, 3, 3, 1, 1), bytes(2, 0, 0, 0), v4));
    for (const items of [plain, ext, noL2]) {
      expect(items).toEqual([expect.objectContaining({ kind: 'packet', src: '10.0.0.1', dst: '10.0.0.2', srcPort: 179, seq: 7 })]);
    }
    const six = decode(concat(bytes(0x4d, 0x47, 0x43, 0x02), bytes(6, 0, 0, 0), ipv6(v6('2001:db8::1'), v6('2001:db8::2'), seg)));
    expect(six).toEqual([expect.objectContaining({ kind: 'packet', src: '2001:db8::1' })]);
  });

  it('a missing magic, a truncated header or extension are issues; non-IP payloads are skipped', () => {
    for (const frame of [
      bytes(0x4d, 0x47),
      concat(bytes(0x4d, 0x47, 0x44, 0x00), ethernet(0x0800, v4)),
      bytes(0x4d, 0x47, 0x43, 0x80, 0),
      concat(bytes(0x4d, 0x47, 0x43, 0x80, 0, 200), ethernet(0x0800, v4)),
      bytes(0x4d, 0x47, 0x43, 0x02, 2, 0, 0, 0),
    ]) {
      expect(decode(frame)).toEqual([expect.objectContaining({ kind: 'issue', frame: 1 })]);
    }
    expect(decode(concat(bytes(0x4d, 0x47, 0x43, 0x00), ethernet(0x0806, new Uint8Array(28))))).toEqual([]);
  });
});

describe('Frame Relay (LINKTYPE_FRELAY, 107)', () => {
  it.each([
    ['bgp med.pcapng.cap', { src: '10.1.12.2', srcPort: 179, dst: '10.1.12.1', dstPort: 56516 }, ['update', 'update']],
    ['bgp as confed sequence.pcapng.cap', { src: '10.1.34.3', srcPort: 22426, dst: '10.1.34.4', dstPort: 179 }, ['update', 'update', 'update']],
  ])('packetlife %s: Q.922 address then Cisco encapsulation (Ethertype 0x0800)', (name, addresses, types) => {
    const b = fixture(`packetlife-backup/pcaps/${name}`);
    expect(issuesOf(b)).toEqual([]);
    expect(packetsOf(b)).toEqual([expect.objectContaining({ frame: 1, ...addresses, truncated: false })]);
    expect(messageTypes(b)).toEqual(types);
  });

  const seg = tcpSegment({ srcPort: 179, dstPort: 40000, seq: 7, payload: bytes(1, 2, 3) });
  const v4 = ipv4([10, 0, 0, 1], [10, 0, 0, 2], seg);
  const six = ipv6(v6('2001:db8::1'), v6('2001:db8::2'), seg);
  const decode = (frame: Uint8Array): (CapturedPacket | CaptureIssue)[] => [...readPackets(pcapFile({ le: false, nano: false, linkType: 107 }, [{ ts: 1, data: frame }]))];
  const dlci102 = bytes(0x18, 0x61); // 2-byte Q.922 address, EA set on the second byte

  it('RFC 2427 NLPIDs (IPv4, IPv6, SNAP with and without the pad), 3- and 4-byte addresses, bridged Ethernet', () => {
    const cases: [Uint8Array, string][] = [
      [concat(dlci102, bytes(0x03, 0xcc), v4), '10.0.0.1'],
      [concat(dlci102, bytes(0x03, 0x8e), six), '2001:db8::1'],
      [concat(dlci102, bytes(0x03, 0x00, 0x80, 0, 0, 0, 0x08, 0x00), v4), '10.0.0.1'],
      [concat(dlci102, bytes(0x03, 0x80, 0, 0, 0, 0x86, 0xdd), six), '2001:db8::1'],
      [concat(bytes(0x18, 0x60, 0x01), bytes(0x03, 0xcc), v4), '10.0.0.1'],
      [concat(bytes(0x18, 0x60, 0x00, 0x01), bytes(0x03, 0xcc), v4), '10.0.0.1'],
      [concat(dlci102, bytes(0x03, 0x00, 0x80, 0x00, 0x80, 0xc2, 0x00, 0x07), ethernet(0x0800, v4)), '10.0.0.1'],
      [concat(dlci102, bytes(0x86, 0xdd), six), '2001:db8::1'], // Cisco, IPv6
    ];
    for (const [frame, src] of cases) {
      expect(decode(frame)).toEqual([expect.objectContaining({ kind: 'packet', src, srcPort: 179, seq: 7 })]);
    }
  });

  it('signalling and other protocols are skipped; malformed addresses and short headers are issues', () => {
    expect(decode(concat(dlci102, bytes(0x03, 0x08, 0, 0x75, 0x95)))).toEqual([]); // Q.933 LMI
    expect(decode(concat(dlci102, bytes(0x03, 0x81, 1, 2, 3)))).toEqual([]); // CLNP
    expect(decode(concat(dlci102, bytes(0x03, 0x80, 0, 0, 0x0c, 0x20, 0x00), v4))).toEqual([]); // SNAP, Cisco OUI
    for (const frame of [bytes(0x19), bytes(0x18, 0x60, 0x00, 0x00, 0x00, 0x03, 0xcc), bytes(0x18, 0x61, 0x03), bytes(0x18, 0x61, 0x03, 0x80, 0, 0)]) {
      expect(decode(frame)).toEqual([expect.objectContaining({ kind: 'issue', frame: 1 })]);
    }
  });
});
