// Routes for policy tests: attributes are deeply frozen, so a policy that mutates them throws.
import { compilePolicy, type CompiledPolicy, type PolicyRoute } from '../../../src/policy/index.js';
import { formatPolicyError } from '../../../src/policy/index.js';
import type { AsPathSegment, PathAttribute } from '../../../src/wire/index.js';

export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export const seq = (...asns: number[]): AsPathSegment => ({ type: 2, asns });
export const asSet = (...asns: number[]): AsPathSegment => ({ type: 1, asns });

export const attr = {
  origin: (origin: 0 | 1 | 2 = 0): PathAttribute => ({ type: 'origin', flags: 0x40, origin }),
  asPath: (...segments: AsPathSegment[]): PathAttribute => ({ type: 'as-path', flags: 0x40, segments }),
  nextHop: (nextHop: string): PathAttribute => ({ type: 'next-hop', flags: 0x40, nextHop }),
  med: (med: number): PathAttribute => ({ type: 'med', flags: 0x80, med }),
  localPref: (localPref: number): PathAttribute => ({ type: 'local-pref', flags: 0x40, localPref }),
  communities: (...communities: number[]): PathAttribute => ({ type: 'communities', flags: 0xc0, communities }),
  large: (...communities: [number, number, number][]): PathAttribute => ({ type: 'large-communities', flags: 0xc0, communities }),
  extended: (...communities: string[]): PathAttribute => ({ type: 'extended-communities', flags: 0xc0, communities }),
  mpReach6: (...nextHops: string[]): PathAttribute => ({
    type: 'mp-reach',
    flags: 0x90,
    afi: 2,
    safi: 1,
    nextHops,
    nextHopBytes: null,
    reserved: 0,
    nlri: null,
    nlriBytes: null,
  }),
};

/** ORIGIN IGP, AS_PATH 65001 65002, NEXT_HOP 192.0.2.1: a typical eBGP route. */
export function baseAttrs(...extra: PathAttribute[]): readonly PathAttribute[] {
  return deepFreeze([attr.origin(0), attr.asPath(seq(65001, 65002)), attr.nextHop('192.0.2.1'), ...extra]);
}

export const ebgpPeer = deepFreeze({ address: '192.0.2.1', asn: 65001, ibgp: false });
export const ibgpPeer = deepFreeze({ address: '10.0.0.2', asn: 64512, ibgp: true, routerId: '10.0.0.2' });
export const local = deepFreeze({ asn: 64512, routerId: '10.0.0.1', address: '10.0.0.1' });

export function route(prefix: string, attributes: readonly PathAttribute[] = baseAttrs(), over: Partial<PolicyRoute> = {}): PolicyRoute {
  return { prefix, afi: prefix.includes(':') ? 2 : 1, attributes, peer: ebgpPeer, local, ...over };
}

export function compile(decl: unknown): CompiledPolicy {
  const r = compilePolicy(decl);
  if (Array.isArray(r)) throw new Error(r.map(formatPolicyError).join('\n'));
  return r;
}

export function errorsOf(decl: unknown, path?: string): string[] {
  const r = compilePolicy(decl, path);
  return Array.isArray(r) ? r.map(formatPolicyError) : [];
}

export function find<K extends PathAttribute['type']>(attrs: readonly PathAttribute[], type: K): Extract<PathAttribute, { type: K }> | undefined {
  return attrs.find((a) => a.type === type) as Extract<PathAttribute, { type: K }> | undefined;
}
