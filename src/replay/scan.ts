// A look at a recorded UPDATE's bytes without decoding it: which families it touches and how many
// prefixes it announces and withdraws. Used to find the families of a file before the session
// opens (they go into our OPEN), and by the --raw fast path, which sends messages undecoded.

import { familyKey, IPV4_UNICAST, IPV6_UNICAST, type FamilyKey } from '../wire/index.js';

/** Family bits of a scan. */
export const FAMILY_IPV4 = 1;
export const FAMILY_IPV6 = 2;
/** Any family but IPv4/IPv6 unicast (multicast, VPN, FlowSpec...): not replayed. */
export const FAMILY_OTHER = 4;

export interface UpdateScan {
  /** FAMILY_* bits of every family with prefixes (or an MP attribute) in the message. */
  families: number;
  announced: number;
  withdrawn: number;
  /** Nothing announced or withdrawn and no attributes: an End-of-RIB (RFC 4724 s2) or an empty UPDATE. */
  empty: boolean;
  /** The bytes do not parse as an UPDATE (decoding will say why). */
  malformed: boolean;
}

export function familyBit(afi: number, safi: number): number {
  if (safi !== 1) return FAMILY_OTHER;
  return afi === 1 ? FAMILY_IPV4 : afi === 2 ? FAMILY_IPV6 : FAMILY_OTHER;
}

export function familyKeysOf(bits: number): FamilyKey[] {
  const out: FamilyKey[] = [];
  if (bits & FAMILY_IPV4) out.push(IPV4_UNICAST);
  if (bits & FAMILY_IPV6) out.push(IPV6_UNICAST);
  return out;
}

export function familyBitsOf(families: Iterable<FamilyKey>): number {
  let bits = 0;
  for (const f of families) if (f === IPV4_UNICAST || f === IPV6_UNICAST) bits |= familyBit(f >> 8, f & 255);
  return bits;
}

/** Counts the prefixes in b[start, end); -1 when they run past `end`. */
function countPrefixes(b: Uint8Array, start: number, end: number, addPath: boolean, maxBits: number): number {
  let n = 0;
  let p = start;
  while (p < end) {
    if (addPath) p += 4;
    if (p >= end) return -1;
    const bits = b[p]!;
    if (bits > maxBits) return -1;
    p += 1 + ((bits + 7) >> 3);
    n++;
  }
  return p === end ? n : -1;
}

/**
 * Scans a whole UPDATE message (header included). `addPath`: the NLRI carry RFC 7911 path
 * identifiers (an MRT *_ADDPATH record).
 */
export function scanUpdate(msg: Uint8Array, addPath = false): UpdateScan {
  const out: UpdateScan = { families: 0, announced: 0, withdrawn: 0, empty: false, malformed: false };
  const end = msg.length;
  if (end < 23 || msg[18] !== 2) {
    out.malformed = true;
    return out;
  }
  const wl = (msg[19]! << 8) | msg[20]!;
  const attrLenAt = 21 + wl;
  if (attrLenAt + 2 > end) {
    out.malformed = true;
    return out;
  }
  const withdrawn = countPrefixes(msg, 21, attrLenAt, addPath, 32);
  const al = (msg[attrLenAt]! << 8) | msg[attrLenAt + 1]!;
  const attrStart = attrLenAt + 2;
  const attrEnd = attrStart + al;
  if (withdrawn < 0 || attrEnd > end) {
    out.malformed = true;
    return out;
  }
  const nlri = countPrefixes(msg, attrEnd, end, addPath, 32);
  if (nlri < 0) {
    out.malformed = true;
    return out;
  }
  out.withdrawn += withdrawn;
  out.announced += nlri;
  if (withdrawn + nlri > 0) out.families |= FAMILY_IPV4;
  let p = attrStart;
  while (p < attrEnd) {
    if (p + 3 > attrEnd) {
      out.malformed = true;
      return out;
    }
    const flags = msg[p]!;
    const code = msg[p + 1]!;
    let len: number;
    let v: number;
    if (flags & 0x10) {
      if (p + 4 > attrEnd) {
        out.malformed = true;
        return out;
      }
      len = (msg[p + 2]! << 8) | msg[p + 3]!;
      v = p + 4;
    } else {
      len = msg[p + 2]!;
      v = p + 3;
    }
    const next = v + len;
    if (next > attrEnd) {
      out.malformed = true;
      return out;
    }
    if ((code === 14 && len >= 5) || (code === 15 && len >= 3)) {
      const afi = (msg[v]! << 8) | msg[v + 1]!;
      const safi = msg[v + 2]!;
      const bit = familyBit(afi, safi);
      out.families |= bit;
      if (bit !== FAMILY_OTHER) {
        const maxBits = afi === 1 ? 32 : 128;
        let nlriStart = v + 3;
        if (code === 14) {
          const nhLen = msg[v + 3]!;
          nlriStart = v + 4 + nhLen + 1;
        }
        const n = nlriStart <= next ? countPrefixes(msg, nlriStart, next, addPath, maxBits) : -1;
        if (n < 0) {
          out.malformed = true;
          return out;
        }
        if (code === 14) out.announced += n;
        else out.withdrawn += n;
      }
    }
    p = next;
  }
  out.empty = out.announced === 0 && out.withdrawn === 0 && al === 0;
  return out;
}

/** familyKey for the two families replay speaks, by name. */
export const FAMILY_BY_NAME = { 'ipv4-unicast': familyKey(1, 1), 'ipv6-unicast': familyKey(2, 1) } as const;
export type ReplayFamily = keyof typeof FAMILY_BY_NAME;

export function familyName(f: FamilyKey): ReplayFamily | `${number}/${number}` {
  if (f === IPV4_UNICAST) return 'ipv4-unicast';
  if (f === IPV6_UNICAST) return 'ipv6-unicast';
  return `${f >> 8}/${f & 255}`;
}
