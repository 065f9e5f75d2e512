// Small operations on attribute lists. Attribute lists are immutable and shared: every change
// here returns a new list and leaves the input alone.

import type { AttrKind, PathAttribute } from '../wire/index.js';

/** RFC 9494 s4.1: LLGR_STALE (65535:6), attached to routes retained after the GR phase. */
export const LLGR_STALE = 0xffff0006;
/** RFC 9494 s4.2: NO_LLGR (65535:7): the route must not be kept as long-lived stale. */
export const NO_LLGR = 0xffff0007;

/** Optional transitive, as RFC 1997 s3 asks for COMMUNITIES. */
const COMMUNITIES_FLAGS = 0xc0;
/** Optional non-transitive (RFC 4456 s7). */
const RR_FLAGS = 0x80;

export function hasCommunity(list: readonly number[], c: number): boolean {
  for (const x of list) if (x === c) return true;
  return false;
}

export function findAttribute<K extends AttrKind>(attrs: readonly PathAttribute[], type: K): Extract<PathAttribute, { type: K }> | undefined {
  for (const a of attrs) if (a.type === type) return a as Extract<PathAttribute, { type: K }>;
  return undefined;
}

export function communitiesOf(attrs: readonly PathAttribute[]): readonly number[] {
  return findAttribute(attrs, 'communities')?.communities ?? [];
}

/** The list with community c added (COMMUNITIES created when absent). */
export function withCommunity(attrs: readonly PathAttribute[], c: number): readonly PathAttribute[] {
  const i = attrs.findIndex((a) => a.type === 'communities');
  if (i < 0) return [...attrs, { type: 'communities', flags: COMMUNITIES_FLAGS, communities: [c] }];
  const old = attrs[i] as Extract<PathAttribute, { type: 'communities' }>;
  if (hasCommunity(old.communities, c)) return attrs;
  const out = [...attrs];
  out[i] = { ...old, communities: [...old.communities, c] };
  return out;
}

export function withoutTypes(attrs: readonly PathAttribute[], types: readonly AttrKind[]): readonly PathAttribute[] {
  if (!attrs.some((a) => types.includes(a.type))) return attrs;
  return attrs.filter((a) => !types.includes(a.type));
}

/**
 * The attributes one path keeps from its UPDATE. The NLRI are the prefixes, not attributes of
 * them: MP_UNREACH_NLRI is dropped, and MP_REACH_NLRI kept for its next hop only, so a stored
 * path does not hold the whole UPDATE's prefix list alive. IPv4 NLRI (RFC 4271 field) keep no
 * MP attribute at all.
 */
export function storedAttributes(attrs: readonly PathAttribute[], mpFamily: boolean): readonly PathAttribute[] {
  let changed = false;
  for (const a of attrs) if (a.type === 'mp-unreach' || a.type === 'mp-reach') changed = true;
  // A copy of exactly the right size: arrays built by push() keep room for 17 elements, which
  // for the 8 or so attributes of an UPDATE is 70 bytes per stored path set left unused.
  if (!changed) return attrs.slice();
  const out: PathAttribute[] = [];
  for (const a of attrs) {
    if (a.type === 'mp-unreach') continue;
    if (a.type === 'mp-reach') {
      if (mpFamily) out.push(a.nlri === null && a.nlriBytes === null ? a : { ...a, nlri: null, nlriBytes: null });
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * RFC 4456 s8, when reflecting: "A BGP speaker SHOULD NOT create an ORIGINATOR_ID attribute if
 * one already exists" (otherwise it is the BGP Identifier of the peer the route came from), and
 * "when an RR reflects a route, it MUST prepend the local CLUSTER_ID to the CLUSTER_LIST. If the
 * CLUSTER_LIST is empty, it MUST create a new one."
 */
export function reflectedAttributes(attrs: readonly PathAttribute[], fromRouterId: string, clusterId: string): readonly PathAttribute[] {
  const out: PathAttribute[] = [];
  let sawOriginator = false;
  let sawCluster = false;
  for (const a of attrs) {
    if (a.type === 'originator-id') sawOriginator = true;
    if (a.type === 'cluster-list') {
      sawCluster = true;
      out.push({ ...a, clusterIds: [clusterId, ...a.clusterIds] });
    } else {
      out.push(a);
    }
  }
  if (!sawOriginator) out.push({ type: 'originator-id', flags: RR_FLAGS, originatorId: fromRouterId });
  if (!sawCluster) out.push({ type: 'cluster-list', flags: RR_FLAGS, clusterIds: [clusterId] });
  return out;
}

/** Structural equality of two attribute lists (identical objects short-cut the walk). */
export function sameAttributes(a: readonly PathAttribute[], b: readonly PathAttribute[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (x instanceof Uint8Array || y instanceof Uint8Array || x instanceof Uint32Array || y instanceof Uint32Array) {
    const a = x as ArrayLike<number>;
    const b = y as ArrayLike<number>;
    if (a.constructor !== b.constructor || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x)) {
    const ya = y as unknown[];
    if (x.length !== ya.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], ya[i])) return false;
    return true;
  }
  const xo = x as Record<string, unknown>;
  const yo = y as Record<string, unknown>;
  const keys = Object.keys(xo);
  if (keys.length !== Object.keys(yo).length) return false;
  for (const k of keys) if (!sameValue(xo[k], yo[k])) return false;
  return true;
}
