// Byte readers and address/text formatting for the MRT decoders. Callers bounds-check first; these
// do no checking of their own so the hot loops stay cheap.

export function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function ipv4At(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/** RFC 5952 text: lowercase hex, leading zeros dropped, longest run (2+) of zero groups as "::". */
export function ipv6At(b: Uint8Array, o: number): string {
  // RFC 5952 s5: IPv4-mapped addresses keep the dotted-quad tail.
  if (isMappedV4(b, o)) return `::ffff:${ipv4At(b, o + 12)}`;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (b[o + 2 * i] !== 0 || b[o + 2 * i + 1] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && b[o + 2 * j] === 0 && b[o + 2 * j + 1] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += u16(b, o + 2 * i).toString(16);
  }
  return s;
}

function isMappedV4(b: Uint8Array, o: number): boolean {
  for (let i = 0; i < 10; i++) if (b[o + i] !== 0) return false;
  return b[o + 10] === 0xff && b[o + 11] === 0xff;
}

export function ipAt(b: Uint8Array, o: number, ipv6: boolean): string {
  return ipv6 ? ipv6At(b, o) : ipv4At(b, o);
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
  return `${ipv6 ? ipv6At(scratch, 0) : ipv4At(scratch, 0)}/${bits}`;
}

const utf8 = new TextDecoder('utf-8');

/** UTF-8 text (view names, file names); invalid sequences become U+FFFD rather than failing. */
export function utf8At(b: Uint8Array, start: number, end: number): string {
  return start >= end ? '' : utf8.decode(b.subarray(start, end));
}
