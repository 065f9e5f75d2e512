import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeMessage,
  encodeMessage,
  endOfRib,
  endOfRibFamily,
  familyKey,
  makeContext,
  packAnnouncements,
  packWithdrawals,
  prefixList,
  prefixStrings,
  type PathAttribute,
  type UpdateMessage,
} from '../../../src/wire/index.js';

const ctx = makeContext({ asn4: true });
const base: PathAttribute[] = [
  { type: 'origin', flags: 0x40, origin: 0 },
  { type: 'as-path', flags: 0x40, segments: [{ type: 2, asns: [64512] }] },
];

function announced(u: UpdateMessage): string[] {
  const mp = u.attributes.find((a) => a.type === 'mp-reach');
  return mp && mp.type === 'mp-reach' && mp.nlri ? prefixStrings(mp.nlri) : prefixStrings(u.nlri);
}

describe('packing UPDATEs', () => {
  it('splits many IPv4 prefixes over messages within 4096 bytes, all decodable', () => {
    const prefixes = Array.from({ length: 3000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const ups = packAnnouncements({ afi: 1, attributes: base, nextHops: ['192.0.2.1'], prefixes: prefixList(1, prefixes) }, ctx);
    expect(ups.length).toBeGreaterThan(1);
    const seen: string[] = [];
    for (const u of ups) {
      const bytes = encodeMessage(u, ctx);
      expect(bytes.length).toBeLessThanOrEqual(4096);
      const back = decodeMessage(bytes, ctx).message as UpdateMessage;
      expect(back.errors).toBeUndefined();
      expect(back.attributes.find((a) => a.type === 'next-hop')).toMatchObject({ nextHop: '192.0.2.1' });
      seen.push(...announced(back));
    }
    expect(seen).toEqual(prefixes);
  });

  it('puts IPv6 (and IPv4 over an IPv6 next hop) in MP_REACH_NLRI, with a link-local next hop', () => {
    const v6 = packAnnouncements({ afi: 2, attributes: base, nextHops: ['2001:db8::1', 'fe80::1'], prefixes: prefixList(2, ['2001:db8:1::/48']) }, ctx);
    const back = decodeMessage(encodeMessage(v6[0]!, ctx), ctx).message as UpdateMessage;
    expect(back.attributes[0]).toMatchObject({ type: 'mp-reach', afi: 2, safi: 1, nextHops: ['2001:db8::1', 'fe80::1'] });
    expect(back.errors).toBeUndefined();
    const v4over6 = packAnnouncements({ afi: 1, attributes: base, nextHops: ['2001:db8::1'], prefixes: prefixList(1, ['10.0.0.0/8']) }, ctx);
    expect(v4over6[0]!.attributes[0]).toMatchObject({ type: 'mp-reach', afi: 1, nextHops: ['2001:db8::1'] });
  });

  it('withdraws in as many messages as needed, with ADD-PATH ids', () => {
    const apCtx = makeContext({ addPath: new Set([familyKey(1, 1)]) });
    const list = prefixList(1, Array.from({ length: 2000 }, (_, i) => `10.0.${i & 255}.${i >> 8}/32`), Array.from({ length: 2000 }, (_, i) => i));
    const ups = packWithdrawals(list, apCtx);
    let n = 0;
    for (const u of ups) {
      const back = decodeMessage(encodeMessage(u, apCtx), apCtx).message as UpdateMessage;
      n += back.withdrawn.count;
      expect(back.withdrawn.pathIds).not.toBeNull();
    }
    expect(n).toBe(2000);
  });

  it('End-of-RIB markers are recognised for IPv4 and IPv6 unicast', () => {
    expect(endOfRibFamily(endOfRib(1, 1))).toBe(familyKey(1, 1));
    const v6 = decodeMessage(encodeMessage(endOfRib(2, 1), ctx), ctx).message as UpdateMessage;
    expect(endOfRibFamily(v6)).toBe(familyKey(2, 1));
  });

  it('packs any set of IPv6 prefixes losslessly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.ipV6(), fc.nat(128)), { maxLength: 600 }), (items) => {
        const list = prefixList(2, items.map(([a, l]) => `${a}/${l}`));
        const ups = packAnnouncements({ afi: 2, attributes: base, nextHops: ['2001:db8::1'], prefixes: list }, ctx);
        const got = ups.flatMap((u) => announced(decodeMessage(encodeMessage(u, ctx), ctx).message as UpdateMessage));
        expect(got).toEqual(prefixStrings(list));
      }),
      { numRuns: 50 },
    );
  });
});
