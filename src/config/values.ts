// Parsers for the scalar values of a configuration file: AS numbers, addresses, prefixes,
// durations, ports. Each takes what YAML gave (`unknown`) and returns the value or a message
// saying what was expected and what was found; the schema (schema.ts) and the Calico reader
// (calico.ts) both use them, so the two speak the same way about the same mistakes.

import { ipv6ToString, parsePrefix, u32ToIpv4, writeU32 } from '../wire/index.js';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export interface ValueParser<T> {
  /** What a good value looks like, for "is required: expected ...". */
  readonly expected: string;
  parse(v: unknown): Parsed<T>;
}

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = (message: string): Parsed<never> => ({ ok: false, message });

/** The value as a message quotes it: JSON for scalars, a word for containers. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const expecting = (expected: string, v: unknown) => fail(`expected ${expected}, got ${show(v)}`);

function parser<T>(expected: string, parse: (v: unknown) => Parsed<T>): ValueParser<T> {
  return { expected, parse };
}

// --- numbers -------------------------------------------------------------------------------

export function integer(min: number, max: number, what = `an integer ${min}..${max}`): ValueParser<number> {
  return parser(what, (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? ok(v) : expecting(what, v)));
}

export const boolean = parser('true or false', (v) => (typeof v === 'boolean' ? ok(v) : expecting('true or false', v)));

export const u32 = integer(0, 0xffffffff, 'a number 0..4294967295');
export const port = integer(1, 65535, 'a TCP port 1..65535');

/** RFC 6793: AS_TRANS stands in for a four-octet AS on two-octet sessions; no one may use it. */
export const AS_TRANS = 23456;
const ASN_EXPECTED = 'an AS number 1..4294967295';

/**
 * An AS number: 64512, "64512", or asdot "1.10" (RFC 5396: high.low = high * 65536 + low). YAML
 * reads an unquoted 1.10 as the number 1.1; the loader keeps such scalars as their text.
 */
export const asn = parser(ASN_EXPECTED, (v) => {
  let n: number | undefined;
  if (typeof v === 'number' && Number.isInteger(v)) n = v;
  else if (typeof v === 'string') {
    const t = v.trim();
    const dot = /^(\d{1,5})\.(\d{1,5})$/.exec(t);
    if (/^\d{1,10}$/.test(t)) n = Number(t);
    else if (dot) {
      const hi = Number(dot[1]);
      const lo = Number(dot[2]);
      if (hi > 0xffff || lo > 0xffff) return fail(`expected an asdot AS number (0..65535).(0..65535), got ${show(v)}`);
      n = hi * 65536 + lo;
    }
  }
  if (n === undefined || n < 1 || n > 0xffffffff) return expecting(ASN_EXPECTED, v);
  if (n === AS_TRANS) return fail(`${AS_TRANS} is AS_TRANS (RFC 6793), which no speaker may use as its AS`);
  return ok(n);
});

/** A duration as milliseconds: a number of seconds (5, 0.5) or text with units ("5s", "500ms", "1m30s"). */
export function parseDurationMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : undefined;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return Math.round(total);
}

/** A duration in milliseconds within [min, max] ms. */
export function durationMs(minMs: number, maxMs: number): ValueParser<number> {
  const what = `a duration such as 5s or 500ms (${fmtMs(minMs)}..${fmtMs(maxMs)})`;
  return parser(what, (v) => {
    const ms = parseDurationMs(v);
    return ms === undefined || ms < minMs || ms > maxMs ? expecting(what, v) : ok(ms);
  });
}

/** A duration in whole seconds within [min, max]: 90, "90s", "2m". `zero` also allows 0. */
export function durationS(min: number, max: number, extra = ''): ValueParser<number> {
  const what = `a duration in seconds ${min}..${max}${extra} (90, "90s", "2m")`;
  return parser(what, (v) => {
    const ms = parseDurationMs(v);
    if (ms === undefined) return expecting(what, v);
    if (ms % 1000 !== 0) return fail(`expected whole seconds, got ${show(v)}`);
    const s = ms / 1000;
    return s < min || s > max ? expecting(what, v) : ok(s);
  });
}

function fmtMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** RFC 4271 s4.2: the hold time is 0 (no keepalives) or at least 3 seconds. */
export const holdTime = parser('a hold time: 0 or 3..65535 seconds', (v) => {
  const r = durationS(0, 65535).parse(v);
  if (!r.ok) return fail(`expected a hold time: 0 or 3..65535 seconds, got ${show(v)}`);
  if (r.value === 1 || r.value === 2) return fail(`a hold time is 0 or at least 3 seconds (RFC 4271 s4.2), got ${show(v)}`);
  return r;
});

// --- text ----------------------------------------------------------------------------------

export const text = parser('a non-empty string', (v) => (typeof v === 'string' && v.length > 0 ? ok(v) : expecting('a non-empty string', v)));

export function oneOf<T extends string>(options: readonly T[]): ValueParser<T> {
  const what = options.length === 2 ? `${options[0]} or ${options[1]}` : `one of ${options.join(', ')}`;
  return parser(what, (v) => (typeof v === 'string' && (options as readonly string[]).includes(v) ? ok(v as T) : expecting(what, v)));
}

export const absolutePath = parser('an absolute path', (v) =>
  typeof v === 'string' && v.startsWith('/') && !v.includes('\0') ? ok(v) : expecting('an absolute path', v),
);

export const envName = parser('an environment variable name', (v) =>
  typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? ok(v) : expecting('an environment variable name', v),
);

// --- addresses and prefixes ----------------------------------------------------------------

export interface IpValue {
  readonly afi: 1 | 2;
  readonly words: readonly number[];
  readonly length: number;
}

/** Canonical text: dotted quad, or RFC 5952 for IPv6. */
export function addressText(p: IpValue): string {
  if (p.afi === 1) return u32ToIpv4(p.words[0]!);
  const bytes = new Uint8Array(16);
  p.words.forEach((w, k) => writeU32(bytes, 4 * k, w));
  return ipv6ToString(bytes, 0);
}

function maskWord(w: number, bitsLeft: number): number {
  if (bitsLeft >= 32) return w >>> 0;
  if (bitsLeft <= 0) return 0;
  return (w & (0xffffffff << (32 - bitsLeft))) >>> 0;
}

export function networkOf(p: IpValue): IpValue {
  return { afi: p.afi, words: p.words.map((w, k) => maskWord(w, p.length - 32 * k)), length: p.length };
}

/** True when `inner` (a prefix, or an address as /32 or /128) lies inside `outer`. */
export function contains(outer: IpValue, inner: IpValue): boolean {
  if (outer.afi !== inner.afi || inner.length < outer.length) return false;
  return outer.words.every((w, k) => maskWord(w, outer.length - 32 * k) === maskWord(inner.words[k]!, outer.length - 32 * k));
}

/** An address as text, or undefined; `family` restricts it. */
export function ipAddress(v: unknown): IpValue | undefined {
  if (typeof v !== 'string' || v.includes('/') || v.includes('%')) return undefined;
  return parsePrefix(v.trim()) ?? undefined;
}

const familyWord = (family?: 1 | 2) => (family === 1 ? 'an IPv4 address' : family === 2 ? 'an IPv6 address' : 'an IP address');

/** An IP address (canonical text). */
export function address(family?: 1 | 2): ValueParser<string> {
  const what = familyWord(family);
  return parser(what, (v) => {
    if (typeof v === 'string' && v.includes('%')) return fail(`expected ${what} without a zone (%interface), got ${show(v)}`);
    if (typeof v === 'string' && v.includes('/')) return fail(`expected ${what}, not a prefix, got ${show(v)}`);
    const p = ipAddress(v);
    if (!p || (family && p.afi !== family)) return expecting(what, v);
    return ok(addressText(p));
  });
}

/** A BGP identifier: an IPv4 address other than 0.0.0.0 (RFC 6286 s2.1: non-zero). */
export const routerId = parser('a router id: an IPv4 address such as 192.0.2.1', (v) => {
  const r = address(1).parse(v);
  if (!r.ok) return fail(`expected a router id: an IPv4 address such as 192.0.2.1, got ${show(v)}`);
  if (r.value === '0.0.0.0') return fail('0.0.0.0 is not a router id (RFC 6286: it must not be zero)');
  return r;
});

export function parsePrefixValue(v: unknown): IpValue | undefined {
  if (typeof v !== 'string' || !v.includes('/') || v.includes('%')) return undefined;
  return parsePrefix(v.trim()) ?? undefined;
}

/** A prefix "address/length" without host bits (canonical text). */
export function prefix(family?: 1 | 2): ValueParser<string> {
  const what = family === 1 ? 'an IPv4 prefix such as 10.0.0.0/8' : family === 2 ? 'an IPv6 prefix such as fd00::/64' : 'a prefix such as 10.0.0.0/8 or fd00::/64';
  return parser(what, (v) => {
    const p = parsePrefixValue(v);
    if (!p || (family && p.afi !== family)) return expecting(what, v);
    const net = networkOf(p);
    if (net.words.some((w, k) => w !== p.words[k])) return fail(`${show(v)} has host bits set (the prefix is ${addressText(net)}/${p.length})`);
    return ok(`${addressText(p)}/${p.length}`);
  });
}

/** "address:port", "[v6]:port" or ":port" (all addresses); `defaultAddress` fills the last. */
export function hostPort(defaultAddress: string): ValueParser<{ address: string; port: number }> {
  const what = 'address:port, such as 127.0.0.1:9179 or [::1]:9179';
  return parser(what, (v) => {
    if (typeof v !== 'string') return expecting(what, v);
    const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(v.trim());
    if (!m) return expecting(what, v);
    const host = m[1] ?? m[2] ?? '';
    const p = Number(m[3]);
    if (p < 1 || p > 65535) return fail(`expected a port 1..65535 in ${show(v)}`);
    if (host === '') return ok({ address: defaultAddress, port: p });
    const a = ipAddress(host);
    if (!a) return fail(`expected an IP address before the port in ${show(v)}`);
    return ok({ address: addressText(a), port: p });
  });
}

// --- communities (as src/api/announcements.ts reads them) ----------------------------------

const NAMED_COMMUNITIES = ['no-export', 'no-advertise', 'no-export-subconfed', 'blackhole'];

export const community = parser('a community ASN:VALUE (16 bits each), a 32-bit number or no-export, no-advertise, no-export-subconfed, blackhole', (v) => {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return ok<string | number>(v);
  if (typeof v === 'string') {
    if (NAMED_COMMUNITIES.includes(v)) return ok<string | number>(v);
    const m = /^(\d{1,5}):(\d{1,5})$/.exec(v);
    if (m && Number(m[1]) <= 0xffff && Number(m[2]) <= 0xffff) return ok<string | number>(v);
  }
  return expecting('a community ASN:VALUE (16 bits each), a 32-bit number or no-export, no-advertise, no-export-subconfed, blackhole', v);
});

export const largeCommunity = parser('a large community GA:LD1:LD2 (32 bits each)', (v) => {
  const m = typeof v === 'string' ? /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/.exec(v) : null;
  if (m && [m[1], m[2], m[3]].every((x) => Number(x) <= 0xffffffff)) return ok(v as string);
  return expecting('a large community GA:LD1:LD2 (32 bits each)', v);
});
