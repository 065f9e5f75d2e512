// Code -> codec. Attributes without a row are kept as `unknown` (opaque bytes with their flags).

import type { PathAttribute } from '../types.js';
import type { AttrCodec } from './codec.js';
import { clusterList, communities, extendedCommunities, largeCommunities, originatorId } from './communities.js';
import { mpReach, mpUnreach } from './mp.js';
import { aggregator, aigp, as4Aggregator, as4Path, asPath, atomicAggregate, localPref, med, nextHop, origin, otc } from './path.js';

const ALL = [
  origin,
  asPath,
  nextHop,
  med,
  localPref,
  atomicAggregate,
  aggregator,
  communities,
  originatorId,
  clusterList,
  mpReach,
  mpUnreach,
  extendedCommunities,
  as4Path,
  as4Aggregator,
  aigp,
  largeCommunities,
  otc,
] as unknown as readonly AttrCodec[];

export const codecByCode: readonly (AttrCodec | undefined)[] = (() => {
  const table = new Array<AttrCodec | undefined>(256).fill(undefined);
  for (const c of ALL) table[c.code] = c;
  return table;
})();

const byType: Readonly<Record<string, AttrCodec>> = Object.fromEntries(ALL.map((c) => [c.type, c]));

export function codecFor(a: PathAttribute): AttrCodec | undefined {
  return a.type === 'unknown' ? undefined : byType[a.type];
}

export function attributeCode(a: PathAttribute): number {
  return a.type === 'unknown' ? a.code : byType[a.type]!.code;
}

/** The flags a newly built attribute of this code carries (optional/transitive per its RFC). */
export function defaultFlags(code: number): number {
  return codecByCode[code]?.flags ?? 0xc0;
}
