// ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR (RFC 4271 s5.1),
// AS4_PATH and AS4_AGGREGATOR (RFC 6793), OTC (RFC 9234), AIGP (RFC 7311).

import { ipv4ToString, readU16, readU32, writeIpv4, writeU16, writeU32 } from '../bytes.js';
import { AttrType } from '../constants.js';
import { UpdateSubcode } from '../errors.js';
import type {
  AggregatorAttr,
  AigpAttr,
  As4AggregatorAttr,
  As4PathAttr,
  AsPathAttr,
  AsPathSegment,
  AtomicAggregateAttr,
  LocalPrefAttr,
  MedAttr,
  NextHopAttr,
  OriginAttr,
  OtcAttr,
} from '../types.js';
import { problem, type AttrCodec, type AttrProblem } from './codec.js';

const WELL_KNOWN = 0x40;
const OPTIONAL = 0x80;
const OPTIONAL_TRANSITIVE = 0xc0;

const lengthError = (name: string, len: number, want: string): AttrProblem =>
  problem(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR, `${name} length ${len}, expected ${want}`);

export const origin: AttrCodec<OriginAttr> = {
  code: AttrType.ORIGIN,
  type: 'origin',
  flags: WELL_KNOWN,
  onError: 'treat-as-withdraw', // RFC 7606 s7.1
  decode(b, s, e, flags) {
    if (e - s !== 1) return lengthError('ORIGIN', e - s, '1');
    const o = b[s]!;
    if (o > 2) return problem(UpdateSubcode.INVALID_ORIGIN_ATTRIBUTE, `ORIGIN value ${o}`);
    return { type: 'origin', flags, origin: o as 0 | 1 | 2 };
  },
  valueLength: () => 1,
  encode(a, b, o) {
    b[o] = a.origin;
    return o + 1;
  },
};

/**
 * Segments: type (1), count (1), count ASNs of 2 or 4 octets. RFC 7606 s7.2: malformed when a
 * segment overruns the attribute, a trailing fragment is too short for a segment header, a segment
 * has length zero, or its type is unknown.
 */
export function decodeSegments(b: Uint8Array, start: number, end: number, asSize: 2 | 4): AsPathSegment[] | string {
  // First pass: validate and count, so the segment list is allocated at its exact size (a RIB
  // keeps one per UPDATE: spare capacity would cost memory per prefix).
  let count = 0;
  let o = start;
  while (o < end) {
    if (o + 2 > end) return 'truncated segment header';
    const type = b[o]!;
    const n = b[o + 1]!;
    if (type < 1 || type > 4) return `unknown segment type ${type}`;
    if (n === 0) return 'segment of length zero';
    o += 2 + n * asSize;
    if (o > end) return `segment of ${n} ASNs overruns the attribute`;
    count++;
  }
  const segments = new Array<AsPathSegment>(count);
  o = start;
  for (let k = 0; k < count; k++) {
    const type = b[o]! as 1 | 2 | 3 | 4;
    const n = b[o + 1]!;
    o += 2;
    const asns = new Array<number>(n);
    if (asSize === 4) for (let i = 0; i < n; i++, o += 4) asns[i] = readU32(b, o);
    else for (let i = 0; i < n; i++, o += 2) asns[i] = readU16(b, o);
    segments[k] = { type, asns };
  }
  return segments;
}

export function segmentsLength(segments: readonly AsPathSegment[], asSize: 2 | 4): number {
  let n = 0;
  for (const s of segments) n += 2 + s.asns.length * asSize;
  return n;
}

export function encodeSegments(segments: readonly AsPathSegment[], asSize: 2 | 4, b: Uint8Array, o: number): number {
  for (const s of segments) {
    b[o] = s.type;
    b[o + 1] = s.asns.length;
    o += 2;
    for (const asn of s.asns) {
      if (asSize === 4) writeU32(b, o, asn);
      else writeU16(b, o, asn);
      o += asSize;
    }
  }
  return o;
}

export const asPath: AttrCodec<AsPathAttr> = {
  code: AttrType.AS_PATH,
  type: 'as-path',
  flags: WELL_KNOWN,
  onError: 'treat-as-withdraw', // RFC 7606 s7.2
  decode(b, s, e, flags, ctx) {
    const segments = decodeSegments(b, s, e, ctx.asn4 ? 4 : 2);
    if (typeof segments === 'string') return problem(UpdateSubcode.MALFORMED_AS_PATH, `AS_PATH: ${segments}`);
    return { type: 'as-path', flags, segments };
  },
  valueLength: (a, ctx) => segmentsLength(a.segments, ctx.asn4 ? 4 : 2),
  encode: (a, b, o, ctx) => encodeSegments(a.segments, ctx.asn4 ? 4 : 2, b, o),
};

export const as4Path: AttrCodec<As4PathAttr> = {
  code: AttrType.AS4_PATH,
  type: 'as4-path',
  flags: OPTIONAL_TRANSITIVE,
  onError: 'attribute-discard', // RFC 6793 s6
  decode(b, s, e, flags) {
    const segments = decodeSegments(b, s, e, 4);
    if (typeof segments === 'string') return problem(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, `AS4_PATH: ${segments}`);
    return { type: 'as4-path', flags, segments };
  },
  valueLength: (a) => segmentsLength(a.segments, 4),
  encode: (a, b, o) => encodeSegments(a.segments, 4, b, o),
};

export const nextHop: AttrCodec<NextHopAttr> = {
  code: AttrType.NEXT_HOP,
  type: 'next-hop',
  flags: WELL_KNOWN,
  onError: 'treat-as-withdraw', // RFC 7606 s7.3
  decode(b, s, e, flags) {
    if (e - s !== 4) return lengthError('NEXT_HOP', e - s, '4');
    return { type: 'next-hop', flags, nextHop: ipv4ToString(b, s) };
  },
  valueLength: () => 4,
  encode(a, b, o) {
    writeIpv4(b, o, a.nextHop);
    return o + 4;
  },
};

function u32Codec<A extends MedAttr | LocalPrefAttr | OtcAttr>(
  code: number,
  type: A['type'],
  field: 'med' | 'localPref' | 'asn',
  flags: number,
  name: string,
): AttrCodec<A> {
  return {
    code,
    type,
    flags,
    onError: 'treat-as-withdraw', // RFC 7606 s7.4 (MED), s7.5 (LOCAL_PREF); RFC 9234 s5 (OTC)
    decode(b, s, e, f) {
      if (e - s !== 4) return lengthError(name, e - s, '4');
      return { type, flags: f, [field]: readU32(b, s) } as unknown as A;
    },
    valueLength: () => 4,
    encode(a, b, o) {
      writeU32(b, o, (a as unknown as Record<string, number>)[field]!);
      return o + 4;
    },
  };
}

export const med = u32Codec<MedAttr>(AttrType.MULTI_EXIT_DISC, 'med', 'med', OPTIONAL, 'MULTI_EXIT_DISC');
export const localPref = u32Codec<LocalPrefAttr>(AttrType.LOCAL_PREF, 'local-pref', 'localPref', WELL_KNOWN, 'LOCAL_PREF');
export const otc = u32Codec<OtcAttr>(AttrType.OTC, 'otc', 'asn', OPTIONAL_TRANSITIVE, 'OTC');

export const atomicAggregate: AttrCodec<AtomicAggregateAttr> = {
  code: AttrType.ATOMIC_AGGREGATE,
  type: 'atomic-aggregate',
  flags: WELL_KNOWN,
  onError: 'attribute-discard', // RFC 7606 s7.6
  decode(_b, s, e, flags) {
    if (e - s !== 0) return lengthError('ATOMIC_AGGREGATE', e - s, '0');
    return { type: 'atomic-aggregate', flags };
  },
  valueLength: () => 0,
  encode: (_a, _b, o) => o,
};

export const aggregator: AttrCodec<AggregatorAttr> = {
  code: AttrType.AGGREGATOR,
  type: 'aggregator',
  flags: OPTIONAL_TRANSITIVE,
  onError: 'attribute-discard', // RFC 7606 s7.7
  decode(b, s, e, flags, ctx) {
    const want = ctx.asn4 ? 8 : 6;
    if (e - s !== want) return lengthError('AGGREGATOR', e - s, String(want));
    return ctx.asn4
      ? { type: 'aggregator', flags, asn: readU32(b, s), address: ipv4ToString(b, s + 4), as4: true }
      : { type: 'aggregator', flags, asn: readU16(b, s), address: ipv4ToString(b, s + 2), as4: false };
  },
  valueLength: (_a, ctx) => (ctx.asn4 ? 8 : 6),
  encode(a, b, o, ctx) {
    if (ctx.asn4) {
      writeU32(b, o, a.asn);
      writeIpv4(b, o + 4, a.address);
      return o + 8;
    }
    writeU16(b, o, a.asn > 0xffff ? 23456 : a.asn);
    writeIpv4(b, o + 2, a.address);
    return o + 6;
  },
};

export const as4Aggregator: AttrCodec<As4AggregatorAttr> = {
  code: AttrType.AS4_AGGREGATOR,
  type: 'as4-aggregator',
  flags: OPTIONAL_TRANSITIVE,
  onError: 'attribute-discard', // RFC 6793 s6
  decode(b, s, e, flags) {
    if (e - s !== 8) return lengthError('AS4_AGGREGATOR', e - s, '8');
    return { type: 'as4-aggregator', flags, asn: readU32(b, s), address: ipv4ToString(b, s + 4) };
  },
  valueLength: () => 8,
  encode(a, b, o) {
    writeU32(b, o, a.asn);
    writeIpv4(b, o + 4, a.address);
    return o + 8;
  },
};

/** RFC 7311 s3: TLVs of type (1), length (2, counting the 3-byte header), value. */
export const aigp: AttrCodec<AigpAttr> = {
  code: AttrType.AIGP,
  type: 'aigp',
  flags: OPTIONAL,
  onError: 'attribute-discard', // RFC 7311 s3.2: a malformed AIGP attribute is discarded
  decode(b, s, e, flags) {
    const tlvs: { type: number; value: Uint8Array }[] = [];
    let o = s;
    while (o < e) {
      if (o + 3 > e) return problem(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, 'AIGP: truncated TLV header');
      const len = readU16(b, o + 1);
      if (len < 3 || o + len > e) return problem(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, `AIGP: TLV length ${len}`);
      const type = b[o]!;
      if (type === 1 && len !== 11) return problem(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, `AIGP: metric TLV length ${len}, expected 11`);
      tlvs.push({ type, value: b.slice(o + 3, o + len) });
      o += len;
    }
    return { type: 'aigp', flags, tlvs };
  },
  valueLength: (a) => a.tlvs.reduce((n, t) => n + 3 + t.value.length, 0),
  encode(a, b, o) {
    for (const t of a.tlvs) {
      b[o] = t.type;
      writeU16(b, o + 1, 3 + t.value.length);
      b.set(t.value, o + 3);
      o += 3 + t.value.length;
    }
    return o;
  },
};

/** The AIGP metric (TLV type 1), if present. */
export function aigpMetric(a: AigpAttr): bigint | undefined {
  const t = a.tlvs.find((x) => x.type === 1);
  if (!t || t.value.length !== 8) return undefined;
  return (BigInt(readU32(t.value, 0)) << 32n) | BigInt(readU32(t.value, 4));
}
