// Runs Wren over an MRT file and compares its lines, rendered by test/helpers/bgpdump.ts, with
// bgpdump's golden output.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { openBgpFile, type ErrorRecord } from '../../src/formats/bgp-reader.js';
import { decompress } from '../../src/formats/decompress.js';
import { bgpdumpLines, mrtHeaderAt, type BgpdumpLine } from './bgpdump.js';

export interface WrenRun {
  readonly lines: BgpdumpLine[];
  /** Wren's error records: what it could not decode (bgpdump printed whatever it made of it). */
  readonly errors: ErrorRecord[];
  /** UPDATEs Wren decoded with RFC 7606 outcomes (attribute-discard, treat-as-withdraw). */
  readonly updatesWithErrors: number;
  readonly truncated?: string;
}

/** The uncompressed bytes of a fixture. */
export function readMrtFile(path: URL | string): Uint8Array {
  const d = decompress(new Uint8Array(readFileSync(path)));
  if (d.truncated) throw new Error(`${String(path)}: ${d.error ?? 'decompression stopped early'}`);
  return d.data;
}

/** Wren's reading of (uncompressed) MRT data as bgpdump -m lines. */
export function wrenBgpdump(data: Uint8Array): WrenRun {
  const file = openBgpFile(data);
  if (file.format !== 'mrt') throw new Error(`not read as MRT but as ${file.format}`);
  const lines: BgpdumpLine[] = [];
  const errors: ErrorRecord[] = [];
  let updatesWithErrors = 0;
  for (const rec of file.records) {
    if (rec.kind === 'error') {
      errors.push(rec);
      continue;
    }
    if (rec.kind === 'message' && rec.message.type === 'update' && rec.message.errors) updatesWithErrors++;
    const header = rec.kind === 'message' || rec.kind === 'state' || rec.kind === 'rib-entry' ? mrtHeaderAt(data, rec.offset ?? -1) : undefined;
    bgpdumpLines(rec, header, lines);
  }
  return { lines, errors, updatesWithErrors, ...(file.truncated ? { truncated: file.truncated } : {}) };
}

function append(to: number[], bytes: ArrayLike<number>): void {
  for (let i = 0; i < bytes.length; i++) to.push(bytes[i]!);
}

const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/**
 * Copies MRT data, rewriting every MP_REACH_NLRI inside TABLE_DUMP_V2 AFI/SAFI RIB entries that
 * is in the full RFC 4760 form (AFI, SAFI, next hop, reserved, NLRI) into the abbreviated form
 * RFC 6396 s4.3.4 prescribes (next hop length, next hop). Returns the data and how many
 * attributes it rewrote.
 */
export function abbreviateRibMpReach(data: Uint8Array): { data: Uint8Array; rewritten: number } {
  const parts: Uint8Array[] = [];
  let rewritten = 0;
  for (let o = 0; o + 12 <= data.length; ) {
    const type = u16(data, o + 4);
    const subtype = u16(data, o + 6);
    const end = o + 12 + u32(data, o + 8);
    const addPath = subtype >= 8 && subtype <= 11;
    if (type !== 13 || !((subtype >= 2 && subtype <= 5) || addPath)) {
      parts.push(data.subarray(o, end));
      o = end;
      continue;
    }
    const body: number[] = [];
    let p = o + 12;
    const prefixBytes = (data[p + 4]! + 7) >> 3;
    const fixed = 4 + 1 + prefixBytes;
    append(body, data.subarray(p, p + fixed + 2));
    const entries = u16(data, p + fixed);
    p += fixed + 2;
    for (let e = 0; e < entries; e++) {
      const head = addPath ? 10 : 6;
      append(body, data.subarray(p, p + head));
      const attrLen = u16(data, p + head);
      let a = p + head + 2;
      const attrEnd = a + attrLen;
      const attrs: number[] = [];
      while (a < attrEnd) {
        const flags = data[a]!;
        const code = data[a + 1]!;
        const ext = (flags & 0x10) !== 0;
        const len = ext ? u16(data, a + 2) : data[a + 2]!;
        const v = a + (ext ? 4 : 3);
        let value = data.subarray(v, v + len);
        if (code === 14 && value[0] !== len - 1) {
          value = value.subarray(3, 4 + value[3]!);
          rewritten++;
        }
        append(attrs, ext ? [flags, code, value.length >> 8, value.length & 255] : [flags, code, value.length]);
        append(attrs, value);
        a = v + len;
      }
      append(body, [attrs.length >> 8, attrs.length & 255]);
      append(body, attrs);
      p = attrEnd;
    }
    const header = data.slice(o, o + 12);
    new DataView(header.buffer).setUint32(8, body.length);
    parts.push(header, Uint8Array.from(body));
    o = end;
  }
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let w = 0;
  for (const x of parts) {
    out.set(x, w);
    w += x.length;
  }
  return { data: out, rewritten };
}

/** The lines of a gzipped golden file. */
export function readGolden(path: URL | string): string[] {
  const text = gunzipSync(readFileSync(path)).toString('latin1');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface Comparison {
  readonly ordered: boolean;
  /** Lines bgpdump printed that Wren did not (multiset difference), in bgpdump's order. */
  readonly missing: string[];
  /** Lines Wren printed that bgpdump did not, in Wren's order. */
  readonly extra: string[];
  /** Index of the first line where the two differ in order; -1 when they are equal in order. */
  readonly firstOutOfOrder: number;
}

/** Compares in order, and when that fails as multisets. */
export function compareLines(expected: readonly string[], actual: readonly string[]): Comparison {
  let first = -1;
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) {
      first = i;
      break;
    }
  }
  if (first < 0 && expected.length !== actual.length) first = n;
  if (first < 0) return { ordered: true, missing: [], extra: [], firstOutOfOrder: -1 };
  const count = new Map<string, number>();
  for (const l of expected) count.set(l, (count.get(l) ?? 0) + 1);
  const extra: string[] = [];
  for (const l of actual) {
    const c = count.get(l) ?? 0;
    if (c > 0) count.set(l, c - 1);
    else extra.push(l);
  }
  const missing: string[] = [];
  for (const l of expected) {
    const c = count.get(l) ?? 0;
    if (c > 0) {
      missing.push(l);
      count.set(l, c - 1);
    }
  }
  return { ordered: false, missing, extra, firstOutOfOrder: first };
}

/** A readable account of the first differences. */
export function describeComparison(c: Comparison, expected: readonly string[], actual: readonly string[], max = 8): string {
  if (c.ordered) return 'equal in order';
  const out: string[] = [];
  out.push(`${expected.length} bgpdump lines, ${actual.length} Wren lines; ${c.missing.length} only in bgpdump, ${c.extra.length} only in Wren`);
  for (const l of c.missing.slice(0, max)) out.push(`  bgpdump only: ${l}`);
  for (const l of c.extra.slice(0, max)) out.push(`  Wren only:    ${l}`);
  if (c.missing.length === 0 && c.extra.length === 0) {
    out.push(`  same multiset, order differs at line ${c.firstOutOfOrder + 1}:`);
    out.push(`    bgpdump: ${expected[c.firstOutOfOrder] ?? '(end)'}`);
    out.push(`    Wren:    ${actual[c.firstOutOfOrder] ?? '(end)'}`);
  }
  return out.join('\n');
}
