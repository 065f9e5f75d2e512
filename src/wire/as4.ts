// RFC 6793 s4.2.3: a 4-octet speaker receiving from a 2-octet (OLD) speaker rebuilds the real AS
// path from AS_PATH (with AS_TRANS stand-ins) and AS4_PATH, and the real aggregator from
// AGGREGATOR and AS4_AGGREGATOR.

import { AS_TRANS } from './constants.js';
import type { AsPathSegment, PathAttribute } from './types.js';

/** AS path length as RFC 4271 s9.1.2.2 counts it: an AS_SET is 1, confederation segments 0. */
export function asPathLength(segments: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === 2) n += s.asns.length;
    else if (s.type === 1) n += 1;
  }
  return n;
}

/**
 * Merges AS_PATH and AS4_PATH (RFC 6793 s4.2.3): when AS_PATH is shorter than AS4_PATH the
 * AS4_PATH is ignored; otherwise the leading ASNs of AS_PATH that AS4_PATH does not cover are
 * kept and AS4_PATH follows. Confederation segments in AS4_PATH are not valid there (s6) and are
 * left out.
 */
export function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): AsPathSegment[] {
  const as4 = as4Path.filter((s) => s.type === 1 || s.type === 2);
  const n2 = asPathLength(asPath);
  const n4 = asPathLength(as4);
  if (n2 < n4) return [...asPath];
  let keep = n2 - n4;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (s.type === 3 || s.type === 4) {
      // Not counted, and only ever at the front: stays with the part we keep.
      if (keep > 0 || out.length === 0) out.push(s);
      continue;
    }
    if (keep === 0) break;
    if (s.type === 1) {
      out.push(s);
      keep -= 1;
    } else {
      const take = Math.min(keep, s.asns.length);
      out.push({ type: 2, asns: s.asns.slice(0, take) });
      keep -= take;
    }
  }
  // Join a kept AS_SEQUENCE and a leading AS4_PATH AS_SEQUENCE into one segment, as a single
  // 4-octet speaker would have sent it.
  const last = out[out.length - 1];
  const first = as4[0];
  if (last?.type === 2 && first?.type === 2) {
    out[out.length - 1] = { type: 2, asns: [...last.asns, ...first.asns] };
    return [...out, ...as4.slice(1)];
  }
  return [...out, ...as4];
}

export interface EffectiveAsInfo {
  readonly segments: readonly AsPathSegment[];
  readonly aggregator?: { readonly asn: number; readonly address: string };
}

/**
 * The AS path and aggregator a 4-octet speaker acts on, from attributes decoded with 2-octet
 * ASNs. With a 4-octet context (asn4), AS_PATH is already right and AS4_* are ignored.
 * RFC 6793 s4.2.3: an AGGREGATOR with an ASN other than AS_TRANS means AS4_AGGREGATOR and
 * AS4_PATH are to be ignored.
 */
export function effectiveAsPath(attributes: readonly PathAttribute[], asn4: boolean): EffectiveAsInfo {
  let asPath: readonly AsPathSegment[] = [];
  let as4Path: readonly AsPathSegment[] | undefined;
  let aggregator: { asn: number; address: string } | undefined;
  let as4Aggregator: { asn: number; address: string } | undefined;
  for (const a of attributes) {
    if (a.type === 'as-path') asPath = a.segments;
    else if (a.type === 'as4-path') as4Path = a.segments;
    else if (a.type === 'aggregator') aggregator = { asn: a.asn, address: a.address };
    else if (a.type === 'as4-aggregator') as4Aggregator = { asn: a.asn, address: a.address };
  }
  if (asn4) return { segments: asPath, ...(aggregator ? { aggregator } : {}) };
  if (aggregator && aggregator.asn !== AS_TRANS) return { segments: asPath, aggregator };
  const segments = as4Path ? mergeAs4Path(asPath, as4Path) : asPath;
  const agg = aggregator && as4Aggregator ? as4Aggregator : aggregator;
  return { segments, ...(agg ? { aggregator: agg } : {}) };
}

/**
 * RFC 6793 s4.2.2: towards a 2-octet (OLD) speaker, ASNs above 65535 become AS_TRANS in AS_PATH
 * and the real path travels in AS4_PATH (likewise AGGREGATOR / AS4_AGGREGATOR). Returns the
 * same array when nothing needs translating.
 */
export function toTwoOctetAttributes(attributes: readonly PathAttribute[]): readonly PathAttribute[] {
  const wide = (asns: readonly number[]) => asns.some((a) => a > 0xffff);
  const asPath = attributes.find((a) => a.type === 'as-path');
  const aggregator = attributes.find((a) => a.type === 'aggregator');
  const pathWide = asPath?.type === 'as-path' && asPath.segments.some((s) => wide(s.asns));
  const aggWide = aggregator?.type === 'aggregator' && aggregator.asn > 0xffff;
  if (!pathWide && !aggWide) return attributes;
  const out: PathAttribute[] = [];
  for (const a of attributes) {
    if (a.type === 'as-path' && pathWide) {
      out.push({ ...a, segments: a.segments.map((s) => ({ type: s.type, asns: s.asns.map((x) => (x > 0xffff ? AS_TRANS : x)) })) });
      // Confederation segments are not sent in AS4_PATH (RFC 6793 s6).
      out.push({ type: 'as4-path', flags: 0xc0, segments: a.segments.filter((s) => s.type === 1 || s.type === 2) });
    } else if (a.type === 'aggregator' && aggWide) {
      out.push({ ...a, asn: AS_TRANS, as4: false });
      out.push({ type: 'as4-aggregator', flags: 0xc0, asn: a.asn, address: a.address });
    } else if (a.type !== 'as4-path' && a.type !== 'as4-aggregator') {
      out.push(a);
    }
  }
  return out;
}
