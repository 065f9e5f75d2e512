// Capture-file reader: classic pcap and pcapng, down through the link layer and IPv4/IPv6 to
// TCP segments. Pure functions over one in-memory buffer.
//
// The contract is "report, never throw": capture files are often cut short or fuzzed on purpose
// (tcpdump's *-oobr regressions). Every length is checked before it is used, every loop advances
// by at least one byte, and anything that cannot be decoded becomes a CaptureIssue (or is skipped
// silently when it is simply not TCP over IP). Reads go through u8/u16/u32 below, which return 0
// past the end instead of throwing, so a missed check degrades to garbage, never to an exception.

/** One TCP segment as captured. `payload` is a view into the input buffer (no copy). */
export interface CapturedPacket {
  kind: 'packet';
  /** 1-based frame number in the file (every packet record counts, decodable or not). */
  frame: number;
  /** Capture time in seconds since the epoch. */
  ts: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP flags byte (CWR ECE URG ACK PSH RST SYN FIN); see TcpFlags. */
  flags: number;
  payload: Uint8Array;
  /** Payload length the IP header announces; larger than payload.length when truncated. */
  wireLength: number;
  /** The capture holds only the first payload.length bytes of the segment (snaplen, cut file). */
  truncated: boolean;
  /** Reassembled from IP fragments: the frames that carried them (`frame` is the last one). */
  fragments?: number[];
}

export interface CaptureIssue {
  kind: 'issue';
  /** Frame the problem was found in; 0 for file structure outside any frame. */
  frame: number;
  /** Byte offset in the file where the problem was detected. */
  offset: number;
  message: string;
}

/** One packet record before link-layer decoding. `data` is a view into the input buffer. */
export interface CapturedFrame {
  kind: 'frame';
  frame: number;
  ts: number;
  linkType: number;
  /** Byte offset of `data` in the file. */
  offset: number;
  data: Uint8Array;
  /** Length of the frame on the wire (may exceed data.length when the snaplen cut it). */
  origLength: number;
}

export const TcpFlags = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

// ---------------------------------------------------------------------------------------------
// Bounds-safe reads: out-of-range bytes read as 0 (callers check lengths first; this is the net).

const u8 = (d: Uint8Array, i: number): number => d[i] ?? 0;
const u16 = (d: Uint8Array, i: number): number => (u8(d, i) << 8) | u8(d, i + 1);
const u32 = (d: Uint8Array, i: number): number => u16(d, i) * 0x10000 + u16(d, i + 2);
const u16x = (d: Uint8Array, i: number, le: boolean): number =>
  le ? u8(d, i) | (u8(d, i + 1) << 8) : u16(d, i);
const u32x = (d: Uint8Array, i: number, le: boolean): number =>
  le ? u16x(d, i, true) + u16x(d, i + 2, true) * 0x10000 : u32(d, i);

const issue = (frame: number, offset: number, message: string): CaptureIssue => ({
  kind: 'issue',
  frame,
  offset,
  message,
});

// ---------------------------------------------------------------------------------------------
// Containers

const PCAPNG_SHB = 0x0a0d0d0a;

/** Packet records of a pcap or pcapng file, in file order, undecoded. */
export function* readFrames(bytes: Uint8Array): Generator<CapturedFrame | CaptureIssue> {
  if (bytes.length < 4) {
    yield issue(0, 0, `file too short (${bytes.length} bytes) for a capture header`);
    return;
  }
  const magic = u32(bytes, 0);
  if (magic === PCAPNG_SHB) {
    yield* readPcapng(bytes);
    return;
  }
  // Classic magic as written by the capturing host: a1b2c3d4 (microseconds) or a1b23c4d
  // (nanoseconds), in either byte order.
  switch (magic) {
    case 0xa1b2c3d4: return yield* readClassic(bytes, false, 1e6);
    case 0xa1b23c4d: return yield* readClassic(bytes, false, 1e9);
    case 0xd4c3b2a1: return yield* readClassic(bytes, true, 1e6);
    case 0x4d3cb2a1: return yield* readClassic(bytes, true, 1e9);
    default:
      yield issue(0, 0, `not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`);
  }
}

function* readClassic(bytes: Uint8Array, le: boolean, fracPerSecond: number): Generator<CapturedFrame | CaptureIssue> {
  if (bytes.length < 24) {
    yield issue(0, 0, 'pcap file header truncated');
    return;
  }
  // The upper bits of the link-type field carry FCS information, not the link type.
  const linkType = u32x(bytes, 20, le) & 0xffff;
  let off = 24;
  let frame = 0;
  while (off < bytes.length) {
    frame++;
    if (bytes.length - off < 16) {
      yield issue(frame, off, `record header truncated (${bytes.length - off} of 16 bytes)`);
      return;
    }
    const ts = u32x(bytes, off, le) + u32x(bytes, off + 4, le) / fracPerSecond;
    const inclLen = u32x(bytes, off + 8, le);
    const origLen = u32x(bytes, off + 12, le);
    const start = off + 16;
    const avail = bytes.length - start;
    if (inclLen > avail) {
      // The file was cut mid-record (or the length is corrupt): hand over what is there, then stop,
      // because nothing after this point can be framed reliably.
      yield issue(frame, off, `record claims ${inclLen} bytes but only ${avail} remain in the file`);
      yield { kind: 'frame', frame, ts, linkType, offset: start, data: bytes.subarray(start), origLength: Math.max(origLen, inclLen) };
      return;
    }
    yield { kind: 'frame', frame, ts, linkType, offset: start, data: bytes.subarray(start, start + inclLen), origLength: origLen };
    off = start + inclLen;
  }
}

interface Interface {
  linkType: number;
  snapLen: number;
  /** Timestamp units per second (if_tsresol). */
  unitsPerSecond: number;
  /** Seconds added to every timestamp (if_tsoffset). */
  offsetSeconds: number;
}

function* readPcapng(bytes: Uint8Array): Generator<CapturedFrame | CaptureIssue> {
  let off = 0;
  let frame = 0;
  let le = true;
  let ifaces: Interface[] = [];
  // Simple Packet Blocks carry no timestamp; reusing the last one keeps time monotonic.
  let lastTs = 0;
  while (off < bytes.length) {
    const remaining = bytes.length - off;
    if (remaining < 12) {
      yield issue(frame, off, `${remaining} trailing bytes are too short for a pcapng block`);
      return;
    }
    // The SHB type reads the same in both byte orders; its byte-order magic sets the section's.
    if (u32(bytes, off) === PCAPNG_SHB) {
      const bom = u32(bytes, off + 8);
      if (bom === 0x1a2b3c4d) le = false;
      else if (bom === 0x4d3c2b1a) le = true;
      else {
        yield issue(frame, off + 8, `bad section byte-order magic 0x${bom.toString(16)}`);
        return;
      }
      ifaces = [];
    }
    const type = u32x(bytes, off, le);
    const len = u32x(bytes, off + 4, le);
    if (len < 12 || len % 4 !== 0 || len > remaining || u32x(bytes, off + len - 4, le) !== len) {
      yield issue(frame, off + 4, `bad pcapng block length ${len} (block type 0x${type.toString(16)})`);
      return;
    }
    const body = off + 8;
    const end = off + len - 4;
    switch (type) {
      case PCAPNG_SHB:
        if (len < 28) {
          yield issue(frame, off, 'section header block too short');
          return;
        }
        break;
      case 1: {
        if (end - body < 8) {
          yield issue(frame, off, 'interface description block too short');
          return;
        }
        ifaces.push(readInterface(bytes, body, end, le));
        break;
      }
      case 6: // Enhanced Packet Block
      case 2: { // obsolete Packet Block: 16-bit interface id and a drop count, else the same
        frame++;
        if (end - body < 20) {
          yield issue(frame, off, 'packet block too short');
          break;
        }
        const ifId = type === 6 ? u32x(bytes, body, le) : u16x(bytes, body, le);
        const iface = ifaces[ifId];
        if (!iface) {
          yield issue(frame, body, `packet refers to undeclared interface ${ifId}`);
          break;
        }
        const units = u32x(bytes, body + 4, le) * 0x100000000 + u32x(bytes, body + 8, le);
        const ts = units / iface.unitsPerSecond + iface.offsetSeconds;
        lastTs = ts;
        let capLen = u32x(bytes, body + 12, le);
        const origLen = u32x(bytes, body + 16, le);
        const start = body + 20;
        if (capLen > end - start) {
          yield issue(frame, body + 12, `captured length ${capLen} exceeds its block; clamped`);
          capLen = end - start;
        }
        yield { kind: 'frame', frame, ts, linkType: iface.linkType, offset: start, data: bytes.subarray(start, start + capLen), origLength: origLen };
        break;
      }
      case 3: { // Simple Packet Block: interface 0, no timestamp, captured length implied
        frame++;
        const iface = ifaces[0];
        if (end - body < 4 || !iface) {
          yield issue(frame, off, iface ? 'simple packet block too short' : 'simple packet block before any interface');
          break;
        }
        const origLen = u32x(bytes, body, le);
        const start = body + 4;
        let capLen = Math.min(origLen, end - start);
        if (iface.snapLen > 0) capLen = Math.min(capLen, iface.snapLen);
        yield { kind: 'frame', frame, ts: lastTs, linkType: iface.linkType, offset: start, data: bytes.subarray(start, start + capLen), origLength: origLen };
        break;
      }
      default:
        // Name resolution, statistics, journal, custom blocks: nothing we need.
        break;
    }
    off += len;
  }
}

function readInterface(bytes: Uint8Array, body: number, end: number, le: boolean): Interface {
  const iface: Interface = {
    linkType: u16x(bytes, body, le),
    snapLen: u32x(bytes, body + 4, le),
    unitsPerSecond: 1e6,
    offsetSeconds: 0,
  };
  let opt = body + 8;
  while (end - opt >= 4) {
    const code = u16x(bytes, opt, le);
    const optLen = u16x(bytes, opt + 2, le);
    const value = opt + 4;
    if (code === 0 || optLen > end - value) break; // opt_endofopt, or a malformed option list
    if (code === 9 && optLen >= 1) {
      // if_tsresol: high bit set = negative power of 2, else negative power of 10.
      const r = u8(bytes, value);
      iface.unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
    } else if (code === 14 && optLen >= 8) {
      // if_tsoffset: signed 64-bit seconds; the high word's sign is enough for realistic values.
      const hi = u32x(bytes, value + (le ? 4 : 0), le) | 0;
      const lo = u32x(bytes, value + (le ? 0 : 4), le);
      iface.offsetSeconds = hi * 0x100000000 + lo;
    }
    opt = value + ((optLen + 3) & ~3);
  }
  return iface;
}

// ---------------------------------------------------------------------------------------------
// Link layers: each finds where the IP header starts. Returns the offset, null for frames that
// are not IP (ARP, LLC, ...: skipped silently), or a message for frames too short to tell.

type LinkResult = number | null | string;

const LINK_DECODERS: ReadonlyMap<number, (d: Uint8Array) => LinkResult> = new Map<number, (d: Uint8Array) => LinkResult>([
  [0, nullLink],
  [1, (d) => (d.length < 14 ? 'Ethernet header truncated' : etherPayload(d, 14, u16(d, 12)))],
  [9, (d) => pppPayload(d, 0)],
  [50, pppHdlc],
  [12, () => 0],
  [14, () => 0],
  [101, () => 0],
  [228, () => 0],
  [229, () => 0],
  [104, (d) => (d.length < 4 ? 'Cisco HDLC header truncated' : etherPayload(d, 4, u16(d, 2)))],
  [107, frameRelay],
  [113, (d) => (d.length < 16 ? 'Linux SLL header truncated' : etherPayload(d, 16, u16(d, 14)))],
  [178, juniperEther],
  [276, (d) => (d.length < 20 ? 'Linux SLL2 header truncated' : etherPayload(d, 20, u16(d, 0)))],
]);

/** BSD loopback: a 4-byte address family in the capturing host's byte order. */
function nullLink(d: Uint8Array): LinkResult {
  if (d.length < 4) return 'loopback header truncated';
  const le = u32x(d, 0, true);
  const family = le <= 0xffff ? le : u32(d, 0);
  // AF_INET is 2 everywhere; AF_INET6 differs: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30.
  return family === 2 || family === 10 || family === 24 || family === 28 || family === 30 ? 4 : null;
}

/** Ethertype dispatch shared by Ethernet, SLL, SLL2 and Cisco HDLC: VLAN tags, MPLS, IP. */
function etherPayload(d: Uint8Array, at: number, etherType: number): LinkResult {
  let type = etherType;
  for (;;) {
    if (type === 0x0800 || type === 0x86dd) return at;
    if (type === 0x8847 || type === 0x8848) return mplsPayload(d, at);
    if (type !== 0x8100 && type !== 0x88a8 && type !== 0x9100) return null;
    if (d.length - at < 4) return 'VLAN tag truncated';
    type = u16(d, at + 2);
    at += 4;
  }
}

function mplsPayload(d: Uint8Array, at: number): LinkResult {
  for (;;) {
    if (d.length - at < 4) return 'MPLS label stack truncated';
    const bottom = u8(d, at + 2) & 1;
    at += 4;
    if (bottom) break;
  }
  if (at >= d.length) return 'MPLS payload missing';
  // MPLS does not say what it carries; IP is recognisable by its version nibble. Anything else
  // (pseudowire control word, Ethernet over MPLS) is not ours.
  const version = u8(d, at) >> 4;
  return version === 4 || version === 6 ? at : null;
}

function pppPayload(d: Uint8Array, at: number): LinkResult {
  if (u8(d, at) === 0xff && u8(d, at + 1) === 0x03) at += 2; // HDLC-like address/control
  if (d.length - at < 1) return 'PPP header truncated';
  let proto: number;
  if (u8(d, at) & 1) {
    proto = u8(d, at); // protocol-field compression (RFC 1661 s6.5): one byte
    at += 1;
  } else {
    if (d.length - at < 2) return 'PPP header truncated';
    proto = u16(d, at);
    at += 2;
  }
  if (proto === 0x21 || proto === 0x57) return at;
  if (proto === 0x0281 || proto === 0x0283) return mplsPayload(d, at);
  return null;
}

/** LINKTYPE_PPP_HDLC holds PPP in HDLC framing (0xff) or Cisco PPP with HDLC framing (0x0f/0x8f). */
function pppHdlc(d: Uint8Array): LinkResult {
  const address = u8(d, 0);
  if (address === 0x0f || address === 0x8f) {
    return d.length < 4 ? 'Cisco HDLC header truncated' : etherPayload(d, 4, u16(d, 2));
  }
  return pppPayload(d, 0);
}

/**
 * LINKTYPE_FRELAY: a Q.922 address (2 to 4 bytes; the low bit of a byte is set on the last one),
 * then either RFC 2427 multiprotocol encapsulation (UI control 0x03, an optional 0x00 pad, an
 * NLPID: 0xcc IPv4, 0x8e IPv6, 0x80 SNAP) or Cisco's encapsulation (an Ethertype right after the
 * address, as Cisco routers send it by default).
 */
function frameRelay(d: Uint8Array): LinkResult {
  let at = 0;
  while (at < 4 && at < d.length && !(u8(d, at) & 1)) at++;
  at++;
  if (at > d.length || at > 4) return 'Frame Relay address truncated or longer than 4 bytes';
  if (at < 2) return 'Frame Relay address shorter than 2 bytes';
  if (d.length - at < 2) return 'Frame Relay header truncated';
  if (u8(d, at) !== 0x03) return etherPayload(d, at + 2, u16(d, at)); // Cisco: an Ethertype
  at++;
  if (u8(d, at) === 0x00) at++; // pad octet before some NLPIDs (RFC 2427 s4)
  if (at >= d.length) return 'Frame Relay NLPID missing';
  const nlpid = u8(d, at);
  at++;
  if (nlpid === 0xcc || nlpid === 0x8e) return at;
  if (nlpid !== 0x80) return null; // Q.933 signalling, CLNP, PPP in FR, ...
  if (d.length - at < 5) return 'Frame Relay SNAP header truncated';
  const oui = u16(d, at) * 0x100 + u8(d, at + 2);
  const pid = u16(d, at + 3);
  at += 5;
  if (oui === 0) return etherPayload(d, at, pid); // routed: PID is an Ethertype
  // Bridged Ethernet (802.1 OUI 00-80-c2; PID 0x0001 with FCS, 0x0007 without): a whole MAC frame.
  if (oui === 0x0080c2 && (pid === 0x0001 || pid === 0x0007)) {
    return d.length - at < 14 ? 'bridged Ethernet header truncated' : etherPayload(d, at + 14, u16(d, at + 12));
  }
  return null;
}

/**
 * LINKTYPE_JUNIPER_ETHER: Juniper's pseudo-header, then Ethernet. The pseudo-header is the magic
 * "MGC", a flags byte, and, when flag 0x80 is set, a 2-byte length of extension TLVs that follow.
 * Flag 0x02 (no L2 header) means the Ethernet header was stripped: after a 4-byte protocol
 * cookie comes the IP packet (tcpdump's print-juniper.c, juniper_parse_header).
 */
function juniperEther(d: Uint8Array): LinkResult {
  if (d.length < 4) return 'Juniper pseudo-header truncated';
  if (u8(d, 0) !== 0x4d || u8(d, 1) !== 0x47 || u8(d, 2) !== 0x43) return 'Juniper pseudo-header without its "MGC" magic';
  const flags = u8(d, 3);
  let at = 4;
  if (flags & 0x80) {
    if (d.length < 6) return 'Juniper extension length truncated';
    at = 6 + u16(d, 4);
  }
  if (flags & 0x02) {
    at += 4;
    if (at >= d.length) return 'Juniper pseudo-header truncated';
    const version = u8(d, at) >> 4;
    return version === 4 || version === 6 ? at : null;
  }
  if (d.length - at < 14) return 'Ethernet header truncated (after the Juniper pseudo-header)';
  return etherPayload(d, at + 14, u16(d, at + 12));
}

// ---------------------------------------------------------------------------------------------
// IP and TCP

export interface ReadPacketsOptions {
  /** Bounds of IP fragment reassembly. */
  readonly reassembly?: IpReassemblyOptions;
}

/**
 * IP reassembly holds fragments until their datagram is complete. These bounds keep a capture full
 * of stray or hostile fragments from holding memory: past them, the oldest datagram is given up.
 */
export interface IpReassemblyOptions {
  /** Datagrams being reassembled at once. Default 256. */
  readonly maxDatagrams?: number;
  /** Fragment bytes held over all pending datagrams. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
  /** Fragments of one datagram (8-byte pieces of 64 KiB would be 8192). Default 1024. */
  readonly maxFragments?: number;
  /** Capture seconds after its first fragment that a datagram is given up (Linux ipfrag_time). Default 30. */
  readonly timeoutSeconds?: number;
}

export const DEFAULT_IP_REASSEMBLY: Required<IpReassemblyOptions> = {
  maxDatagrams: 256,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxFragments: 1024,
  timeoutSeconds: 30,
};

/**
 * Decodes captured frames into TCP segments, reassembling fragmented IP datagrams. Non-TCP traffic
 * is skipped without comment.
 */
export function* readPackets(bytes: Uint8Array, options: ReadPacketsOptions = {}): Generator<CapturedPacket | CaptureIssue> {
  const reportedLinks = new Set<number>();
  const fragments = new IpReassembler(options.reassembly);
  for (const item of readFrames(bytes)) {
    if (item.kind === 'issue') {
      yield item;
      continue;
    }
    yield* fragments.expire(item.ts);
    const decode = LINK_DECODERS.get(item.linkType);
    if (!decode) {
      // Once per link type: a capture of an unsupported link would otherwise repeat it per frame.
      if (!reportedLinks.has(item.linkType)) {
        reportedLinks.add(item.linkType);
        yield issue(item.frame, item.offset, `unsupported link type ${item.linkType}; its frames are skipped`);
      }
      continue;
    }
    const at = decode(item.data);
    if (typeof at === 'string') yield issue(item.frame, item.offset, at);
    else if (at !== null) yield* decodeIp(item, at, fragments);
  }
  yield* fragments.flush();
}

/** Where the bytes being decoded come from: the packet they become, and offsets for issues. */
interface Origin {
  frame: number;
  ts: number;
  /** File offset of byte 0 of the decoded buffer; undefined for a reassembled datagram. */
  base: number | undefined;
  /** File offset reported for problems inside a reassembled datagram (its last fragment). */
  anchor: number;
  /** What cut a segment shorter than its IP header says, for the issue text. */
  cut: string;
  /** Frames of the fragments a reassembled datagram came from. */
  fragments?: number[];
  /** An incomplete datagram: its segment is cut short even where the IP lengths do not show it. */
  incomplete?: boolean;
}

const pos = (o: Origin, at: number): number => (o.base === undefined ? o.anchor : o.base + at);

function* decodeIp(f: CapturedFrame, at: number, fragments: IpReassembler): Generator<CapturedPacket | CaptureIssue> {
  const d = f.data;
  const o: Origin = {
    frame: f.frame,
    ts: f.ts,
    base: f.offset,
    anchor: f.offset + at,
    cut: f.origLength > d.length ? 'capture' : 'frame (IP length exceeds the frame)',
  };
  const version = u8(d, at) >> 4;
  if (at >= d.length) {
    yield issue(f.frame, f.offset + at, 'IP header missing');
  } else if (version === 4) {
    yield* decodeIpv4(o, d, at, fragments);
  } else if (version === 6) {
    yield* decodeIpv6(o, d, at, fragments);
  } else {
    yield issue(f.frame, f.offset + at, `IP version ${version} is neither 4 nor 6`);
  }
}

function* decodeIpv4(o: Origin, d: Uint8Array, at: number, fragments: IpReassembler): Generator<CapturedPacket | CaptureIssue> {
  const where = pos(o, at);
  if (d.length - at < 20) {
    yield issue(o.frame, where, 'IPv4 header truncated');
    return;
  }
  const headerLen = (u8(d, at) & 0x0f) * 4;
  const totalLen = u16(d, at + 2);
  if (headerLen < 20 || d.length - at < headerLen) {
    yield issue(o.frame, where, `IPv4 header length ${headerLen} invalid or truncated`);
    return;
  }
  if (u8(d, at + 9) !== 6) return;
  // Total length 0 appears in captures of TCP segmentation offload: the NIC fills it in later.
  let end: number;
  if (totalLen === 0) end = d.length;
  else if (totalLen < headerLen) {
    yield issue(o.frame, where + 2, `IPv4 total length ${totalLen} shorter than its header`);
    return;
  } else end = at + totalLen;
  const src = formatIpv4(d, at + 12);
  const dst = formatIpv4(d, at + 16);
  const frag = u16(d, at + 6);
  const offset = (frag & 0x1fff) * 8;
  const more = (frag & 0x2000) !== 0;
  const start = at + headerLen;
  if (offset !== 0 || more) {
    // RFC 791: fragments of one datagram share source, destination, protocol and identification.
    yield* fragments.add(o, {
      key: `4 ${src} ${dst} 6 ${u16(d, at + 4)}`,
      v6: false,
      src,
      dst,
      next: 6,
      offset,
      more,
      data: d.subarray(start, Math.min(end, d.length)),
      length: end - start,
      where,
    });
    return;
  }
  yield* decodeTcp(o, d, start, end, src, dst);
}

function* decodeIpv6(o: Origin, d: Uint8Array, at: number, fragments: IpReassembler): Generator<CapturedPacket | CaptureIssue> {
  if (d.length - at < 40) {
    yield issue(o.frame, pos(o, at), 'IPv6 header truncated');
    return;
  }
  const payloadLen = u16(d, at + 4);
  // Payload length 0: jumbogram or segmentation offload; the captured length is all we have.
  const end = payloadLen === 0 ? d.length : at + 40 + payloadLen;
  yield* ipv6Payload(o, d, at + 40, end, u8(d, at + 6), formatIpv6(d, at + 8), formatIpv6(d, at + 24), fragments);
}

/** Extension headers that may stand between an IPv6 header (or fragment header) and TCP. */
const IPV6_SKIPPABLE = new Set([0, 43, 60, 51]);

/**
 * Walks IPv6 extension headers from `p` (`next` = the type of the header there) to TCP. A fragment
 * header hands the rest to reassembly; `fragments` is undefined inside a reassembled datagram,
 * where another fragment header would be nested fragmentation (not valid IPv6).
 */
function* ipv6Payload(
  o: Origin,
  d: Uint8Array,
  p: number,
  end: number,
  next: number,
  src: string,
  dst: string,
  fragments: IpReassembler | undefined,
): Generator<CapturedPacket | CaptureIssue> {
  // Every extension header is at least 8 bytes, so this walk ends within the frame.
  for (;;) {
    if (next === 6) break;
    if (next !== 44 && !IPV6_SKIPPABLE.has(next)) return; // not TCP (or ESP)
    if (Math.min(d.length, end) - p < 8) {
      yield issue(o.frame, pos(o, p), next === 44 ? 'IPv6 fragment header truncated' : 'IPv6 extension header truncated');
      return;
    }
    if (next === 44) {
      const fragNext = u8(d, p);
      const word = u16(d, p + 2);
      const offset = word & 0xfff8;
      const more = (word & 1) !== 0;
      if (offset === 0 && !more) {
        // An atomic fragment (RFC 6946): the whole datagram, nothing to reassemble.
        next = fragNext;
        p += 8;
        continue;
      }
      if (!fragments) {
        yield issue(o.frame, pos(o, p), 'IPv6 fragment header inside a reassembled datagram; skipped');
        return;
      }
      if (fragNext !== 6 && !IPV6_SKIPPABLE.has(fragNext)) return; // fragments of something else
      yield* fragments.add(o, {
        key: `6 ${src} ${dst} ${u32(d, p + 4)}`,
        v6: true,
        src,
        dst,
        next: fragNext,
        offset,
        more,
        data: d.subarray(p + 8, Math.min(end, d.length)),
        length: end - (p + 8),
        where: pos(o, p),
      });
      return;
    }
    // AH counts its length in 4-byte words minus 2; the others in 8-byte words minus 1.
    const len = next === 51 ? (u8(d, p + 1) + 2) * 4 : (u8(d, p + 1) + 1) * 8;
    next = u8(d, p);
    p += len;
  }
  yield* decodeTcp(o, d, p, end, src, dst);
}

/** `at` = TCP header start, `end` = segment end according to the IP header. */
function* decodeTcp(o: Origin, d: Uint8Array, at: number, end: number, src: string, dst: string): Generator<CapturedPacket | CaptureIssue> {
  const where = pos(o, at);
  const capturedEnd = Math.min(end, d.length);
  if (end - at < 20) {
    yield issue(o.frame, where, 'TCP header longer than the IP payload');
    return;
  }
  if (capturedEnd - at < 20) {
    yield issue(o.frame, where, `TCP header truncated by the ${o.cut}`);
    return;
  }
  const headerLen = (u8(d, at + 12) >> 4) * 4;
  if (headerLen < 20 || headerLen > end - at) {
    yield issue(o.frame, pos(o, at + 12), `TCP data offset ${headerLen} invalid for a ${end - at}-byte segment`);
    return;
  }
  if (headerLen > capturedEnd - at) {
    yield issue(o.frame, pos(o, at + 12), `TCP options truncated by the ${o.cut}`);
    return;
  }
  const start = at + headerLen;
  const payload = d.subarray(start, capturedEnd);
  const wireLength = end - start;
  const truncated = payload.length < wireLength || o.incomplete === true;
  if (payload.length < wireLength) {
    yield issue(o.frame, pos(o, capturedEnd), `TCP payload truncated by the ${o.cut}: ${payload.length} of ${wireLength} bytes`);
  }
  yield {
    kind: 'packet',
    frame: o.frame,
    ts: o.ts,
    src,
    dst,
    srcPort: u16(d, at),
    dstPort: u16(d, at + 2),
    seq: u32(d, at + 4),
    ack: u32(d, at + 8),
    flags: u8(d, at + 13),
    payload,
    wireLength,
    truncated,
    ...(o.fragments ? { fragments: o.fragments } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// IP fragment reassembly (RFC 791 s3.2, RFC 8200 s4.5)

/** Largest reassembled payload: the IPv4 total length and IPv6 payload length are 16 bits. */
const MAX_DATAGRAM_PAYLOAD = 65535;

interface Fragment {
  /** Reassembly key: addresses, protocol (IPv4) and identification. */
  key: string;
  v6: boolean;
  src: string;
  dst: string;
  /** IPv4 protocol, or the IPv6 fragment header's next header (the fragmentable part's first). */
  next: number;
  /** Byte offset of this fragment's data in the datagram's payload. */
  offset: number;
  /** More fragments follow (MF / M flag). */
  more: boolean;
  /** Captured bytes of the fragment (a view into the frame). */
  data: Uint8Array;
  /** Fragment length according to the IP header (more than data.length when cut by the capture). */
  length: number;
  /** File offset of the IP (or fragment) header, for issues. */
  where: number;
}

/** A run of bytes held for a datagram; a datagram's pieces are disjoint and sorted by offset. */
interface Piece {
  offset: number;
  data: Uint8Array;
}

interface Datagram {
  v6: boolean;
  src: string;
  dst: string;
  next: number;
  firstTs: number;
  pieces: Piece[];
  /** Bytes held in pieces. */
  bytes: number;
  frames: number[];
  /** Payload length, known once the last fragment (MF clear) arrived. */
  total: number | undefined;
  /** Largest end any fragment announced (bytes are known to exist up to here). */
  extent: number;
  /** Overlapping fragments disagreed (reported once). */
  conflict: boolean;
  last: { frame: number; ts: number; where: number };
}

class IpReassembler {
  private readonly pending = new Map<string, Datagram>();
  private buffered = 0;
  private readonly limits: Required<IpReassemblyOptions>;

  constructor(options: IpReassemblyOptions = {}) {
    this.limits = { ...DEFAULT_IP_REASSEMBLY, ...options };
  }

  *add(o: Origin, f: Fragment): Generator<CapturedPacket | CaptureIssue> {
    const label = f.v6 ? 'IPv6' : 'IPv4';
    if (f.offset + f.length > MAX_DATAGRAM_PAYLOAD) {
      yield issue(o.frame, f.where, `${label} fragment at offset ${f.offset} (${f.length} bytes) ends beyond the largest datagram; skipped`);
      return;
    }
    let g = this.pending.get(f.key);
    if (!g) {
      while (this.pending.size >= Math.max(1, this.limits.maxDatagrams)) yield* this.giveUpOldest('too many datagrams in reassembly');
      g = { v6: f.v6, src: f.src, dst: f.dst, next: f.next, firstTs: o.ts, pieces: [], bytes: 0, frames: [], total: undefined, extent: 0, conflict: false, last: { frame: o.frame, ts: o.ts, where: f.where } };
      this.pending.set(f.key, g);
    }
    g.frames.push(o.frame);
    g.last = { frame: o.frame, ts: o.ts, where: f.where };
    g.extent = Math.max(g.extent, f.offset + f.length);
    if (!f.more) {
      const total = f.offset + f.length;
      if (g.total === undefined) g.total = total;
      else if (g.total !== total) yield issue(o.frame, f.where, `${label} fragments disagree on the datagram's length (${g.total} or ${total}); the first is kept`);
    }
    if (f.v6 && f.offset === 0) g.next = f.next; // the first fragment's next header is the one that counts
    // Where fragments overlap, the bytes that arrived first are kept (and a disagreement reported):
    // a deterministic rule, though receivers differ and RFC 8200 s4.5 discards such datagrams.
    const added = insertPiece(g, f.offset, f.data);
    this.buffered += added.bytes;
    if (added.conflict && !g.conflict) {
      g.conflict = true;
      yield issue(o.frame, f.where, `overlapping ${label} fragments carry different bytes; the bytes received first are kept`);
    }
    if (g.total !== undefined && contiguous(g) >= g.total) {
      this.drop(f.key, g);
      yield* deliver(g, true, '');
      return;
    }
    if (g.frames.length > this.limits.maxFragments) {
      this.drop(f.key, g);
      yield* deliver(g, false, `more than ${this.limits.maxFragments} fragments`);
      return;
    }
    while (this.buffered > this.limits.maxBufferedBytes && this.pending.size > 0) yield* this.giveUpOldest('reassembly buffer full');
  }

  /** Gives up datagrams whose first fragment is older than the timeout (oldest first). */
  *expire(now: number): Generator<CapturedPacket | CaptureIssue> {
    for (const [key, g] of this.pending) {
      if (!(now - g.firstTs > this.limits.timeoutSeconds)) break;
      this.drop(key, g);
      yield* deliver(g, false, `not completed within ${this.limits.timeoutSeconds} s`);
    }
  }

  /** End of capture: gives up every incomplete datagram. */
  *flush(): Generator<CapturedPacket | CaptureIssue> {
    for (const [key, g] of this.pending) {
      this.drop(key, g);
      yield* deliver(g, false, 'the capture ends before its other fragments');
    }
  }

  private *giveUpOldest(why: string): Generator<CapturedPacket | CaptureIssue> {
    const first = this.pending.entries().next();
    if (first.done) return;
    const [key, g] = first.value;
    this.drop(key, g);
    yield* deliver(g, false, why);
  }

  private drop(key: string, g: Datagram): void {
    this.pending.delete(key);
    this.buffered -= g.bytes;
  }
}

/**
 * Adds the bytes of [offset, offset + data.length) that no piece holds yet, as views of `data`.
 * Returns how many bytes were added and whether the overlapping part differs from what is held.
 */
function insertPiece(g: Datagram, offset: number, data: Uint8Array): { bytes: number; conflict: boolean } {
  const end = offset + data.length;
  const old = g.pieces;
  const merged: Piece[] = [];
  let bytes = 0;
  let conflict = false;
  let at = offset; // first byte of the new data not yet placed or compared
  let i = 0;
  for (; i < old.length; i++) {
    const p = old[i] as Piece;
    const pEnd = p.offset + p.data.length;
    if (at < end && p.offset > at) {
      // A hole before p: fill what of it the new data covers.
      const stop = Math.min(end, p.offset);
      merged.push({ offset: at, data: data.subarray(at - offset, stop - offset) });
      bytes += stop - at;
      at = stop;
    }
    if (at < end && p.offset <= at && pEnd > at) {
      const stop = Math.min(end, pEnd);
      for (let k = at; k < stop && !conflict; k++) if (data[k - offset] !== p.data[k - p.offset]) conflict = true;
      at = stop;
    }
    merged.push(p);
  }
  if (at < end) {
    merged.push({ offset: at, data: data.subarray(at - offset) });
    bytes += end - at;
  }
  g.pieces = merged;
  g.bytes += bytes;
  return { bytes, conflict };
}

/** Length of the gap-free run of bytes from offset 0. */
function contiguous(g: Datagram): number {
  let n = 0;
  for (const p of g.pieces) {
    if (p.offset > n) break;
    n = Math.max(n, p.offset + p.data.length);
  }
  return n;
}

/**
 * Decodes a datagram: a complete one whole, an incomplete one as far as its bytes reach from offset
 * 0 (a segment cut short, like one cut by the snaplen), after an issue saying why.
 */
function* deliver(g: Datagram, complete: boolean, why: string): Generator<CapturedPacket | CaptureIssue> {
  const end = g.total ?? g.extent;
  const have = Math.min(contiguous(g), end);
  if (!complete) {
    const size = g.total === undefined ? `at least ${g.extent}` : `${g.total}`;
    const label = g.v6 ? 'IPv6' : 'IPv4';
    const tail = have > 0 ? `decoding its first ${have} bytes` : 'its first bytes are missing, so it is skipped';
    yield issue(g.last.frame, g.last.where, `${label} datagram incomplete (${why}): ${g.frames.length} fragment(s) hold ${g.bytes} of ${size} bytes; ${tail}`);
    if (have === 0) return;
  }
  // One copy per datagram: the pieces are views into their frames.
  const buf = new Uint8Array(have);
  for (const p of g.pieces) {
    if (p.offset >= have) break;
    buf.set(p.data.subarray(0, have - p.offset), p.offset);
  }
  const o: Origin = {
    frame: g.last.frame,
    ts: g.last.ts,
    base: undefined,
    anchor: g.last.where,
    cut: 'incomplete IP datagram',
    fragments: g.frames,
    incomplete: !complete,
  };
  if (g.v6) yield* ipv6Payload(o, buf, 0, end, g.next, g.src, g.dst, undefined);
  else yield* decodeTcp(o, buf, 0, end, g.src, g.dst);
}

// ---------------------------------------------------------------------------------------------
// Address text

function formatIpv4(d: Uint8Array, at: number): string {
  return `${u8(d, at)}.${u8(d, at + 1)}.${u8(d, at + 2)}.${u8(d, at + 3)}`;
}

/** RFC 5952 canonical text: lower case, no leading zeros, longest zero run (>= 2 groups) as ::. */
export function formatIpv6(d: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(u16(d, at + 2 * i));
  // IPv4-mapped addresses keep the dotted quad (RFC 5952 s5).
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${formatIpv4(d, at + 12)}`;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}
