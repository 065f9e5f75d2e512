// Building UPDATEs to send: many prefixes sharing one attribute set, split over as many messages
// as the negotiated maximum length needs (RFC 4271 s4.3, RFC 4760 s3/s4, RFC 8654).

import { IPV4_UNICAST, familyKey, HEADER_LENGTH } from './constants.js';
import { maxMessageLength } from './message.js';
import { emptyPrefixList, prefixesEncodingLength } from './prefix.js';
import type { CodecContext, MpReachAttr, MpUnreachAttr, PathAttribute, PrefixList, UpdateMessage } from './types.js';
import { pathAttributesLength } from './update.js';

/** Entries [from, to) of a list, as a list of their own (views, no copies of the words). */
export function slicePrefixes(list: PrefixList, from: number, to: number): PrefixList {
  const w = list.afi === 1 ? 1 : 4;
  return {
    afi: list.afi,
    count: to - from,
    lengths: list.lengths.subarray(from, to),
    words: list.words.subarray(from * w, to * w),
    pathIds: list.pathIds ? list.pathIds.subarray(from, to) : null,
  };
}

/** How many entries from `from` fit in `budget` bytes. */
function fitting(list: PrefixList, from: number, budget: number): number {
  const idLen = list.pathIds ? 4 : 0;
  let used = 0;
  let i = from;
  for (; i < list.count; i++) {
    const n = idLen + 1 + ((list.lengths[i]! + 7) >> 3);
    if (used + n > budget) break;
    used += n;
  }
  return i - from;
}

export interface Announcement {
  readonly afi: 1 | 2;
  readonly safi?: number;
  /**
   * Attributes without NEXT_HOP, MP_REACH_NLRI or MP_UNREACH_NLRI: the builder adds the one the
   * family needs (NEXT_HOP for IPv4 unicast over an IPv4 next hop, MP_REACH_NLRI otherwise).
   */
  readonly attributes: readonly PathAttribute[];
  /** Next hop(s): one address, or IPv6 global + link-local. */
  readonly nextHops: readonly string[];
  readonly prefixes: PrefixList;
}

function usesMpReach(a: Announcement): boolean {
  // RFC 4760: every family but IPv4 unicast goes in MP_REACH_NLRI, and IPv4 unicast too when its
  // next hop is IPv6 (RFC 8950).
  return a.afi !== 1 || (a.safi ?? 1) !== 1 || a.nextHops.some((h) => h.includes(':'));
}

/** UPDATEs announcing `a.prefixes`, each within the context's maximum message length. */
export function packAnnouncements(a: Announcement, ctx: CodecContext): UpdateMessage[] {
  const safi = a.safi ?? 1;
  const max = maxMessageLength(ctx);
  const out: UpdateMessage[] = [];
  const base = a.attributes.filter((x) => x.type !== 'next-hop' && x.type !== 'mp-reach' && x.type !== 'mp-unreach');
  if (!usesMpReach(a)) {
    const nextHop: PathAttribute = { type: 'next-hop', flags: 0x40, nextHop: a.nextHops[0]! };
    const attributes = [...base, nextHop];
    const budget = max - HEADER_LENGTH - 4 - pathAttributesLength(attributes, ctx);
    if (budget < 37) throw new RangeError('path attributes leave no room for NLRI');
    for (let i = 0; i < a.prefixes.count; ) {
      const n = fitting(a.prefixes, i, budget);
      out.push({ type: 'update', withdrawn: emptyPrefixList(1), attributes, nlri: slicePrefixes(a.prefixes, i, i + n) });
      i += n;
    }
    return out;
  }
  const empty = emptyPrefixList(a.afi);
  const probe: MpReachAttr = {
    type: 'mp-reach',
    flags: 0x90,
    afi: a.afi,
    safi,
    nextHops: a.nextHops,
    nextHopBytes: null,
    reserved: 0,
    nlri: empty,
    nlriBytes: null,
  };
  const budget = max - HEADER_LENGTH - 4 - pathAttributesLength([...base, probe], ctx);
  if (budget < 37) throw new RangeError('path attributes leave no room for NLRI');
  for (let i = 0; i < a.prefixes.count; ) {
    const n = fitting(a.prefixes, i, budget);
    const reach: MpReachAttr = { ...probe, nlri: slicePrefixes(a.prefixes, i, i + n) };
    // RFC 4760 s3 puts MP_REACH_NLRI first by convention; most speakers expect it early.
    out.push({ type: 'update', withdrawn: emptyPrefixList(1), attributes: [reach, ...base], nlri: emptyPrefixList(1) });
    i += n;
  }
  return out;
}

/** UPDATEs withdrawing `prefixes` of a family (IPv4 unicast in the withdrawn routes field). */
export function packWithdrawals(prefixes: PrefixList, ctx: CodecContext, safi = 1): UpdateMessage[] {
  const max = maxMessageLength(ctx);
  const out: UpdateMessage[] = [];
  if (prefixes.afi === 1 && safi === 1) {
    const budget = max - HEADER_LENGTH - 4;
    for (let i = 0; i < prefixes.count; ) {
      const n = fitting(prefixes, i, budget);
      out.push({ type: 'update', withdrawn: slicePrefixes(prefixes, i, i + n), attributes: [], nlri: emptyPrefixList(1) });
      i += n;
    }
    return out;
  }
  // Attribute header (4, extended length) + AFI/SAFI (3).
  const budget = max - HEADER_LENGTH - 4 - 4 - 3;
  for (let i = 0; i < prefixes.count; ) {
    const n = fitting(prefixes, i, budget);
    const unreach: MpUnreachAttr = { type: 'mp-unreach', flags: 0x90, afi: prefixes.afi, safi, withdrawn: slicePrefixes(prefixes, i, i + n), withdrawnBytes: null };
    out.push({ type: 'update', withdrawn: emptyPrefixList(1), attributes: [unreach], nlri: emptyPrefixList(1) });
    i += n;
  }
  return out;
}

/** RFC 4724 s2: the End-of-RIB marker of a family. */
export function endOfRib(afi: number, safi: number): UpdateMessage {
  if (familyKey(afi, safi) === IPV4_UNICAST) return { type: 'update', withdrawn: emptyPrefixList(1), attributes: [], nlri: emptyPrefixList(1) };
  const unreach: MpUnreachAttr = {
    type: 'mp-unreach',
    flags: 0x80,
    afi,
    safi,
    withdrawn: afi === 1 || afi === 2 ? emptyPrefixList(afi) : null,
    withdrawnBytes: afi === 1 || afi === 2 ? null : new Uint8Array(0),
  };
  return { type: 'update', withdrawn: emptyPrefixList(1), attributes: [unreach], nlri: emptyPrefixList(1) };
}

/** Bytes the prefixes of a list take on the wire (for sizing batches). */
export function prefixBytes(list: PrefixList): number {
  return prefixesEncodingLength(list);
}

