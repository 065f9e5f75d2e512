import { describe, expect, it } from 'vitest';
import { acceptAll, evaluate, onlyPrefixes, PolicyCompileError, rejectAll } from '../../../src/policy/index.js';
import { baseAttrs, route } from './helpers.js';

const attrs = baseAttrs();
const accepted = (p: typeof acceptAll, prefix: string): boolean => evaluate(p, route(prefix, attrs)).accept;

describe('ready policies', () => {
  it('acceptAll and rejectAll', () => {
    expect(evaluate(acceptAll, route('10.0.0.0/8', attrs))).toEqual({ accept: true, attributes: attrs });
    expect(evaluate(rejectAll, route('2001:db8::/32', attrs))).toEqual({ accept: false, attributes: attrs });
  });

  it('onlyPrefixes: the pod /26 blocks and the service /32s of a Calico cluster', () => {
    const fib = onlyPrefixes([{ prefix: '10.244.0.0/16', ge: 26, le: 26 }, '10.96.0.0/12 ge 32']);
    expect(accepted(fib, '10.244.7.192/26')).toBe(true);
    expect(accepted(fib, '10.244.0.0/16')).toBe(false);
    expect(accepted(fib, '10.244.7.0/24')).toBe(false);
    expect(accepted(fib, '10.96.0.10/32')).toBe(true);
    expect(accepted(fib, '10.111.255.255/32')).toBe(true);
    expect(accepted(fib, '10.112.0.1/32')).toBe(false);
    expect(accepted(fib, '10.96.0.0/24')).toBe(false);
    expect(accepted(fib, '0.0.0.0/0')).toBe(false);
    expect(evaluate(fib, route('10.244.7.192/26', attrs))).toEqual({ accept: true, attributes: attrs, matchedTerm: 'allowed-prefixes' });
  });

  it('onlyPrefixes applies a shared range to plain strings', () => {
    const p = onlyPrefixes(['fd00:10:244::/56', 'fd00:10:245::/56'], { ge: 64, le: 64 });
    expect(accepted(p, 'fd00:10:244:1::/64')).toBe(true);
    expect(accepted(p, 'fd00:10:245:ff::/64')).toBe(true);
    expect(accepted(p, 'fd00:10:244:1::/80')).toBe(false);
    expect(accepted(p, 'fd00:10:244::/56')).toBe(false);
    // ge 64 is past the IPv4 maximum: a range shared by both families is an error.
    expect(() => onlyPrefixes(['10.244.0.0/16'], { ge: 64 })).toThrow(PolicyCompileError);
  });

  it('onlyPrefixes with no prefixes rejects everything; bad input throws with the path', () => {
    expect(accepted(onlyPrefixes([]), '10.0.0.0/8')).toBe(false);
    expect(() => onlyPrefixes(['10.0.0.0/33'])).toThrow('only-prefixes.terms[0].match.prefixList[0]: "10.0.0.0/33" is not a prefix');
  });
});
