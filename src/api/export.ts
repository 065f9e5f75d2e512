// What a best path looks like when sent to one peer: the peer's export policy, then the rules of
// RFC 4271 s5.1 for the session type (AS_PATH prepend, NEXT_HOP, MED), then RFC 6793 for peers
// without 4-octet ASNs. Results are memoised per attribute set and peer, so the prefixes of one
// path keep sharing one attribute array on the way out (and pack into the same UPDATEs).

import { evaluate, type CompiledPolicy } from '../policy/index.js';
import type { ExportRoute, PeerInfo } from '../rib/index.js';
import { toTwoOctetAttributes, type PathAttribute } from '../wire/index.js';
import { SELF_V4, SELF_V6 } from './announcements.js';
import { otcEgress } from './roles.js';

export interface ExportSession {
  readonly ibgp: boolean;
  readonly localAsn: number;
  readonly routerId: string;
  /** The session's local IPv4 / IPv6 address: our next hop for this peer. */
  readonly localV4?: string;
  readonly localV6?: string;
  /** Set NEXT_HOP to ourselves towards iBGP peers too (RFC 4271 s5.1.3 leaves it to policy). */
  readonly nextHopSelf: boolean;
  readonly asn4: boolean;
  readonly policy?: CompiledPolicy;
  /** RFC 9234 local role, when both sides announced roles. */
  readonly role?: number;
}

function nextHopOf(attrs: readonly PathAttribute[], afi: 1 | 2): string | undefined {
  for (const a of attrs) {
    if (afi === 1 && a.type === 'next-hop') return a.nextHop;
    if (a.type === 'mp-reach' && a.afi === afi) return a.nextHops[0];
  }
  return undefined;
}

function setNextHop(attrs: readonly PathAttribute[], afi: 1 | 2, nextHop: string): PathAttribute[] {
  const out: PathAttribute[] = attrs.filter((a) => a.type !== 'next-hop' && a.type !== 'mp-reach');
  if (afi === 1 && !nextHop.includes(':')) out.push({ type: 'next-hop', flags: 0x40, nextHop });
  else out.push({ type: 'mp-reach', flags: 0x90, afi, safi: 1, nextHops: [nextHop], nextHopBytes: null, reserved: 0, nlri: null, nlriBytes: null });
  return out;
}

/** Computes the advertised attributes; null means the route is not advertised to this peer. */
export function exportAttributes(route: ExportRoute, peer: PeerInfo, s: ExportSession): readonly PathAttribute[] | null {
  const afi = route.path.afi;
  let attrs = route.attributes;
  if (s.role !== undefined) {
    const checked = otcEgress(attrs, s.role, s.localAsn);
    if (!checked) return null;
    attrs = checked;
  }
  if (s.policy) {
    const r = evaluate(s.policy, {
      prefix: route.prefix,
      afi,
      attributes: attrs,
      peer: { address: peer.address, asn: peer.asn, ibgp: peer.ibgp, routerId: peer.routerId },
      local: { asn: s.localAsn, routerId: s.routerId, ...(s.localV4 ? { address: s.localV4 } : {}) },
    });
    if (!r.accept) return null;
    attrs = r.attributes;
  }
  const current = nextHopOf(attrs, afi);
  const local = afi === 1 ? (s.localV4 ?? s.localV6) : s.localV6;
  const selfPlaceholder = current === SELF_V4 || current === SELF_V6 || current === undefined;
  let out: PathAttribute[] | null = null;
  if (!s.ibgp) {
    out = attrs.map((a) => {
      // RFC 4271 s5.1.2: prepend our AS when sending to an external peer.
      if (a.type !== 'as-path') return a;
      const first = a.segments[0];
      const segments = first?.type === 2 ? [{ type: 2 as const, asns: [s.localAsn, ...first.asns] }, ...a.segments.slice(1)] : [{ type: 2 as const, asns: [s.localAsn] }, ...a.segments];
      return { ...a, segments };
    });
    // RFC 4271 s5.1.4: a MED learned from a neighbouring AS is not passed to other ASes.
    if (!route.path.local) out = out.filter((a) => a.type !== 'med');
  }
  if (!s.ibgp || s.nextHopSelf || selfPlaceholder) {
    if (!local) return null; // no address of this family on the session: nothing valid to send
    out = setNextHop(out ?? attrs, afi, local);
  }
  const result = out ?? attrs;
  return s.asn4 ? result : toTwoOctetAttributes(result);
}

/** Memoises exportAttributes per (attribute array, peer): one output array per input array. */
export class ExportCache {
  private readonly memo = new WeakMap<readonly PathAttribute[], Map<string, readonly PathAttribute[] | null>>();

  get(route: ExportRoute, peer: PeerInfo, s: ExportSession, policyDependsOnPrefix: boolean): readonly PathAttribute[] | null {
    if (policyDependsOnPrefix) return exportAttributes(route, peer, s);
    let m = this.memo.get(route.attributes);
    if (!m) {
      m = new Map();
      this.memo.set(route.attributes, m);
    }
    const key = `${peer.id}|${route.path.afi}|${route.path.local ? 1 : 0}`;
    let v = m.get(key);
    if (v === undefined) {
      v = exportAttributes(route, peer, s);
      m.set(key, v);
    }
    return v;
  }
}
