// Capture containers: classic pcap and pcapng files -> packet records (CapturedFrame), in file
// order, undecoded. A record that cannot be framed becomes a CaptureIssue; where nothing after it
// can be framed reliably, reading stops there.

import { u8, u16x, u32, u32x } from './capture-bytes.js';
import { issue, type CaptureIssue, type CapturedFrame } from './capture-types.js';

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
