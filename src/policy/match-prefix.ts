// prefixList: the route's prefix against entries with length ranges (ge/le).

import { addressText, hasHostBits, parsePrefix } from './address.js';
import { PrefixSet, type PrefixEntry } from './prefix-set.js';
import type { PolicyRoute } from './types.js';
import { field, integer, isRecord, listOf, record, show, text, type Errors } from './validate.js';

const FORM = '"<prefix> [ge <n>] [le <n>]" or { prefix, ge?, le? }';

/** Builds an entry after the syntax is known; range errors go to the ge/le paths given. */
function entry(
  prefixText: string,
  ge: number | undefined,
  le: number | undefined,
  paths: { prefix: string; ge: string; le: string },
  errors: Errors,
): PrefixEntry | undefined {
  const words = new Uint32Array(4);
  const info = parsePrefix(prefixText, words);
  if (info < 0) {
    errors.push({ path: paths.prefix, message: `${JSON.stringify(prefixText)} is not a prefix` });
    return undefined;
  }
  const afi = (info >> 8) as 1 | 2;
  const length = info & 255;
  const max = afi === 1 ? 32 : 128;
  if (hasHostBits(words, length, afi === 1 ? 1 : 4)) {
    const canonical = `${addressText(afi, words, length)}/${length}`;
    errors.push({ path: paths.prefix, message: `${JSON.stringify(prefixText)} has host bits set (the prefix is ${canonical})` });
    return undefined;
  }
  let ok = true;
  const check = (n: number | undefined, name: 'ge' | 'le', path: string): void => {
    if (n === undefined) return;
    if (n < length) {
      errors.push({ path, message: `${name} ${n} is shorter than the prefix length ${length} of ${prefixText}` });
      ok = false;
    } else if (n > max) {
      errors.push({ path, message: `${name} ${n} is longer than ${max}, the longest ${afi === 1 ? 'IPv4' : 'IPv6'} prefix` });
      ok = false;
    }
  };
  check(ge, 'ge', paths.ge);
  check(le, 'le', paths.le);
  if (!ok) return undefined;
  // Cisco's rules: ge alone reaches the longest prefix; le alone starts at the prefix's length.
  const lo = ge ?? length;
  const hi = le ?? (ge === undefined ? length : max);
  if (lo > hi) {
    errors.push({ path: paths.le, message: `le ${hi} is below ge ${lo}` });
    return undefined;
  }
  return { afi, words, length, ge: lo, le: hi };
}

function fromText(s: string, path: string, errors: Errors): PrefixEntry | undefined {
  const tokens = s.trim().split(/\s+/);
  let ge: number | undefined;
  let le: number | undefined;
  for (let i = 1; i < tokens.length; i += 2) {
    const key = tokens[i];
    const value = tokens[i + 1];
    const n = value !== undefined && /^\d{1,3}$/.test(value) ? Number(value) : undefined;
    if ((key !== 'ge' && key !== 'le') || n === undefined || (key === 'ge' ? ge : le) !== undefined) {
      errors.push({ path, message: `${JSON.stringify(s)} is not a prefix-list entry; expected ${FORM}` });
      return undefined;
    }
    if (key === 'ge') ge = n;
    else le = n;
  }
  return entry(tokens[0]!, ge, le, { prefix: path, ge: path, le: path }, errors);
}

function fromObject(v: Record<string, unknown>, path: string, errors: Errors): PrefixEntry | undefined {
  const before = errors.length;
  record(v, path, ['prefix', 'ge', 'le'], errors);
  const prefix = text(v.prefix, field(path, 'prefix'), errors);
  const ge = v.ge === undefined ? undefined : integer(v.ge, field(path, 'ge'), 0, 128, errors);
  const le = v.le === undefined ? undefined : integer(v.le, field(path, 'le'), 0, 128, errors);
  if (errors.length !== before || prefix === undefined) return undefined;
  return entry(prefix, ge, le, { prefix: field(path, 'prefix'), ge: field(path, 'ge'), le: field(path, 'le') }, errors);
}

export function prefixEntries(v: unknown, path: string, errors: Errors): PrefixEntry[] | undefined {
  return listOf(v, path, errors, (item, p) => {
    if (typeof item === 'string') return fromText(item, p, errors);
    if (isRecord(item)) return fromObject(item, p, errors);
    errors.push({ path: p, message: `must be ${FORM}, got ${show(item)}` });
    return undefined;
  });
}

// The route's prefix, parsed once per distinct text: consecutive tests of one evaluation (and
// terms that each test the prefix) share it. Evaluation is synchronous, so one buffer serves all.
const routeWords = new Uint32Array(4);
let routeText: string | undefined;
let routeInfo = -1;

function routePrefix(route: PolicyRoute): number {
  const s = route.prefix;
  if (s !== routeText) {
    const info = parsePrefix(s, routeWords);
    if (info < 0) {
      routeText = undefined; // the buffer was partly overwritten
      throw new TypeError(`policy: route prefix ${JSON.stringify(s)} is not a prefix`);
    }
    routeText = s;
    routeInfo = info;
  }
  return routeInfo;
}

export function prefixTest(entries: readonly PrefixEntry[]): (route: PolicyRoute) => boolean {
  const set = new PrefixSet(entries);
  return (route) => {
    const info = routePrefix(route);
    return set.has(info >> 8, routeWords, info & 255);
  };
}
