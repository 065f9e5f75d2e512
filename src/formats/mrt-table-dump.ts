// TABLE_DUMP bodies (RFC 6396 s4.2), including the batched layout of early RIPE RIS dumps.
//
// RFC 6396 s4.2 layout, one RIB entry per record:
//   View Number (2) | Sequence Number (2) | Prefix (4 or 16) | Prefix Length (1) | Status (1) |
//   Originated Time (4) | Peer IP Address (4 or 16) | Peer AS (2) | Attribute Length (2) |
//   BGP Attribute (variable)
// Subtype AFI_IPv4 (1) uses 4-octet addresses, AFI_IPv6 (2) 16-octet ones.
//
// RIPE RIS bviews from 2000 put View/Sequence once and then repeat everything from Prefix to
// BGP Attribute many times in one record; a record holding exactly one entry is just the RFC
// layout, so one walker handles both.

import { ipAt, prefixAt, u16, u32 } from './mrt-bytes.js';
import { pushIssue, pushShort, unknownRecord, type MrtOutput, type RecordContext } from './mrt-record.js';
import { TableDumpSubtype } from './mrt-types.js';

/** Bytes from Prefix through Attribute Length, for IPv4 / IPv6. */
function entryFixedLength(ipv6: boolean): number {
  return ipv6 ? 16 + 1 + 1 + 4 + 16 + 2 + 2 : 4 + 1 + 1 + 4 + 4 + 2 + 2;
}

/** Whether the subtype is one this module decodes. */
export function isTableDumpSubtype(subtype: number): boolean {
  return subtype === TableDumpSubtype.AFI_IPv4 || subtype === TableDumpSubtype.AFI_IPv6;
}

/**
 * Walks the entries in data[start, limit) by their length fields only and returns where the
 * last one ends, or -1 if an entry runs past `limit`. The framing recovery uses this to test
 * whether a record's entries end exactly at its declared end.
 */
export function tableDumpEntriesEnd(data: Uint8Array, start: number, limit: number, ipv6: boolean): number {
  const fixed = entryFixedLength(ipv6);
  let p = start + 4;
  if (p > limit) return -1;
  while (p < limit) {
    if (limit - p < fixed) return -1;
    p += fixed + u16(data, p + fixed - 2);
    if (p > limit) return -1;
  }
  return p;
}

export function decodeTableDump(c: RecordContext, out: MrtOutput): void {
  if (!isTableDumpSubtype(c.subtype)) {
    out.push(unknownRecord(c));
    return;
  }
  const { data, end } = c;
  const ipv6 = c.subtype === TableDumpSubtype.AFI_IPv6;
  const addrLen = ipv6 ? 16 : 4;
  const fixed = entryFixedLength(ipv6);
  if (end - c.start < 4 + fixed) {
    pushShort(c, out, 'TABLE_DUMP entry', 4 + fixed);
    return;
  }
  const viewNumber = u16(data, c.start);
  const sequence = u16(data, c.start + 2);
  let p = c.start + 4;
  while (p < end) {
    if (end - p < fixed) {
      pushIssue(c, out, `TABLE_DUMP: ${end - p} stray bytes after the last entry`);
      return;
    }
    const bits = data[p + addrLen]!;
    const attrLen = u16(data, p + fixed - 2);
    const attrStart = p + fixed;
    if (attrStart + attrLen > end) {
      pushIssue(c, out, `TABLE_DUMP: attribute length ${attrLen} runs past the end of the record`);
      return;
    }
    if (bits > addrLen * 8) {
      pushIssue(c, out, `TABLE_DUMP: prefix length ${bits} too long for the address family`);
    } else {
      const peerAt = p + addrLen + 6;
      out.push({
        kind: 'table-dump',
        index: c.index,
        offset: c.offset,
        timestamp: c.timestamp,
        mrtType: c.mrtType,
        subtype: c.subtype,
        viewNumber,
        sequence,
        prefix: prefixAt(data, p, bits, ipv6),
        status: data[p + addrLen + 1]!,
        originatedTime: u32(data, p + addrLen + 2),
        peerIp: ipAt(data, peerAt, ipv6),
        peerAsn: u16(data, peerAt + addrLen),
        attributes: data.subarray(attrStart, attrStart + attrLen),
      });
    }
    p = attrStart + attrLen;
  }
}
