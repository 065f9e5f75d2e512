// Max-prefix (RFC 4486 s4): the RIB counts the paths it accepted per peer and family; when a
// count passes the configured limit the session sends Cease / Maximum Number of Prefixes Reached
// with the data RFC 4486 prescribes, and closes.

import { CeaseSubcode, ErrorCode, familyKey, type NotificationMessage } from '../wire/index.js';
import type { PeerState } from './peer.js';

export interface PrefixLimit {
  readonly afi: number;
  readonly safi: number;
  /** The upper bound: more accepted paths than this is an error. */
  readonly limit: number;
  /** Report a warning once the count reaches this percentage of the limit (e.g. 80). */
  readonly warningPercent?: number;
}

export interface PrefixLimitReport {
  readonly peerId: string;
  readonly afi: number;
  readonly safi: number;
  readonly count: number;
  readonly limit: number;
  readonly kind: 'warning' | 'exceeded';
  /** For 'exceeded': the NOTIFICATION to send before closing the session. */
  readonly notification?: NotificationMessage;
}

/**
 * RFC 4486 s4: "If a BGP speaker decides to terminate its peering with a neighbor because the
 * number of address prefixes received from the neighbor exceeds a locally configured upper bound
 * (as described in [BGP-4]), then the speaker MUST send to the neighbor a NOTIFICATION message
 * with the Error Code Cease and the Error Subcode "Maximum Number of Prefixes Reached". The
 * message MAY optionally include the Address Family information [BGP-MP] and the upper bound in
 * the "Data" field": AFI (2 octets), SAFI (1 octet), the prefix upper bound (4 octets).
 */
export function maxPrefixNotification(afi: number, safi: number, limit: number): NotificationMessage {
  const data = new Uint8Array(7);
  data[0] = afi >>> 8;
  data[1] = afi & 255;
  data[2] = safi;
  data[3] = limit >>> 24;
  data[4] = limit >>> 16;
  data[5] = limit >>> 8;
  data[6] = limit;
  return { type: 'notification', code: ErrorCode.CEASE, subcode: CeaseSubcode.MAXIMUM_PREFIXES_REACHED, data };
}

/**
 * The most severe limit event of a peer: an exceeded limit (reported every time it is asked, the
 * session is expected to close), else a warning threshold newly reached (reported once until the
 * count falls below it again), else null.
 */
export function checkPrefixLimits(peer: PeerState): PrefixLimitReport | null {
  let warning: PrefixLimitReport | null = null;
  for (const l of peer.info.maxPrefix ?? []) {
    const f = peer.families.get(familyKey(l.afi, l.safi));
    const count = f?.count ?? 0;
    const base = { peerId: peer.info.id, afi: l.afi, safi: l.safi, count, limit: l.limit };
    if (count > l.limit) return { ...base, kind: 'exceeded', notification: maxPrefixNotification(l.afi, l.safi, l.limit) };
    if (!f || l.warningPercent === undefined) continue;
    const threshold = (l.limit * l.warningPercent) / 100;
    if (count < threshold) f.warned = false;
    else if (!f.warned && !warning) {
      f.warned = true;
      warning = { ...base, kind: 'warning' };
    }
  }
  return warning;
}
