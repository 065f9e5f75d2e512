// Addresses and prefixes as numbers. Route prefixes, next hops and peer addresses reach the
// policy as text; it is parsed here on every evaluation, so these parsers write into a caller's
// Uint32Array and allocate nothing. Config text is parsed by the same code, once, at compile time.

import { ipv6ToString, u32ToIpv4, writeU32 } from '../wire/index.js';

const COLON = 58;
const DOT = 46;

/** Dotted quad in s[start, end) as an unsigned number; -1 when it is not one. */
export function parseIpv4(s: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === DOT) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const groups = new Uint16Array(8);

/** IPv6 text in s[start, end) (with "::" and an optional dotted tail) into out[0..4); false when invalid. */
export function parseIpv6(s: string, start: number, end: number, out: Uint32Array): boolean {
  let n = 0;
  let gap = -1;
  let i = start;
  if (end - start >= 2 && s.charCodeAt(i) === COLON) {
    if (s.charCodeAt(i + 1) !== COLON) return false;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    if (n === 8) return false;
    let v = 0;
    let j = i;
    while (j < end && j - i < 5) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
      j++;
    }
    if (j < end && s.charCodeAt(j) === DOT) {
      // A dotted IPv4 tail stands for the last two groups.
      const v4 = parseIpv4(s, i, end);
      if (v4 < 0 || n > 6) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (j === i || j - i > 4) return false;
    groups[n++] = v;
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== COLON) return false;
    i++;
    if (i < end && s.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === end) {
      return false;
    }
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  const zeros = 8 - n;
  for (let k = 0; k < 4; k++) {
    const hi = groupAt(2 * k, gap, zeros);
    const lo = groupAt(2 * k + 1, gap, zeros);
    out[k] = ((hi << 16) | lo) >>> 0;
  }
  return true;
}

function groupAt(k: number, gap: number, zeros: number): number {
  if (gap < 0 || k < gap) return groups[k]!;
  if (k < gap + zeros) return 0;
  return groups[k - zeros]!;
}

/**
 * An address ("10.0.0.1", "2001:db8::1", "fe80::1%eth0": the zone is ignored) into out.
 * Returns the family (1 or 2), or 0 when the text is not an address.
 */
export function parseAddress(s: string, out: Uint32Array): 0 | 1 | 2 {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  if (s.indexOf(':') >= 0) return parseIpv6(s, 0, end, out) ? 2 : 0;
  const v = parseIpv4(s, 0, end);
  if (v < 0) return 0;
  out[0] = v;
  return 1;
}

/**
 * "10.0.0.0/24" or "2001:db8::/32" into out; returns (family << 8) | length, or -1 when the text
 * is not a prefix. A bare address is not a prefix here: the RIB always writes the length.
 */
export function parsePrefix(s: string, out: Uint32Array): number {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return -1;
  let length = 0;
  const digits = s.length - slash - 1;
  if (digits < 1 || digits > 3) return -1;
  for (let i = slash + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    length = length * 10 + (c - 48);
  }
  if (s.indexOf(':') >= 0) {
    if (length > 128 || !parseIpv6(s, 0, slash, out)) return -1;
    return (2 << 8) | length;
  }
  const v = parseIpv4(s, 0, slash);
  if (v < 0 || length > 32) return -1;
  out[0] = v;
  return (1 << 8) | length;
}

/** The mask of word k (0..3) of a prefix of `bits` bits. */
export function wordMask(bits: number, k: number): number {
  const left = bits - 32 * k;
  if (left >= 32) return 0xffffffff;
  if (left <= 0) return 0;
  return (0xffffffff << (32 - left)) >>> 0;
}

/** Whether the first `bits` bits of a and b agree (words per family: 1 for IPv4, 4 for IPv6). */
export function samePrefixBits(a: Uint32Array, b: Uint32Array, bits: number, words: number): boolean {
  for (let k = 0; k < words; k++) {
    const m = wordMask(bits, k);
    if (m === 0) return true;
    if (((a[k]! ^ b[k]!) & m) !== 0) return false;
  }
  return true;
}

/** Whether any bit past `bits` is set (host bits of a prefix). */
export function hasHostBits(a: Uint32Array, bits: number, words: number): boolean {
  for (let k = 0; k < words; k++) if ((a[k]! & ~wordMask(bits, k)) !== 0) return true;
  return false;
}

/** Canonical text of an address held in words (config echo, error messages). */
export function addressText(afi: 1 | 2, words: Uint32Array, bits = afi === 1 ? 32 : 128): string {
  if (afi === 1) return u32ToIpv4((words[0]! & wordMask(bits, 0)) >>> 0);
  const bytes = new Uint8Array(16);
  for (let k = 0; k < 4; k++) writeU32(bytes, 4 * k, (words[k]! & wordMask(bits, k)) >>> 0);
  return ipv6ToString(bytes, 0);
}

/** A prefix or address range from config: family, address words and length. */
export interface AddressRange {
  readonly afi: 1 | 2;
  readonly words: Uint32Array;
  readonly length: number;
}

/**
 * Config text for an address or a prefix ("192.0.2.1", "10.0.0.0/8") as a range; a bare address
 * is a /32 or /128. Returns a message on error: the caller adds the path.
 */
export function parseRange(s: string): AddressRange | string {
  const words = new Uint32Array(4);
  if (s.indexOf('/') < 0) {
    const afi = parseAddress(s, words);
    if (afi === 0) return `${JSON.stringify(s)} is not an address or prefix`;
    return { afi, words, length: afi === 1 ? 32 : 128 };
  }
  const r = parsePrefix(s, words);
  if (r < 0) return `${JSON.stringify(s)} is not a prefix`;
  const afi = (r >> 8) as 1 | 2;
  const length = r & 255;
  if (hasHostBits(words, length, afi === 1 ? 1 : 4)) {
    return `${JSON.stringify(s)} has host bits set (the prefix is ${addressText(afi, words, length)}/${length})`;
  }
  return { afi, words, length };
}

export function rangeContains(r: AddressRange, afi: number, words: Uint32Array): boolean {
  return r.afi === afi && samePrefixBits(r.words, words, r.length, afi === 1 ? 1 : 4);
}
