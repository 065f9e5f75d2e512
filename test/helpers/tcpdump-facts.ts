// What a BGP message says, as plain comparable strings ("facts"), built two ways: from the text
// tcpdump printed (tcpdump.ts) and from what Wren decoded (wrenFacts below). Both sides go through
// the same normalisers (IPv6 compression, AS path segments, communities), so a difference in a
// fact is a difference in what was decoded, never in how it was written down.

import {
  aigpMetric,
  attributeCode,
  capabilityCode,
  endOfRibFamily,
  ipv6ToString,
  prefixToString,
  shutdownCommunication,
  writeU16,
  type AsPathSegment,
  type BgpMessage,
  type Capability,
  type PathAttribute,
  type PrefixList,
} from '../../src/wire/index.js';

/** An MP_REACH/MP_UNREACH of a family Wren keeps as bytes (VPN, labeled, EVPN, RT-constraint...). */
export interface OpaqueMp {
  readonly attr: 'mp-reach' | 'mp-unreach';
  /** "afi/safi" */
  readonly family: string;
  /** No NLRI at all (End-of-RIB style). */
  readonly empty: boolean;
  /** The NLRI bytes as hex: always on Wren's side; on tcpdump's only when it printed a hex dump. */
  readonly hex?: string;
}

export interface Facts {
  /** "withdrawn 8.2.0.0/24 path-id 20", "nlri ...", "mp-reach 2/1 2002::1400:0/120 path-id 1". */
  readonly prefixes: string[];
  /** "AS_PATH 200 1 {3 4}", "AS4_PATH ..."; "AS_PATH" alone for an empty path. */
  readonly asPaths: string[];
  /** "NEXT_HOP 1.0.2.1", "MP_REACH 2/1 fe80::1". */
  readonly nextHops: string[];
  /** "65000:100" (RFC 1997) and "large 1:2:3" (RFC 8092). */
  readonly communities: string[];
  /** Everything else compared: attribute codes and flags, origin, MED, OPEN, NOTIFICATION... */
  readonly other: string[];
  readonly opaque: OpaqueMp[];
}

export function emptyFacts(): Facts {
  return { prefixes: [], asPaths: [], nextHops: [], communities: [], other: [], opaque: [] };
}

export const FACT_KINDS = ['prefixes', 'asPaths', 'nextHops', 'communities', 'other'] as const;
export type FactKind = (typeof FACT_KINDS)[number];

// ---------------------------------------------------------------------------------------------
// Text normalisers shared by both sides.

/** RFC 5952 text of an IPv6 address written any valid way (the codec's own form); IPv4 unchanged. */
export function normalizeIp(text: string): string {
  if (!text.includes(':')) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) throw new Error(`not an address: ${text}`);
    return text;
  }
  let head = text;
  let v4Tail: number[] = [];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const o = v4.slice(1).map(Number);
    v4Tail = [(o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!];
    head = text.slice(0, v4.index) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) throw new Error(`not an IPv6 address: ${text}`);
  const part = (s: string | undefined) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const left = part(halves[0]);
  const right = part(halves[1]);
  let groups = halves.length === 2 ? [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right] : left;
  if (v4) groups = [...groups.slice(0, 6), ...v4Tail];
  if (groups.length !== 8 || groups.some((g) => !(g >= 0 && g <= 0xffff))) throw new Error(`not an IPv6 address: ${text}`);
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => writeU16(bytes, 2 * i, g));
  return ipv6ToString(bytes, 0);
}

export function normalizePrefix(text: string): string {
  const slash = text.lastIndexOf('/');
  if (slash < 0 || !/^\d{1,3}$/.test(text.slice(slash + 1))) throw new Error(`not a prefix: ${text}`);
  return `${normalizeIp(text.slice(0, slash))}/${text.slice(slash + 1)}`;
}

/** AS path segments as "1 2 {3 4} (5) ({6})"; adjacent AS_SEQUENCEs merge (tcpdump's text cannot show the boundary). */
export function formatSegments(segments: readonly AsPathSegment[]): string {
  const parts: string[] = [];
  let lastSeq = false;
  for (const s of segments) {
    const list = s.asns.join(' ');
    if (s.type === 2) {
      if (lastSeq && parts.length) parts[parts.length - 1] += list ? ` ${list}` : '';
      else parts.push(list);
      lastSeq = true;
      continue;
    }
    lastSeq = false;
    parts.push(s.type === 1 ? `{${list}}` : s.type === 3 ? `(${list})` : `({${list}})`);
  }
  return parts.filter((p) => p !== '').join(' ');
}

export function formatCommunityValue(c: number): string {
  return `${c >>> 16}:${c & 0xffff}`;
}

export function hexOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function ipv4At(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/**
 * Addresses in an MP_REACH next hop field that Wren keeps as bytes, by its length: 4 (IPv4), 16
 * (IPv6), 32 (IPv6 global + link-local), and the VPN forms with an 8-byte Route Distinguisher in
 * front of each address (12, 24, 48; RFC 4364 s4.3.2, RFC 4659 s3.2.1). Null for anything else.
 */
export function nextHopAddresses(b: Uint8Array): string[] | null {
  switch (b.length) {
    case 4:
      return [ipv4At(b, 0)];
    case 16:
      return [ipv6ToString(b, 0)];
    case 32:
      return [ipv6ToString(b, 0), ipv6ToString(b, 16)];
    case 12:
      return [ipv4At(b, 8)];
    case 24:
      return [ipv6ToString(b, 8)];
    case 48:
      return [ipv6ToString(b, 8), ipv6ToString(b, 32)];
    default:
      return null;
  }
}

/**
 * An extended community as tcpdump writes it, for the types whose value both sides render: route
 * target / origin (RFC 4360 s4), link bandwidth, tunnel encapsulation (RFC 9012), origin
 * validation state (RFC 8097). Other types: the type code alone.
 */
export function formatExtendedCommunity(hex: string): string {
  const b = Buffer.from(hex, 'hex');
  const type = b.readUInt16BE(0);
  const code = `0x${hex.slice(0, 4)}`;
  switch (type) {
    case 0x0002:
    case 0x0003:
      return `ext ${code} ${b.readUInt16BE(2)}:${b.readUInt32BE(4)} (= ${ipv4At(b, 4)})`;
    case 0x0102:
    case 0x0103:
      return `ext ${code} ${ipv4At(b, 2)}:${b.readUInt16BE(6)}`;
    case 0x0202:
    case 0x0203:
      return `ext ${code} ${b.readUInt32BE(2)}:${b.readUInt16BE(6)}`;
    case 0x4004:
      return `ext ${code} bandwidth: ${((b.readFloatBE(4) * 8) / 1_000_000).toFixed(3)} Mbps`;
    case 0x030c:
      return `ext ${code} Tunnel type: ${TUNNEL_TYPES[b.readUInt16BE(6)] ?? 'unknown encaps'}`;
    case 0x4300:
      return `ext ${code} ovs: ${['valid', 'not found', 'invalid'][b[7]!] ?? `unknown (0x${b[7]!.toString(16).padStart(2, '0')})`}`;
    default:
      return `ext ${code}`;
  }
}

/** Types of extended community whose value formatExtendedCommunity renders. */
export const RENDERED_EXT_TYPES = new Set([0x0002, 0x0003, 0x0102, 0x0103, 0x0202, 0x0203, 0x4004, 0x030c, 0x4300]);

const TUNNEL_TYPES: Record<number, string> = { 8: 'VXLAN' };

// ---------------------------------------------------------------------------------------------
// Wren's side.

function prefixFacts(kind: string, list: PrefixList, out: string[]): void {
  for (let i = 0; i < list.count; i++) {
    const id = list.pathIds ? ` path-id ${list.pathIds[i]}` : '';
    out.push(`${kind} ${normalizePrefix(prefixToString(list, i))}${id}`);
  }
}

function capabilityFacts(c: Capability, out: string[]): void {
  out.push(`capability ${capabilityCode(c)}`);
  switch (c.type) {
    case 'multiprotocol':
      out.push(`mp-capability ${c.afi}/${c.safi}`);
      break;
    case 'four-octet-as':
      out.push(`four-octet-as ${c.asn}`);
      break;
    case 'add-path':
      for (const f of c.families) out.push(`add-path ${f.afi}/${f.safi} ${['none', 'receive', 'send', 'both'][f.sendReceive] ?? f.sendReceive}`);
      break;
    case 'graceful-restart': {
      const flags = [(c.flags & 8) !== 0 ? 'R' : '', (c.flags & 4) !== 0 ? 'N' : ''].filter(Boolean).join(', ') || 'none';
      out.push(`graceful-restart [${flags}] ${c.restartTime}s`);
      for (const f of c.families) out.push(`graceful-restart ${f.afi}/${f.safi} forwarding ${(f.flags & 0x80) !== 0 ? 'yes' : 'no'}`);
      break;
    }
    case 'role':
      out.push(`role ${c.role}`);
      break;
    case 'unknown':
      // RFC 8277 s2.1 Multiple Labels: (AFI, SAFI, count) triples; Wren keeps it as bytes.
      if (c.code === 8) {
        for (let o = 0; o + 4 <= c.value.length; o += 4) {
          out.push(`multiple-labels ${(c.value[o]! << 8) | c.value[o + 1]!}/${c.value[o + 2]} count ${c.value[o + 3]}`);
        }
      }
      break;
    default:
      break;
  }
}

function attributeFacts(a: PathAttribute, f: Facts): void {
  const code = attributeCode(a);
  f.other.push(`attr ${code} flags 0x${a.flags.toString(16).padStart(2, '0')}`);
  switch (a.type) {
    case 'origin':
      f.other.push(`origin ${['IGP', 'EGP', 'INCOMPLETE'][a.origin]}`);
      break;
    case 'as-path':
      f.asPaths.push(`AS_PATH ${formatSegments(a.segments)}`.trim());
      break;
    case 'as4-path':
      f.asPaths.push(`AS4_PATH ${formatSegments(a.segments)}`.trim());
      break;
    case 'next-hop':
      f.nextHops.push(`NEXT_HOP ${normalizeIp(a.nextHop)}`);
      break;
    case 'med':
      f.other.push(`med ${a.med}`);
      break;
    case 'local-pref':
      f.other.push(`local-pref ${a.localPref}`);
      break;
    case 'communities':
      for (const c of a.communities) f.communities.push(formatCommunityValue(c));
      break;
    case 'large-communities':
      for (const c of a.communities) f.communities.push(`large ${c.join(':')}`);
      break;
    case 'extended-communities':
      for (const c of a.communities) f.other.push(formatExtendedCommunity(c));
      break;
    case 'originator-id':
      f.other.push(`originator-id ${a.originatorId}`);
      break;
    case 'cluster-list':
      f.other.push(`cluster-list ${a.clusterIds.join(' ')}`);
      break;
    case 'otc':
      f.other.push(`otc ${a.asn}`);
      break;
    case 'aigp':
      f.other.push(`aigp ${aigpMetric(a)?.toString() ?? '?'}`);
      break;
    case 'mp-reach': {
      const family = `${a.afi}/${a.safi}`;
      const hops = a.nextHopBytes ? nextHopAddresses(a.nextHopBytes) : a.nextHops;
      if (hops) for (const h of hops) f.nextHops.push(`MP_REACH ${family} ${normalizeIp(h)}`);
      else f.nextHops.push(`MP_REACH ${family} hex ${hexOf(a.nextHopBytes!)}`);
      f.other.push(`mp-reach ${family} reserved ${a.reserved}`);
      if (a.nlri) prefixFacts(`mp-reach ${family}`, a.nlri, f.prefixes);
      if (a.nlriBytes) f.opaque.push({ attr: 'mp-reach', family, empty: a.nlriBytes.length === 0, hex: hexOf(a.nlriBytes) });
      break;
    }
    case 'mp-unreach': {
      const family = `${a.afi}/${a.safi}`;
      if (a.withdrawn) prefixFacts(`mp-unreach ${family}`, a.withdrawn, f.prefixes);
      if (a.withdrawnBytes) f.opaque.push({ attr: 'mp-unreach', family, empty: a.withdrawnBytes.length === 0, hex: hexOf(a.withdrawnBytes) });
      break;
    }
    default:
      break;
  }
}

/** Notification facts; Cease subcodes 2 and 4 carry a shutdown communication (RFC 9003), 9 a Hard Reset (RFC 8538). */
function notificationFacts(code: number, subcode: number, data: Uint8Array, text: string | undefined, out: string[]): void {
  out.push(`notification ${code}/${subcode}`);
  if (code === 6 && subcode === 9 && data.length >= 2) out.push(`hard-reset ${data[0]}/${data[1]}`);
  if (code === 6 && (subcode === 2 || subcode === 4) && data.length > 0) {
    if (text !== undefined) {
      out.push(`shutdown-communication ${JSON.stringify(text)}`);
      if (data.length > 1 + data[0]!) out.push(`notification-data ${hexOf(data.subarray(1 + data[0]!))}`);
    } else if (data[0] === 0) {
      out.push('shutdown-communication ""');
      if (data.length > 1) out.push(`notification-data ${hexOf(data.subarray(1))}`);
    } else {
      out.push(`notification-data ${hexOf(data)}`);
    }
  }
}

/** The facts of one message Wren decoded. */
export function wrenFacts(m: BgpMessage): Facts {
  const f = emptyFacts();
  switch (m.type) {
    case 'open': {
      f.other.push(`open version ${m.version} as ${m.myAsn} hold ${m.holdTime} id ${m.bgpId}`);
      if (m.extendedParams) f.other.push('extended-params');
      for (const p of m.params) {
        f.other.push(`param ${p.type}`);
        if ('capabilities' in p) for (const c of p.capabilities) capabilityFacts(c, f.other);
      }
      break;
    }
    case 'update': {
      prefixFacts('withdrawn', m.withdrawn, f.prefixes);
      prefixFacts('nlri', m.nlri, f.prefixes);
      for (const a of m.attributes) attributeFacts(a, f);
      const eor = endOfRibFamily(m);
      if (eor !== null) f.other.push(`eor ${eor >> 8}/${eor & 255}`);
      break;
    }
    case 'notification':
      notificationFacts(m.code, m.subcode, m.data, shutdownCommunication(m), f.other);
      break;
    case 'route-refresh':
      f.other.push(`route-refresh ${m.afi}/${m.safi} subtype ${m.subtype}`);
      // RFC 5291 s4: when-to-refresh (1), then ORF type (1), length (2), entries.
      if (m.data.length >= 4) f.other.push(`orf when ${m.data[0]} type ${m.data[1]} length ${(m.data[2]! << 8) | m.data[3]!}`);
      break;
    case 'keepalive':
      break;
  }
  return f;
}
