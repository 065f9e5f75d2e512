// Large communities (RFC 8092) as the policy writes them: "64512:1:2", "*" for any field in
// patterns ("64512:1:*", "64512:*:*").

import type { LargeCommunity } from '../wire/index.js';

/** Each field is a number, or -1 for "any". */
export type LargeCommunityPattern = readonly [number, number, number];

function field(s: string, wildcard: boolean): number | undefined {
  if (wildcard && s === '*') return -1;
  if (!/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffffffff ? n : undefined;
}

export function parseLargeCommunityPattern(text: string, wildcards: boolean): LargeCommunityPattern | string {
  const parts = text.split(':');
  if (parts.length === 3) {
    const a = field(parts[0]!.trim(), wildcards);
    const b = field(parts[1]!.trim(), wildcards);
    const c = field(parts[2]!.trim(), wildcards);
    if (a !== undefined && b !== undefined && c !== undefined) return [a, b, c];
  }
  const forms = wildcards ? '"global:local1:local2" (0..4294967295 each, or *)' : '"global:local1:local2" (0..4294967295 each)';
  return `${JSON.stringify(text)} is not a large community; expected ${forms}`;
}

export function largeCommunityMatches(patterns: readonly LargeCommunityPattern[], c: LargeCommunity): boolean {
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i]!;
    if ((p[0] < 0 || p[0] === c[0]) && (p[1] < 0 || p[1] === c[1]) && (p[2] < 0 || p[2] === c[2])) return true;
  }
  return false;
}

export function sameLargeCommunity(a: LargeCommunity, b: LargeCommunity): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}
