// COMMUNITIES (RFC 1997), EXTENDED_COMMUNITIES (RFC 4360), LARGE_COMMUNITY (RFC 8092), and the
// route-reflection attributes ORIGINATOR_ID and CLUSTER_LIST (RFC 4456): all lists of fixed-size
// items, which RFC 7606 treats alike: a length that is not a non-zero multiple of the item size
// makes the attribute malformed, and the UPDATE is treated as withdrawn.

import { ipv4ToString, readU32, toHex, writeIpv4, writeU32 } from '../bytes.js';
import { AttrType } from '../constants.js';
import { UpdateSubcode } from '../errors.js';
import type { ClusterListAttr, CommunitiesAttr, ExtendedCommunitiesAttr, LargeCommunityAttr, OriginatorIdAttr } from '../types.js';
import { problem, type AttrCodec, type AttrProblem } from './codec.js';

function badLength(name: string, len: number, size: number): AttrProblem | null {
  if (len === 0 || len % size !== 0) {
    return problem(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, `${name} length ${len} is not a non-zero multiple of ${size}`);
  }
  return null;
}

export const communities: AttrCodec<CommunitiesAttr> = {
  code: AttrType.COMMUNITIES,
  type: 'communities',
  flags: 0xc0,
  onError: 'treat-as-withdraw', // RFC 7606 s7.8
  decode(b, s, e, flags) {
    const bad = badLength('COMMUNITIES', e - s, 4);
    if (bad) return bad;
    const list = new Array<number>((e - s) >> 2);
    for (let i = 0; i < list.length; i++) list[i] = readU32(b, s + 4 * i);
    return { type: 'communities', flags, communities: list };
  },
  valueLength: (a) => 4 * a.communities.length,
  encode(a, b, o) {
    for (const c of a.communities) {
      writeU32(b, o, c);
      o += 4;
    }
    return o;
  },
};

export const extendedCommunities: AttrCodec<ExtendedCommunitiesAttr> = {
  code: AttrType.EXTENDED_COMMUNITIES,
  type: 'extended-communities',
  flags: 0xc0,
  onError: 'treat-as-withdraw', // RFC 7606 s7.14
  decode(b, s, e, flags) {
    const bad = badLength('EXTENDED_COMMUNITIES', e - s, 8);
    if (bad) return bad;
    const list = new Array<string>((e - s) >> 3);
    for (let i = 0; i < list.length; i++) list[i] = toHex(b, s + 8 * i, s + 8 * i + 8);
    return { type: 'extended-communities', flags, communities: list };
  },
  valueLength: (a) => 8 * a.communities.length,
  encode(a, b, o) {
    for (const c of a.communities) {
      if (!/^[0-9a-f]{16}$/i.test(c)) throw new TypeError(`extended community must be 16 hex digits: ${c}`);
      for (let i = 0; i < 8; i++) b[o + i] = parseInt(c.slice(2 * i, 2 * i + 2), 16);
      o += 8;
    }
    return o;
  },
};

export const largeCommunities: AttrCodec<LargeCommunityAttr> = {
  code: AttrType.LARGE_COMMUNITY,
  type: 'large-communities',
  flags: 0xc0,
  onError: 'treat-as-withdraw', // RFC 8092 s6
  decode(b, s, e, flags) {
    const bad = badLength('LARGE_COMMUNITY', e - s, 12);
    if (bad) return bad;
    const list = new Array<readonly [number, number, number]>((e - s) / 12);
    for (let i = 0, o = s; i < list.length; i++, o += 12) list[i] = [readU32(b, o), readU32(b, o + 4), readU32(b, o + 8)];
    return { type: 'large-communities', flags, communities: list };
  },
  valueLength: (a) => 12 * a.communities.length,
  encode(a, b, o) {
    for (const [g, l1, l2] of a.communities) {
      writeU32(b, o, g);
      writeU32(b, o + 4, l1);
      writeU32(b, o + 8, l2);
      o += 12;
    }
    return o;
  },
};

export const originatorId: AttrCodec<OriginatorIdAttr> = {
  code: AttrType.ORIGINATOR_ID,
  type: 'originator-id',
  flags: 0x80,
  onError: 'treat-as-withdraw', // RFC 7606 s7.9
  decode(b, s, e, flags) {
    if (e - s !== 4) return problem(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR, `ORIGINATOR_ID length ${e - s}, expected 4`);
    return { type: 'originator-id', flags, originatorId: ipv4ToString(b, s) };
  },
  valueLength: () => 4,
  encode(a, b, o) {
    writeIpv4(b, o, a.originatorId);
    return o + 4;
  },
};

export const clusterList: AttrCodec<ClusterListAttr> = {
  code: AttrType.CLUSTER_LIST,
  type: 'cluster-list',
  flags: 0x80,
  onError: 'treat-as-withdraw', // RFC 7606 s7.10
  decode(b, s, e, flags) {
    const bad = badLength('CLUSTER_LIST', e - s, 4);
    if (bad) return bad;
    const ids = new Array<string>((e - s) >> 2);
    for (let i = 0; i < ids.length; i++) ids[i] = ipv4ToString(b, s + 4 * i);
    return { type: 'cluster-list', flags, clusterIds: ids };
  },
  valueLength: (a) => 4 * a.clusterIds.length,
  encode(a, b, o) {
    for (const id of a.clusterIds) {
      writeIpv4(b, o, id);
      o += 4;
    }
    return o;
  },
};
