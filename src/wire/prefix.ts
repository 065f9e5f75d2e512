// NLRI encoding (RFC 4271 s4.3, RFC 4760 s5, RFC 7911 s3): [path id (4)] length (1) prefix (ceil(len/8)).
// Prefixes are packed into typed arrays: decoding a full table must not allocate per prefix.

import { ipv4ToU32, ipv6ToString, parseIpv6, readU32, writeU32 } from './bytes.js';
import type { PrefixList } from './types.js';

const EMPTY_V4: PrefixList = Object.freeze({
  afi: 1,
  count: 0,
  lengths: new Uint8Array(0),
  words: new Uint32Array(0),
  pathIds: null,
});
const EMPTY_V6: PrefixList = Object.freeze({ ...EMPTY_V4, afi: 2 });

export function emptyPrefixList(afi: 1 | 2): PrefixList {
  return afi === 1 ? EMPTY_V4 : EMPTY_V6;
}

/**
 * Decodes the prefixes in b[start, end). Returns null when the field is malformed: a length
 * beyond the address size, or a prefix running past `end`. The caller chooses the NOTIFICATION.
 */
export function decodePrefixes(b: Uint8Array, start: number, end: number, afi: 1 | 2, addPath: boolean): PrefixList | null {
  if (start === end) return afi === 1 ? EMPTY_V4 : EMPTY_V6;
  const maxBits = afi === 1 ? 32 : 128;
  const idLen = addPath ? 4 : 0;
  // First pass: validate and count, so the arrays are allocated once at their final size.
  let count = 0;
  let o = start;
  while (o < end) {
    if (o + idLen >= end) return null;
    const len = b[o + idLen]!;
    if (len > maxBits) return null;
    o += idLen + 1 + ((len + 7) >> 3);
    if (o > end) return null;
    count++;
  }
  const wordsPer = afi === 1 ? 1 : 4;
  const lengths = new Uint8Array(count);
  const words = new Uint32Array(count * wordsPer);
  const pathIds = addPath ? new Uint32Array(count) : null;
  o = start;
  for (let i = 0; i < count; i++) {
    if (pathIds) {
      pathIds[i] = readU32(b, o);
      o += 4;
    }
    const len = b[o++]!;
    lengths[i] = len;
    const n = (len + 7) >> 3;
    if (wordsPer === 1) {
      let w = 0;
      for (let k = 0; k < n; k++) w |= b[o + k]! << (24 - 8 * k);
      words[i] = w >>> 0;
    } else {
      const base = i * 4;
      for (let k = 0; k < n; k++) words[base + (k >> 2)]! |= b[o + k]! << (24 - 8 * (k & 3));
    }
    o += n;
  }
  return { afi, count, lengths, words, pathIds };
}

export function prefixesEncodingLength(list: PrefixList): number {
  let n = list.pathIds ? 5 * list.count : list.count;
  for (let i = 0; i < list.count; i++) n += (list.lengths[i]! + 7) >> 3;
  return n;
}

/** Writes the list at b[o]; returns the offset after it. */
export function encodePrefixes(list: PrefixList, b: Uint8Array, o: number): number {
  const wordsPer = list.afi === 1 ? 1 : 4;
  for (let i = 0; i < list.count; i++) {
    if (list.pathIds) {
      writeU32(b, o, list.pathIds[i]!);
      o += 4;
    }
    const len = list.lengths[i]!;
    b[o++] = len;
    const n = (len + 7) >> 3;
    const base = i * wordsPer;
    for (let k = 0; k < n; k++) b[o + k] = list.words[base + (k >> 2)]! >>> (24 - 8 * (k & 3));
    o += n;
  }
  return o;
}

/** A prefix at the edges of the system (JSON, CLI, config): address text + length. */
export interface Prefix {
  readonly afi: 1 | 2;
  readonly address: string;
  readonly length: number;
  readonly pathId?: number;
}

function maskWord(w: number, bitsLeft: number): number {
  if (bitsLeft >= 32) return w >>> 0;
  if (bitsLeft <= 0) return 0;
  return (w & (0xffffffff << (32 - bitsLeft))) >>> 0;
}

/** Canonical text of entry i ("10.0.0.0/24", "2001:db8::/32"); bits past the length are not shown. */
export function prefixToString(list: PrefixList, i: number): string {
  const len = list.lengths[i]!;
  if (list.afi === 1) {
    const w = maskWord(list.words[i]!, len);
    return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}/${len}`;
  }
  return `${ipv6WordsToString(list.words, i * 4, len)}/${len}`;
}

function ipv6WordsToString(words: Uint32Array, base: number, len: number): string {
  const bytes = new Uint8Array(16);
  for (let k = 0; k < 4; k++) writeU32(bytes, 4 * k, maskWord(words[base + k]!, len - 32 * k));
  return ipv6ToString(bytes, 0);
}

export function prefixAt(list: PrefixList, i: number): Prefix {
  const [address, length] = prefixToString(list, i).split('/') as [string, string];
  const p: Prefix = { afi: list.afi, address, length: Number(length) };
  return list.pathIds ? { ...p, pathId: list.pathIds[i]! } : p;
}

export function prefixStrings(list: PrefixList): string[] {
  const out = new Array<string>(list.count);
  for (let i = 0; i < list.count; i++) out[i] = prefixToString(list, i);
  return out;
}

/** Parses "a.b.c.d/len" or "v6::/len"; null when it is not a prefix. Host bits are kept as given. */
export function parsePrefix(text: string): { afi: 1 | 2; words: number[]; length: number } | null {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const lenText = slash < 0 ? null : text.slice(slash + 1);
  if (lenText !== null && !/^\d{1,3}$/.test(lenText)) return null;
  if (addr.includes(':')) {
    const bytes = parseIpv6(addr);
    if (!bytes) return null;
    const length = lenText === null ? 128 : Number(lenText);
    if (length > 128) return null;
    return { afi: 2, words: [0, 4, 8, 12].map((o) => readU32(bytes, o)), length };
  }
  const v = ipv4ToU32(addr);
  if (v < 0) return null;
  const length = lenText === null ? 32 : Number(lenText);
  if (length > 32) return null;
  return { afi: 1, words: [v], length };
}

/** Builds a list from text prefixes of one family (all IPv4 or all IPv6). Throws TypeError on bad input. */
export function prefixList(afi: 1 | 2, prefixes: readonly string[], pathIds?: readonly number[]): PrefixList {
  if (prefixes.length === 0 && !pathIds) return emptyPrefixList(afi);
  const wordsPer = afi === 1 ? 1 : 4;
  const lengths = new Uint8Array(prefixes.length);
  const words = new Uint32Array(prefixes.length * wordsPer);
  prefixes.forEach((text, i) => {
    const p = parsePrefix(text);
    if (!p || p.afi !== afi) throw new TypeError(`not an ${afi === 1 ? 'IPv4' : 'IPv6'} prefix: ${text}`);
    lengths[i] = p.length;
    // Keep only the bytes the length covers, as the wire would.
    const nBytes = (p.length + 7) >> 3;
    for (let k = 0; k < wordsPer; k++) words[i * wordsPer + k] = maskWord(p.words[k]!, nBytes * 8 - 32 * k);
  });
  return { afi, count: prefixes.length, lengths, words, pathIds: pathIds ? Uint32Array.from(pathIds) : null };
}

/** Appends two lists of the same family (used when merging withdrawals). */
export function concatPrefixLists(a: PrefixList, b: PrefixList): PrefixList {
  if (a.count === 0) return b;
  if (b.count === 0) return a;
  if (a.afi !== b.afi) throw new TypeError('cannot concatenate prefix lists of different families');
  const lengths = new Uint8Array(a.count + b.count);
  lengths.set(a.lengths);
  lengths.set(b.lengths, a.count);
  const words = new Uint32Array(a.words.length + b.words.length);
  words.set(a.words);
  words.set(b.words, a.words.length);
  let pathIds: Uint32Array | null = null;
  if (a.pathIds || b.pathIds) {
    pathIds = new Uint32Array(a.count + b.count);
    if (a.pathIds) pathIds.set(a.pathIds);
    if (b.pathIds) pathIds.set(b.pathIds, a.count);
  }
  return { afi: a.afi, count: a.count + b.count, lengths, words, pathIds };
}
