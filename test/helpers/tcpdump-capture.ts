// Two ways to look at a capture the way tcpdump does, packet by packet, without TCP reassembly:
// - singleFrameCapture: the same pcap/pcapng file cut down to one packet (headers kept), for the
//   frames a reassembling reader rightly drops as retransmissions but tcpdump still prints;
// - scanMessages: BGP messages found by their marker in the raw file bytes, for captures whose
//   link layer Wren cannot read yet.

const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_PACKET_BLOCKS = new Set([2, 3, 6]); // Packet (obsolete), Simple Packet, Enhanced Packet

/** The capture with only its `frame`-th packet (1-based, as tcpdump numbers them). */
export function singleFrameCapture(file: Uint8Array, frame: number): Uint8Array {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = dv.getUint32(0, false);
  if (magic === PCAPNG_SHB) return pcapngFrame(file, dv, frame);
  const little = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  if (!little && magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error('not a pcap or pcapng file');
  let o = 24;
  for (let n = 1; o + 16 <= file.length; n++) {
    const caplen = dv.getUint32(o + 8, little);
    const end = o + 16 + caplen;
    if (n === frame) return concat([file.subarray(0, 24), file.subarray(o, Math.min(end, file.length))]);
    o = end;
  }
  throw new Error(`no frame ${frame} in the capture`);
}

function pcapngFrame(file: Uint8Array, dv: DataView, frame: number): Uint8Array {
  const keep: Uint8Array[] = [];
  let little = true;
  let n = 0;
  for (let o = 0; o + 12 <= file.length; ) {
    if (dv.getUint32(o, false) === PCAPNG_SHB) {
      little = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
      keep.length = 0; // a new section: its own interfaces
    }
    const type = dv.getUint32(o, little);
    const len = dv.getUint32(o + 4, little);
    if (len < 12 || o + len > file.length) throw new Error('pcapng block runs past the file');
    const block = file.subarray(o, o + len);
    if (PCAPNG_PACKET_BLOCKS.has(type)) {
      if (++n === frame) return concat([...keep, block]);
    } else {
      keep.push(block);
    }
    o += len;
  }
  throw new Error(`no frame ${frame} in the capture`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Whole BGP messages in the raw bytes: 16 x 0xff, a length of at least 19 that stays inside the
 * file, in order, not overlapping. Only meaningful for a capture whose messages each sit in one
 * packet (no segmentation), which the caller checks against tcpdump's output.
 */
export function scanMessages(file: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + 19 <= file.length; ) {
    let marker = true;
    for (let k = 0; k < 16; k++) {
      if (file[i + k] !== 0xff) {
        marker = false;
        break;
      }
    }
    const len = marker ? (file[i + 16]! << 8) | file[i + 17]! : 0;
    if (marker && len >= 19 && i + len <= file.length) {
      out.push(file.slice(i, i + len));
      i += len;
    } else {
      i++;
    }
  }
  return out;
}
