// FIB routes <-> rtnetlink route messages. Pure: interface names are looked up through functions.
//
// A replace is what `ip route replace P proto X table T metric M via A [dev D] [onlink]` sends: type
// RTN_UNICAST, scope RT_SCOPE_UNIVERSE, one next hop as RTA_GATEWAY (+ RTA_OIF), several as
// RTA_MULTIPATH. A delete is what `ip route del P proto X table T metric M` sends: type RTN_UNSPEC
// and scope RT_SCOPE_NOWHERE (any), so that it matches on prefix, table, protocol and metric only.

import { ipv6ToString } from '../../wire/index.js';
import type { IpPrefix } from '../address.js';
import type { CheckedRoute } from '../route.js';
import { effectiveMetric, type FibNextHop, type FibRoute, type ResolvedTableOptions } from '../types.js';
import { AF_INET, AF_INET6, RTM_F_CLONED, RTNH_F_ONLINK, RTN_UNICAST, RTN_UNSPEC, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_UNSPEC, addressBytes } from './constants.js';
import { routeTable, type RouteMessage, type RouteNextHop } from './route-message.js';

/** Network-order bytes of an address or prefix (its first `bytes` bytes). */
export function prefixBytes(p: IpPrefix): Uint8Array {
  const out = new Uint8Array(p.afi === 1 ? 4 : 16);
  const dv = new DataView(out.buffer);
  p.words.forEach((w, k) => dv.setUint32(4 * k, w >>> 0, false));
  return out;
}

/** Address text as the kernel prints it (RFC 5952 for IPv6); null when the length is not the family's. */
export function addressFromBytes(family: number, bytes: Uint8Array): string | null {
  if (bytes.length !== addressBytes(family)) return null;
  return family === AF_INET ? `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}` : ipv6ToString(bytes, 0);
}

export type RequestBody = { readonly ok: true; readonly route: RouteMessage } | { readonly ok: false; readonly dev: string };

/**
 * The rtmsg of a replace or delete of a checked route. `ifindex` resolves the `dev` of next hops;
 * a name it does not know fails the request (`ip` says: Cannot find device).
 */
export function routeRequestBody(c: CheckedRoute, op: 'replace' | 'delete', o: ResolvedTableOptions, ifindex: (name: string) => number | undefined): RequestBody {
  const family = c.afi === 1 ? AF_INET : AF_INET6;
  const common = {
    family,
    dstLength: c.prefix.length,
    srcLength: 0,
    tos: 0,
    // rtm_table is a byte; RTA_TABLE always says the full id, so the kernel never has to guess.
    table: o.table < 256 ? o.table : RT_TABLE_UNSPEC,
    tableId: o.table,
    protocol: o.protocol,
    // ip sends no RTA_DST for a default route.
    ...(c.prefix.length > 0 ? { dst: prefixBytes(c.prefix) } : {}),
    other: [],
  };
  if (op === 'delete') {
    // IPv6 stores metric 0 as 1024, and a delete with metric 0 matches every metric (ip6_route_del()).
    return { ok: true, route: { ...common, scope: RT_SCOPE_NOWHERE, type: RTN_UNSPEC, flags: 0, priority: effectiveMetric(c.afi, o.metric) } };
  }
  const hops: RouteNextHop[] = [];
  for (const h of c.hops) {
    let index = 0;
    if (h.hop.dev !== undefined) {
      const found = ifindex(h.hop.dev);
      if (found === undefined) return { ok: false, dev: h.hop.dev };
      index = found;
    }
    const flags = o.onlink && h.hop.dev !== undefined ? RTNH_F_ONLINK : 0;
    hops.push({ flags, weight: h.hop.weight ?? 1, ifindex: index, gateway: prefixBytes(h.address), other: [] });
  }
  const base = { ...common, scope: RT_SCOPE_UNIVERSE, type: RTN_UNICAST, priority: o.metric };
  if (hops.length === 1) {
    const h = hops[0]!;
    return { ok: true, route: { ...base, flags: h.flags, gateway: h.gateway!, ...(h.ifindex !== 0 ? { oif: h.ifindex } : {}) } };
  }
  return { ok: true, route: { ...base, flags: 0, multipath: hops } };
}

/** True when a dumped or notified route is one of ours: our protocol, table and metric, not a cache entry. */
export function isOurs(m: RouteMessage, o: ResolvedTableOptions): boolean {
  if (m.family !== AF_INET && m.family !== AF_INET6) return false;
  if (m.protocol !== o.protocol || routeTable(m) !== o.table || (m.flags & RTM_F_CLONED) !== 0) return false;
  return (m.priority ?? 0) === effectiveMetric(m.family === AF_INET ? 1 : 2, o.metric);
}

function hop(family: number, gateway: Uint8Array | undefined, ifindex: number, name: (index: number) => string | undefined, weight: number | null): FibNextHop | null {
  const address = gateway && addressFromBytes(family, gateway);
  if (!address) return null;
  const dev = ifindex > 0 ? name(ifindex) : undefined;
  return { address, ...(dev !== undefined ? { dev } : {}), ...(weight !== null ? { weight } : {}) };
}

/**
 * The FibRoute of a route message. Next hops without a gateway of the route's family (a device
 * route, RTA_VIA, a nexthop object) are left out, as `ip -json` shows them without `gateway`: a
 * route of ours changed that way is listed with fewer or no next hops, and reconciling fixes it.
 */
export function fibRouteOf(m: RouteMessage, name: (index: number) => string | undefined): FibRoute | null {
  const size = addressBytes(m.family);
  if (size === null || m.dstLength > size * 8) return null;
  const dst = m.dst ?? new Uint8Array(size);
  const text = addressFromBytes(m.family, dst);
  if (text === null) return null;
  const hops = m.multipath ? m.multipath.map((h) => hop(m.family, h.gateway, h.ifindex, name, h.weight)) : [hop(m.family, m.gateway, m.oif ?? 0, name, null)];
  // The kernel keeps prefixes masked, and addressFromBytes() prints them as prefixText() does.
  return { prefix: `${text}/${m.dstLength}`, nextHops: hops.filter((h): h is FibNextHop => h !== null) };
}

/** Interface indexes a route names (to refresh the name table when one is new). */
export function routeIfindexes(m: RouteMessage): number[] {
  const out = m.oif !== undefined ? [m.oif] : [];
  for (const h of m.multipath ?? []) if (h.ifindex > 0) out.push(h.ifindex);
  return out;
}
