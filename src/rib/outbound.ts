// Which best paths go to which peer, and with which protocol-mandated attribute changes, before
// the caller's export filter sees them. Policy (what to announce, prepends, next-hop rewriting)
// is the filter's business; the rules here are those of RFC 4271 and RFC 4456.

import type { PathAttribute } from '../wire/index.js';
import { reflectedAttributes, withoutTypes } from './attributes.js';
import type { PathInfo } from './path.js';
import type { PeerInfo } from './peer.js';

/**
 * RFC 4271 s9.2: "When a BGP speaker receives an UPDATE message from an internal peer, the
 * receiving BGP speaker SHALL NOT re-distribute the routing information contained in that UPDATE
 * message to other internal peers (unless the speaker acts as a BGP Route Reflector [RFC2796])."
 * RFC 4456 s6: "1) A Route from a Non-Client IBGP peer: Reflect to all the Clients. 2) A Route
 * from a Client peer: Reflect to all the Non-Client peers and also to the Client peers. 3) Route
 * from an EBGP peer: Send to all the Client and Non-Client Peers."
 * And never back to the peer the path came from.
 */
export function mayAdvertise(from: PathInfo, to: PeerInfo): boolean {
  if (from.local) return true;
  if (from.source.id === to.id) return false;
  if (!from.source.ibgp || !to.ibgp) return true;
  return from.source.rrClient === true || to.rrClient === true;
}

/**
 * The attributes a path is advertised with to a peer, shared by every prefix of the path:
 * - reflected (iBGP to iBGP): ORIGINATOR_ID set when absent, our CLUSTER_ID prepended (RFC 4456 s8);
 * - to an internal peer: LOCAL_PREF present (RFC 4271 s5.1.5: it "SHALL be included in all UPDATE
 *   messages that a given BGP speaker sends to other internal peers");
 * - to an external peer: no LOCAL_PREF (s5.1.5 "MUST NOT include this attribute in UPDATE
 *   messages it sends to external peers"), and no ORIGINATOR_ID / CLUSTER_LIST, which mean
 *   something only inside the AS (RFC 4456 s7 / s8).
 */
export class OutboundAttributes {
  private readonly reflected = new WeakMap<PathInfo, readonly PathAttribute[]>();
  private readonly internal = new WeakMap<PathInfo, readonly PathAttribute[]>();
  private readonly external = new WeakMap<PathInfo, readonly PathAttribute[]>();

  constructor(private readonly clusterId: string) {}

  for(from: PathInfo, to: PeerInfo): readonly PathAttribute[] {
    if (!to.ibgp) return memo(this.external, from, () => withoutTypes(from.attributes, ['local-pref', 'originator-id', 'cluster-list']));
    if (!from.local && from.source.ibgp) {
      return memo(this.reflected, from, () => withLocalPref(reflectedAttributes(from.attributes, from.source.routerId, this.clusterId), from.localPref));
    }
    return memo(this.internal, from, () => withLocalPref(from.attributes, from.localPref));
  }
}

function withLocalPref(attrs: readonly PathAttribute[], localPref: number): readonly PathAttribute[] {
  if (attrs.some((a) => a.type === 'local-pref')) return attrs;
  return [...attrs, { type: 'local-pref', flags: 0x40, localPref }];
}

function memo(map: WeakMap<PathInfo, readonly PathAttribute[]>, key: PathInfo, make: () => readonly PathAttribute[]): readonly PathAttribute[] {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}
