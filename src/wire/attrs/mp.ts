// MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760 s3, s4). IPv4/IPv6 unicast and multicast are parsed;
// every other family (VPN, labeled, FlowSpec, EVPN, BGP-LS...) stays opaque bytes.

import { ipv4ToString, ipv6ToString, readU16, writeIpv4, writeIpv6, writeU16 } from '../bytes.js';
import { AttrType, familyKey } from '../constants.js';
import { UpdateSubcode } from '../errors.js';
import { decodePrefixes, encodePrefixes, prefixesEncodingLength } from '../prefix.js';
import type { CodecContext, MpReachAttr, MpUnreachAttr, PrefixList } from '../types.js';
import { problem, type AttrCodec } from './codec.js';

/** Families whose NLRI this codec parses into PrefixLists. */
export function isIpFamily(afi: number, safi: number): afi is 1 | 2 {
  return (afi === 1 || afi === 2) && (safi === 1 || safi === 2);
}

/**
 * Next hop field as addresses: 4 bytes IPv4; 16 bytes IPv6 (also IPv4 NLRI over an IPv6 next hop,
 * RFC 8950); 32 bytes IPv6 global + link-local (RFC 2545 s3). Anything else stays raw.
 */
function parseNextHops(v: Uint8Array, o: number, len: number): string[] | null {
  if (len === 4) return [ipv4ToString(v, o)];
  if (len === 16) return [ipv6ToString(v, o)];
  if (len === 32) return [ipv6ToString(v, o), ipv6ToString(v, o + 16)];
  return null;
}

function nextHopLength(a: MpReachAttr): number {
  if (a.nextHopBytes) return a.nextHopBytes.length;
  let n = 0;
  for (const h of a.nextHops) n += h.includes(':') ? 16 : 4;
  return n;
}

function writeNextHop(a: MpReachAttr, b: Uint8Array, o: number): number {
  if (a.nextHopBytes) {
    b.set(a.nextHopBytes, o);
    return o + a.nextHopBytes.length;
  }
  for (const h of a.nextHops) {
    if (h.includes(':')) {
      writeIpv6(b, o, h);
      o += 16;
    } else {
      writeIpv4(b, o, h);
      o += 4;
    }
  }
  return o;
}

const mpError = (detail: string) => problem(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, detail);

function nlriLength(list: PrefixList | null, bytes: Uint8Array | null): number {
  if (list) return prefixesEncodingLength(list);
  return bytes ? bytes.length : 0;
}

export const mpReach: AttrCodec<MpReachAttr> = {
  code: AttrType.MP_REACH_NLRI,
  type: 'mp-reach',
  flags: 0x80,
  // RFC 7606 s7.11: session reset or AFI/SAFI disable. The UPDATE decoder upgrades to
  // session-reset when even the AFI/SAFI could not be read.
  onError: 'afi-safi-disable',
  decode(b, s, e, flags, ctx) {
    const v = b.subarray(s, e);
    // RFC 6396 s4.3.4 abbreviates MP_REACH_NLRI in RIB entries, but some collectors write the full
    // RFC 4760 form. They cannot be confused: the abbreviated form starts with its own length - 1,
    // the full form with the high octet of an AFI (0).
    if (ctx.mrtRibEntry && v.length > 0 && v[0]! + 1 === v.length) return decodeAbbreviated(v, flags, ctx.mrtRibEntry);
    if (v.length < 5) return mpError(`MP_REACH_NLRI length ${v.length}, need at least 5`);
    const afi = readU16(v, 0);
    const safi = v[2]!;
    const nhLen = v[3]!;
    if (4 + nhLen + 1 > v.length) return mpError(`MP_REACH_NLRI next hop length ${nhLen} overruns the attribute`);
    const reserved = v[4 + nhLen]!;
    const nlriStart = 5 + nhLen;
    let nextHops: string[] = [];
    let nextHopBytes: Uint8Array | null = null;
    let nlri: PrefixList | null = null;
    let nlriBytes: Uint8Array | null = null;
    if (isIpFamily(afi, safi)) {
      const parsed = parseNextHops(v, 4, nhLen);
      if (parsed) nextHops = parsed;
      else nextHopBytes = v.slice(4, 4 + nhLen);
      nlri = decodePrefixes(v, nlriStart, v.length, afi, ctx.addPath.has(familyKey(afi, safi)));
      if (!nlri) return mpError(`MP_REACH_NLRI ${afi}/${safi}: malformed NLRI`);
    } else {
      nextHopBytes = v.slice(4, 4 + nhLen);
      nlriBytes = v.slice(nlriStart);
    }
    return { type: 'mp-reach', flags, afi, safi, nextHops, nextHopBytes, reserved, nlri, nlriBytes };
  },
  valueLength(a, ctx) {
    if (isAbbreviated(a, ctx)) return 1 + nextHopLength(a);
    return 5 + nextHopLength(a) + nlriLength(a.nlri, a.nlriBytes);
  },
  encode(a, b, o, ctx) {
    if (isAbbreviated(a, ctx)) {
      b[o] = nextHopLength(a);
      return writeNextHop(a, b, o + 1);
    }
    writeU16(b, o, a.afi);
    b[o + 2] = a.safi;
    b[o + 3] = nextHopLength(a);
    o = writeNextHop(a, b, o + 4);
    b[o++] = a.reserved;
    if (a.nlri) return encodePrefixes(a.nlri, b, o);
    if (a.nlriBytes) {
      b.set(a.nlriBytes, o);
      return o + a.nlriBytes.length;
    }
    return o;
  },
};

/** An attribute read in abbreviated form has neither NLRI nor NLRI bytes, and is written back so. */
function isAbbreviated(a: MpReachAttr, ctx: CodecContext): boolean {
  return ctx.mrtRibEntry !== undefined && a.nlri === null && a.nlriBytes === null;
}

/** RFC 6396 s4.3.4: in TABLE_DUMP_V2 RIB entries MP_REACH_NLRI is next hop length + next hop only. */
function decodeAbbreviated(v: Uint8Array, flags: number, family: { afi: number; safi: number }): MpReachAttr {
  const parsed = parseNextHops(v, 1, v[0]!);
  return {
    type: 'mp-reach',
    flags,
    afi: family.afi,
    safi: family.safi,
    nextHops: parsed ?? [],
    nextHopBytes: parsed ? null : v.slice(1),
    reserved: 0,
    nlri: null,
    nlriBytes: null,
  };
}

export const mpUnreach: AttrCodec<MpUnreachAttr> = {
  code: AttrType.MP_UNREACH_NLRI,
  type: 'mp-unreach',
  flags: 0x80,
  onError: 'afi-safi-disable', // RFC 7606 s7.11
  decode(b, s, e, flags, ctx: CodecContext) {
    const v = b.subarray(s, e);
    if (v.length < 3) return mpError(`MP_UNREACH_NLRI length ${v.length}, need at least 3`);
    const afi = readU16(v, 0);
    const safi = v[2]!;
    if (isIpFamily(afi, safi)) {
      const withdrawn = decodePrefixes(v, 3, v.length, afi, ctx.addPath.has(familyKey(afi, safi)));
      if (!withdrawn) return mpError(`MP_UNREACH_NLRI ${afi}/${safi}: malformed withdrawn routes`);
      return { type: 'mp-unreach', flags, afi, safi, withdrawn, withdrawnBytes: null };
    }
    return { type: 'mp-unreach', flags, afi, safi, withdrawn: null, withdrawnBytes: v.slice(3) };
  },
  valueLength: (a) => 3 + nlriLength(a.withdrawn, a.withdrawnBytes),
  encode(a, b, o) {
    writeU16(b, o, a.afi);
    b[o + 2] = a.safi;
    o += 3;
    if (a.withdrawn) return encodePrefixes(a.withdrawn, b, o);
    if (a.withdrawnBytes) {
      b.set(a.withdrawnBytes, o);
      return o + a.withdrawnBytes.length;
    }
    return o;
  },
};
