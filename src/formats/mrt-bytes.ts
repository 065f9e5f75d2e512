import { ipv4ToString, ipv6ToString } from '../wire/bytes.js';

// Byte readers and address/text formatting for the MRT decoders. Callers bounds-check first; these
// do no checking of their own so the hot loops stay cheap.

// Big-endian readers: the codec's own.
export { readU16 as u16, readU32 as u32 } from '../wire/bytes.js';

// Address text comes from the codec's formatters (RFC 5952, memoised IPv4): one implementation.
export { ipv4ToString as ipv4At, ipv6ToString as ipv6At } from '../wire/bytes.js';

export function ipAt(b: Uint8Array, o: number, ipv6: boolean): string {
  return ipv6 ? ipv6ToString(b, o) : ipv4ToString(b, o);
}

// Prefixes are stored in ceil(len/8) octets; pad into a scratch buffer to format them.
const scratch = new Uint8Array(16);

/**
 * Formats a prefix of `bits` bits whose ceil(bits/8) significant octets start at b[o].
 * The caller guarantees those octets exist and that bits fits the family.
 */
export function prefixAt(b: Uint8Array, o: number, bits: number, ipv6: boolean): string {
  const n = (bits + 7) >>> 3;
  scratch.fill(0);
  for (let i = 0; i < n; i++) scratch[i] = b[o + i]!;
  return `${ipv6 ? ipv6ToString(scratch, 0) : ipv4ToString(scratch, 0)}/${bits}`;
}

const utf8 = new TextDecoder('utf-8');

/** UTF-8 text (view names, file names); invalid sequences become U+FFFD rather than failing. */
export function utf8At(b: Uint8Array, start: number, end: number): string {
  return start >= end ? '' : utf8.decode(b.subarray(start, end));
}
