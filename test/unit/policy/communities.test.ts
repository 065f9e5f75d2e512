import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/policy/index.js';
import { formatExtendedCommunity } from '../../../src/wire/index.js';
import { attr, baseAttrs, compile, errorsOf, find, route } from './helpers.js';

const c = (asn: number, v: number): number => ((asn << 16) | v) >>> 0;
const NO_EXPORT = 0xffffff01;

function matches(match: object, ...extra: Parameters<typeof baseAttrs>): boolean {
  return evaluate(compile({ terms: [{ match, then: 'accept' }] }), route('10.0.0.0/24', baseAttrs(...extra))).accept;
}

function edited<K extends 'communities' | 'large-communities' | 'extended-communities'>(
  then: object,
  kind: K,
  ...extra: Parameters<typeof baseAttrs>
): { changed: boolean; value: unknown } {
  const input = baseAttrs(...extra);
  const r = evaluate(compile({ terms: [{ then: { ...then, action: 'accept' } }] }), route('10.0.0.0/24', input));
  const found = find(r.attributes, kind) as { communities: unknown } | undefined;
  return { changed: r.attributes !== input, value: found?.communities };
}

describe('community match', () => {
  it.each([
    [['65000:100'], [c(65000, 100)], true],
    [['65000:100'], [c(65000, 101)], false],
    [['65000:*'], [c(65000, 7)], true],
    [['65000:*'], [c(65001, 7)], false],
    [['*:100'], [c(1, 100)], true],
    [['*:*'], [c(1, 2)], true],
    [['no-export'], [NO_EXPORT], true],
    [['NO-EXPORT'], [NO_EXPORT], true],
    [['65535:65281'], [NO_EXPORT], true],
    [['no-advertise'], [NO_EXPORT], false],
    [['blackhole', '65000:1'], [c(65000, 1)], true],
    [['graceful-shutdown'], [0xffff0000], true],
    [['accept-own'], [0xffff0001], true],
    [['blackhole'], [0xffff029a], true],
  ])('%j in %j: %s', (patterns, communities, expected) => {
    expect(matches({ communities: patterns }, attr.communities(...communities))).toBe(expected);
  });

  it('does not match a route without communities', () => {
    expect(matches({ communities: '*:*' })).toBe(false);
  });

  it('accepts a single pattern without a list', () => {
    expect(matches({ communities: '65000:100' }, attr.communities(c(65000, 100)))).toBe(true);
  });
});

describe('large community match', () => {
  it.each([
    ['64512:1:2', [64512, 1, 2], true],
    ['64512:1:*', [64512, 1, 99], true],
    ['64512:1:*', [64512, 2, 99], false],
    ['*:*:7', [4200000000, 1, 7], true],
    ['4294967295:0:0', [4294967295, 0, 0], true],
  ] as const)('%s in %j: %s', (pattern, community, expected) => {
    expect(matches({ largeCommunities: [pattern] }, attr.large([...community]))).toBe(expected);
  });
});

describe('extended community match', () => {
  const rtAs2 = '0002fde800000064'; // rt 65000:100, two-octet AS
  const rtAs4 = '020200010000006f'; // rt 65536:111, four-octet AS
  const rtIp = '01030a0000010007'; // soo 10.0.0.1:7
  const nonTransitiveRt = '4002fde800000064';
  const ov = '4300000000000002'; // origin-validation invalid

  it('agrees with the text json.ts prints', () => {
    for (const hex of [rtAs2, rtAs4, rtIp, nonTransitiveRt, ov]) {
      expect(matches({ extendedCommunities: [formatExtendedCommunity(hex)] }, attr.extended(hex))).toBe(true);
    }
    expect(formatExtendedCommunity(rtAs4)).toBe('rt 65536:111');
  });

  it.each([
    ['rt 65000:100', rtAs2, true],
    ['rt 65000:100', nonTransitiveRt, true],
    ['rt 65000:101', rtAs2, false],
    ['soo 65000:100', rtAs2, false],
    ['rt 65000:*', rtAs2, true],
    ['rt *:100', rtAs2, true],
    ['rt 65536:*', rtAs4, true],
    ['rt 65000:100', '0202 0000fde8 0064'.replace(/ /g, ''), true],
    ['soo 10.0.0.1:7', rtIp, true],
    ['soo 10.0.0.1:*', rtIp, true],
    ['soo 10.0.0.2:7', rtIp, false],
    ['origin-validation invalid', ov, true],
    ['origin-validation valid', ov, false],
    [rtAs2, rtAs2, true],
    [rtAs2.toUpperCase(), rtAs2, true],
  ])('%s in %s: %s', (pattern, hex, expected) => {
    expect(matches({ extendedCommunities: [pattern] }, attr.extended(hex))).toBe(expected);
  });
});

describe('community edits', () => {
  const start = attr.communities(c(65000, 1), c(65000, 2), NO_EXPORT);

  it('add appends missing values, in order, and keeps the flags', () => {
    const r = edited({ communities: { add: ['65000:3', '65000:1'] } }, 'communities', start);
    expect(r).toEqual({ changed: true, value: [c(65000, 1), c(65000, 2), NO_EXPORT, c(65000, 3)] });
  });

  it('adding values already present changes nothing (same array)', () => {
    expect(edited({ communities: { add: ['65000:2', 'no-export'] } }, 'communities', start).changed).toBe(false);
  });

  it('add creates the attribute, in type-code order', () => {
    const input = baseAttrs(attr.med(5), attr.large([1, 2, 3]));
    const r = evaluate(compile({ terms: [{ then: { communities: { add: '65000:9' }, action: 'accept' } }] }), route('10.0.0.0/24', input));
    expect(r.attributes.map((a) => a.type)).toEqual(['origin', 'as-path', 'next-hop', 'med', 'communities', 'large-communities']);
    expect(find(r.attributes, 'communities')).toEqual({ type: 'communities', flags: 0xc0, communities: [c(65000, 9)] });
  });

  it('remove deletes every community matching a pattern', () => {
    expect(edited({ communities: { remove: ['65000:*'] } }, 'communities', start).value).toEqual([NO_EXPORT]);
    expect(edited({ communities: { remove: 'no-export' } }, 'communities', start).value).toEqual([c(65000, 1), c(65000, 2)]);
  });

  it('removing the last one removes the attribute; removing none changes nothing', () => {
    expect(edited({ communities: { remove: ['*:*'] } }, 'communities', start)).toEqual({ changed: true, value: undefined });
    expect(edited({ communities: { remove: ['65001:*'] } }, 'communities', start).changed).toBe(false);
    expect(edited({ communities: { remove: ['65001:*'] } }, 'communities').changed).toBe(false);
  });

  it('replace sets the whole list; [] deletes it; the same list changes nothing', () => {
    expect(edited({ communities: { replace: ['65000:7', '65000:7', '65000:8'] } }, 'communities', start).value).toEqual([c(65000, 7), c(65000, 8)]);
    expect(edited({ communities: { replace: [] } }, 'communities', start)).toEqual({ changed: true, value: undefined });
    expect(edited({ communities: { replace: ['65000:1', '65000:2', 'no-export'] } }, 'communities', start).changed).toBe(false);
    expect(edited({ communities: { replace: [] } }, 'communities').changed).toBe(false);
  });

  it('applies replace, then remove, then add', () => {
    const r = edited({ communities: { replace: ['65000:1', '65001:1'], remove: '65001:*', add: '65002:2' } }, 'communities', start);
    expect(r.value).toEqual([c(65000, 1), c(65002, 2)]);
  });

  it('large communities: add, remove by pattern, replace', () => {
    const large = attr.large([64512, 1, 1], [64512, 2, 1]);
    expect(edited({ largeCommunities: { add: '64512:3:1' } }, 'large-communities', large).value).toEqual([
      [64512, 1, 1],
      [64512, 2, 1],
      [64512, 3, 1],
    ]);
    expect(edited({ largeCommunities: { add: '64512:1:1' } }, 'large-communities', large).changed).toBe(false);
    expect(edited({ largeCommunities: { remove: '64512:1:*' } }, 'large-communities', large).value).toEqual([[64512, 2, 1]]);
    expect(edited({ largeCommunities: { replace: ['1:2:3'] } }, 'large-communities', large).value).toEqual([[1, 2, 3]]);
    expect(edited({ largeCommunities: { remove: '*:*:*' } }, 'large-communities', large).value).toBeUndefined();
  });

  it('extended communities: add encodes the text json.ts would print back', () => {
    for (const text of ['rt 65000:100', 'rt 65536:7', 'soo 192.0.2.1:5', 'origin-validation not-found', 'link-bandwidth 65000:1000']) {
      const hexes = edited({ extendedCommunities: { add: text } }, 'extended-communities').value as string[];
      expect(hexes.map(formatExtendedCommunity)).toEqual([text]);
    }
    const r = edited({ extendedCommunities: { add: ['rt 65000:100', '0002fde800000065'] } }, 'extended-communities', attr.extended('0002fde800000064'));
    expect(r).toEqual({ changed: true, value: ['0002fde800000064', '0002fde800000065'] });
    expect(edited({ extendedCommunities: { remove: 'rt 65000:*' } }, 'extended-communities', attr.extended('0002fde800000064', '0003fde800000064')).value).toEqual([
      '0003fde800000064',
    ]);
  });
});

describe('community validation', () => {
  const errors = (then: object): string[] => errorsOf({ terms: [{ then }] });
  it.each([
    [{ communities: { add: '65000:*' } }, 'policy.terms[0].then.communities.add: "65000:*" is not a community; expected "asn:value" (0..65535 each) or a well-known name (no-export, no-advertise, ...)'],
    [{ communities: { add: ['65000:1', '70000:1'] } }, 'policy.terms[0].then.communities.add[1]: "70000:1" is not a community; expected "asn:value" (0..65535 each) or a well-known name (no-export, no-advertise, ...)'],
    [{ communities: { add: 65000 } }, 'policy.terms[0].then.communities.add: must be a string, got 65000'],
    [{ communities: { replace: '65000:1' } }, 'policy.terms[0].then.communities.replace: must be a list (an empty one removes them all), got "65000:1"'],
    [{ communities: { add: [] } }, 'policy.terms[0].then.communities.add: must not be an empty list'],
    [{ communities: {} }, 'policy.terms[0].then.communities: give replace, remove or add'],
    [{ communities: { delete: ['1:1'] } }, 'policy.terms[0].then.communities.delete: unknown field (did you mean remove?); expected one of replace, remove, add'],
    [{ largeCommunities: { add: '1:2' } }, 'policy.terms[0].then.largeCommunities.add: "1:2" is not a large community; expected "global:local1:local2" (0..4294967295 each)'],
    [{ largeCommunities: { remove: '1:2:x' } }, 'policy.terms[0].then.largeCommunities.remove: "1:2:x" is not a large community; expected "global:local1:local2" (0..4294967295 each, or *)'],
    [{ extendedCommunities: { add: 'rt 65000:*' } }, 'policy.terms[0].then.extendedCommunities.add: "rt 65000:*": wildcards only match, they cannot be added'],
    [{ extendedCommunities: { add: 'rt 70000:70000' } }, 'policy.terms[0].then.extendedCommunities.add: "rt 70000:70000" cannot be encoded: with an administrator above 65535 the value must be at most 65535'],
    [{ extendedCommunities: { add: 'target 1:1' } }, 'policy.terms[0].then.extendedCommunities.add: "target 1:1" is not an extended community; expected "rt|soo|link-bandwidth <asn|ipv4>:<number>", "origin-validation valid|not-found|invalid" or 16 hex digits'],
  ])('%j', (then, message) => {
    expect(errors(then)).toEqual([message]);
  });

  it('rejects bad match patterns with their index', () => {
    expect(errorsOf({ terms: [{ match: { communities: ['1:1', 'nope'] }, then: 'accept' }] })).toEqual([
      'policy.terms[0].match.communities[1]: "nope" is not a community; expected "asn:value" (0..65535 each), "asn:*", "*:value" or a well-known name (no-export, no-advertise, ...)',
    ]);
    expect(errorsOf({ terms: [{ match: { extendedCommunities: ['soo 10.0.0.1:70000'] }, then: 'accept' }] })).toEqual([
      'policy.terms[0].match.extendedCommunities[0]: "soo 10.0.0.1:70000" cannot be encoded: with an administrator above 65535 the value must be at most 65535',
    ]);
  });
});
