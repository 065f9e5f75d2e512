// The pure parts of replay: UPDATEs adapted to the negotiated context, and the byte scan the raw
// fast path and the family survey rely on.
import { describe, expect, it } from 'vitest';
import { readMrt } from '../../../src/formats/index.js';
import { adaptUpdate, scanUpdate, type Target } from '../../../src/replay/index.js';
import {
  AS_TRANS,
  decodeMessage,
  encodeMessage,
  familyKey,
  IPV4_UNICAST,
  IPV6_UNICAST,
  makeContext,
  prefixList,
  type CodecContext,
  type PathAttribute,
  type UpdateMessage,
} from '../../../src/wire/index.js';
import { fileData } from './expected.js';

const ALL = new Set([familyKey(1, 1), familyKey(1, 2), familyKey(2, 1), familyKey(2, 2)]);
const ctx4 = makeContext({ asn4: true });
const ctx2 = makeContext({ asn4: false });
const both = new Set([IPV4_UNICAST, IPV6_UNICAST]);
const target = (ctx: CodecContext, extra: Partial<Target> = {}): Target => ({ ctx, families: both, ...extra });

const origin: PathAttribute = { type: 'origin', flags: 0x40, origin: 0 };
const nh: PathAttribute = { type: 'next-hop', flags: 0x40, nextHop: '192.0.2.1' };
const path = (...asns: number[]): PathAttribute => ({ type: 'as-path', flags: 0x40, segments: [{ type: 2, asns }] });
const update = (attributes: PathAttribute[], nlri: string[], withdrawn: string[] = []): UpdateMessage => ({
  type: 'update',
  withdrawn: prefixList(1, withdrawn),
  attributes,
  nlri: prefixList(1, nlri),
});

describe('adaptUpdate', () => {
  it('gives back the recorded bytes when nothing needs changing', () => {
    const differ: number[] = [];
    let n = 0;
    for (const r of readMrt(fileData('pcap-fixtures/ryu/ryu/tests/packet_data/mrt/updates.20161101.0000.bz2'))) {
      if (r.kind !== 'bgp4mp-message') continue;
      const m = decodeMessage(r.message, ctx4).message as UpdateMessage;
      const a = adaptUpdate(m, ctx4, target(ctx4));
      n++;
      if (a.messages.length !== 1 || !Buffer.from(encodeMessage(a.messages[0]!, ctx4)).equals(Buffer.from(r.message))) differ.push(r.index);
    }
    expect(n).toBe(2623);
    expect(differ).toEqual([]);
  });

  it('turns 4-octet paths into AS_TRANS + AS4_PATH for a 2-octet session, and merges them back', () => {
    const m = update([origin, path(65001, 4200000001, 65002), nh], ['10.0.0.0/8']);
    const two = adaptUpdate(m, ctx4, target(ctx2)).messages[0]!;
    expect(two.attributes.find((a) => a.type === 'as-path')).toMatchObject({ segments: [{ type: 2, asns: [65001, AS_TRANS, 65002] }] });
    expect(two.attributes.find((a) => a.type === 'as4-path')).toMatchObject({ segments: [{ type: 2, asns: [65001, 4200000001, 65002] }] });
    const back = adaptUpdate(two, ctx2, target(ctx4)).messages[0]!;
    expect(back.attributes).toEqual(m.attributes);
  });

  it('drops ADD-PATH ids the session did not negotiate, and families it does not carry', () => {
    const withIds: UpdateMessage = { ...update([origin, path(65001), nh], []), nlri: prefixList(1, ['10.0.0.0/8', '10.0.0.0/8'], [1, 2]) };
    const a = adaptUpdate(withIds, { ...ctx4, addPath: ALL }, target(ctx4));
    expect(a.messages[0]!.nlri.pathIds).toBeNull();
    expect(a.announced).toBe(2);
    const v6only = adaptUpdate(withIds, { ...ctx4, addPath: ALL }, { ctx: ctx4, families: new Set([IPV6_UNICAST]) });
    expect(v6only).toMatchObject({ messages: [], dropped: 2 });
  });

  it('replays a treat-as-withdraw UPDATE (RFC 7606) as the withdrawal it was', () => {
    // No ORIGIN: a missing well-known attribute.
    const bytes = encodeMessage(update([path(65001), nh], ['10.1.0.0/16'], ['10.2.0.0/16']), ctx4);
    const m = decodeMessage(bytes, ctx4).message as UpdateMessage;
    const a = adaptUpdate(m, ctx4, target(ctx4));
    expect(a).toMatchObject({ announced: 0, withdrawn: 2 });
    expect(a.messages[0]!.attributes).toEqual([]);
  });

  it('prepends its AS and drops LOCAL_PREF towards an eBGP peer', () => {
    const m = update([origin, path(65002), nh, { type: 'local-pref', flags: 0x40, localPref: 200 }], ['10.0.0.0/8']);
    const a = adaptUpdate(m, ctx4, target(ctx4, { ebgp: { localAsn: 65001 } })).messages[0]!;
    expect(a.attributes.map((x) => x.type)).toEqual(['origin', 'as-path', 'next-hop']);
    expect(a.attributes[1]).toMatchObject({ segments: [{ type: 2, asns: [65001, 65002] }] });
  });

  it('rewrites next hops', () => {
    const m = update([origin, path(65002), nh], ['10.0.0.0/8']);
    const a = adaptUpdate(m, ctx4, target(ctx4, { nextHopV4: '198.51.100.7' })).messages[0]!;
    expect(a.attributes.find((x) => x.type === 'next-hop')).toMatchObject({ nextHop: '198.51.100.7' });
  });
});

describe('scanUpdate', () => {
  it('counts what decoding finds, for 2- and 4-octet and IPv4/IPv6 recordings', () => {
    let n = 0;
    const wrong: string[] = [];
    for (const file of ['pcap-fixtures/ryu/ryu/tests/packet_data/mrt/updates.20161101.0000.bz2', 'pcap-fixtures/bgpdump/test_data/updates.20100722.2015.gz']) {
      for (const r of readMrt(fileData(file))) {
        if (r.kind !== 'bgp4mp-message' || r.message[18] !== 2) continue;
        const m = decodeMessage(r.message, r.as4 ? ctx4 : ctx2).message as UpdateMessage;
        let announced = m.nlri.count;
        let withdrawn = m.withdrawn.count;
        let families = m.nlri.count + m.withdrawn.count > 0 ? 1 : 0;
        for (const a of m.attributes) {
          if (a.type === 'mp-reach') announced += a.nlri?.count ?? 0;
          if (a.type === 'mp-unreach') withdrawn += a.withdrawn?.count ?? 0;
          if (a.type === 'mp-reach' || a.type === 'mp-unreach') families |= a.afi === 2 ? 2 : 1;
        }
        const scan = scanUpdate(r.message);
        if (scan.announced !== announced || scan.withdrawn !== withdrawn || scan.families !== families || scan.malformed) wrong.push(`${file}#${r.index}`);
        n++;
      }
    }
    expect(n).toBeGreaterThan(4000);
    expect(wrong).toEqual([]);
  });
});
