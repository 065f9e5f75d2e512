import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptAll, evaluate, rejectAll } from '../../../src/policy/index.js';
import { DEFAULT_CONTEXT } from '../../../src/wire/index.js';
import { arbUpdate } from '../../helpers/arbitraries.js';
import { attr, baseAttrs, compile, deepFreeze, ebgpPeer, find, ibgpPeer, local, route } from './helpers.js';

const c = (asn: number, v: number): number => ((asn << 16) | v) >>> 0;

describe('terms and default action', () => {
  const policy = compile({
    name: 'import-from-upstream',
    default: 'accept',
    terms: [
      { name: 'tag', then: { communities: { add: '64512:1' } } },
      { name: 'no-bogons', match: { prefixList: ['10.0.0.0/8 le 32', '192.168.0.0/16 le 32'] }, then: 'reject' },
      { name: 'prefer-pods', match: { prefixList: [{ prefix: '10.244.0.0/16', ge: 26, le: 26 }] }, then: { localPref: 300, action: 'accept' } },
      { match: { prefixList: '203.0.113.0/24 le 32' }, then: { action: 'reject' } },
      { name: 'seen-tag', match: { communities: '64512:1' }, then: { med: 5, action: 'next' } },
    ],
  });

  it('the first deciding term wins, later terms are not reached', () => {
    const r = evaluate(policy, route('10.244.0.64/26'));
    expect(r).toMatchObject({ accept: false, matchedTerm: 'no-bogons' });
  });

  it('set-only terms continue, and later terms see their changes', () => {
    const r = evaluate(policy, route('198.51.100.0/24'));
    expect(r.accept).toBe(true);
    expect(r.matchedTerm).toBeUndefined();
    expect(find(r.attributes, 'communities')?.communities).toEqual([c(64512, 1)]);
    // seen-tag matched on the community the first term added.
    expect(find(r.attributes, 'med')?.med).toBe(5);
  });

  it('unnamed terms are reported by position', () => {
    expect(evaluate(policy, route('203.0.113.7/32'))).toMatchObject({ accept: false, matchedTerm: 'terms[3]' });
  });

  it('a reject carries the attributes as changed so far', () => {
    const r = evaluate(policy, route('192.168.1.0/24'));
    expect(find(r.attributes, 'communities')?.communities).toEqual([c(64512, 1)]);
  });

  it('the default of a bare list of terms is reject; of an object, what it says', () => {
    const list = compile([{ match: { peerAsn: 1 }, then: 'accept' }]);
    expect(list.defaultAction).toBe('reject');
    expect(evaluate(list, route('10.0.0.0/24')).accept).toBe(false);
    expect(evaluate(compile({ terms: [] }), route('10.0.0.0/24')).accept).toBe(false);
    expect(evaluate(compile({ default: 'accept' }), route('10.0.0.0/24')).accept).toBe(true);
    expect(evaluate(compile('accept'), route('10.0.0.0/24')).accept).toBe(true);
    expect(evaluate(compile('reject'), route('10.0.0.0/24')).accept).toBe(false);
  });

  it('exposes its shape', () => {
    expect(policy).toMatchObject({ kind: 'compiled-policy', name: 'import-from-upstream', defaultAction: 'accept' });
    expect(policy.termNames).toEqual(['tag', 'no-bogons', 'prefer-pods', 'terms[3]', 'seen-tag']);
  });

  it('weight: the last matching term that sets one wins', () => {
    const p = compile({
      default: 'accept',
      terms: [
        { then: { weight: 10 } },
        { match: { routeType: 'ibgp' }, then: { weight: 20 } },
      ],
    });
    expect(evaluate(p, route('10.0.0.0/24')).weight).toBe(10);
    expect(evaluate(p, route('10.0.0.0/24', baseAttrs(), { peer: ibgpPeer })).weight).toBe(20);
    expect('weight' in evaluate(acceptAll, route('10.0.0.0/24'))).toBe(false);
  });
});

describe('sharing and immutability', () => {
  it('never mutates the input (it is frozen) and returns the same array when nothing changed', () => {
    const attrs = baseAttrs(attr.communities(c(65000, 1)));
    const r = evaluate(compile({ default: 'accept', terms: [{ then: { communities: { add: '65000:1' } } }] }), route('10.0.0.0/24', attrs));
    expect(r.attributes).toBe(attrs);
  });

  it('prefixes of one UPDATE share the changed array, and results are frozen', () => {
    const attrs = baseAttrs();
    const p = compile({ terms: [{ match: { prefixList: '10.0.0.0/8 le 32' }, then: { localPref: 200, action: 'accept' } }] });
    const a = evaluate(p, route('10.0.0.0/24', attrs));
    const b = evaluate(p, route('10.0.1.0/24', attrs));
    expect(a.attributes).not.toBe(attrs);
    expect(b.attributes).toBe(a.attributes);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.attributes)).toBe(true);
    expect(evaluate(p, route('11.0.0.0/24', attrs))).toMatchObject({ accept: false, attributes: attrs });
  });

  it('memos are keyed on everything the verdict depends on', () => {
    const attrs = baseAttrs();
    const p = compile({
      terms: [
        { match: { communities: '65000:1' }, then: 'reject' },
        { then: { nextHop: 'peer', prepend: 1, action: 'accept' } },
      ],
    });
    const other = deepFreeze({ ...ebgpPeer, address: '192.0.2.77' });
    const local2 = deepFreeze({ ...local, asn: 64999 });
    const hop = (r: ReturnType<typeof evaluate>): unknown => [find(r.attributes, 'next-hop')?.nextHop, find(r.attributes, 'as-path')?.segments[0]?.asns[0]];
    expect(hop(evaluate(p, route('10.0.0.0/24', attrs)))).toEqual(['192.0.2.1', 64512]);
    expect(hop(evaluate(p, route('10.0.0.0/24', attrs, { peer: other })))).toEqual(['192.0.2.77', 64512]);
    expect(hop(evaluate(p, route('10.0.0.0/24', attrs, { local: local2 })))).toEqual(['192.0.2.1', 64999]);
    const tagged = baseAttrs(attr.communities(c(65000, 1)));
    expect(evaluate(p, route('10.0.0.0/24', tagged)).accept).toBe(false);
    expect(evaluate(p, route('10.0.0.0/24', attrs)).accept).toBe(true);
  });

  it('a malformed route prefix is a caller bug and throws', () => {
    const p = compile({ terms: [{ match: { prefixList: '10.0.0.0/8' }, then: 'accept' }] });
    expect(() => evaluate(p, route('10.0.0.0', baseAttrs()))).toThrow(TypeError);
    expect(evaluate(p, route('10.0.0.0/8', baseAttrs())).accept).toBe(true);
  });
});

describe('properties', () => {
  const arbAttrs = arbUpdate(DEFAULT_CONTEXT).map((u) => deepFreeze(u.attributes));
  const busy = compile({
    default: 'accept',
    terms: [
      { match: { asPath: '_6500[0-9]_' }, then: { prepend: 2 } },
      { match: { communities: ['*:1', 'no-export'] }, then: { communities: { remove: '*:1', add: '64512:9' } } },
      { then: { localPref: 120, med: '+10', origin: 'incomplete', nextHop: 'self', largeCommunities: { replace: [] }, extendedCommunities: { remove: 'rt *:*' } } },
      { match: { largeCommunities: '*:*:1' }, then: 'reject' },
    ],
  });

  it('accept-all returns the input array itself', () => {
    fc.assert(
      fc.property(arbAttrs, (attrs) => {
        const r = evaluate(acceptAll, route('10.0.0.0/24', attrs));
        return r.accept && r.attributes === attrs && evaluate(rejectAll, route('10.0.0.0/24', attrs)).attributes === attrs;
      }),
    );
  });

  it('a busy policy never mutates its (frozen) input and is deterministic', () => {
    fc.assert(
      fc.property(arbAttrs, fc.constantFrom('10.0.0.0/24', '2001:db8::/32'), (attrs, prefix) => {
        const before = JSON.stringify(attrs, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
        const r1 = evaluate(busy, route(prefix, attrs));
        const r2 = evaluate(busy, route(prefix, [...attrs]));
        const after = JSON.stringify(attrs, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
        expect(after).toBe(before);
        expect(r2.accept).toBe(r1.accept);
        expect(r2.attributes).toEqual(r1.attributes);
      }),
    );
  });
});
