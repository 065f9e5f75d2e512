import { describe, expect, it } from 'vitest';
import { evaluate, type PolicyRoute } from '../../../src/policy/index.js';
import {
  DEFAULT_CONTEXT,
  decodePathAttributes,
  encodePathAttributes,
  pathAttributesLength,
  type PathAttribute,
} from '../../../src/wire/index.js';
import { asSet, attr, baseAttrs, compile, deepFreeze, errorsOf, find, ibgpPeer, local, route, seq } from './helpers.js';

function run(then: object, r: PolicyRoute = route('10.0.0.0/24')): { attrs: readonly PathAttribute[]; weight?: number; same: boolean } {
  const res = evaluate(compile({ terms: [{ then: { action: 'accept', ...then } }] }), r);
  return { attrs: res.attributes, same: res.attributes === r.attributes, ...(res.weight === undefined ? {} : { weight: res.weight }) };
}

/** The result still encodes, and decodes back to itself. */
function roundTrips(attrs: readonly PathAttribute[]): void {
  const b = new Uint8Array(pathAttributesLength(attrs, DEFAULT_CONTEXT));
  encodePathAttributes(attrs, b, 0, DEFAULT_CONTEXT);
  const back = decodePathAttributes(b, 0, b.length, DEFAULT_CONTEXT);
  expect(back.attributes.length).toBe(attrs.length);
}

describe('local-pref', () => {
  it('sets, replaces, and leaves an equal value alone', () => {
    const added = run({ localPref: 200 });
    expect(find(added.attrs, 'local-pref')).toEqual({ type: 'local-pref', flags: 0x40, localPref: 200 });
    expect(added.attrs.map((a) => a.type)).toEqual(['origin', 'as-path', 'next-hop', 'local-pref']);
    roundTrips(added.attrs);
    const r = route('10.0.0.0/24', baseAttrs(attr.localPref(100)));
    expect(find(run({ localPref: 300 }, r).attrs, 'local-pref')?.localPref).toBe(300);
    expect(run({ localPref: 100 }, r).same).toBe(true);
  });
});

describe('MED', () => {
  const withMed = route('10.0.0.0/24', baseAttrs(attr.med(50)));
  it.each([
    [{ med: 10 }, 10],
    [{ med: '+10' }, 60],
    [{ med: '-20' }, 30],
    [{ med: '-100' }, 0],
    [{ med: '+4294967295' }, 4294967295],
  ])('%j on MED 50 gives %d', (then, expected) => {
    expect(find(run(then, withMed).attrs, 'med')?.med).toBe(expected);
  });
  it('adjusting an absent MED starts from 0; +0 changes nothing', () => {
    expect(find(run({ med: '+7' }).attrs, 'med')).toEqual({ type: 'med', flags: 0x80, med: 7 });
    expect(run({ med: '+0' }, withMed).same).toBe(true);
    expect(run({ med: 50 }, withMed).same).toBe(true);
  });
});

describe('next hop', () => {
  it('an address, self (local.address) or peer (peer.address)', () => {
    expect(find(run({ nextHop: '198.51.100.1' }).attrs, 'next-hop')?.nextHop).toBe('198.51.100.1');
    expect(find(run({ nextHop: 'self' }).attrs, 'next-hop')?.nextHop).toBe(local.address);
    expect(find(run({ nextHop: 'peer' }, route('10.0.0.0/24', baseAttrs(), { peer: ibgpPeer })).attrs, 'next-hop')?.nextHop).toBe('10.0.0.2');
    expect(run({ nextHop: '192.0.2.1' }).same).toBe(true);
  });

  it('self without a local address, or of the other family, changes nothing', () => {
    expect(run({ nextHop: 'self' }, route('10.0.0.0/24', baseAttrs(), { local: { asn: 1, routerId: '1.1.1.1' } })).same).toBe(true);
    expect(run({ nextHop: '2001:db8::1' }).same).toBe(true);
  });

  it('writes an IPv6 next hop into MP_REACH_NLRI, canonical, dropping the link-local one', () => {
    const r = route('2001:db8:1::/48', deepFreeze([attr.origin(), attr.asPath(), attr.mpReach6('2001:db8::1', 'fe80::1')]));
    const out = run({ nextHop: '2001:DB8:0::9' }, r).attrs;
    expect(find(out, 'mp-reach')?.nextHops).toEqual(['2001:db8::9']);
    expect(find(out, 'mp-reach')?.afi).toBe(2);
  });

  it('adds an IPv6 MP_REACH_NLRI holding only the next hop when there was none', () => {
    const r = route('2001:db8:1::/48', deepFreeze([attr.origin(), attr.asPath()]), { local: { ...local, address: '2001:db8::ff' } });
    const mp = find(run({ nextHop: 'self' }, r).attrs, 'mp-reach');
    expect(mp).toMatchObject({ afi: 2, safi: 1, nextHops: ['2001:db8::ff'], nlri: { count: 0 } });
  });
});

describe('AS path prepend', () => {
  const path = (attrs: readonly PathAttribute[]): unknown => find(attrs, 'as-path')?.segments;
  it('own AS n times, into the leading AS_SEQUENCE', () => {
    expect(path(run({ prepend: 3 }).attrs)).toEqual([seq(64512, 64512, 64512, 65001, 65002)]);
    expect(path(run({ prepend: { count: 2 } }).attrs)).toEqual([seq(64512, 64512, 65001, 65002)]);
  });
  it('a given ASN, once by default', () => {
    expect(path(run({ prepend: { asn: 4200000000 } }).attrs)).toEqual([seq(4200000000, 65001, 65002)]);
  });
  it('a new segment before an AS_SET, or when the sequence would pass 255', () => {
    const r = route('10.0.0.0/24', deepFreeze([attr.origin(), attr.asPath(asSet(1, 2))]));
    expect(path(run({ prepend: 1 }, r).attrs)).toEqual([seq(64512), asSet(1, 2)]);
    const full = route('10.0.0.0/24', deepFreeze([attr.origin(), attr.asPath(seq(...new Array<number>(254).fill(7)))]));
    const out = run({ prepend: 2 }, full).attrs;
    expect(path(out)).toEqual([seq(64512, 64512), seq(...new Array<number>(254).fill(7))]);
    roundTrips(out);
  });
  it('creates the AS_PATH when there is none', () => {
    const r = route('10.0.0.0/24', deepFreeze([attr.origin(), attr.nextHop('192.0.2.1')]));
    const out = run({ prepend: 1 }, r).attrs;
    expect(out.map((a) => a.type)).toEqual(['origin', 'as-path', 'next-hop']);
    expect(find(out, 'as-path')).toEqual({ type: 'as-path', flags: 0x40, segments: [seq(64512)] });
  });
});

describe('origin and weight', () => {
  it('sets the origin', () => {
    expect(find(run({ origin: 'incomplete' }).attrs, 'origin')?.origin).toBe(2);
    expect(run({ origin: 'igp' }).same).toBe(true);
  });
  it('returns the weight beside the attributes, which stay as they were', () => {
    const r = run({ weight: 500 });
    expect(r).toMatchObject({ weight: 500, same: true });
  });
});

describe('several changes at once', () => {
  it('apply together, in attribute order, and encode', () => {
    const r = run({
      localPref: 150,
      med: 5,
      prepend: 2,
      nextHop: 'self',
      origin: 'egp',
      communities: { add: ['65000:1', 'no-export'] },
      largeCommunities: { add: '64512:1:1' },
      extendedCommunities: { add: 'rt 64512:1' },
    });
    expect(r.attrs.map((a) => a.type)).toEqual([
      'origin',
      'as-path',
      'next-hop',
      'med',
      'local-pref',
      'communities',
      'extended-communities',
      'large-communities',
    ]);
    roundTrips(r.attrs);
  });
});

describe('action validation', () => {
  const errors = (then: unknown): string[] => errorsOf({ terms: [{ then }] });
  it.each([
    ['allow', 'policy.terms[0].then: must be one of accept, reject, next, got "allow"'],
    [{}, 'policy.terms[0].then: is empty: give an action (accept, reject, next) or a change'],
    [{ action: 'deny' }, 'policy.terms[0].then.action: must be one of accept, reject, next, got "deny"'],
    [{ localPref: -1 }, 'policy.terms[0].then.localPref: must be an integer 0..4294967295, got -1'],
    [{ localPref: 1.5 }, 'policy.terms[0].then.localPref: must be an integer 0..4294967295, got 1.5'],
    [{ med: '10' }, 'policy.terms[0].then.med: must be an integer 0..4294967295, or "+n" / "-n" to adjust, got "10"'],
    [{ med: '+99999999999' }, 'policy.terms[0].then.med: must be an integer 0..4294967295, or "+n" / "-n" to adjust, got "+99999999999"'],
    [{ nextHop: 'me' }, 'policy.terms[0].then.nextHop: must be "self", "peer" or an address, got "me"'],
    [{ nextHop: '10.0.0.0/8' }, 'policy.terms[0].then.nextHop: must be "self", "peer" or an address, got "10.0.0.0/8"'],
    [{ prepend: 0 }, 'policy.terms[0].then.prepend: must be an integer 1..255, got 0'],
    [{ prepend: { asn: 0 } }, 'policy.terms[0].then.prepend.asn: must be an integer 1..4294967295, got 0'],
    [{ prepend: { times: 2 } }, 'policy.terms[0].then.prepend.times: unknown field; expected one of asn, count'],
    [{ weight: 70000 }, 'policy.terms[0].then.weight: must be an integer 0..65535, got 70000'],
    [{ origin: 'IGP' }, 'policy.terms[0].then.origin: must be one of igp, egp, incomplete, got "IGP"'],
    [{ localpref: 100 }, 'policy.terms[0].then.localpref: unknown field (did you mean localPref?); expected one of action, localPref, med, nextHop, origin, weight, prepend, communities, largeCommunities, extendedCommunities'],
  ])('%j', (then, message) => {
    expect(errors(then)).toEqual([message]);
  });
});
