// Builders for synthetic capture files and frames, so tests can cover encodings no fixture has
// (big-endian pcapng, nanosecond pcap, stacked VLANs, IPv6 extension headers, ...).

import { readFileSync } from 'node:fs';

export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../../pcap-fixtures/${path}`, import.meta.url)));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const be16 = (v: number): Uint8Array => bytes(v >> 8, v & 0xff);
const be32 = (v: number): Uint8Array => bytes(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);

/** A writer of fixed-width integers in one byte order. */
function words(le: boolean): { u16: (v: number) => Uint8Array; u32: (v: number) => Uint8Array } {
  return {
    u16: (v) => (le ? be16(v).reverse() : be16(v)),
    u32: (v) => (le ? be32(v).reverse() : be32(v)),
  };
}

export interface Record {
  ts: number;
  data: Uint8Array;
  origLength?: number;
}

/** Classic pcap in either byte order, microsecond or nanosecond timestamps. */
export function pcapFile(opts: { le: boolean; nano: boolean; linkType: number }, records: Record[]): Uint8Array {
  const w = words(opts.le);
  const frac = opts.nano ? 1e9 : 1e6;
  const header = concat(w.u32(opts.nano ? 0xa1b23c4d : 0xa1b2c3d4), w.u16(2), w.u16(4), w.u32(0), w.u32(0), w.u32(65535), w.u32(opts.linkType));
  const recs = records.map((r) => {
    const sec = Math.floor(r.ts);
    const sub = Math.round((r.ts - sec) * frac);
    return concat(w.u32(sec), w.u32(sub), w.u32(r.data.length), w.u32(r.origLength ?? r.data.length), r.data);
  });
  return concat(header, ...recs);
}

export interface NgInterface {
  linkType: number;
  /** if_tsresol byte; default 6 (microseconds). */
  tsresol?: number;
  snapLen?: number;
}

export type NgBlock =
  | { type: 'epb' | 'pb'; iface: number; ts: number; data: Uint8Array; origLength?: number }
  | { type: 'spb'; data: Uint8Array }
  | { type: 'raw'; blockType: number; body: Uint8Array };

function pad4(b: Uint8Array): Uint8Array {
  return b.length % 4 === 0 ? b : concat(b, new Uint8Array(4 - (b.length % 4)));
}

/** One pcapng section (SHB, IDBs, then the given blocks) in the given byte order. */
export function pcapngSection(le: boolean, interfaces: NgInterface[], blocks: NgBlock[]): Uint8Array {
  const w = words(le);
  const block = (type: number, body: Uint8Array): Uint8Array => {
    const b = pad4(body);
    return concat(w.u32(type), w.u32(b.length + 12), b, w.u32(b.length + 12));
  };
  const shb = block(0x0a0d0d0a, concat(w.u32(0x1a2b3c4d), w.u16(1), w.u16(0), w.u32(0xffffffff), w.u32(0xffffffff)));
  const idbs = interfaces.map((i) => {
    const options = i.tsresol === undefined ? new Uint8Array() : concat(w.u16(9), w.u16(1), bytes(i.tsresol, 0, 0, 0), w.u16(0), w.u16(0));
    return block(1, concat(w.u16(i.linkType), w.u16(0), w.u32(i.snapLen ?? 0), options));
  });
  const rest = blocks.map((b) => {
    if (b.type === 'raw') return block(b.blockType, b.body);
    if (b.type === 'spb') return block(3, concat(w.u32(b.data.length), b.data));
    const resol = 10 ** (interfaces[b.iface]?.tsresol ?? 6);
    const units = BigInt(Math.round(b.ts * 1e6)) * BigInt(resol) / 1_000_000n;
    const head = b.type === 'epb' ? w.u32(b.iface) : concat(w.u16(b.iface), w.u16(0));
    const hi = Number(units >> 32n);
    const lo = Number(units & 0xffffffffn);
    return block(b.type === 'epb' ? 6 : 2, concat(head, w.u32(hi), w.u32(lo), w.u32(b.data.length), w.u32(b.origLength ?? b.data.length), b.data));
  });
  return concat(shb, ...idbs, ...rest);
}

// ---------------------------------------------------------------------------------------------
// Frames

export interface TcpSpec {
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  payload?: Uint8Array;
  /** Raw TCP options, padded to 4 bytes by the builder. */
  options?: Uint8Array;
}

export function tcpSegment(t: TcpSpec): Uint8Array {
  const options = pad4(t.options ?? new Uint8Array());
  const headerLen = 20 + options.length;
  return concat(
    be16(t.srcPort ?? 179), be16(t.dstPort ?? 50000), be32(t.seq ?? 1000), be32(t.ack ?? 0),
    bytes((headerLen / 4) << 4, t.flags ?? 0x18), be16(65535), be16(0), be16(0),
    options, t.payload ?? new Uint8Array(),
  );
}

export function ipv4(src: number[], dst: number[], body: Uint8Array, o: { proto?: number; options?: Uint8Array; frag?: number; totalLength?: number } = {}): Uint8Array {
  const options = pad4(o.options ?? new Uint8Array());
  const ihl = 5 + options.length / 4;
  return concat(
    bytes(0x40 | ihl, 0), be16(o.totalLength ?? ihl * 4 + body.length), be16(1), be16(o.frag ?? 0x4000),
    bytes(64, o.proto ?? 6), be16(0), bytes(...src), bytes(...dst), options, body,
  );
}

export interface Ext {
  type: number;
  body: Uint8Array;
}

/** IPv6 with extension headers; each ext body is padded so (2 + body) is a multiple of 8. */
export function ipv6(src: number[], dst: number[], body: Uint8Array, o: { next?: number; exts?: Ext[] } = {}): Uint8Array {
  const exts = o.exts ?? [];
  const encoded: Uint8Array[] = [];
  exts.forEach((e, i) => {
    const next = exts[i + 1]?.type ?? o.next ?? 6;
    if (e.type === 44) {
      encoded.push(concat(bytes(next, 0), e.body));
      return;
    }
    let b = concat(bytes(next, 0), e.body);
    while (b.length % 8 !== 0) b = concat(b, bytes(0));
    b[1] = b.length / 8 - 1;
    encoded.push(b);
  });
  const payload = concat(...encoded, body);
  return concat(bytes(0x60, 0, 0, 0), be16(payload.length), bytes(exts[0]?.type ?? o.next ?? 6, 64), bytes(...src), bytes(...dst), payload);
}

export const ethernet = (etherType: number, body: Uint8Array): Uint8Array =>
  concat(bytes(2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2), be16(etherType), body);

/** A VLAN tag as it follows its TPID: tag control, then the next ethertype. */
export const vlanTag = (id: number, next: number): Uint8Array => concat(be16(id), be16(next));

export function mplsLabel(label: number, bottom: boolean): Uint8Array {
  return be32(((label << 12) | (bottom ? 0x100 : 0) | 64) >>> 0);
}

export const v6 = (text: string): number[] => {
  // Only for test literals: expands "a:b::c" into 16 bytes.
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
};
