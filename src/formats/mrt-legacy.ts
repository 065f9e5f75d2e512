// The deprecated BGP (5), BGP4PLUS (9) and BGP4PLUS_01 (10) types, RFC 6396 Appendix B. RIPE RIS
// wrote type 5 until 2000; BGP4PLUS* are the same layouts with 16-octet (IPv6) addresses.
//
// Layouts by subtype (RFC 6396 Appendix B, "BGP Type"):
//   BGP_UPDATE, BGP_OPEN, BGP_NOTIFY, BGP_KEEPALIVE:
//     Peer AS (2) | Peer IP | Local AS (2) | Local IP | message contents
//     "The BGP Message Header itself is not included": no marker, length or type, so the
//     subtype tells the message type.
//   BGP_STATE_CHANGE: Peer AS (2) | Peer IP | Old State (2) | New State (2)
//   BGP_SYNC:         View Number (2) | File Name (NUL-terminated)
//   BGP_NULL, BGP_PREF_UPDATE: no defined contents.

import { ipAt, u16, utf8At } from './mrt-bytes.js';
import { pushShort, type MrtOutput, type RecordContext } from './mrt-record.js';
import { BgpLegacySubtype as S, MrtType, type BgpLegacyRecord } from './mrt-types.js';

/** BGP message type (RFC 4271 s4.1) implied by each message-carrying subtype. */
const MESSAGE_TYPE: Readonly<Record<number, number>> = {
  [S.BGP_OPEN]: 1,
  [S.BGP_UPDATE]: 2,
  [S.BGP_NOTIFY]: 3,
  [S.BGP_KEEPALIVE]: 4,
};

export function decodeBgpLegacy(c: RecordContext, out: MrtOutput): void {
  const { data, end } = c;
  const ipLen = c.mrtType === MrtType.BGP ? 4 : 16;
  const rec: BgpLegacyRecord = {
    kind: 'bgp-legacy',
    index: c.index,
    offset: c.offset,
    timestamp: c.timestamp,
    mrtType: c.mrtType,
    subtype: c.subtype,
    body: data.subarray(c.start, end),
  };
  const p = c.start;
  const bgpType = MESSAGE_TYPE[c.subtype];
  if (bgpType !== undefined) {
    const fixed = 2 * (2 + ipLen);
    if (end - p < fixed) return pushShort(c, out, 'BGP (deprecated) message record', fixed);
    rec.peerAsn = u16(data, p);
    rec.peerIp = ipAt(data, p + 2, ipLen === 16);
    rec.localAsn = u16(data, p + 2 + ipLen);
    rec.localIp = ipAt(data, p + 4 + ipLen, ipLen === 16);
    rec.bgpType = bgpType;
    rec.bgpBody = data.subarray(p + fixed, end);
  } else if (c.subtype === S.BGP_STATE_CHANGE) {
    const fixed = 2 + ipLen + 4;
    if (end - p < fixed) return pushShort(c, out, 'BGP (deprecated) state change', fixed);
    rec.peerAsn = u16(data, p);
    rec.peerIp = ipAt(data, p + 2, ipLen === 16);
    rec.oldState = u16(data, p + 2 + ipLen);
    rec.newState = u16(data, p + 4 + ipLen);
  } else if (c.subtype === S.BGP_SYNC) {
    if (end - p < 2) return pushShort(c, out, 'BGP (deprecated) sync', 2);
    rec.viewNumber = u16(data, p);
    let nul = p + 2;
    while (nul < end && data[nul] !== 0) nul++;
    rec.fileName = utf8At(data, p + 2, nul);
  }
  out.push(rec);
}
