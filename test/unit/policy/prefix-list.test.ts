import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, onlyPrefixes, type PrefixMatchDecl } from '../../../src/policy/index.js';
import { baseAttrs, compile, errorsOf, route } from './helpers.js';

const attrs = baseAttrs();
function accepts(entries: PrefixMatchDecl[], prefix: string): boolean {
  return evaluate(compile({ terms: [{ match: { prefixList: entries }, then: 'accept' }] }), route(prefix, attrs)).accept;
}

describe('prefix lists: ge/le edges (IPv4)', () => {
  it.each([
    // entry, route, expected
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.0.0.0/9', false],
    ['10.0.0.0/8', '11.0.0.0/8', false],
    ['10.0.0.0/8', '10.0.0.0/7', false],
    ['10.0.0.0/8 ge 24', '10.1.2.0/23', false],
    ['10.0.0.0/8 ge 24', '10.1.2.0/24', true],
    ['10.0.0.0/8 ge 24', '10.255.255.255/32', true],
    ['10.0.0.0/8 ge 24', '11.1.2.0/24', false],
    ['10.0.0.0/8 le 24', '10.0.0.0/8', true],
    ['10.0.0.0/8 le 24', '10.0.0.0/24', true],
    ['10.0.0.0/8 le 24', '10.0.0.0/25', false],
    ['10.244.0.0/16 ge 26 le 26', '10.244.3.64/26', true],
    ['10.244.0.0/16 ge 26 le 26', '10.244.3.0/25', false],
    ['10.244.0.0/16 ge 26 le 26', '10.244.3.0/27', false],
    ['10.244.0.0/16 ge 26 le 26', '10.245.3.64/26', false],
    ['10.244.0.0/16 ge 16 le 16', '10.244.0.0/16', true],
    ['0.0.0.0/0', '0.0.0.0/0', true],
    ['0.0.0.0/0', '10.0.0.0/8', false],
    ['0.0.0.0/0 le 32', '203.0.113.7/32', true],
    ['0.0.0.0/0 le 32', '2001:db8::/32', false],
    ['255.255.255.255/32', '255.255.255.255/32', true],
    ['255.255.255.254/31 le 32', '255.255.255.255/32', true],
    ['255.255.255.254/31 le 32', '255.255.255.253/32', false],
    ['128.0.0.0/1 ge 1', '127.255.255.255/32', false],
    ['128.0.0.0/1 ge 1', '128.0.0.0/32', true],
  ])('%s with %s: %s', (entry, prefix, expected) => {
    expect(accepts([entry], prefix)).toBe(expected);
  });

  it('object entries behave like text entries', () => {
    expect(accepts([{ prefix: '10.244.0.0/16', ge: 26, le: 26 }], '10.244.1.0/26')).toBe(true);
    expect(accepts([{ prefix: '10.244.0.0/16', ge: 26 }], '10.244.1.1/32')).toBe(true);
    expect(accepts([{ prefix: '10.244.0.0/16', le: 20 }], '10.244.0.0/21')).toBe(false);
  });

  it('ignores host bits past the route prefix length', () => {
    expect(accepts(['10.0.0.0/8'], '10.1.2.3/8')).toBe(true);
  });
});

describe('prefix lists: ge/le edges (IPv6)', () => {
  it.each([
    ['2001:db8::/32', '2001:db8::/32', true],
    ['2001:db8::/32', '2001:db8::/33', false],
    ['2001:db8::/32 ge 48 le 64', '2001:db8:1::/48', true],
    ['2001:db8::/32 ge 48 le 64', '2001:db8:1:2::/64', true],
    ['2001:db8::/32 ge 48 le 64', '2001:db8:1:2::/65', false],
    ['2001:db8::/32 ge 48 le 64', '2001:db9::/48', false],
    ['2001:db8::/32 ge 48 le 64', '10.0.0.0/8', false],
    ['2001:db8:0:1::/64', '2001:db8:0:1::/64', true],
    // Bits across the 32-bit word boundaries.
    ['2001:db8:8000::/33', '2001:db8:8000::/33', true],
    ['2001:db8:8000::/33', '2001:db8::/33', false],
    ['2001:db8::8000:0:0/97 le 128', '2001:db8::8000:0:1/128', true],
    ['2001:db8::8000:0:0/97 le 128', '2001:db8::7fff:0:1/128', false],
    ['2001:db8::/127 ge 128', '2001:db8::1/128', true],
    ['2001:db8::/127 ge 128', '2001:db8::2/128', false],
    ['::/0', '::/0', true],
    ['::/0 le 128', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', true],
    ['::/0 le 128', '0.0.0.0/0', false],
    ['::ffff:0:0/96 le 128', '::ffff:10.0.0.1/128', true],
  ])('%s with %s: %s', (entry, prefix, expected) => {
    expect(accepts([entry], prefix)).toBe(expected);
  });
});

describe('prefix lists: validation', () => {
  const at = (entry: unknown): string[] => errorsOf({ terms: [{ match: { prefixList: [entry] }, then: 'accept' }] });
  it.each([
    ['10.0.0.0/33', 'policy.terms[0].match.prefixList[0]: "10.0.0.0/33" is not a prefix'],
    ['10.0.0/8', 'policy.terms[0].match.prefixList[0]: "10.0.0/8" is not a prefix'],
    ['10.0.0.1', 'policy.terms[0].match.prefixList[0]: "10.0.0.1" is not a prefix'],
    ['2001:db8::/129', 'policy.terms[0].match.prefixList[0]: "2001:db8::/129" is not a prefix'],
    ['10.0.0.1/8', 'policy.terms[0].match.prefixList[0]: "10.0.0.1/8" has host bits set (the prefix is 10.0.0.0/8)'],
    ['2001:db8::1/32', 'policy.terms[0].match.prefixList[0]: "2001:db8::1/32" has host bits set (the prefix is 2001:db8::/32)'],
    ['10.0.0.0/16 ge 8', 'policy.terms[0].match.prefixList[0]: ge 8 is shorter than the prefix length 16 of 10.0.0.0/16'],
    ['10.0.0.0/16 le 33', 'policy.terms[0].match.prefixList[0]: le 33 is longer than 32, the longest IPv4 prefix'],
    ['10.0.0.0/16 ge 28 le 26', 'policy.terms[0].match.prefixList[0]: le 26 is below ge 28'],
    ['10.0.0.0/16 ge', 'policy.terms[0].match.prefixList[0]: "10.0.0.0/16 ge" is not a prefix-list entry; expected "<prefix> [ge <n>] [le <n>]" or { prefix, ge?, le? }'],
    ['10.0.0.0/16 ge 20 ge 24', 'policy.terms[0].match.prefixList[0]: "10.0.0.0/16 ge 20 ge 24" is not a prefix-list entry; expected "<prefix> [ge <n>] [le <n>]" or { prefix, ge?, le? }'],
  ])('%s', (entry, message) => {
    expect(at(entry)).toEqual([message]);
  });

  it('names the ge/le fields of object entries', () => {
    expect(at({ prefix: '10.0.0.0/16', ge: 26, le: 24 })).toEqual(['policy.terms[0].match.prefixList[0].le: le 24 is below ge 26']);
    expect(at({ prefix: '2001:db8::/32', le: 200 })).toEqual(['policy.terms[0].match.prefixList[0].le: must be an integer 0..128, got 200']);
    expect(at({ prefix: '2001:db8::/32', ge: 16 })).toEqual(['policy.terms[0].match.prefixList[0].ge: ge 16 is shorter than the prefix length 32 of 2001:db8::/32']);
    expect(at({ prefx: '10.0.0.0/8' })).toEqual([
      'policy.terms[0].match.prefixList[0].prefx: unknown field (did you mean prefix?); expected one of prefix, ge, le',
      'policy.terms[0].match.prefixList[0].prefix: must be a non-empty string, got nothing',
    ]);
    expect(at(8)).toEqual(['policy.terms[0].match.prefixList[0]: must be "<prefix> [ge <n>] [le <n>]" or { prefix, ge?, le? }, got 8']);
  });

  it('uses the caller\'s path, as the config loader will', () => {
    const decl = [{}, {}, { match: { prefixList: ['10.0.0.0/8', '10.0.0.0/33'] }, then: 'accept' }];
    const errors = errorsOf(decl, 'policies.import');
    expect(errors).toContain('policies.import[2].match.prefixList[1]: "10.0.0.0/33" is not a prefix');
  });
});

// ---------------------------------------------------------------------------------------------
// Property: the trie agrees with the definition, computed here independently with BigInt.

interface Entry {
  afi: 1 | 2;
  addr: bigint;
  length: number;
  ge: number;
  le: number;
}

const bitsOf = (afi: 1 | 2): number => (afi === 1 ? 32 : 128);
const mask = (afi: 1 | 2, addr: bigint, length: number): bigint => {
  const w = BigInt(bitsOf(afi));
  return length === 0 ? 0n : (addr >> (w - BigInt(length))) << (w - BigInt(length));
};
function text(afi: 1 | 2, addr: bigint, length: number): string {
  if (afi === 1) return `${[24n, 16n, 8n, 0n].map((s) => (addr >> s) & 255n).join('.')}/${length}`;
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((addr >> s) & 0xffffn).toString(16));
  return `${groups.join(':')}/${length}`;
}
function bruteForce(entries: Entry[], afi: 1 | 2, addr: bigint, length: number): boolean {
  return entries.some((e) => e.afi === afi && length >= e.ge && length <= e.le && mask(afi, addr, e.length) === e.addr);
}

const arbAfi = fc.constantFrom<1 | 2>(1, 2);
const arbAddr = (afi: 1 | 2): fc.Arbitrary<bigint> => fc.bigInt(0n, (1n << BigInt(bitsOf(afi))) - 1n);
const arbEntry: fc.Arbitrary<Entry> = arbAfi.chain((afi) =>
  fc.tuple(arbAddr(afi), fc.nat(bitsOf(afi)), fc.nat(bitsOf(afi)), fc.nat(bitsOf(afi))).map(([addr, length, a, b]) => {
    const max = bitsOf(afi);
    const lo = length + (a % (max - length + 1));
    const hi = lo + (b % (max - lo + 1));
    return { afi, addr: mask(afi, addr, length), length, ge: lo, le: hi };
  }),
);

describe('prefix lists: property', () => {
  it('matches exactly the prefixes the definition says', () => {
    fc.assert(
      fc.property(
        fc.array(arbEntry, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), arbAfi, fc.bigInt(0n, (1n << 128n) - 1n), fc.nat(128), fc.boolean()), { minLength: 1, maxLength: 20 }),
        (entries, probes) => {
          const policy = compile({ terms: [{ match: { prefixList: entries.map((e) => ({ prefix: text(e.afi, e.addr, e.length), ge: e.ge, le: e.le })) }, then: 'accept' }] });
          for (const [pick, afiGuess, bits, len, nearEntry] of probes) {
            // Half the probes are derived from an entry (to hit matches), half are anywhere.
            const base = entries[pick % entries.length]!;
            const afi = nearEntry ? base.afi : afiGuess;
            const width = bitsOf(afi);
            const length = len % (width + 1);
            let addr = bits & ((1n << BigInt(width)) - 1n);
            if (nearEntry) addr = base.addr | (addr & ((1n << BigInt(width - base.length)) - 1n));
            addr = mask(afi, addr, length);
            const got = evaluate(policy, route(text(afi, addr, length), attrs)).accept;
            if (got !== bruteForce(entries, afi, addr, length)) return false;
          }
          return true;
        },
      ),
      { numRuns: 400 },
    );
  });

  it('onlyPrefixes applies its range to plain entries', () => {
    fc.assert(
      fc.property(arbEntry, arbAddr(1), fc.nat(32), (e, bits, len) => {
        if (e.afi !== 1) return true;
        const policy = onlyPrefixes([text(1, e.addr, e.length)], { ge: e.ge, le: e.le });
        const addr = mask(1, e.addr | (bits & ((1n << BigInt(32 - e.length)) - 1n)), len);
        return evaluate(policy, route(text(1, addr, len), attrs)).accept === bruteForce([e], 1, addr, len);
      }),
    );
  });
});
