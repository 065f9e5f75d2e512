// Decoded messages as JSON-able objects: the stable schema of `wren decode` (docs/json.md).
// Pure presentation; nothing here is read back by the codec.

import { capabilityCode } from './capabilities.js';
import { attrName, capabilityName, familyName, roleName } from './constants.js';
import { notificationName, type BgpError } from './errors.js';
import { toHex } from './bytes.js';
import { prefixToString } from './prefix.js';
import { attributeCode } from './attrs/registry.js';
import { hardResetCause, shutdownCommunication } from './notification.js';
import type { AsPathSegment, BgpMessage, Capability, PathAttribute, PrefixList } from './types.js';
import { aigpMetric } from './attrs/path.js';
import { endOfRibFamily } from './update.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ORIGINS = ['IGP', 'EGP', 'INCOMPLETE'];

/** Prefix strings; with ADD-PATH, objects { prefix, pathId }. */
export function prefixesJson(list: PrefixList): Json[] {
  const out: Json[] = new Array(list.count);
  for (let i = 0; i < list.count; i++) {
    const prefix = prefixToString(list, i);
    out[i] = list.pathIds ? { prefix, pathId: list.pathIds[i]! } : prefix;
  }
  return out;
}

/** "65001 65002 {65003 65004} (65010)": sets in braces, confederation segments in brackets/parens. */
export function formatAsPath(segments: readonly AsPathSegment[]): string {
  return segments
    .map((s) => {
      const list = s.asns.join(' ');
      switch (s.type) {
        case 1:
          return `{${list}}`;
        case 3:
          return `(${list})`;
        case 4:
          return `[${list}]`;
        default:
          return list;
      }
    })
    .join(' ');
}

export function formatCommunity(c: number): string {
  switch (c) {
    case 0xffffff01:
      return 'no-export';
    case 0xffffff02:
      return 'no-advertise';
    case 0xffffff03:
      return 'no-export-subconfed';
    case 0xffffff04:
      return 'no-peer'; // RFC 3765
    case 0xffff0000:
      return 'graceful-shutdown'; // RFC 8326
    case 0xffff0001:
      return 'accept-own'; // RFC 7611
    case 0xffff0006:
      return 'llgr-stale'; // RFC 9494
    case 0xffff0007:
      return 'no-llgr'; // RFC 9494
    case 0xffff029a:
      return 'blackhole'; // RFC 7999
    default:
      return `${c >>> 16}:${c & 0xffff}`;
  }
}

/** RFC 4360 / RFC 5668 / RFC 7153 common types; others as hex. */
export function formatExtendedCommunity(hex: string): string {
  const type = parseInt(hex.slice(0, 2), 16);
  const sub = parseInt(hex.slice(2, 4), 16);
  const names: Record<number, string> = { 2: 'rt', 3: 'soo', 4: 'link-bandwidth' };
  const name = names[sub];
  const high = type & 0x3f;
  if (name && high === 0x00) return `${name} ${parseInt(hex.slice(4, 8), 16)}:${parseInt(hex.slice(8, 16), 16)}`;
  if (name && high === 0x01) {
    const ip = [4, 6, 8, 10].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
    return `${name} ${ip}:${parseInt(hex.slice(12, 16), 16)}`;
  }
  if (name && high === 0x02) return `${name} ${parseInt(hex.slice(4, 12), 16)}:${parseInt(hex.slice(12, 16), 16)}`;
  if (type === 0x43 && sub === 0x00) return `origin-validation ${['valid', 'not-found', 'invalid'][parseInt(hex.slice(14, 16), 16)] ?? hex}`;
  return hex;
}

function attributeValue(a: PathAttribute): Record<string, Json> {
  switch (a.type) {
    case 'origin':
      return { origin: ORIGINS[a.origin]! };
    case 'as-path':
    case 'as4-path':
      return { path: formatAsPath(a.segments), segments: a.segments.map((s) => ({ type: s.type, asns: [...s.asns] })) };
    case 'next-hop':
      return { nextHop: a.nextHop };
    case 'med':
      return { med: a.med };
    case 'local-pref':
      return { localPref: a.localPref };
    case 'atomic-aggregate':
      return {};
    case 'aggregator':
    case 'as4-aggregator':
      return { asn: a.asn, address: a.address };
    case 'communities':
      return { communities: a.communities.map(formatCommunity) };
    case 'originator-id':
      return { originatorId: a.originatorId };
    case 'cluster-list':
      return { clusterList: [...a.clusterIds] };
    case 'mp-reach':
      return {
        afi: a.afi,
        safi: a.safi,
        family: familyName(a.afi, a.safi),
        nextHops: a.nextHopBytes ? [] : [...a.nextHops],
        ...(a.nextHopBytes ? { nextHopHex: toHex(a.nextHopBytes) } : {}),
        ...(a.nlri ? { nlri: prefixesJson(a.nlri) } : {}),
        ...(a.nlriBytes ? { nlriHex: toHex(a.nlriBytes) } : {}),
      };
    case 'mp-unreach':
      return {
        afi: a.afi,
        safi: a.safi,
        family: familyName(a.afi, a.safi),
        ...(a.withdrawn ? { withdrawn: prefixesJson(a.withdrawn) } : {}),
        ...(a.withdrawnBytes ? { withdrawnHex: toHex(a.withdrawnBytes) } : {}),
      };
    case 'extended-communities':
      return { communities: a.communities.map((c) => ({ hex: c, text: formatExtendedCommunity(c) })) };
    case 'large-communities':
      return { communities: a.communities.map((c) => c.join(':')) };
    case 'otc':
      return { asn: a.asn };
    case 'aigp': {
      const metric = aigpMetric(a);
      return { ...(metric === undefined ? {} : { metric: metric.toString() }), tlvs: a.tlvs.map((t) => ({ type: t.type, hex: toHex(t.value) })) };
    }
    case 'unknown':
      return { hex: toHex(a.value) };
  }
}

export function attributeJson(a: PathAttribute): Json {
  const code = attributeCode(a);
  return { code, name: attrName(code), flags: a.flags, ...attributeValue(a) };
}

function capabilityJson(c: Capability): Json {
  const code = capabilityCode(c);
  const base = { code, name: capabilityName(code) };
  switch (c.type) {
    case 'multiprotocol':
      return { ...base, afi: c.afi, safi: c.safi, family: familyName(c.afi, c.safi) };
    case 'extended-next-hop':
      return { ...base, entries: c.entries.map((e) => ({ family: familyName(e.afi, e.safi), nextHopAfi: e.nextHopAfi })) };
    case 'role':
      return { ...base, role: roleName(c.role) };
    case 'graceful-restart':
      return {
        ...base,
        restartState: (c.flags & 8) !== 0,
        notification: (c.flags & 4) !== 0,
        restartTime: c.restartTime,
        families: c.families.map((f) => ({ family: familyName(f.afi, f.safi), forwardingState: (f.flags & 0x80) !== 0 })),
      };
    case 'four-octet-as':
      return { ...base, asn: c.asn };
    case 'add-path':
      return {
        ...base,
        families: c.families.map((f) => ({ family: familyName(f.afi, f.safi), mode: ['none', 'receive', 'send', 'both'][f.sendReceive] ?? String(f.sendReceive) })),
      };
    case 'long-lived-graceful-restart':
      return { ...base, families: c.families.map((f) => ({ family: familyName(f.afi, f.safi), flags: f.flags, staleTime: f.staleTime })) };
    case 'fqdn':
      return { ...base, hostname: c.hostname, domain: c.domain };
    case 'software-version':
      return { ...base, version: c.version };
    case 'unknown':
      return { ...base, hex: toHex(c.value) };
    default:
      return base;
  }
}

export function errorJson(e: BgpError): Json {
  return {
    code: e.code,
    subcode: e.subcode,
    name: notificationName(e.code, e.subcode),
    action: e.action,
    message: e.message,
    data: toHex(e.data),
    ...(e.offset === undefined ? {} : { offset: e.offset }),
  };
}

/** The `message` object of a `wren decode` line. */
export function messageJson(m: BgpMessage): Json {
  switch (m.type) {
    case 'open':
      return {
        type: 'open',
        version: m.version,
        myAsn: m.myAsn,
        holdTime: m.holdTime,
        bgpId: m.bgpId,
        ...(m.extendedParams ? { extendedParams: true } : {}),
        capabilities: m.params.flatMap((p) => ('capabilities' in p ? p.capabilities.map(capabilityJson) : [])),
        ...(m.params.some((p) => !('capabilities' in p))
          ? { otherParams: m.params.flatMap((p) => ('capabilities' in p ? [] : [{ type: p.type, hex: toHex(p.value) }])) }
          : {}),
      };
    case 'update': {
      const eor = endOfRibFamily(m);
      return {
        type: 'update',
        ...(eor === null ? {} : { endOfRib: familyName(eor >> 8, eor & 255) }),
        withdrawn: prefixesJson(m.withdrawn),
        attributes: m.attributes.map(attributeJson),
        nlri: prefixesJson(m.nlri),
        ...(m.errors ? { errors: m.errors.map(errorJson) } : {}),
      };
    }
    case 'notification': {
      const text = shutdownCommunication(m);
      const cause = hardResetCause(m);
      return {
        type: 'notification',
        code: m.code,
        subcode: m.subcode,
        name: notificationName(m.code, m.subcode),
        data: toHex(m.data),
        ...(text === undefined ? {} : { shutdownCommunication: text }),
        ...(cause ? { hardReset: { code: cause.code, subcode: cause.subcode, name: notificationName(cause.code, cause.subcode), data: toHex(cause.data) } } : {}),
      };
    }
    case 'keepalive':
      return { type: 'keepalive' };
    case 'route-refresh':
      return {
        type: 'route-refresh',
        afi: m.afi,
        safi: m.safi,
        family: familyName(m.afi, m.safi),
        subtype: ['request', 'begin', 'end'][m.subtype] ?? String(m.subtype),
        ...(m.data.length ? { data: toHex(m.data) } : {}),
      };
  }
}
