// Builders for RIB tests: peers, attribute sets and UPDATEs as the decoder would produce them.
import {
  emptyPrefixList,
  prefixList,
  type AsPathSegment,
  type PathAttribute,
  type UpdateMessage,
} from '../../../src/wire/index.js';
import type { DecisionInput, PeerInfo, RibDelta } from '../../../src/rib/index.js';

export const LOCAL_AS = 65000;
export const ROUTER_ID = '192.0.2.254';

/** An eBGP peer in AS `asn` (router id and address derived from n), or iBGP with { ibgp: true }. */
export function peer(n: number, options: Partial<PeerInfo> = {}): PeerInfo {
  const ibgp = options.ibgp ?? false;
  return {
    id: `p${n}`,
    address: `10.0.0.${n}`,
    asn: ibgp ? LOCAL_AS : 65100 + n,
    routerId: `1.1.1.${n}`,
    ibgp,
    localAsn: LOCAL_AS,
    ...options,
  };
}

export interface AttrSpec {
  nextHop?: string;
  asPath?: number[];
  segments?: AsPathSegment[];
  origin?: 0 | 1 | 2;
  med?: number;
  localPref?: number;
  communities?: number[];
  originatorId?: string;
  clusterList?: string[];
}

/** ORIGIN, AS_PATH, NEXT_HOP (IPv4 only) and whatever else the spec names, in wire order. */
export function attrs(spec: AttrSpec = {}, afi: 1 | 2 = 1): PathAttribute[] {
  const out: PathAttribute[] = [
    { type: 'origin', flags: 0x40, origin: spec.origin ?? 0 },
    { type: 'as-path', flags: 0x40, segments: spec.segments ?? (spec.asPath ? [{ type: 2, asns: spec.asPath }] : []) },
  ];
  if (afi === 1) out.push({ type: 'next-hop', flags: 0x40, nextHop: spec.nextHop ?? '192.0.2.1' });
  if (spec.med !== undefined) out.push({ type: 'med', flags: 0x80, med: spec.med });
  if (spec.localPref !== undefined) out.push({ type: 'local-pref', flags: 0x40, localPref: spec.localPref });
  if (spec.communities) out.push({ type: 'communities', flags: 0xc0, communities: spec.communities });
  if (spec.originatorId) out.push({ type: 'originator-id', flags: 0x80, originatorId: spec.originatorId });
  if (spec.clusterList) out.push({ type: 'cluster-list', flags: 0x80, clusterIds: spec.clusterList });
  return out;
}

/** An IPv4 UPDATE announcing `nlri` (and withdrawing `withdrawn`), with ADD-PATH ids when given. */
export function update4(
  nlri: string[],
  spec: AttrSpec | PathAttribute[] = {},
  options: { withdrawn?: string[]; pathIds?: number[]; withdrawnPathIds?: number[] } = {},
): UpdateMessage {
  return {
    type: 'update',
    withdrawn: prefixList(1, options.withdrawn ?? [], options.withdrawnPathIds),
    attributes: nlri.length === 0 ? [] : Array.isArray(spec) ? spec : attrs(spec),
    nlri: prefixList(1, nlri, options.pathIds),
  };
}

export function withdraw4(prefixes: string[], pathIds?: number[]): UpdateMessage {
  return { type: 'update', withdrawn: prefixList(1, prefixes, pathIds), attributes: [], nlri: emptyPrefixList(1) };
}

/** An IPv6 UPDATE: MP_REACH_NLRI with the next hop and the prefixes, plus the path attributes. */
export function update6(nlri: string[], spec: AttrSpec = {}, pathIds?: number[]): UpdateMessage {
  const mp: PathAttribute = {
    type: 'mp-reach',
    flags: 0x90,
    afi: 2,
    safi: 1,
    nextHops: [spec.nextHop ?? '2001:db8::1'],
    nextHopBytes: null,
    reserved: 0,
    nlri: prefixList(2, nlri, pathIds),
    nlriBytes: null,
  };
  return { type: 'update', withdrawn: emptyPrefixList(1), attributes: [mp, ...attrs(spec, 2)], nlri: emptyPrefixList(1) };
}

export function withdraw6(prefixes: string[], pathIds?: number[]): UpdateMessage {
  const mp: PathAttribute = { type: 'mp-unreach', flags: 0x90, afi: 2, safi: 1, withdrawn: prefixList(2, prefixes, pathIds), withdrawnBytes: null };
  return { type: 'update', withdrawn: emptyPrefixList(1), attributes: [mp], nlri: emptyPrefixList(1) };
}

/** A decision input with neutral values, for comparing paths directly. */
export function candidate(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    stale: 'none',
    weight: 0,
    localPref: 100,
    local: false,
    asPathLength: 2,
    origin: 0,
    med: null,
    neighborAs: 65001,
    ebgp: true,
    nextHop: '192.0.2.1',
    routerId: '1.1.1.1',
    clusterListLength: 0,
    peerAddress: '10.0.0.1',
    pathId: 0,
    ...overrides,
  };
}

/** Deltas reduced to what tests usually compare. */
export function summary(deltas: readonly RibDelta[]): { prefix: string; peer: string | null; nextHops: string[]; added: string[]; removed: string[] }[] {
  return deltas.map((d) => ({
    prefix: d.prefix,
    peer: d.best?.peerId ?? null,
    nextHops: [...d.nextHops].sort(),
    added: [...d.added].sort(),
    removed: [...d.removed].sort(),
  }));
}
