// Policies needed often enough to have names.

import { compilePolicyOrThrow } from './compile.js';
import type { PrefixMatchDecl } from './decl.js';
import { makePolicy } from './runtime.js';
import type { CompiledPolicy } from './types.js';

/** Every route, unchanged (the same attribute array comes back). */
export const acceptAll: CompiledPolicy = makePolicy('accept-all', [], 'accept');

/** No route: RFC 8212's default for eBGP sessions without a configured policy. */
export const rejectAll: CompiledPolicy = makePolicy('reject-all', [], 'reject');

/**
 * Accepts only routes inside the given prefixes, unchanged; rejects the rest. `range` gives the
 * prefix lengths allowed for entries written as plain strings (Cisco ge/le); entries can carry
 * their own: onlyPrefixes([{ prefix: '10.244.0.0/16', ge: 26, le: 26 }, '10.96.0.0/12 ge 32']).
 * Throws PolicyCompileError on a bad entry; an empty list rejects everything.
 */
export function onlyPrefixes(prefixes: readonly PrefixMatchDecl[], range: { ge?: number; le?: number } = {}): CompiledPolicy {
  const name = 'only-prefixes';
  if (prefixes.length === 0) return makePolicy(name, [], 'reject');
  const withRange = range.ge !== undefined || range.le !== undefined;
  const prefixList = prefixes.map((p) => (typeof p === 'string' && withRange ? { prefix: p, ...range } : p));
  return compilePolicyOrThrow({ name, default: 'reject', terms: [{ name: 'allowed-prefixes', match: { prefixList }, then: 'accept' }] }, name);
}
