import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PrefixTrie } from '../../../src/rib/index.js';

/** A prefix as (address words, length); IPv4 has one word, IPv6 four. */
type P = { words: number[]; len: number };

function masked(p: P): number[] {
  return p.words.map((w, k) => {
    const left = p.len - 32 * k;
    if (left >= 32) return w >>> 0;
    if (left <= 0) return 0;
    return (w & (0xffffffff << (32 - left))) >>> 0;
  });
}
const keyOf = (p: P): string => `${masked(p).join('.')}/${p.len}`;

function covers(p: P, addr: number[]): boolean {
  const m = masked(p);
  return masked({ words: addr, len: p.len }).every((w, k) => w === m[k]);
}

/** Prefixes clustered in a small space so that nesting and shared branches are common. */
const v4prefix = fc
  .tuple(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
  .map(([hi, lo, len]): P => ({ words: [((0x0a000000 | (hi << 16) | (lo & 0xffff)) >>> 0) & (lo & 0x10000 ? 0xffffffff : 0xfff0ffff)], len }));
const v6prefix = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 128 }))
  .map(([hi, w, len]): P => ({ words: [0x20010db8, hi, w & 0xff0000ff, w], len }));

function check(afi: 1 | 2, prefixes: P[], probes: number[][], deletes: number): void {
  const trie = new PrefixTrie<string>(afi, 4);
  const model = new Map<string, P>();
  prefixes.forEach((p) => {
    trie.set(p.words, 0, p.len, keyOf(p));
    model.set(keyOf(p), p);
  });
  // Delete a share of them again (every `deletes`-th distinct prefix).
  [...model.keys()].forEach((k, i) => {
    if (deletes > 0 && i % deletes === 0) {
      const p = model.get(k)!;
      expect(trie.delete(p.words, 0, p.len)).toBe(k);
      expect(trie.delete(p.words, 0, p.len)).toBeNull();
      model.delete(k);
    }
  });
  expect(trie.size).toBe(model.size);
  for (const [k, p] of model) expect(trie.get(p.words, 0, p.len)).toBe(k);
  // Longest-prefix match against brute force.
  for (const addr of [...probes, ...prefixes.map((p) => p.words)]) {
    let best: P | null = null;
    for (const p of model.values()) if (covers(p, addr) && (!best || p.len > best.len)) best = p;
    const n = trie.longestMatch(addr, 0);
    expect(n < 0 ? null : trie.valueAt(n)).toBe(best ? keyOf(best) : null);
  }
  // In-order iteration is sorted by (address, length) and complete.
  const seen = [...trie.nodesInOrder()].map((n) => trie.valueAt(n)!);
  const sorted = [...model.values()]
    .sort((a, b) => {
      const ma = masked(a);
      const mb = masked(b);
      for (let k = 0; k < ma.length; k++) if (ma[k] !== mb[k]) return ma[k]! - mb[k]!;
      return a.len - b.len;
    })
    .map(keyOf);
  expect(seen).toEqual(sorted);
  // Compaction keeps every answer.
  trie.compact();
  for (const [k, p] of model) expect(trie.get(p.words, 0, p.len)).toBe(k);
  expect([...trie.nodesInOrder()].map((n) => trie.valueAt(n)!)).toEqual(sorted);
}

describe('PrefixTrie', () => {
  it('exact match, longest match and order on a hand-made table', () => {
    const t = new PrefixTrie<string>(1);
    const add = (a: number, len: number, v: string) => t.set([a], 0, len, v);
    add(0x0a000000, 8, '10/8');
    add(0x0a010000, 16, '10.1/16');
    add(0x0a010100, 24, '10.1.1/24');
    add(0x0a020000, 16, '10.2/16');
    add(0, 0, 'default');
    expect(t.get([0x0a010000], 0, 16)).toBe('10.1/16');
    expect(t.get([0x0a010000], 0, 17)).toBeNull();
    expect(t.valueAt(t.longestMatch([0x0a010105], 0))).toBe('10.1.1/24');
    expect(t.valueAt(t.longestMatch([0x0a010205], 0))).toBe('10.1/16');
    expect(t.valueAt(t.longestMatch([0x0b000001], 0))).toBe('default');
    expect([...t.nodesInOrder()].map((n) => t.valueAt(n))).toEqual(['default', '10/8', '10.1/16', '10.1.1/24', '10.2/16']);
    t.delete([0], 0, 0);
    expect(t.longestMatch([0x0b000001], 0)).toBe(-1);
    for (const [a, l] of [[0x0a000000, 8], [0x0a010000, 16], [0x0a010100, 24], [0x0a020000, 16]] as const) t.delete([a], 0, l);
    expect(t.size).toBe(0);
    expect(t.nodes - [...t.nodesAnyOrder()].length).toBeGreaterThanOrEqual(1); // the root stays
  });

  it('removes glue nodes it no longer needs', () => {
    const t = new PrefixTrie<number>(1);
    t.set([0x0a000000], 0, 24, 1);
    t.set([0x0a000100], 0, 24, 2); // glue at /23
    t.delete([0x0a000100], 0, 24);
    t.set([0x0a000200], 0, 24, 3);
    t.delete([0x0a000000], 0, 24);
    t.delete([0x0a000200], 0, 24);
    t.compact();
    expect(t.nodes).toBe(1);
  });

  it('IPv4: LPM, exact match and order equal a brute-force model', () => {
    fc.assert(
      fc.property(fc.array(v4prefix, { maxLength: 120 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 30 }), fc.integer({ min: 0, max: 4 }), (ps, probes, del) => {
        check(1, ps, probes.map((a) => [(0x0a000000 | (a & 0xffffff)) >>> 0]), del);
      }),
      { numRuns: 200 },
    );
  });

  it('IPv6: LPM, exact match and order equal a brute-force model', () => {
    fc.assert(
      fc.property(fc.array(v6prefix, { maxLength: 80 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }), fc.integer({ min: 0, max: 4 }), (ps, probes, del) => {
        check(2, ps, probes.map((w) => [0x20010db8, w & 3, w & 0xff0000ff, w]), del);
      }),
      { numRuns: 150 },
    );
  });
});
