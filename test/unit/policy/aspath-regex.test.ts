import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsPathRegex } from '../../../src/policy/aspath-nfa.js';
import { parseAsPathRegex } from '../../../src/policy/aspath-regex.js';
import { evaluate } from '../../../src/policy/index.js';
import { formatAsPath, type AsPathSegment } from '../../../src/wire/index.js';
import { asSet, attr, compile, deepFreeze, errorsOf, route, seq } from './helpers.js';

function regex(source: string): AsPathRegex {
  const tree = parseAsPathRegex(source);
  if (typeof tree === 'string') throw new Error(tree);
  const r = AsPathRegex.compile(source, tree);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

function pathMatches(pattern: string | string[], ...segments: AsPathSegment[]): boolean {
  const attrs = deepFreeze([attr.origin(), attr.asPath(...segments), attr.nextHop('192.0.2.1')]);
  return evaluate(compile({ terms: [{ match: { asPath: pattern }, then: 'accept' }] }), route('10.0.0.0/24', attrs)).accept;
}

describe('AS path regular expressions', () => {
  it.each([
    ['^65001_', [seq(65001, 65002)], true],
    ['^65001_', [seq(650011, 65002)], false],
    ['^65001_', [seq(65002, 65001)], false],
    ['^65001_', [seq(65001)], true],
    ['_65002$', [seq(65001, 65002)], true],
    ['_65002$', [seq(65001, 165002)], false],
    ['_65002_', [seq(1, 65002, 3)], true],
    ['_65002_', [seq(1, 650023)], false],
    ['65002', [seq(1, 650023)], true],
    ['.*', [], true],
    ['^$', [], true],
    ['^$', [seq(1)], false],
    ['^65001$', [seq(65001)], true],
    ['^65001 65002$', [seq(65001, 65002)], true],
    ['^6500[0-9]_', [seq(65007, 1)], true],
    ['^6500[0-9]_', [seq(65017, 1)], false],
    ['^6500[^7]_', [seq(65007, 1)], false],
    ['^\\d+$', [seq(4200000000)], true],
    ['^(65001|65002)_', [seq(65002, 1)], true],
    ['^(65001_)+65002$', [seq(65001, 65001, 65001, 65002)], true],
    ['^65001(_[0-9]+){2}$', [seq(65001, 1, 2)], true],
    ['^65001(_[0-9]+){2}$', [seq(65001, 1, 2, 3)], false],
    ['^(64512_){2,}', [seq(64512, 64512, 1)], true],
    ['^(64512_){2,}', [seq(64512, 1)], false],
    ['^[0-9]+_[0-9]+$', [seq(1, 2)], true],
    ['^1_?2$', [seq(12)], true],
    // AS sets print in braces, confederation sequences in parentheses: _ sees their edges.
    ['_65003_', [seq(65001), asSet(65003, 65004)], true],
    ['\\{65003 65004\\}$', [seq(65001), asSet(65003, 65004)], true],
    ['{65003 65004}$', [seq(65001), asSet(65003, 65004)], true],
    ['^\\(65010\\)_65001_', [{ type: 3, asns: [65010] }, seq(65001)], true],
    ['^65010_', [{ type: 3, asns: [65010] }, seq(65001)], false],
    ['_65011_', [{ type: 4, asns: [65010, 65011] }, seq(65001)], true],
  ] as const)('%s on %j: %s', (pattern, segments, expected) => {
    expect(pathMatches(pattern, ...(segments as readonly AsPathSegment[]))).toBe(expected);
  });

  it('matches when any pattern of a list does', () => {
    expect(pathMatches(['^1_', '_3$'], seq(2, 3))).toBe(true);
    expect(pathMatches(['^1_', '_4$'], seq(2, 3))).toBe(false);
  });

  it('reads the path merged with AS4_PATH behind AS_TRANS (RFC 6793)', () => {
    const attrs = deepFreeze([
      attr.origin(),
      attr.asPath(seq(65001, 23456)),
      attr.nextHop('192.0.2.1'),
      { type: 'as4-path', flags: 0xc0, segments: [seq(4200000001)] } as const,
    ]);
    const policy = compile({ terms: [{ match: { asPath: '_4200000001$' }, then: 'accept' }] });
    expect(evaluate(policy, route('10.0.0.0/24', attrs)).accept).toBe(true);
  });

  it('finishes quickly on patterns that make backtracking engines explode', () => {
    // In JavaScript's own RegExp these take exponential time on a path like this one (the final
    // set makes every attempt fail after trying each way to split the digits).
    const long = [seq(...Array.from({ length: 1000 }, (_, i) => 65000 + (i % 500))), asSet(1)];
    const text = formatAsPath(long);
    const t0 = performance.now();
    for (const p of ['^([0-9]+_?)+$', '^(\\d+)+$', '(.*)*(.*)*(.*)*(.*)*x', '^(([0-9]|[0-9][0-9])+_?)+$', '^(.*_)*(.*_)*65000$']) {
      expect(regex(p).test(text)).toBe(false);
      expect(pathMatches(p, ...long)).toBe(false);
    }
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('expands counted repetitions within the program limit', () => {
    const r = regex('^(65001_){0,200}$');
    expect(r.size).toBeLessThan(4096);
    expect(r.test(formatAsPath([seq(...new Array<number>(200).fill(65001))]))).toBe(true);
    expect(r.test(formatAsPath([seq(...new Array<number>(201).fill(65001))]))).toBe(false);
  });
});

describe('AS path regular expression errors', () => {
  const errors = (asPath: unknown): string[] => errorsOf({ terms: [{ match: { asPath }, then: 'accept' }] });
  it.each([
    ['^(65001', 'bad AS path regular expression "^(65001": missing ")" at offset 7'],
    ['65001)', 'bad AS path regular expression "65001)": unmatched ")" at offset 5'],
    ['*65001', 'bad AS path regular expression "*65001": nothing to repeat before "*" at offset 0'],
    ['[0-9', 'bad AS path regular expression "[0-9": missing "]" at offset 0'],
    ['[9-0]', 'bad AS path regular expression "[9-0]": range 9-0 is reversed at offset 1'],
    ['\\w', 'bad AS path regular expression "\\\\w": unknown escape "\\w" at offset 0'],
    ['1{3,2}', 'bad AS path regular expression "1{3,2}": repetition {3,2} has max below min at offset 1'],
    ['1{300}', 'bad AS path regular expression "1{300}": repetition count above 255 at offset 1'],
    ['(((1{100}){100}){100})', 'bad AS path regular expression "(((1{100}){100}){100})": pattern too complex (more than 4096 NFA states)'],
  ])('%s', (pattern, message) => {
    expect(errors(pattern)).toEqual([`policy.terms[0].match.asPath: ${message}`]);
  });

  it('names the index in a list', () => {
    expect(errors(['^1_', ''])).toEqual(['policy.terms[0].match.asPath[1]: must be a non-empty string, got ""']);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: on short texts (where backtracking is harmless) the NFA agrees with JavaScript's
// RegExp given the same pattern, `_` spelled out.

type Gen = { ours: string; js: string };
const leaf: fc.Arbitrary<Gen> = fc.constantFrom<Gen>(
  ...'0123456789 '.split('').map((c) => ({ ours: c, js: c === ' ' ? ' ' : c })),
  { ours: '.', js: '.' },
  { ours: '_', js: '(?:^|[ ,{}()[\\]]|$)' },
  { ours: '^', js: '^' },
  { ours: '$', js: '$' },
  { ours: '[0-5]', js: '[0-5]' },
  { ours: '[^1 ]', js: '[^1 ]' },
  { ours: '\\d', js: '\\d' },
  { ours: '\\{', js: '\\{' },
  { ours: '\\}', js: '\\}' },
);
const pattern: fc.Arbitrary<Gen> = fc.letrec<{ node: Gen }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((xs) => ({ ours: xs.map((x) => x.ours).join(''), js: xs.map((x) => x.js).join('') })),
    fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({ ours: `(${a.ours}|${b.ours})`, js: `(?:${a.js}|${b.js})` })),
    fc.tuple(tie('node'), fc.constantFrom('*', '+', '?', '{2}', '{0,2}', '{1,}')).map(([a, q]) => ({ ours: `(${a.ours})${q}`, js: `(?:${a.js})${q}` })),
  ),
})).node;
const shortPath = fc
  .array(fc.record({ type: fc.constantFrom<1 | 2 | 3 | 4>(1, 2, 2, 2, 3, 4), asns: fc.array(fc.constantFrom(1, 12, 105, 65001), { minLength: 1, maxLength: 3 }) }), { maxLength: 3 })
  .map((segments) => formatAsPath(segments));

describe('AS path regular expressions: property', () => {
  it('agree with RegExp on short paths', () => {
    fc.assert(
      fc.property(pattern, fc.array(shortPath, { minLength: 1, maxLength: 8 }), (p, texts) => {
        const ours = regex(p.ours);
        const js = new RegExp(p.js);
        return texts.every((t) => ours.test(t) === js.test(t));
      }),
      // Fixed seed: the oracle is JavaScript's backtracking RegExp, which a random nested
      // pattern can send into exponential time (our NFA cannot); fixed cases keep CI bounded.
      { numRuns: 1500, seed: 20261124 },
    );
  });
});
