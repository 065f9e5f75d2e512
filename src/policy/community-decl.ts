// Community lists of the declarative form (match patterns, values to add) for the three kinds:
// standard, large and extended. Shared by match conditions and by the edit actions.

import { parseCommunityPattern, type CommunityPattern } from './communities.js';
import { encodeExtendedCommunity, extendedCommunityMatcher, extendedCommunityPatternSource } from './extended-communities.js';
import { parseLargeCommunityPattern, type LargeCommunityPattern } from './large-communities.js';
import type { LargeCommunity } from '../wire/index.js';
import { listOf, show, type Errors } from './validate.js';

function stringItem<T>(errors: Errors, parse: (s: string) => T | string): (v: unknown, path: string) => T | undefined {
  return (v, path) => {
    // Always text: a bare number could mean a whole 32-bit community or a mistyped "asn:value".
    if (typeof v !== 'string') {
      errors.push({ path, message: `must be a string, got ${show(v)}` });
      return undefined;
    }
    const r = parse(v);
    if (typeof r === 'string') {
      errors.push({ path, message: r });
      return undefined;
    }
    return r;
  };
}

export function communityPatterns(v: unknown, path: string, errors: Errors): CommunityPattern[] | undefined {
  return listOf(v, path, errors, stringItem(errors, (s) => parseCommunityPattern(s, true)));
}

export function communityValues(v: unknown, path: string, errors: Errors): number[] | undefined {
  const list = listOf(v, path, errors, stringItem(errors, (s) => parseCommunityPattern(s, false)));
  return list && dedupe(list.map((p) => p.value), (a, b) => a === b);
}

export function largeCommunityPatterns(v: unknown, path: string, errors: Errors): LargeCommunityPattern[] | undefined {
  return listOf(v, path, errors, stringItem(errors, (s) => parseLargeCommunityPattern(s, true)));
}

export function largeCommunityValues(v: unknown, path: string, errors: Errors): LargeCommunity[] | undefined {
  const list = listOf(v, path, errors, stringItem(errors, (s) => parseLargeCommunityPattern(s, false)));
  return list && dedupe(list, (a, b) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2]);
}

export function extendedCommunityPatterns(v: unknown, path: string, errors: Errors): RegExp | undefined {
  const sources = listOf(
    v,
    path,
    errors,
    stringItem(errors, (s) => {
      const r = extendedCommunityPatternSource(s);
      return typeof r === 'string' ? { source: r } : r.error;
    }),
  );
  return sources && extendedCommunityMatcher(sources.map((s) => s.source));
}

export function extendedCommunityValues(v: unknown, path: string, errors: Errors): string[] | undefined {
  const list = listOf(
    v,
    path,
    errors,
    stringItem(errors, (s) => {
      const r = encodeExtendedCommunity(s);
      return typeof r === 'string' ? { hex: r } : r.error;
    }),
  );
  return list && dedupe(list.map((x) => x.hex), (a, b) => a === b);
}

function dedupe<T>(list: readonly T[], same: (a: T, b: T) => boolean): T[] {
  const out: T[] = [];
  for (const x of list) if (!out.some((y) => same(x, y))) out.push(x);
  return out;
}
