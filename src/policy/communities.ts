// Standard communities (RFC 1997) as the policy writes them: "65000:100", the well-known names
// src/wire/json.ts prints, and "*" for either half in patterns ("65000:*", "*:100").

/** The names json.ts prints (IANA's well-known communities registry). */
const WELL_KNOWN: Readonly<Record<string, number>> = {
  'no-export': 0xffffff01,
  'no-advertise': 0xffffff02,
  'no-export-subconfed': 0xffffff03,
  'no-peer': 0xffffff04,
  'graceful-shutdown': 0xffff0000,
  'accept-own': 0xffff0001,
  'llgr-stale': 0xffff0006,
  'no-llgr': 0xffff0007,
  blackhole: 0xffff029a,
};

/** A community pattern: a community c matches when (c & mask) === value. */
export interface CommunityPattern {
  readonly value: number;
  readonly mask: number;
}

const FORMS = '"asn:value" (0..65535 each), "asn:*", "*:value" or a well-known name (no-export, no-advertise, ...)';

function half(s: string, wildcard: boolean): number | null | undefined {
  if (wildcard && s === '*') return null;
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffff ? n : undefined;
}

/** Parses a pattern; returns an error message when the text is not one. */
export function parseCommunityPattern(text: string, wildcards: boolean): CommunityPattern | string {
  const known = WELL_KNOWN[text.toLowerCase()];
  if (known !== undefined) return { value: known, mask: 0xffffffff };
  const parts = text.split(':');
  if (parts.length === 2) {
    const hi = half(parts[0]!.trim(), wildcards);
    const lo = half(parts[1]!.trim(), wildcards);
    if (hi !== undefined && lo !== undefined) {
      if (hi === null && lo === null) return { value: 0, mask: 0 };
      const mask = (hi === null ? 0 : 0xffff0000) | (lo === null ? 0 : 0xffff);
      return { value: (((hi ?? 0) << 16) | (lo ?? 0)) >>> 0, mask: mask >>> 0 };
    }
  }
  return `${JSON.stringify(text)} is not a community; expected ${wildcards ? FORMS : FORMS.replace(', "asn:*", "*:value"', '')}`;
}

export function communityMatches(patterns: readonly CommunityPattern[], c: number): boolean {
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i]!;
    if (((c & p.mask) >>> 0) === p.value) return true;
  }
  return false;
}
