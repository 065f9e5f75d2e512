// Addresses and prefixes as the FIB checks them: parsed once into 32-bit words (1 for IPv4,
// 4 for IPv6), compared by masking, printed in the canonical form the kernel prints (RFC 5952).

import { ipv6ToString, parsePrefix, u32ToIpv4, writeU32 } from '../wire/index.js';

export interface IpPrefix {
  readonly afi: 1 | 2;
  readonly words: readonly number[];
  readonly length: number;
}

function maskWord(w: number, bitsLeft: number): number {
  if (bitsLeft >= 32) return w >>> 0;
  if (bitsLeft <= 0) return 0;
  return (w & (0xffffffff << (32 - bitsLeft))) >>> 0;
}

/** "a.b.c.d" or IPv6 text (no zone, no length); null otherwise. */
export function parseAddress(text: string): IpPrefix | null {
  if (text.includes('/') || text.includes('%')) return null;
  return parsePrefix(text);
}

/** "addr/len" with its host bits as given; null when it is not a prefix. */
export function parseCidr(text: string): IpPrefix | null {
  if (!text.includes('/') || text.includes('%')) return null;
  return parsePrefix(text);
}

/** True when no bit past the length is set (the kernel refuses IPv4 prefixes that have some). */
export function hostBitsClear(p: IpPrefix): boolean {
  return p.words.every((w, k) => maskWord(w, p.length - 32 * k) === w >>> 0);
}

/** The prefix with its host bits cleared (an interface address becomes its subnet). */
export function subnetOf(p: IpPrefix): IpPrefix {
  return { afi: p.afi, words: p.words.map((w, k) => maskWord(w, p.length - 32 * k)), length: p.length };
}

/** True when `inner` (a prefix or an address: length 32/128) lies inside `outer`, or equals it. */
export function prefixContains(outer: IpPrefix, inner: IpPrefix): boolean {
  if (outer.afi !== inner.afi || inner.length < outer.length) return false;
  for (let k = 0; k < outer.words.length; k++) {
    if (maskWord(outer.words[k]!, outer.length - 32 * k) !== maskWord(inner.words[k]!, outer.length - 32 * k)) return false;
  }
  return true;
}

export function addressText(p: IpPrefix): string {
  if (p.afi === 1) return u32ToIpv4(p.words[0]!);
  const bytes = new Uint8Array(16);
  for (let k = 0; k < 4; k++) writeU32(bytes, 4 * k, p.words[k]!);
  return ipv6ToString(bytes, 0);
}

export function prefixText(p: IpPrefix): string {
  return `${addressText(p)}/${p.length}`;
}

export function sameAddress(a: IpPrefix, b: IpPrefix): boolean {
  return a.afi === b.afi && a.length === b.length && a.words.every((w, k) => w === b.words[k]);
}
