import { describe, expect, it } from 'vitest';
import { evaluate, type PolicyRoute } from '../../../src/policy/index.js';
import { asSet, attr, baseAttrs, compile, deepFreeze, ebgpPeer, errorsOf, ibgpPeer, route, seq } from './helpers.js';

function accepts(match: object, r: PolicyRoute): boolean {
  return evaluate(compile({ terms: [{ match, then: 'accept' }] }), r).accept;
}

const v4 = route('10.0.0.0/24');
const v6attrs = deepFreeze([attr.origin(2), attr.asPath(seq(65001)), attr.mpReach6('2001:db8::1', 'fe80::1')]);
const v6 = route('2001:db8:1::/48', v6attrs);

describe('route and session conditions', () => {
  it('family', () => {
    expect(accepts({ family: 'ipv4' }, v4)).toBe(true);
    expect(accepts({ family: 'ipv4' }, v6)).toBe(false);
    expect(accepts({ family: 'ipv6' }, v6)).toBe(true);
  });

  it('routeType ibgp / ebgp', () => {
    expect(accepts({ routeType: 'ebgp' }, v4)).toBe(true);
    expect(accepts({ routeType: 'ibgp' }, v4)).toBe(false);
    expect(accepts({ routeType: 'ibgp' }, { ...v4, peer: ibgpPeer })).toBe(true);
  });

  it('peerAsn: one or any of a list', () => {
    expect(accepts({ peerAsn: 65001 }, v4)).toBe(true);
    expect(accepts({ peerAsn: [1, 65001] }, v4)).toBe(true);
    expect(accepts({ peerAsn: [1, 2] }, v4)).toBe(false);
  });

  it('peerAddress: addresses and prefixes, both families', () => {
    expect(accepts({ peerAddress: '192.0.2.1' }, v4)).toBe(true);
    expect(accepts({ peerAddress: '192.0.2.0/24' }, v4)).toBe(true);
    expect(accepts({ peerAddress: ['10.0.0.0/8', '192.0.2.2'] }, v4)).toBe(false);
    const peer6 = { ...ebgpPeer, address: 'fe80::1%eth0' };
    expect(accepts({ peerAddress: 'fe80::/10' }, { ...v4, peer: peer6 })).toBe(true);
    expect(accepts({ peerAddress: '192.0.2.0/24' }, { ...v4, peer: peer6 })).toBe(false);
  });

  it('peerAddress remembers its last verdict per address, not per call', () => {
    const policy = compile({ terms: [{ match: { peerAddress: '192.0.2.0/24' }, then: 'accept' }] });
    const other = { ...ebgpPeer, address: '198.51.100.1' };
    const verdicts = [ebgpPeer, other, other, ebgpPeer].map((peer) => evaluate(policy, { ...v4, peer }).accept);
    expect(verdicts).toEqual([true, false, false, true]);
  });
});

describe('attribute conditions', () => {
  it('nextHop: NEXT_HOP for IPv4, any MP_REACH next hop for IPv6', () => {
    expect(accepts({ nextHop: '192.0.2.1' }, v4)).toBe(true);
    expect(accepts({ nextHop: '192.0.2.0/30' }, v4)).toBe(true);
    expect(accepts({ nextHop: '192.0.2.2' }, v4)).toBe(false);
    expect(accepts({ nextHop: '2001:db8::1' }, v6)).toBe(true);
    expect(accepts({ nextHop: 'fe80::/64' }, v6)).toBe(true);
    expect(accepts({ nextHop: '2001:db8::2' }, v6)).toBe(false);
    expect(accepts({ nextHop: '192.0.2.1' }, v6)).toBe(false);
  });

  it('nextHop of an UPDATE carrying both families reads the route\'s own family', () => {
    const both = deepFreeze([attr.origin(), attr.asPath(), attr.nextHop('192.0.2.1'), attr.mpReach6('2001:db8::9')]);
    const policy = compile({ terms: [{ match: { nextHop: ['192.0.2.1'] }, then: 'accept' }] });
    // Same array, alternating families: the per-array memo must key on the family too.
    expect(evaluate(policy, route('10.0.0.0/24', both)).accept).toBe(true);
    expect(evaluate(policy, route('2001:db8::/32', both)).accept).toBe(false);
    expect(evaluate(policy, route('10.0.1.0/24', both)).accept).toBe(true);
  });

  it('origin', () => {
    expect(accepts({ origin: 'igp' }, v4)).toBe(true);
    expect(accepts({ origin: ['egp', 'incomplete'] }, v4)).toBe(false);
    expect(accepts({ origin: 'incomplete' }, v6)).toBe(true);
    expect(accepts({ origin: 'igp' }, route('10.0.0.0/24', deepFreeze([attr.nextHop('192.0.2.1')])))).toBe(false);
  });

  it('asPathLength counts an AS_SET as one (RFC 4271 s9.1.2.2)', () => {
    const r = route('10.0.0.0/24', baseAttrs().map((a) => (a.type === 'as-path' ? attr.asPath(seq(1, 2), asSet(3, 4, 5)) : a)));
    expect(accepts({ asPathLength: { min: 3, max: 3 } }, r)).toBe(true);
    expect(accepts({ asPathLength: { max: 2 } }, r)).toBe(false);
    expect(accepts({ asPathLength: { min: 4 } }, r)).toBe(false);
    expect(accepts({ asPathLength: { max: 0 } }, route('10.0.0.0/24', deepFreeze([attr.origin()])))).toBe(true);
  });

  it('every condition must hold', () => {
    const match = { prefixList: ['10.0.0.0/8 le 24'], peerAsn: 65001, origin: 'igp', asPath: '^65001_' };
    expect(accepts(match, v4)).toBe(true);
    expect(accepts({ ...match, peerAsn: 1 }, v4)).toBe(false);
    expect(accepts({ ...match, asPath: '^65002_' }, v4)).toBe(false);
    expect(accepts({ ...match, prefixList: '11.0.0.0/8 le 24' }, v4)).toBe(false);
  });

  it('an empty match block matches everything', () => {
    expect(accepts({}, v4)).toBe(true);
  });
});

describe('match validation', () => {
  const errors = (match: unknown): string[] => errorsOf({ terms: [{ match, then: 'accept' }] });
  it.each([
    [{ family: 'ipv5' }, 'policy.terms[0].match.family: must be one of ipv4, ipv6, got "ipv5"'],
    [{ routeType: 'IBGP' }, 'policy.terms[0].match.routeType: must be one of ibgp, ebgp, got "IBGP"'],
    [{ peerAsn: [65001, -1] }, 'policy.terms[0].match.peerAsn[1]: must be an integer 0..4294967295, got -1'],
    [{ peerAsn: '65001' }, 'policy.terms[0].match.peerAsn: must be an integer 0..4294967295, got "65001"'],
    [{ peerAddress: '192.0.2.300' }, 'policy.terms[0].match.peerAddress: "192.0.2.300" is not an address or prefix'],
    [{ nextHop: ['10.0.0.1/8'] }, 'policy.terms[0].match.nextHop[0]: "10.0.0.1/8" has host bits set (the prefix is 10.0.0.0/8)'],
    [{ origin: ['igp', 'bgp'] }, 'policy.terms[0].match.origin[1]: must be one of igp, egp, incomplete, got "bgp"'],
    [{ asPathLength: {} }, 'policy.terms[0].match.asPathLength: give min, max or both'],
    [{ asPathLength: { min: 3, max: 2 } }, 'policy.terms[0].match.asPathLength.max: max 2 is below min 3'],
    [{ asPathLength: 3 }, 'policy.terms[0].match.asPathLength: must be an object, got 3'],
    [{ prefixlist: ['10.0.0.0/8'] }, 'policy.terms[0].match.prefixlist: unknown field (did you mean prefixList?); expected one of family, prefixList, communities, largeCommunities, extendedCommunities, asPath, asPathLength, peerAsn, peerAddress, routeType, nextHop, origin'],
    [{ community: ['1:1'] }, 'policy.terms[0].match.community: unknown field (did you mean communities?); expected one of family, prefixList, communities, largeCommunities, extendedCommunities, asPath, asPathLength, peerAsn, peerAddress, routeType, nextHop, origin'],
    [[], 'policy.terms[0].match: must be an object, got a list'],
  ])('%j', (match, message) => {
    expect(errors(match)).toEqual([message]);
  });
});
