// TABLE_DUMP_V2 bodies (RFC 6396 s4.3) with the RFC 8050 ADD-PATH subtypes.

import { ipAt, ipv4At, prefixAt, u16, u32, utf8At } from './mrt-bytes.js';
import { pushIssue, pushShort, unknownRecord, type MrtOutput, type RecordContext } from './mrt-record.js';
import { TableDumpV2Subtype as S, type MrtPeer, type MrtRibEntry } from './mrt-types.js';

export function decodeTableDumpV2(c: RecordContext, out: MrtOutput): void {
  switch (c.subtype) {
    case S.PEER_INDEX_TABLE:
      return decodePeerIndexTable(c, out);
    case S.RIB_IPV4_UNICAST:
      return decodeRib(c, out, 1, 1, false);
    case S.RIB_IPV4_MULTICAST:
      return decodeRib(c, out, 1, 2, false);
    case S.RIB_IPV6_UNICAST:
      return decodeRib(c, out, 2, 1, false);
    case S.RIB_IPV6_MULTICAST:
      return decodeRib(c, out, 2, 2, false);
    case S.RIB_IPV4_UNICAST_ADDPATH:
      return decodeRib(c, out, 1, 1, true);
    case S.RIB_IPV4_MULTICAST_ADDPATH:
      return decodeRib(c, out, 1, 2, true);
    case S.RIB_IPV6_UNICAST_ADDPATH:
      return decodeRib(c, out, 2, 1, true);
    case S.RIB_IPV6_MULTICAST_ADDPATH:
      return decodeRib(c, out, 2, 2, true);
    case S.RIB_GENERIC:
      return decodeRibGeneric(c, out, false);
    case S.RIB_GENERIC_ADDPATH:
      return decodeRibGeneric(c, out, true);
    default:
      out.push(unknownRecord(c));
  }
}

/**
 * RFC 6396 s4.3.1: Collector BGP ID (4) | View Name Length (2) | View Name | Peer Count (2) |
 * Peer Entries. Each peer: Peer Type (1) | Peer BGP ID (4) | Peer IP (4, or 16 if type bit 0x01)
 * | Peer AS (2, or 4 if type bit 0x02).
 */
function decodePeerIndexTable(c: RecordContext, out: MrtOutput): void {
  const { data, end } = c;
  let p = c.start;
  if (end - p < 6) return pushShort(c, out, 'PEER_INDEX_TABLE', 6);
  const collectorId = ipv4At(data, p);
  const nameLen = u16(data, p + 4);
  p += 6;
  if (end - p < nameLen + 2) return pushShort(c, out, 'PEER_INDEX_TABLE', 8 + nameLen);
  const viewName = utf8At(data, p, p + nameLen);
  p += nameLen;
  const count = u16(data, p);
  p += 2;
  const peers: MrtPeer[] = [];
  for (let i = 0; i < count; i++) {
    if (end - p < 1) return pushIssue(c, out, `PEER_INDEX_TABLE: ends after ${i} of ${count} peers`);
    const type = data[p]!;
    const ipv6 = (type & 0x01) !== 0;
    const asLen = (type & 0x02) !== 0 ? 4 : 2;
    const need = 1 + 4 + (ipv6 ? 16 : 4) + asLen;
    if (end - p < need) return pushIssue(c, out, `PEER_INDEX_TABLE: ends after ${i} of ${count} peers`);
    const ipAtOffset = p + 5;
    const asAt = ipAtOffset + (ipv6 ? 16 : 4);
    peers.push({
      type,
      bgpId: ipv4At(data, p + 1),
      ip: ipAt(data, ipAtOffset, ipv6),
      asn: asLen === 4 ? u32(data, asAt) : u16(data, asAt),
    });
    p += need;
  }
  out.push({
    kind: 'peer-index-table',
    index: c.index,
    offset: c.offset,
    timestamp: c.timestamp,
    mrtType: c.mrtType,
    subtype: c.subtype,
    collectorId,
    viewName,
    peers,
  });
}

/**
 * RFC 6396 s4.3.4 RIB Entries: Peer Index (2) | Originated Time (4) | Attribute Length (2) |
 * BGP Attributes; RFC 8050 s4 inserts Path Identifier (4) after Originated Time. Returns the
 * entries, or an error string; `consumed.value` receives the end of the last entry.
 */
function readRibEntries(
  data: Uint8Array,
  start: number,
  end: number,
  count: number,
  withPathId: boolean,
  consumed: { value: number },
): MrtRibEntry[] | string {
  const fixed = withPathId ? 12 : 8;
  const entries: MrtRibEntry[] = [];
  let p = start;
  for (let i = 0; i < count; i++) {
    if (end - p < fixed) return `RIB entry ${i} of ${count}: fixed fields run past the end of the record`;
    const attrLen = u16(data, p + fixed - 2);
    const attrStart = p + fixed;
    if (attrStart + attrLen > end) return `RIB entry ${i} of ${count}: attribute length ${attrLen} runs past the end of the record`;
    const entry: MrtRibEntry = {
      peerIndex: u16(data, p),
      originatedTime: u32(data, p + 2),
      attributes: data.subarray(attrStart, attrStart + attrLen),
    };
    if (withPathId) entry.pathId = u32(data, p + 6);
    entries.push(entry);
    p = attrStart + attrLen;
  }
  consumed.value = p;
  return entries;
}

/**
 * RFC 6396 s4.3.2: Sequence Number (4) | Prefix Length (1) | Prefix (ceil(len/8) octets) |
 * Entry Count (2) | RIB Entries. AFI and SAFI are implied by the subtype.
 */
function decodeRib(c: RecordContext, out: MrtOutput, afi: number, safi: number, addPath: boolean): void {
  const { data, end } = c;
  let p = c.start;
  if (end - p < 5) return pushShort(c, out, 'RIB record', 5);
  const sequence = u32(data, p);
  const bits = data[p + 4]!;
  p += 5;
  const ipv6 = afi === 2;
  if (bits > (ipv6 ? 128 : 32)) return pushIssue(c, out, `RIB record: prefix length ${bits} too long for AFI ${afi}`);
  const prefixBytes = (bits + 7) >>> 3;
  if (end - p < prefixBytes + 2) return pushShort(c, out, 'RIB record', 5 + prefixBytes + 2);
  const prefix = prefixAt(data, p, bits, ipv6);
  p += prefixBytes;
  const count = u16(data, p);
  p += 2;
  const consumed = { value: p };
  const entries = readRibEntries(data, p, end, count, addPath, consumed);
  if (typeof entries === 'string') return pushIssue(c, out, `RIB record ${prefix}: ${entries}`);
  out.push({
    kind: 'rib',
    index: c.index,
    offset: c.offset,
    timestamp: c.timestamp,
    mrtType: c.mrtType,
    subtype: c.subtype,
    afi,
    safi,
    sequence,
    prefix,
    addPath,
    entries,
  });
  if (consumed.value !== end) pushIssue(c, out, `RIB record ${prefix}: ${end - consumed.value} bytes after the last entry ignored`);
}

/**
 * Length of the single NLRI at data[p] for the given AFI/SAFI, or -1 if it runs past `end`.
 * RFC 6396 s4.3.3 leaves the encoding to the AFI/SAFI; we know the common shapes:
 *  - RFC 4760 style (unicast, multicast, labeled RFC 8277, VPN RFC 4364, ...): a length in
 *    bits covering labels/RD/prefix, then that many bits rounded up to octets;
 *  - MCAST-VPN (5, RFC 6514) and EVPN (70, RFC 7432): route type (1), length (1), value;
 *  - BGP-LS (71, 72; RFC 9552): NLRI type (2), length (2), value;
 *  - Flow Spec (133, 134; RFC 8955 s4): length in octets, 1 byte, or 2 when >= 0xf0.
 */
function nlriLength(data: Uint8Array, p: number, end: number, safi: number): number {
  if (p >= end) return -1;
  let n: number;
  if (safi === 5 || safi === 70) {
    n = end - p < 2 ? -1 : 2 + data[p + 1]!;
  } else if (safi === 71 || safi === 72) {
    n = end - p < 4 ? -1 : 4 + u16(data, p + 2);
  } else if (safi === 133 || safi === 134) {
    const first = data[p]!;
    if (first < 0xf0) n = 1 + first;
    else n = end - p < 2 ? -1 : 2 + (((first & 0x0f) << 8) | data[p + 1]!);
  } else {
    n = 1 + ((data[p]! + 7) >>> 3);
  }
  return n >= 0 && p + n <= end ? n : -1;
}

interface GenericLayout {
  nlri: Uint8Array;
  entries: MrtRibEntry[];
  /** True when every byte of the body was accounted for. */
  exact: boolean;
}

/**
 * Tries one RIB_GENERIC layout starting at the NLRI. `pathIdInNlri`: a 4-octet path identifier
 * precedes the NLRI (RFC 7911 encoding) and the entries have none; otherwise the entries carry
 * it as in the AFI/SAFI-specific ADDPATH subtypes (or nobody has one, for plain RIB_GENERIC).
 */
function tryGenericLayout(
  data: Uint8Array,
  p: number,
  end: number,
  safi: number,
  pathIdInNlri: boolean,
  entryPathId: boolean,
): GenericLayout | string {
  let nlriPathId: number | undefined;
  if (pathIdInNlri) {
    if (end - p < 4) return 'no room for the NLRI path identifier';
    nlriPathId = u32(data, p);
    p += 4;
  }
  const n = nlriLength(data, p, end, safi);
  if (n < 0 || end - p - n < 2) return 'NLRI runs past the end of the record';
  const nlri = data.subarray(p, p + n);
  p += n;
  const count = u16(data, p);
  p += 2;
  const consumed = { value: p };
  const entries = readRibEntries(data, p, end, count, entryPathId, consumed);
  if (typeof entries === 'string') return entries;
  if (nlriPathId !== undefined) for (const e of entries) e.pathId = nlriPathId;
  return { nlri, entries, exact: consumed.value === end };
}

/**
 * RFC 6396 s4.3.3: Sequence Number (4) | AFI (2) | SAFI (1) | NLRI | Entry Count (2) | RIB Entries.
 *
 * RIB_GENERIC_ADDPATH (RFC 8050 s4.2) is written two ways in practice: with the path identifier
 * in each RIB entry, as the AFI/SAFI-specific ADDPATH subtypes do (GoBGP, OpenBGPD), or with it
 * prefixed to the NLRI in RFC 7911 style, as one reading of the RFC text has it. Nothing in the
 * record says which, so we take the layout whose entries end exactly at the record's end,
 * preferring the per-entry one. Either way the path identifier is reported on each entry.
 */
function decodeRibGeneric(c: RecordContext, out: MrtOutput, addPath: boolean): void {
  const { data, end } = c;
  if (end - c.start < 7) return pushShort(c, out, 'RIB_GENERIC record', 7);
  const sequence = u32(data, c.start);
  const afi = u16(data, c.start + 4);
  const safi = data[c.start + 6]!;
  const p = c.start + 7;
  let layout = tryGenericLayout(data, p, end, safi, false, addPath);
  if (addPath && (typeof layout === 'string' || !layout.exact)) {
    const alt = tryGenericLayout(data, p, end, safi, true, false);
    if (typeof alt !== 'string' && alt.exact) layout = alt;
  }
  if (typeof layout === 'string') return pushIssue(c, out, `RIB_GENERIC record (AFI ${afi}, SAFI ${safi}): ${layout}`);
  out.push({
    kind: 'rib-generic',
    index: c.index,
    offset: c.offset,
    timestamp: c.timestamp,
    mrtType: c.mrtType,
    subtype: c.subtype,
    afi,
    safi,
    sequence,
    nlri: layout.nlri,
    addPath,
    entries: layout.entries,
  });
  if (!layout.exact) pushIssue(c, out, `RIB_GENERIC record (AFI ${afi}, SAFI ${safi}): bytes after the last entry ignored`);
}
