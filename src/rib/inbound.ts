// Checks on received paths that need no policy: loops through route reflection (RFC 4456 s8)
// and through our own AS (RFC 4271 s9.1.2). A path that fails them is not accepted, and the
// peer's previous path for the prefix is withdrawn as the new UPDATE implicitly replaced it.

import type { AsPathSegment, PathAttribute } from '../wire/index.js';
import type { PeerInfo } from './peer.js';

export type InboundRejection = 'originator-id' | 'cluster-list' | 'as-loop';

export interface LocalIdentity {
  readonly routerId: string;
  readonly clusterId: string;
  readonly localAsn: number;
}

export function inboundCheck(peer: PeerInfo, attrs: readonly PathAttribute[], asPath: readonly AsPathSegment[], self: LocalIdentity): InboundRejection | null {
  for (const a of attrs) {
    // RFC 4456 s8: "A router that recognizes the ORIGINATOR_ID attribute SHOULD ignore a route
    // received with its BGP Identifier as the ORIGINATOR_ID."
    if (a.type === 'originator-id' && a.originatorId === self.routerId) return 'originator-id';
    // RFC 4456 s8: "If the local CLUSTER_ID is found in the CLUSTER_LIST, the advertisement
    // received SHOULD be ignored."
    if (a.type === 'cluster-list' && a.clusterIds.includes(self.clusterId)) return 'cluster-list';
  }
  // RFC 4271 s9.1.2: "If the AS_PATH attribute of a BGP route contains an AS loop, the BGP route
  // should be excluded from the Phase 2 decision function. AS loop detection is done by scanning
  // the full AS path (as specified in the AS_PATH attribute), and checking that the autonomous
  // system number of the local system does not appear in the AS path." Checked on eBGP paths;
  // allowAsIn tolerates that many occurrences (for sites of one AS joined through a provider).
  // The check covers iBGP paths too (s9.1.2 scans "the full AS path" whatever its source): our own
  // AS can only be in the path of an internal route that left the AS and came back, as BIRD also
  // judges.
  if (asOccurrences(asPath, self.localAsn, peer.localAsn) > (peer.allowAsIn ?? 0)) return 'as-loop';
  return null;
}

function asOccurrences(segments: readonly AsPathSegment[], asn: number, alsoAsn: number): number {
  let n = 0;
  for (const s of segments) {
    if (s.type !== 1 && s.type !== 2) continue;
    for (const x of s.asns) if (x === asn || x === alsoAsn) n++;
  }
  return n;
}
