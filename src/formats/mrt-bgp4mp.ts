// BGP4MP and BGP4MP_ET bodies (RFC 6396 s4.4 and s4.5, ADD-PATH subtypes from RFC 8050 s3).

import { ipAt, u16, u32 } from './mrt-bytes.js';
import { pushIssue, pushShort, unknownRecord, type MrtOutput, type RecordContext } from './mrt-record.js';
import { Bgp4mpSubtype as S } from './mrt-types.js';

export function decodeBgp4mp(c: RecordContext, out: MrtOutput): void {
  switch (c.subtype) {
    case S.STATE_CHANGE:
      return decodeStateChange(c, out, false);
    case S.STATE_CHANGE_AS4:
      return decodeStateChange(c, out, true);
    case S.MESSAGE:
    case S.MESSAGE_AS4:
    case S.MESSAGE_LOCAL:
    case S.MESSAGE_AS4_LOCAL:
    case S.MESSAGE_ADDPATH:
    case S.MESSAGE_AS4_ADDPATH:
    case S.MESSAGE_LOCAL_ADDPATH:
    case S.MESSAGE_AS4_LOCAL_ADDPATH:
      return decodeMessage(c, out);
    default:
      // Includes the deprecated BGP4MP_ENTRY (2) and BGP4MP_SNAPSHOT (3), RFC 6396 Appendix B.
      out.push(unknownRecord(c));
  }
}

/** The peer/local part shared by every BGP4MP subtype, or null after reporting an issue. */
interface PeerHeader {
  peerAsn: number;
  localAsn: number;
  ifIndex: number;
  afi: number;
  peerIp: string;
  localIp: string;
  /** First byte after the header. */
  next: number;
}

/**
 * RFC 6396 s4.4.1/s4.4.2: Peer AS, Local AS (2 octets, or 4 in the _AS4 subtypes), Interface
 * Index (2), Address Family (2), Peer IP and Local IP (4 octets for AFI 1, 16 for AFI 2).
 *
 * Historic Zebra (RIPE RIS rrc01, 2000) wrote only the two AS numbers when the peer socket had
 * no address family yet, so interface index, AFI and both addresses are missing. We recognise
 * that by what follows: a state change with exactly the two state words left, or a message
 * whose 16-byte all-ones BGP marker starts right after the AS numbers (an interface index and
 * AFI of ffff ffff would be meaningless). Those records come back with afi 0 and empty IPs.
 */
function readPeerHeader(c: RecordContext, out: MrtOutput, as4: boolean, isState: boolean): PeerHeader | null {
  const { data } = c;
  const asLen = as4 ? 4 : 2;
  const name = isState ? 'BGP4MP state change' : 'BGP4MP message';
  let p = c.start;
  if (c.end - p < 2 * asLen) {
    pushShort(c, out, name, 2 * asLen);
    return null;
  }
  const peerAsn = as4 ? u32(data, p) : u16(data, p);
  const localAsn = as4 ? u32(data, p + asLen) : u16(data, p + asLen);
  p += 2 * asLen;
  const rest = c.end - p;
  if ((isState && rest === 4) || (!isState && rest >= 16 && isMarker(data, p))) {
    return { peerAsn, localAsn, ifIndex: 0, afi: 0, peerIp: '', localIp: '', next: p };
  }
  if (rest < 4) {
    pushShort(c, out, name, 2 * asLen + 4);
    return null;
  }
  const ifIndex = u16(data, p);
  const afi = u16(data, p + 2);
  p += 4;
  if (afi !== 1 && afi !== 2) {
    pushIssue(c, out, `${name}: unknown address family ${afi}`);
    return null;
  }
  const ipLen = afi === 2 ? 16 : 4;
  if (c.end - p < 2 * ipLen) {
    pushShort(c, out, name, p - c.start + 2 * ipLen);
    return null;
  }
  const peerIp = ipAt(data, p, afi === 2);
  const localIp = ipAt(data, p + ipLen, afi === 2);
  return { peerAsn, localAsn, ifIndex, afi, peerIp, localIp, next: p + 2 * ipLen };
}

function isMarker(b: Uint8Array, p: number): boolean {
  for (let i = 0; i < 16; i++) if (b[p + i] !== 0xff) return false;
  return true;
}

/** RFC 6396 s4.4.1 / s4.4.4: peer header, then Old State (2) and New State (2). */
function decodeStateChange(c: RecordContext, out: MrtOutput, as4: boolean): void {
  const h = readPeerHeader(c, out, as4, true);
  if (!h) return;
  if (c.end - h.next < 4) {
    pushShort(c, out, 'BGP4MP state change', h.next - c.start + 4);
    return;
  }
  out.push({
    kind: 'bgp4mp-state',
    index: c.index,
    offset: c.offset,
    timestamp: c.timestamp,
    mrtType: c.mrtType,
    subtype: c.subtype,
    peerAsn: h.peerAsn,
    localAsn: h.localAsn,
    ifIndex: h.ifIndex,
    afi: h.afi,
    peerIp: h.peerIp,
    localIp: h.localIp,
    as4,
    oldState: u16(c.data, h.next),
    newState: u16(c.data, h.next + 2),
  });
}

/**
 * RFC 6396 s4.4.2-s4.4.6 and RFC 8050 s3: peer header, then the entire BGP message, header
 * included. We hand the message out as a view and leave its validation to the BGP codec.
 */
function decodeMessage(c: RecordContext, out: MrtOutput): void {
  const st = c.subtype;
  const as4 = st === S.MESSAGE_AS4 || st === S.MESSAGE_AS4_LOCAL || st === S.MESSAGE_AS4_ADDPATH || st === S.MESSAGE_AS4_LOCAL_ADDPATH;
  const local = st === S.MESSAGE_LOCAL || st === S.MESSAGE_AS4_LOCAL || st === S.MESSAGE_LOCAL_ADDPATH || st === S.MESSAGE_AS4_LOCAL_ADDPATH;
  const h = readPeerHeader(c, out, as4, false);
  if (!h) return;
  out.push({
    kind: 'bgp4mp-message',
    index: c.index,
    offset: c.offset,
    timestamp: c.timestamp,
    mrtType: c.mrtType,
    subtype: st,
    peerAsn: h.peerAsn,
    localAsn: h.localAsn,
    ifIndex: h.ifIndex,
    afi: h.afi,
    peerIp: h.peerIp,
    localIp: h.localIp,
    as4,
    addPath: st >= S.MESSAGE_ADDPATH,
    local,
    message: c.data.subarray(h.next, c.end),
  });
}
