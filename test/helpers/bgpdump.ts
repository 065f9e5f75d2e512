// Renders Wren's decoded MRT records as the one-line-per-route text of `bgpdump -m` (RIPE NCC
// bgpdump 1.6.x), so bgpdump's golden output (pcap-fixtures/bgpdump/test_expect) can serve as an
// oracle for Wren's MRT decoding.
//
// Conventions, learnt from the golden files and from probing /usr/bin/bgpdump 1.6.2 with crafted
// records:
// - `BGP4MP|ts|A|peer_ip|peer_as|prefix|as_path|origin|next_hop|local_pref|med|communities|AG|aggregator|`
//   for each announced prefix; `BGP4MP|ts|W|peer_ip|peer_as|prefix` for each withdrawn one;
//   `BGP4MP|ts|STATE|peer_ip|peer_as|old|new` for state changes. BGP4MP_ET prints the time as
//   `seconds.microseconds` (6 digits) and says BGP4MP_ET. Other messages (OPEN, KEEPALIVE,
//   NOTIFICATION) print nothing.
// - Within one UPDATE: all withdrawals first (withdrawn routes field, then MP_UNREACH_NLRI), then
//   all announcements (NLRI field, then MP_REACH_NLRI); MP_* only for IPv4/IPv6 unicast/multicast.
// - RIB entries: `TABLE_DUMP|ts|B|...` (TABLE_DUMP), `TABLE_DUMP2|ts|B|...` (TABLE_DUMP_V2), and
//   `TABLE_DUMP2_AP|ts|B|peer|as|prefix|path_id|as_path|...` for the RFC 8050 ADDPATH subtypes;
//   ts is the time of the dump (bgpdump's default `-t dump`), not the originated time.
// - AS path: AS_SEQUENCE space-separated, AS_SET `{a,b}`, AS_CONFED_SEQUENCE `(a b)`,
//   AS_CONFED_SET `[a,b]`, segments joined by a space; empty when AS_PATH is absent. With 2-octet
//   ASNs (BGP4MP MESSAGE/STATE_CHANGE, TABLE_DUMP) bgpdump rebuilds the path and aggregator from
//   AS4_PATH/AS4_AGGREGATOR (RFC 6793 s4.2.3); with 4-octet ASNs it ignores both. Lines carry
//   Wren's own rebuild (effectiveAsPath, src/wire/as4.ts); where bgpdump's faulty merge
//   (bgpdumpMergeAs4Path) prints something else, the line says so (`bgpdump`, `quirk`).
// - Prefixes with the bits past their length cleared (the bgpdump of the golden files; 1.6.2
//   still printed them).
// - Origin IGP/EGP/INCOMPLETE, INCOMPLETE when ORIGIN is absent.
// - Next hop: NEXT_HOP for the NLRI field, the MP_REACH_NLRI next hop for MP_REACH prefixes (the
//   global one when there are two); in TABLE_DUMP_V2 the MP_REACH_NLRI next hop for IPv6, else
//   NEXT_HOP. 255.255.255.255 when there is none (bgpdump starts from INADDR_NONE).
// - LOCAL_PREF and MED: 0 when absent. Communities: `no-export`, `no-advertise`, `local-AS` for
//   the three RFC 1997 well-known values, every other one `asn:value` (graceful-shutdown is
//   `65535:666`); large communities only with `-l`, so never here. `AG` when ATOMIC_AGGREGATE is
//   present, else `NAG`; aggregator as `asn a.b.c.d`, empty when absent.
// - IPv6 addresses as glibc's inet_ntop writes them: the first longest run of zero groups is
//   compressed even when it is a single group, and `::a.b.c.d` / `::ffff:a.b.c.d` for the
//   IPv4-compatible and IPv4-mapped forms.

import type { BgpRecord, MessageRecord, RibEntryRecord } from '../../src/formats/bgp-reader.js';
import {
  AS_TRANS,
  effectiveAsPath,
  parseIpv6,
  prefixToString,
  type AsPathSegment,
  type PathAttribute,
  type PrefixList,
  type UpdateMessage,
} from '../../src/wire/index.js';

const MRT_TABLE_DUMP = 12;
const MRT_TABLE_DUMP_V2 = 13;
const MRT_BGP4MP = 16;
const MRT_BGP4MP_ET = 17;
/** BGP4MP(_ET) subtypes whose ASNs are 4 octets: STATE_CHANGE_AS4, MESSAGE_AS4 and the AS4 LOCAL/ADDPATH ones. */
const BGP4MP_AS4_SUBTYPES = new Set([4, 5, 7, 9, 11]);
/** TABLE_DUMP_V2 RFC 8050 ADDPATH subtypes. */
const TD2_ADDPATH_SUBTYPES = new Set([8, 9, 10, 11, 12]);

// ---------------------------------------------------------------------------------------------
// Text of the parts.

/** glibc inet_ntop(AF_INET6) of 16 bytes (what bgpdump prints). */
export function glibcIpv6(b: Uint8Array): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const v4 = `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  if (best === 0 && (bestLen === 6 || (bestLen === 7 && w[7] !== 1) || (bestLen === 5 && w[5] === 0xffff))) {
    return bestLen === 5 ? `::ffff:${v4}` : `::${v4}`;
  }
  const hex = w.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

const ipv6Text = new Map<string, string>();

/** An address as Wren wrote it, re-rendered as bgpdump prints it (IPv4 unchanged). */
export function bgpdumpAddress(wren: string): string {
  if (!wren.includes(':')) return wren;
  let text = ipv6Text.get(wren);
  if (text === undefined) {
    const bytes = parseIpv6(wren);
    if (!bytes) throw new Error(`Wren wrote an address that does not parse: ${wren}`);
    text = glibcIpv6(bytes);
    ipv6Text.set(wren, text);
  }
  return text;
}

function bgpdumpPrefix(list: PrefixList, i: number): string {
  const text = prefixToString(list, i);
  if (list.afi === 1) return text;
  const slash = text.indexOf('/');
  return `${bgpdumpAddress(text.slice(0, slash))}${text.slice(slash)}`;
}

/** bgpdump's AS path text (Zebra's aspath_make_str_count). */
export function bgpdumpAsPath(segments: readonly AsPathSegment[]): string {
  return segments
    .map((s) => {
      switch (s.type) {
        case 1:
          return `{${s.asns.join(',')}}`;
        case 3:
          return `(${s.asns.join(' ')})`;
        case 4:
          return `[${s.asns.join(',')}]`;
        default:
          return s.asns.join(' ');
      }
    })
    .join(' ');
}

export function bgpdumpCommunity(c: number): string {
  switch (c) {
    case 0xffffff01:
      return 'no-export';
    case 0xffffff02:
      return 'no-advertise';
    case 0xffffff03:
      return 'local-AS';
    default:
      return `${c >>> 16}:${c & 0xffff}`;
  }
}

/**
 * bgpdump 1.6.2's AS_PATH/AS4_PATH merge, bug for bug (observed with crafted records):
 * - its asn32_merge_paths() means to copy the leading (|AS_PATH| - |AS4_PATH|) ASNs of AS_PATH
 *   segment by segment, then append AS4_PATH; but it never steps to the next segment, so it
 *   copies the *first* segment of AS_PATH over and over (cutting the last copy short) until it
 *   has that many;
 * - it counts confederation segments like the others (a sequence its length, a set 1) and keeps
 *   those of AS4_PATH, which RFC 6793 s6 says to discard.
 * Right whenever the first segment alone covers the leading part and there are no confederation
 * segments, which is the usual case.
 */
export function bgpdumpMergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): AsPathSegment[] {
  const count = (segs: readonly AsPathSegment[]): number => segs.reduce((n, s) => n + (s.type === 1 || s.type === 4 ? 1 : s.asns.length), 0);
  const n2 = count(asPath);
  const n4 = count(as4Path);
  if (n2 < n4) return [...asPath];
  const want = n2 - n4;
  const first = asPath[0];
  const out: AsPathSegment[] = [];
  let have = 0;
  while (first && first.asns.length > 0 && have < want) {
    have += first.type === 1 || first.type === 4 ? 1 : first.asns.length;
    const over = have - want;
    out.push(over > 0 ? { type: first.type, asns: first.asns.slice(0, first.asns.length - over) } : first);
  }
  return [...out, ...as4Path];
}

// ---------------------------------------------------------------------------------------------
// Lines.

/** A line as it should read, and as bgpdump 1.6.2 prints it when one of its known bugs changes it. */
export interface BgpdumpLine {
  readonly text: string;
  /** bgpdump's text, when it differs from `text`. */
  readonly bgpdump?: string;
  /** Which bgpdump bug made the difference. */
  readonly quirk?: string;
  /** The AS path or aggregator was rebuilt from AS4_PATH / AS4_AGGREGATOR (RFC 6793 s4.2.3). */
  readonly as4Merged?: boolean;
}

export const QUIRK_AS4_MERGE = "bgpdump 1.6.2's AS_PATH/AS4_PATH merge (see bgpdumpMergeAs4Path)";

interface RouteAttributes {
  readonly path: string;
  readonly origin: string;
  /** The columns after the next hop: local_pref|med|communities|AG|aggregator| */
  readonly tail: string;
  /** The as_path column as bgpdump prints it, when its merge bug makes it differ. */
  readonly bgpdumpPath?: string;
  readonly as4Merged: boolean;
  readonly nextHop?: string;
  readonly mpReach?: Extract<PathAttribute, { type: 'mp-reach' }>;
  readonly mpUnreach?: Extract<PathAttribute, { type: 'mp-unreach' }>;
}

const ORIGIN_TEXT = ['IGP', 'EGP', 'INCOMPLETE'];
const NO_NEXT_HOP = '255.255.255.255';

function routeAttributes(attributes: readonly PathAttribute[], asn4: boolean): RouteAttributes {
  let origin = 'INCOMPLETE';
  let nextHop: string | undefined;
  let localPref = 0;
  let med = 0;
  let communities = '';
  let atomic = false;
  let asPath: readonly AsPathSegment[] = [];
  let as4Path: readonly AsPathSegment[] | undefined;
  let aggregator: { asn: number; address: string } | undefined;
  let mpReach: RouteAttributes['mpReach'];
  let mpUnreach: RouteAttributes['mpUnreach'];
  for (const a of attributes) {
    switch (a.type) {
      case 'origin':
        origin = ORIGIN_TEXT[a.origin] ?? 'INCOMPLETE';
        break;
      case 'next-hop':
        nextHop = a.nextHop;
        break;
      case 'local-pref':
        localPref = a.localPref;
        break;
      case 'med':
        med = a.med;
        break;
      case 'communities':
        communities = a.communities.map(bgpdumpCommunity).join(' ');
        break;
      case 'atomic-aggregate':
        atomic = true;
        break;
      case 'as-path':
        asPath = a.segments;
        break;
      case 'as4-path':
        as4Path = a.segments;
        break;
      case 'aggregator':
        aggregator = { asn: a.asn, address: a.address };
        break;
      case 'mp-reach':
        mpReach = a;
        break;
      case 'mp-unreach':
        mpUnreach = a;
        break;
      default:
        break;
    }
  }
  // The path and aggregator a 4-octet speaker acts on: Wren's own RFC 6793 s4.2.3 rebuild.
  const effective = effectiveAsPath(attributes, asn4);
  const path = bgpdumpAsPath(effective.segments);
  const agg = effective.aggregator;
  const as4Merged = path !== bgpdumpAsPath(asPath) || agg?.asn !== aggregator?.asn || agg?.address !== aggregator?.address;
  // bgpdump merges in the same cases (2-octet ASNs, AS4_PATH present, no AGGREGATOR other than
  // AS_TRANS) but with its own merge.
  let bgpdumpPath: string | undefined;
  if (!asn4 && as4Path && (aggregator === undefined || aggregator.asn === AS_TRANS)) {
    const theirs = bgpdumpAsPath(bgpdumpMergeAs4Path(asPath, as4Path));
    if (theirs !== path) bgpdumpPath = theirs;
  }
  return {
    path,
    origin,
    tail: `|${localPref}|${med}|${communities}|${atomic ? 'AG' : 'NAG'}|${agg ? `${agg.asn} ${agg.address}` : ''}|`,
    as4Merged,
    ...(bgpdumpPath === undefined ? {} : { bgpdumpPath }),
    ...(nextHop === undefined ? {} : { nextHop }),
    ...(mpReach ? { mpReach } : {}),
    ...(mpUnreach ? { mpUnreach } : {}),
  };
}

/** Where a Wren record came from: the MRT type and subtype of its record. */
export interface MrtHeader {
  readonly type: number;
  readonly subtype: number;
}

/** The MRT type and subtype of the record at `offset` of the (uncompressed) MRT data. */
export function mrtHeaderAt(data: Uint8Array, offset: number): MrtHeader {
  if (offset + 8 > data.length) throw new Error(`no MRT header at offset ${offset}`);
  return { type: (data[offset + 4]! << 8) | data[offset + 5]!, subtype: (data[offset + 6]! << 8) | data[offset + 7]! };
}

function timeText(ts: number, et: boolean): string {
  const s = Math.floor(ts);
  if (!et) return String(s);
  return `${s}.${String(Math.round((ts - s) * 1e6)).padStart(6, '0')}`;
}

/** The families bgpdump prints: IPv4/IPv6 unicast/multicast. */
const isIpFamily = (a: { afi: number; safi: number }): boolean => (a.afi === 1 || a.afi === 2) && (a.safi === 1 || a.safi === 2);

function pushRoute(out: BgpdumpLine[], lead: string, nextHop: string, attrs: RouteAttributes): void {
  const rest = `|${attrs.origin}|${bgpdumpAddress(nextHop)}${attrs.tail}`;
  const text = `${lead}|${attrs.path}${rest}`;
  const merged = attrs.as4Merged ? { as4Merged: true } : {};
  if (attrs.bgpdumpPath === undefined) out.push({ text, ...merged });
  else out.push({ text, bgpdump: `${lead}|${attrs.bgpdumpPath}${rest}`, quirk: QUIRK_AS4_MERGE, ...merged });
}

function updateLines(rec: MessageRecord, m: UpdateMessage, header: MrtHeader, out: BgpdumpLine[]): void {
  const et = header.type === MRT_BGP4MP_ET;
  const asn4 = BGP4MP_AS4_SUBTYPES.has(header.subtype);
  const peer = rec.peer;
  if (!peer || rec.ts === undefined) throw new Error(`record ${rec.record}: an MRT message without peer or time`);
  const lead = `${et ? 'BGP4MP_ET' : 'BGP4MP'}|${timeText(rec.ts, et)}`;
  const who = `${bgpdumpAddress(peer.ip)}|${peer.asn}`;
  const attrs = routeAttributes(m.attributes, asn4);
  const withdraw = (list: PrefixList): void => {
    for (let i = 0; i < list.count; i++) out.push({ text: `${lead}|W|${who}|${bgpdumpPrefix(list, i)}` });
  };
  const announce = (list: PrefixList, nextHop: string): void => {
    for (let i = 0; i < list.count; i++) pushRoute(out, `${lead}|A|${who}|${bgpdumpPrefix(list, i)}`, nextHop, attrs);
  };
  // There is at most one MP_UNREACH_NLRI and one MP_REACH_NLRI; bgpdump prints the IPv4/IPv6
  // unicast/multicast ones after the withdrawn routes / NLRI fields, and no other family.
  const u = attrs.mpUnreach;
  const r = attrs.mpReach;
  withdraw(m.withdrawn);
  if (u && isIpFamily(u)) {
    if (!u.withdrawn) throw new Error(`record ${rec.record}: MP_UNREACH_NLRI of ${u.afi}/${u.safi} kept opaque`);
    withdraw(u.withdrawn);
  }
  announce(m.nlri, attrs.nextHop ?? NO_NEXT_HOP);
  if (r && isIpFamily(r)) {
    if (!r.nlri || r.nextHopBytes) throw new Error(`record ${rec.record}: MP_REACH_NLRI of ${r.afi}/${r.safi} kept opaque`);
    announce(r.nlri, r.nextHops[0] ?? NO_NEXT_HOP);
  }
}

function ribLine(rec: RibEntryRecord, header: MrtHeader, out: BgpdumpLine[]): void {
  let kind: string;
  let asn4: boolean;
  if (header.type === MRT_TABLE_DUMP) {
    kind = 'TABLE_DUMP';
    asn4 = false;
  } else if (header.type === MRT_TABLE_DUMP_V2) {
    kind = TD2_ADDPATH_SUBTYPES.has(header.subtype) ? 'TABLE_DUMP2_AP' : 'TABLE_DUMP2';
    asn4 = true;
  } else {
    throw new Error(`record ${rec.record}: a RIB entry from MRT type ${header.type}`);
  }
  const attrs = routeAttributes(rec.attributes, asn4);
  const slash = rec.prefix.indexOf('/');
  const prefix = `${bgpdumpAddress(rec.prefix.slice(0, slash))}${rec.prefix.slice(slash)}`;
  const pathId = kind === 'TABLE_DUMP2_AP' ? `|${rec.pathId ?? '?'}` : '';
  let nextHop = attrs.nextHop ?? NO_NEXT_HOP;
  if (header.type === MRT_TABLE_DUMP_V2 && attrs.mpReach?.afi === 2) nextHop = attrs.mpReach.nextHops[0] ?? NO_NEXT_HOP;
  pushRoute(out, `${kind}|${timeText(rec.ts, false)}|B|${bgpdumpAddress(rec.peer.ip)}|${rec.peer.asn}|${prefix}${pathId}`, nextHop, attrs);
}

/**
 * Appends the lines bgpdump -m prints for one Wren record. `header` is the MRT type/subtype of
 * the record it came from (see mrtHeaderAt). Returns false for records bgpdump prints nothing
 * for and for Wren's error records (which the caller counts); throws on what this helper does
 * not know how bgpdump prints.
 */
export function bgpdumpLines(rec: BgpRecord, header: MrtHeader | undefined, out: BgpdumpLine[]): boolean {
  switch (rec.kind) {
    case 'message':
      if (rec.message.type !== 'update') return false;
      if (!header || (header.type !== MRT_BGP4MP && header.type !== MRT_BGP4MP_ET)) throw new Error(`record ${rec.record}: UPDATE from MRT type ${header?.type}`);
      if (header.subtype >= 8) throw new Error(`record ${rec.record}: BGP4MP ADDPATH subtype ${header.subtype} not supported`);
      updateLines(rec, rec.message, header, out);
      return true;
    case 'state': {
      if (!header) throw new Error(`record ${rec.record}: state change without MRT header`);
      const et = header.type === MRT_BGP4MP_ET;
      out.push({ text: `${et ? 'BGP4MP_ET' : 'BGP4MP'}|${timeText(rec.ts, et)}|STATE|${bgpdumpAddress(rec.peer.ip)}|${rec.peer.asn}|${rec.oldState}|${rec.newState}` });
      return true;
    }
    case 'rib-entry':
      if (!header) throw new Error(`record ${rec.record}: RIB entry without MRT header`);
      ribLine(rec, header, out);
      return true;
    default:
      return false;
  }
}
