// Recorded UPDATEs and table entries, made fit for the session we replay into: the ASNs as the
// negotiated context wants them (RFC 6793: AS_TRANS and AS4_PATH towards a 2-octet speaker,
// AS4_PATH merged back for a 4-octet one), ADD-PATH path identifiers dropped unless negotiated
// (RFC 7911), families the session does not carry left out, next hops rewritten on request, and
// messages larger than the negotiated maximum split (RFC 8654).

import {
  concatPrefixLists,
  effectiveAsPath,
  emptyPrefixList,
  encodingLength,
  familyKey,
  IPV4_UNICAST,
  isTreatAsWithdraw,
  maxMessageLength,
  packAnnouncements,
  packWithdrawals,
  toTwoOctetAttributes,
  type AggregatorAttr,
  type AsPathSegment,
  type AsPathAttr,
  type CodecContext,
  type FamilyKey,
  type MpReachAttr,
  type MpUnreachAttr,
  type PathAttribute,
  type PrefixList,
  type UpdateMessage,
} from '../wire/index.js';

/** The session replayed into, as far as encoding is concerned. */
export interface Target {
  /** The negotiated context for what we send (Negotiated.codecOut). */
  readonly ctx: CodecContext;
  /** Negotiated families: NLRI of others are left out. */
  readonly families: ReadonlySet<FamilyKey>;
  /** Next hop for IPv4 routes, and for IPv6 routes, replacing the recorded ones (--next-hop). */
  readonly nextHopV4?: string;
  readonly nextHopV6?: string;
  /**
   * An external peer: our AS goes in front of every AS_PATH, and the attributes that stay inside
   * an AS (LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST, confederation segments) are left out, as a
   * router does when it advertises to an eBGP peer (RFC 4271 s5.1.2, s5.1.5; RFC 4456; RFC 5065).
   */
  readonly ebgp?: { readonly localAsn: number };
}

export interface Adapted {
  readonly messages: UpdateMessage[];
  /** Prefixes the messages announce and withdraw. */
  readonly announced: number;
  readonly withdrawn: number;
  /** Prefixes left out: families the session does not carry. */
  readonly dropped: number;
}

const NONE: Adapted = { messages: [], announced: 0, withdrawn: 0, dropped: 0 };

/**
 * Path attributes (other than NEXT_HOP and the MP ones) as the target context wants them. From a
 * 2-octet context to a 4-octet one, AS_PATH and AGGREGATOR become what a 4-octet speaker acts on
 * (RFC 6793 s4.2.3) and AS4_PATH / AS4_AGGREGATOR go; the other way, toTwoOctetAttributes()
 * (RFC 6793 s4.2.2). Returns the same array when nothing changes.
 */
export function convertAsNumbers(attributes: readonly PathAttribute[], fromAsn4: boolean, toAsn4: boolean): readonly PathAttribute[] {
  if (fromAsn4 === toAsn4) return attributes;
  if (!toAsn4) return toTwoOctetAttributes(attributes);
  // Nothing to merge: 2-octet ASNs are the same numbers for a 4-octet speaker.
  if (!attributes.some((a) => a.type === 'as4-path' || a.type === 'as4-aggregator')) return attributes;
  const eff = effectiveAsPath(attributes, false);
  const out: PathAttribute[] = [];
  for (const a of attributes) {
    if (a.type === 'as4-path' || a.type === 'as4-aggregator') continue;
    if (a.type === 'as-path') out.push({ ...a, segments: eff.segments } satisfies AsPathAttr);
    else if (a.type === 'aggregator') out.push({ ...a, asn: eff.aggregator?.asn ?? a.asn, address: eff.aggregator?.address ?? a.address, as4: true } satisfies AggregatorAttr);
    else out.push(a);
  }
  return out;
}

/** RFC 4271 s5.1.2: our AS in front, in the leading AS_SEQUENCE when it has room. */
function prependAs(segments: readonly AsPathSegment[], asn: number): AsPathSegment[] {
  // RFC 5065 s5.3: confederation segments do not leave the confederation.
  const outside = segments.filter((s) => s.type === 1 || s.type === 2);
  const first = outside[0];
  if (first?.type === 2 && first.asns.length < 255) return [{ type: 2, asns: [asn, ...first.asns] }, ...outside.slice(1)];
  return [{ type: 2, asns: [asn] }, ...outside];
}

/**
 * The attributes as sent to the target: ASNs converted (convertAsNumbers) and, towards an
 * external peer, our AS prepended and the AS-internal attributes removed. Attributes it does not
 * concern (MP_REACH_NLRI, NEXT_HOP...) keep their places.
 */
export function exportAttributes(attributes: readonly PathAttribute[], fromAsn4: boolean, t: Target): readonly PathAttribute[] {
  if (!t.ebgp) return convertAsNumbers(attributes, fromAsn4, t.ctx.asn4);
  const out: PathAttribute[] = [];
  for (const a of convertAsNumbers(attributes, fromAsn4, true)) {
    if (a.type === 'local-pref' || a.type === 'originator-id' || a.type === 'cluster-list') continue;
    out.push(a.type === 'as-path' ? { ...a, segments: prependAs(a.segments, t.ebgp.localAsn) } : a);
  }
  return t.ctx.asn4 ? out : toTwoOctetAttributes(out);
}

function stripPathIds(list: PrefixList, family: FamilyKey, ctx: CodecContext): PrefixList {
  if (list.pathIds && !ctx.addPath.has(family)) return { ...list, pathIds: null };
  if (!list.pathIds && ctx.addPath.has(family)) return { ...list, pathIds: new Uint32Array(list.count).fill(1) };
  return list;
}

/** The family of an MP attribute replay carries, or null (opaque families, multicast). */
function ipUnicast(afi: number, safi: number): FamilyKey | null {
  return (afi === 1 || afi === 2) && safi === 1 ? familyKey(afi, safi) : null;
}

/** Next hops of an IP family after the --next-hop rewrite. */
function rewriteMpReach(a: MpReachAttr, t: Target): MpReachAttr {
  const nh = a.afi === 1 ? t.nextHopV4 : t.nextHopV6;
  return nh === undefined ? a : { ...a, nextHops: [nh], nextHopBytes: null };
}

/**
 * A recorded UPDATE, decoded with `from`, as UPDATEs for the target. A treat-as-withdraw UPDATE
 * (RFC 7606) is replayed as the withdrawal the recording receiver made of it. Empty when nothing
 * is left (an End-of-RIB, or only families the session does not carry). When nothing needs
 * changing, the one UPDATE returned encodes to the recorded bytes.
 */
export function adaptUpdate(m: UpdateMessage, from: CodecContext, t: Target): Adapted {
  const ctx = t.ctx;
  let dropped = 0;
  let withdrawnV4 = m.withdrawn;
  let nlriV4 = m.nlri;
  if (!t.families.has(IPV4_UNICAST)) {
    dropped += withdrawnV4.count + nlriV4.count;
    withdrawnV4 = emptyPrefixList(1);
    nlriV4 = emptyPrefixList(1);
  } else {
    withdrawnV4 = stripPathIds(withdrawnV4, IPV4_UNICAST, ctx);
    nlriV4 = stripPathIds(nlriV4, IPV4_UNICAST, ctx);
  }
  const recordedAnnouncements = m.nlri.count > 0 || m.attributes.some((a) => a.type === 'mp-reach');
  let reach: MpReachAttr | null = null;
  let unreach: MpUnreachAttr | null = null;
  let attrs: PathAttribute[] = [];
  // The whole list is converted, so the attributes keep their recorded places.
  for (const a of exportAttributes(m.attributes, from.asn4, t)) {
    if (a.type === 'mp-reach') {
      const f = ipUnicast(a.afi, a.safi);
      if (f === null || !a.nlri || !t.families.has(f)) {
        dropped += a.nlri?.count ?? 0;
        continue;
      }
      reach = rewriteMpReach({ ...a, nlri: stripPathIds(a.nlri, f, ctx) }, t);
      attrs.push(reach);
    } else if (a.type === 'mp-unreach') {
      const f = ipUnicast(a.afi, a.safi);
      if (f === null || !a.withdrawn || !t.families.has(f)) {
        dropped += a.withdrawn?.count ?? 0;
        continue;
      }
      unreach = { ...a, withdrawn: stripPathIds(a.withdrawn, f, ctx) };
      attrs.push(unreach);
    } else if (a.type === 'next-hop' && t.nextHopV4 !== undefined) {
      attrs.push({ ...a, nextHop: t.nextHopV4 });
    } else {
      attrs.push(a);
    }
  }

  const extra: UpdateMessage[] = [];
  if (isTreatAsWithdraw(m)) {
    // RFC 7606 s2: the routes of this UPDATE are withdrawn, whatever it says.
    withdrawnV4 = concatPrefixLists(withdrawnV4, nlriV4);
    nlriV4 = emptyPrefixList(1);
    const r = reach;
    if (r?.nlri && r.nlri.count > 0) {
      attrs = attrs.filter((a) => a !== r);
      const old = unreach;
      if (old?.withdrawn && old.afi === r.afi && old.safi === r.safi) {
        const merged: MpUnreachAttr = { ...old, withdrawn: concatPrefixLists(old.withdrawn, r.nlri) };
        attrs = attrs.map((a) => (a === old ? merged : a));
        unreach = merged;
      } else if (!old) {
        unreach = { type: 'mp-unreach', flags: 0x90, afi: r.afi, safi: r.safi, withdrawn: r.nlri, withdrawnBytes: null };
        attrs.push(unreach);
      } else {
        // One MP_UNREACH_NLRI per UPDATE (RFC 7606 s3(g)): the other family goes in its own.
        extra.push(...packWithdrawals(r.nlri, ctx, r.safi));
      }
    }
    reach = null;
  }

  const announcing = nlriV4.count > 0 || (reach?.nlri?.count ?? 0) > 0;
  const withdrawing = withdrawnV4.count > 0 || (unreach?.withdrawn?.count ?? 0) > 0;
  if (!announcing && !withdrawing && extra.length === 0) return dropped ? { ...NONE, dropped } : NONE;
  // Nothing left to announce of what was announced: a withdrawal, without path attributes.
  const attributes = !announcing && recordedAnnouncements ? attrs.filter((a) => a.type === 'mp-unreach' && (a.withdrawn?.count ?? 0) > 0) : attrs;
  const messages: UpdateMessage[] = [];
  if (announcing || withdrawing) messages.push(...fit({ type: 'update', withdrawn: withdrawnV4, attributes, nlri: nlriV4 }, ctx));
  messages.push(...extra);
  let announced = 0;
  let withdrawn = 0;
  for (const u of messages) {
    announced += u.nlri.count;
    withdrawn += u.withdrawn.count;
    for (const a of u.attributes) {
      if (a.type === 'mp-reach') announced += a.nlri?.count ?? 0;
      else if (a.type === 'mp-unreach') withdrawn += a.withdrawn?.count ?? 0;
    }
  }
  return { messages, announced, withdrawn, dropped };
}

/**
 * The UPDATE as is when it fits the negotiated maximum length, else split: withdrawals, then
 * announcements sharing the attributes (packWithdrawals / packAnnouncements).
 */
export function fit(u: UpdateMessage, ctx: CodecContext): UpdateMessage[] {
  if (encodingLength(u, ctx) <= maxMessageLength(ctx)) return [u];
  const out: UpdateMessage[] = [];
  if (u.withdrawn.count > 0) out.push(...packWithdrawals(u.withdrawn, ctx));
  const base: PathAttribute[] = [];
  let nextHop: string | undefined;
  for (const a of u.attributes) {
    if (a.type === 'mp-unreach') {
      if (a.withdrawn && a.withdrawn.count > 0) out.push(...packWithdrawals(a.withdrawn, ctx, a.safi));
    } else if (a.type === 'next-hop') {
      nextHop = a.nextHop;
    } else if (a.type !== 'mp-reach') {
      base.push(a);
    }
  }
  if (u.nlri.count > 0 && nextHop !== undefined) out.push(...packAnnouncements({ afi: 1, attributes: base, nextHops: [nextHop], prefixes: u.nlri }, ctx));
  for (const a of u.attributes) {
    if (a.type === 'mp-reach' && a.nlri && a.nlri.count > 0 && (a.afi === 1 || a.afi === 2)) {
      out.push(...packAnnouncements({ afi: a.afi, safi: a.safi, attributes: base, nextHops: a.nextHops, prefixes: a.nlri }, ctx));
    }
  }
  return out;
}

/** A table entry's attributes, ready for packAnnouncements: next hops apart, ASNs converted. */
export interface RouteAttributes {
  readonly attributes: readonly PathAttribute[];
  readonly nextHops: readonly string[];
}

/**
 * Splits decoded RIB-entry attributes into the shared attributes and the next hops of `afi`
 * (NEXT_HOP for IPv4, the next hop of the, in TABLE_DUMP_V2 abbreviated, MP_REACH_NLRI
 * otherwise), applying the --next-hop rewrite. Null when the entry names no usable next hop.
 * Entries of the collector's own routes carry no attributes at all: they get ORIGIN IGP and an
 * empty AS_PATH, as the router would have sent them to an internal peer.
 */
export function routeAttributes(decoded: readonly PathAttribute[], afi: 1 | 2, fromAsn4: boolean, t: Target): RouteAttributes | null {
  let nextHops: readonly string[] | null = null;
  const base: PathAttribute[] = [];
  for (const a of decoded) {
    if (a.type === 'next-hop') {
      if (afi === 1) nextHops = [a.nextHop];
    } else if (a.type === 'mp-reach') {
      if (a.nextHops.length > 0 && (a.afi === afi || a.nextHops[0]!.includes(':') === (afi === 2))) nextHops ??= a.nextHops;
    } else if (a.type !== 'mp-unreach') {
      base.push(a);
    }
  }
  const rewrite = afi === 1 ? t.nextHopV4 : t.nextHopV6;
  if (rewrite !== undefined) nextHops = [rewrite];
  if (!nextHops || nextHops.length === 0) return null;
  if (!base.some((a) => a.type === 'as-path')) base.unshift({ type: 'as-path', flags: 0x40, segments: [] });
  if (!base.some((a) => a.type === 'origin')) base.unshift({ type: 'origin', flags: 0x40, origin: 0 });
  return { attributes: exportAttributes(base, fromAsn4, t), nextHops };
}
