// fast-check generators of valid BGP messages, built from the codec's own types.
import fc from 'fast-check';
import { prefixList } from '../../src/wire/prefix.js';
import type {
  AsPathSegment,
  BgpMessage,
  Capability,
  CodecContext,
  OpenMessage,
  PathAttribute,
  PrefixList,
  UpdateMessage,
} from '../../src/wire/types.js';
import { familyKey } from '../../src/wire/constants.js';

export const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const nonZeroIpv4 = ipv4.filter((s) => s !== '0.0.0.0');
const u32 = fc.nat(0xffffffff);
const u16 = fc.nat(0xffff);

export function arbPrefixList(afi: 1 | 2, withIds: boolean): fc.Arbitrary<PrefixList> {
  const max = afi === 1 ? 32 : 128;
  const one = fc.tuple(afi === 1 ? ipv4 : fc.ipV6(), fc.nat(max));
  return fc.array(fc.tuple(one, u32), { maxLength: 12 }).map((items) =>
    prefixList(
      afi,
      items.map(([[a, l]]) => `${a}/${l}`),
      withIds ? items.map(([, id]) => id) : undefined,
    ),
  );
}

const segment = (asn4: boolean): fc.Arbitrary<AsPathSegment> =>
  fc.record({
    type: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
    asns: fc.array(asn4 ? u32 : u16, { minLength: 1, maxLength: 10 }),
  });

function arbAttributes(ctx: CodecContext, withV4Nlri: boolean): fc.Arbitrary<PathAttribute[]> {
  const asn4 = ctx.asn4;
  const addPathV6 = ctx.addPath.has(familyKey(2, 1));
  const optional: fc.Arbitrary<PathAttribute>[] = [
    u32.map((med) => ({ type: 'med', flags: 0x80, med }) as const),
    u32.map((localPref) => ({ type: 'local-pref', flags: 0x40, localPref }) as const),
    fc.constant({ type: 'atomic-aggregate', flags: 0x40 } as const),
    fc.tuple(asn4 ? u32 : u16, ipv4).map(([asn, address]) => ({ type: 'aggregator', flags: 0xc0, asn, address, as4: asn4 }) as const),
    fc.array(u32, { minLength: 1, maxLength: 8 }).map((communities) => ({ type: 'communities', flags: 0xc0, communities }) as const),
    ipv4.map((originatorId) => ({ type: 'originator-id', flags: 0x80, originatorId }) as const),
    fc.array(ipv4, { minLength: 1, maxLength: 4 }).map((clusterIds) => ({ type: 'cluster-list', flags: 0x80, clusterIds }) as const),
    fc
      .array(fc.uint8Array({ minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 4 })
      .map((xs) => ({ type: 'extended-communities', flags: 0xc0, communities: xs.map((x) => Buffer.from(x).toString('hex')) }) as const),
    fc.array(segment(true), { maxLength: 3 }).map((segments) => ({ type: 'as4-path', flags: 0xc0, segments }) as const),
    fc.tuple(u32, ipv4).map(([asn, address]) => ({ type: 'as4-aggregator', flags: 0xc0, asn, address }) as const),
    fc
      .array(fc.tuple(u32, u32, u32), { minLength: 1, maxLength: 4 })
      .map((communities) => ({ type: 'large-communities', flags: 0xc0, communities }) as const),
    u32.map((asn) => ({ type: 'otc', flags: 0xc0, asn }) as const),
    fc.uint8Array({ minLength: 8, maxLength: 8 }).map((v) => ({ type: 'aigp', flags: 0x80, tlvs: [{ type: 1, value: v }] }) as const),
    fc
      .tuple(fc.integer({ min: 41, max: 127 }), fc.uint8Array({ maxLength: 40 }), fc.boolean())
      .map(([code, value, transitive]) => ({ type: 'unknown', flags: transitive ? 0xe0 : 0x80, code, value }) as const),
    fc.tuple(fc.ipV6(), fc.option(fc.ipV6(), { nil: undefined }), arbPrefixList(2, addPathV6)).map(
      ([nh, ll, nlri]) =>
        ({
          type: 'mp-reach',
          flags: 0x90,
          afi: 2,
          safi: 1,
          nextHops: ll ? [nh, ll] : [nh],
          nextHopBytes: null,
          reserved: 0,
          nlri,
          nlriBytes: null,
        }) as const,
    ),
    arbPrefixList(2, addPathV6).map(
      (withdrawn) => ({ type: 'mp-unreach', flags: 0x90, afi: 2, safi: 1, withdrawn, withdrawnBytes: null }) as const,
    ),
  ];
  const mandatory = fc.tuple(
    fc.constantFrom(0 as const, 1 as const, 2 as const).map((origin) => ({ type: 'origin', flags: 0x40, origin }) as const),
    fc.array(segment(asn4), { maxLength: 4 }).map((segments) => ({ type: 'as-path', flags: 0x40, segments }) as const),
    ipv4.map((nextHop) => ({ type: 'next-hop', flags: 0x40, nextHop }) as const),
  );
  return fc
    .tuple(mandatory, fc.uniqueArray(fc.oneof(...optional), { maxLength: 6, selector: (a) => (a.type === 'unknown' ? `u${a.code}` : a.type) }))
    .map(([m, rest]) => (withV4Nlri ? [...m, ...rest] : rest));
}

export function arbUpdate(ctx: CodecContext): fc.Arbitrary<UpdateMessage> {
  const addPathV4 = ctx.addPath.has(familyKey(1, 1));
  return fc
    .tuple(arbPrefixList(1, addPathV4), arbPrefixList(1, addPathV4))
    .chain(([withdrawn, nlri]) =>
      arbAttributes(ctx, nlri.count > 0).map((attributes) => ({ type: 'update', withdrawn, attributes, nlri }) as UpdateMessage),
    );
}

const capability: fc.Arbitrary<Capability> = fc.oneof(
  fc.tuple(u16, fc.nat(255)).map(([afi, safi]) => ({ type: 'multiprotocol', afi, safi, reserved: 0 }) as const),
  fc.constant({ type: 'route-refresh' } as const),
  fc.constant({ type: 'enhanced-route-refresh' } as const),
  fc.constant({ type: 'extended-message' } as const),
  fc.constant({ type: 'route-refresh-cisco' } as const),
  fc.nat(4).map((role) => ({ type: 'role', role }) as const),
  u32.map((asn) => ({ type: 'four-octet-as', asn }) as const),
  fc
    .tuple(fc.nat(15), fc.nat(4095), fc.array(fc.tuple(u16, fc.nat(255), fc.nat(255)), { maxLength: 4 }))
    .map(([flags, restartTime, fams]) => ({
      type: 'graceful-restart' as const,
      flags,
      restartTime,
      families: fams.map(([afi, safi, f]) => ({ afi, safi, flags: f })),
    })),
  fc.array(fc.tuple(u16, fc.nat(255), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 4 }).map((fams) => ({
    type: 'add-path' as const,
    families: fams.map(([afi, safi, sendReceive]) => ({ afi, safi, sendReceive })),
  })),
  fc.array(fc.tuple(u16, fc.nat(255), fc.nat(255), fc.nat(0xffffff)), { maxLength: 3 }).map((fams) => ({
    type: 'long-lived-graceful-restart' as const,
    families: fams.map(([afi, safi, flags, staleTime]) => ({ afi, safi, flags, staleTime })),
  })),
  fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 })).map(([hostname, domain]) => ({ type: 'fqdn', hostname, domain }) as const),
  fc.string({ maxLength: 60 }).map((version) => ({ type: 'software-version', version }) as const),
  fc.array(fc.tuple(u16, u16, u16), { minLength: 1, maxLength: 3 }).map((es) => ({
    type: 'extended-next-hop' as const,
    entries: es.map(([afi, safi, nextHopAfi]) => ({ afi, safi, nextHopAfi })),
  })),
  fc
    .tuple(fc.integer({ min: 200, max: 255 }), fc.uint8Array({ maxLength: 20 }))
    .map(([code, value]) => ({ type: 'unknown', code, value }) as const),
);

export const arbOpen: fc.Arbitrary<OpenMessage> = fc.record({
  type: fc.constant('open' as const),
  version: fc.constant(4),
  myAsn: u16,
  holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
  bgpId: nonZeroIpv4,
  params: fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.array(capability, { maxLength: 5 }).map((capabilities) => ({ type: 2 as const, capabilities })) },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 3, max: 254 }), fc.uint8Array({ maxLength: 10 })).map(([type, value]) => ({ type, value })) },
    ),
    { maxLength: 3 },
  ),
  extendedParams: fc.boolean(),
});

export function arbMessage(ctx: CodecContext): fc.Arbitrary<BgpMessage> {
  return fc.oneof(
    arbOpen,
    arbUpdate(ctx),
    fc.constant({ type: 'keepalive' } as const),
    fc.record({ type: fc.constant('notification' as const), code: fc.nat(255), subcode: fc.nat(255), data: fc.uint8Array({ maxLength: 40 }) }),
    fc.record({
      type: fc.constant('route-refresh' as const),
      afi: u16,
      subtype: fc.constant(0),
      safi: fc.nat(255),
      data: fc.uint8Array({ maxLength: 20 }),
    }),
    fc.record({ type: fc.constant('route-refresh' as const), afi: u16, subtype: fc.integer({ min: 1, max: 2 }), safi: fc.nat(255), data: fc.constant(new Uint8Array(0)) }),
  );
}
