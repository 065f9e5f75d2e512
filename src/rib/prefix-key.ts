// Compact prefix keys: what the RIB uses to name a prefix in maps (Adj-RIB-Out, pending changes)
// and to hand one to a filter without building text.
//
// - IPv4: a number, address * 64 + length (< 2^38, exact in a double). Sorting these numbers
//   sorts prefixes in trie order (address, then length).
// - IPv6: a 9-character string: the length, then the masked address as eight 16-bit code units.
//   Measured against canonical text ("2001:db8::/32") on 200k random /16../64 prefixes: 0.22 us
//   to build and insert in a Map vs 1.0 us, 0.20 us vs 0.80 us to look up, same size (~40 bytes).
// Text is produced only at the edges (deltas, CLI): prefixKeyToText().

import { ipv6ToString, parsePrefix, type PrefixList } from '../wire/index.js';

export type PrefixKey = number | string;

/** The bits of w that a prefix of `bitsLeft` bits keeps (bitsLeft counted from this word's first bit). */
export function maskWord(w: number, bitsLeft: number): number {
  if (bitsLeft >= 32) return w >>> 0;
  if (bitsLeft <= 0) return 0;
  return (w & (0xffffffff << (32 - bitsLeft))) >>> 0;
}

export function ipv4Key(address: number, length: number): number {
  return maskWord(address, length) * 64 + length;
}

/** Builds the key of an IPv6 prefix from 4 address words at words[base]. */
export function ipv6Key(words: ArrayLike<number>, base: number, length: number): string {
  const w0 = maskWord(words[base]!, length);
  const w1 = maskWord(words[base + 1]!, length - 32);
  const w2 = maskWord(words[base + 2]!, length - 64);
  const w3 = maskWord(words[base + 3]!, length - 96);
  return String.fromCharCode(length, w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff);
}

/** The key of entry i of a decoded NLRI list (bits past the length are dropped). */
export function prefixKeyFromList(list: PrefixList, i: number): PrefixKey {
  const len = list.lengths[i]!;
  return list.afi === 1 ? ipv4Key(list.words[i]!, len) : ipv6Key(list.words, i * 4, len);
}

/** "10.0.0.0/8", "2001:db8::/32" (host bits are dropped); null when the text is not a prefix. */
export function prefixKeyFromText(text: string): PrefixKey | null {
  const p = parsePrefix(text.trim());
  if (!p) return null;
  return p.afi === 1 ? ipv4Key(p.words[0]!, p.length) : ipv6Key(p.words, 0, p.length);
}

export function prefixKeyAfi(key: PrefixKey): 1 | 2 {
  return typeof key === 'number' ? 1 : 2;
}

export function prefixKeyLength(key: PrefixKey): number {
  return typeof key === 'number' ? key % 64 : key.charCodeAt(0);
}

/** Writes the address words of `key` into out[0..) (1 word for IPv4, 4 for IPv6); returns the length. */
export function prefixKeyWords(key: PrefixKey, out: Uint32Array): number {
  if (typeof key === 'number') {
    out[0] = Math.floor(key / 64);
    return key % 64;
  }
  for (let k = 0; k < 4; k++) out[k] = ((key.charCodeAt(1 + 2 * k) << 16) | key.charCodeAt(2 + 2 * k)) >>> 0;
  return key.charCodeAt(0);
}

export function ipv4Text(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

export function ipv6Text(words: ArrayLike<number>, base: number): string {
  const bytes = new Uint8Array(16);
  for (let k = 0; k < 4; k++) {
    const w = words[base + k]!;
    bytes[4 * k] = w >>> 24;
    bytes[4 * k + 1] = w >>> 16;
    bytes[4 * k + 2] = w >>> 8;
    bytes[4 * k + 3] = w;
  }
  return ipv6ToString(bytes, 0);
}

/** Address words + length as canonical prefix text. */
export function wordsToText(afi: 1 | 2, words: ArrayLike<number>, base: number, length: number): string {
  return afi === 1 ? `${ipv4Text(words[base]!)}/${length}` : `${ipv6Text(words, base)}/${length}`;
}

const scratch = new Uint32Array(4);

export function prefixKeyToText(key: PrefixKey): string {
  const len = prefixKeyWords(key, scratch);
  return wordsToText(prefixKeyAfi(key), scratch, 0, len);
}
