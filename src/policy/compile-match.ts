// The `match` block: every condition given must hold. Conditions on the route itself (prefix,
// family, peer) run on every evaluation; conditions on the attributes alone are memoised by the
// term per attribute array (see runtime.ts), since the prefixes of one UPDATE share it.

import type { PathAttribute } from '../wire/index.js';
import { parseAddress, parseRange, rangeContains, type AddressRange } from './address.js';
import { AsPathRegex } from './aspath-nfa.js';
import { parseAsPathRegex } from './aspath-regex.js';
import { AsPathMatcher, pathLength } from './aspath.js';
import { findAttr, findMpReach } from './attributes.js';
import { communityMatches } from './communities.js';
import { communityPatterns, extendedCommunityPatterns, largeCommunityPatterns } from './community-decl.js';
import { largeCommunityMatches } from './large-communities.js';
import { prefixEntries, prefixTest } from './match-prefix.js';
import type { PolicyRoute } from './types.js';
import { field, integer, listOf, oneOf, record, text, type Errors } from './validate.js';

export type RouteTest = (route: PolicyRoute) => boolean;
export type AttrTest = (attrs: readonly PathAttribute[], afi: 1 | 2) => boolean;

export interface CompiledMatch {
  readonly routeTests: readonly RouteTest[];
  readonly attrTests: readonly AttrTest[];
}

export const MATCH_FIELDS = [
  'family',
  'prefixList',
  'communities',
  'largeCommunities',
  'extendedCommunities',
  'asPath',
  'asPathLength',
  'peerAsn',
  'peerAddress',
  'routeType',
  'nextHop',
  'origin',
] as const;

const ORIGINS = ['igp', 'egp', 'incomplete'] as const;
const U32 = 0xffffffff;

export function compileMatch(v: unknown, path: string, errors: Errors): CompiledMatch | undefined {
  const m = record(v, path, MATCH_FIELDS, errors);
  if (!m) return undefined;
  const before = errors.length;
  const routeTests: RouteTest[] = [];
  const attrTests: AttrTest[] = [];
  const at = (key: string): string => field(path, key);

  // Cheapest first: they run on every route.
  if (m.family !== undefined) {
    const family = oneOf(m.family, at('family'), ['ipv4', 'ipv6'], errors);
    const afi = family === 'ipv4' ? 1 : 2;
    routeTests.push((route) => route.afi === afi);
  }
  if (m.routeType !== undefined) {
    const ibgp = oneOf(m.routeType, at('routeType'), ['ibgp', 'ebgp'], errors) === 'ibgp';
    routeTests.push((route) => route.peer.ibgp === ibgp);
  }
  if (m.peerAsn !== undefined) {
    const asns = listOf(m.peerAsn, at('peerAsn'), errors, (x, p) => integer(x, p, 0, U32, errors));
    if (asns) routeTests.push((route) => asns.includes(route.peer.asn));
  }
  if (m.peerAddress !== undefined) {
    const ranges = addressRanges(m.peerAddress, at('peerAddress'), errors);
    if (ranges) routeTests.push(peerAddressTest(ranges));
  }
  if (m.prefixList !== undefined) {
    const entries = prefixEntries(m.prefixList, at('prefixList'), errors);
    if (entries) routeTests.push(prefixTest(entries));
  }

  if (m.origin !== undefined) {
    const origins = listOf(m.origin, at('origin'), errors, (x, p) => oneOf(x, p, ORIGINS, errors));
    if (origins) {
      const codes = origins.map((o) => ORIGINS.indexOf(o));
      attrTests.push((attrs) => {
        const a = findAttr(attrs, 'origin');
        return a !== undefined && codes.includes(a.origin);
      });
    }
  }
  if (m.nextHop !== undefined) {
    const ranges = addressRanges(m.nextHop, at('nextHop'), errors);
    if (ranges) attrTests.push(nextHopTest(ranges));
  }
  if (m.communities !== undefined) {
    const patterns = communityPatterns(m.communities, at('communities'), errors);
    if (patterns) {
      attrTests.push((attrs) => {
        const a = findAttr(attrs, 'communities');
        if (a) for (const c of a.communities) if (communityMatches(patterns, c)) return true;
        return false;
      });
    }
  }
  if (m.largeCommunities !== undefined) {
    const patterns = largeCommunityPatterns(m.largeCommunities, at('largeCommunities'), errors);
    if (patterns) {
      attrTests.push((attrs) => {
        const a = findAttr(attrs, 'large-communities');
        if (a) for (const c of a.communities) if (largeCommunityMatches(patterns, c)) return true;
        return false;
      });
    }
  }
  if (m.extendedCommunities !== undefined) {
    const re = extendedCommunityPatterns(m.extendedCommunities, at('extendedCommunities'), errors);
    if (re) {
      attrTests.push((attrs) => {
        const a = findAttr(attrs, 'extended-communities');
        if (a) for (const c of a.communities) if (re.test(c)) return true;
        return false;
      });
    }
  }
  if (m.asPathLength !== undefined) {
    const range = lengthRange(m.asPathLength, at('asPathLength'), errors);
    if (range) {
      const [min, max] = range;
      attrTests.push((attrs) => {
        const n = pathLength(attrs);
        return n >= min && n <= max;
      });
    }
  }
  if (m.asPath !== undefined) {
    const patterns = listOf(m.asPath, at('asPath'), errors, (x, p) => asPathRegex(x, p, errors));
    if (patterns) {
      const matcher = new AsPathMatcher(patterns);
      attrTests.push((attrs) => matcher.matches(attrs));
    }
  }
  return errors.length === before ? { routeTests, attrTests } : undefined;
}

function asPathRegex(v: unknown, path: string, errors: Errors): AsPathRegex | undefined {
  const source = text(v, path, errors);
  if (source === undefined) return undefined;
  const tree = parseAsPathRegex(source);
  const compiled = typeof tree === 'string' ? tree : AsPathRegex.compile(source, tree);
  if (typeof compiled === 'string') {
    errors.push({ path, message: `bad AS path regular expression ${JSON.stringify(source)}: ${compiled}` });
    return undefined;
  }
  return compiled;
}

function lengthRange(v: unknown, path: string, errors: Errors): [number, number] | undefined {
  const r = record(v, path, ['min', 'max'], errors);
  if (!r) return undefined;
  if (r.min === undefined && r.max === undefined) {
    errors.push({ path, message: 'give min, max or both' });
    return undefined;
  }
  const min = r.min === undefined ? 0 : integer(r.min, field(path, 'min'), 0, U32, errors);
  const max = r.max === undefined ? U32 : integer(r.max, field(path, 'max'), 0, U32, errors);
  if (min === undefined || max === undefined) return undefined;
  if (max < min) {
    errors.push({ path: field(path, 'max'), message: `max ${max} is below min ${min}` });
    return undefined;
  }
  return [min, max];
}

function addressRanges(v: unknown, path: string, errors: Errors): AddressRange[] | undefined {
  return listOf(v, path, errors, (x, p) => {
    const s = text(x, p, errors);
    if (s === undefined) return undefined;
    const r = parseRange(s);
    if (typeof r === 'string') {
      errors.push({ path: p, message: r });
      return undefined;
    }
    return r;
  });
}

const scratch = new Uint32Array(4);

function inRanges(ranges: readonly AddressRange[], address: string): boolean {
  const afi = parseAddress(address, scratch);
  if (afi === 0) return false;
  for (const r of ranges) if (rangeContains(r, afi, scratch)) return true;
  return false;
}

/** Peer addresses repeat for every route of a session: remember the last verdict. */
function peerAddressTest(ranges: readonly AddressRange[]): RouteTest {
  let lastAddress: string | undefined;
  let lastResult = false;
  return (route) => {
    const address = route.peer.address;
    if (address !== lastAddress) {
      lastResult = inRanges(ranges, address);
      lastAddress = address;
    }
    return lastResult;
  };
}

/** NEXT_HOP for IPv4 (or an IPv4 MP_REACH_NLRI); any next hop of the IPv6 MP_REACH_NLRI. */
function nextHopTest(ranges: readonly AddressRange[]): AttrTest {
  return (attrs, afi) => {
    if (afi === 1) {
      const nh = findAttr(attrs, 'next-hop');
      if (nh) return inRanges(ranges, nh.nextHop);
    }
    const mp = findMpReach(attrs, afi);
    if (mp) for (const a of mp.nextHops) if (inRanges(ranges, a)) return true;
    return false;
  };
}
