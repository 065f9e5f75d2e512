// Extended communities (RFC 4360, RFC 5668, RFC 8097) as the policy writes them: the text
// src/wire/json.ts prints ("rt 65000:100", "soo 192.0.2.1:7", "origin-validation valid") or the
// 16 hex digits the codec keeps. A pattern matches exactly the communities json.ts would print
// that way, whatever their encoding (two-octet AS, IPv4 or four-octet AS administrator, transitive
// bit set or not); "*" stands for either administrator field.
//
// Patterns compile to one RegExp over the 16 hex digits: alternatives of fixed-length literals
// and character classes, no nested quantifiers, so matching is linear in the (fixed) input.

const SUBTYPES: Readonly<Record<string, number>> = { rt: 0x02, soo: 0x03, 'link-bandwidth': 0x04 };
const VALIDATION = ['valid', 'not-found', 'invalid'];
const U32 = 0xffffffff;

const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0');
const any = (digits: number): string => `[0-9a-f]{${digits}}`;

type Admin = { kind: 'any' } | { kind: 'number'; value: number } | { kind: 'ipv4'; value: number };

interface Parsed {
  readonly subtype: number;
  readonly name: string;
  readonly global: Admin;
  /** -1 for "*". */
  readonly local: number;
}

const FORMS = '"rt|soo|link-bandwidth <asn|ipv4>:<number>", "origin-validation valid|not-found|invalid" or 16 hex digits';

function parseNumber(s: string): number | undefined {
  if (!/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= U32 ? n : undefined;
}

function parseAdmin(s: string): Admin | undefined {
  if (s === '*') return { kind: 'any' };
  const n = parseNumber(s);
  if (n !== undefined) return { kind: 'number', value: n };
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return { kind: 'ipv4', value: octets.reduce((v, o) => v * 256 + o, 0) };
}

function parseNamed(text: string): Parsed | undefined {
  const m = /^([a-z-]+)\s+([^\s:]+):(\S+)$/i.exec(text.trim());
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  const subtype = SUBTYPES[name];
  const global = parseAdmin(m[2]!);
  const local = m[3] === '*' ? -1 : parseNumber(m[3]!);
  if (subtype === undefined || global === undefined || local === undefined) return undefined;
  return { subtype, name, global, local };
}

function validationState(text: string): number {
  const m = /^origin-validation\s+(\S+)$/i.exec(text.trim());
  return m ? VALIDATION.indexOf(m[1]!.toLowerCase()) : -1;
}

/** The RegExp source (without anchors) matching every encoding of the text; an error message otherwise. */
export function extendedCommunityPatternSource(text: string): string | { error: string } {
  if (/^[0-9a-f]{16}$/i.test(text)) return text.toLowerCase();
  const state = validationState(text);
  if (state >= 0) return `4300${any(10)}${hex(state, 2)}`;
  const p = parseNamed(text);
  if (!p) return { error: `${JSON.stringify(text)} is not an extended community; expected ${FORMS}` };
  const sub = hex(p.subtype, 2);
  const localOf = (digits: number): string => (p.local < 0 ? any(digits) : hex(p.local, digits));
  const alternatives: string[] = [];
  const g = p.global;
  // json.ts ignores the two high bits of the type (IANA authority, transitivity): so do we.
  if (g.kind !== 'ipv4' && (g.kind === 'any' || g.value <= 0xffff)) {
    alternatives.push(`[048c]0${sub}${g.kind === 'any' ? any(4) : hex(g.value, 4)}${localOf(8)}`);
  }
  if (p.local <= 0xffff) {
    if (g.kind !== 'number') alternatives.push(`[048c]1${sub}${g.kind === 'any' ? any(8) : hex(g.value, 8)}${localOf(4)}`);
    if (g.kind !== 'ipv4') alternatives.push(`[048c]2${sub}${g.kind === 'any' ? any(8) : hex(g.value, 8)}${localOf(4)}`);
  }
  if (alternatives.length === 0) {
    return { error: `${JSON.stringify(text)} cannot be encoded: with an administrator above 65535 the value must be at most 65535` };
  }
  return alternatives.length === 1 ? alternatives[0]! : `(?:${alternatives.join('|')})`;
}

/** One RegExp for a list of patterns (any of them). */
export function extendedCommunityMatcher(sources: readonly string[]): RegExp {
  return new RegExp(`^(?:${sources.join('|')})$`);
}

/** The 16 hex digits to add for a value (no wildcards); an error message otherwise. */
export function encodeExtendedCommunity(text: string): string | { error: string } {
  if (/^[0-9a-f]{16}$/i.test(text)) return text.toLowerCase();
  const state = validationState(text);
  if (state >= 0) return `4300${'0'.repeat(10)}${hex(state, 2)}`;
  const p = parseNamed(text);
  if (!p) return { error: `${JSON.stringify(text)} is not an extended community; expected ${FORMS}` };
  if (p.global.kind === 'any' || p.local < 0) return { error: `${JSON.stringify(text)}: wildcards only match, they cannot be added` };
  // Link bandwidth is non-transitive by convention (draft-ietf-idr-link-bandwidth); rt and soo are transitive.
  const transitivity = p.name === 'link-bandwidth' ? 0x40 : 0;
  const sub = hex(p.subtype, 2);
  const g = p.global;
  if (g.kind === 'number' && g.value <= 0xffff) return `${hex(transitivity, 2)}${sub}${hex(g.value, 4)}${hex(p.local, 8)}`;
  if (p.local > 0xffff) {
    return { error: `${JSON.stringify(text)} cannot be encoded: with an administrator above 65535 the value must be at most 65535` };
  }
  const type = transitivity | (g.kind === 'ipv4' ? 0x01 : 0x02);
  return `${hex(type, 2)}${sub}${hex(g.value, 8)}${hex(p.local, 4)}`;
}
