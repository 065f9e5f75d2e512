// What Wren refuses to put into a forwarding table, whatever BGP says (issue #5):
// - a route whose next hop is an address of this host (the packet would loop back to us);
// - a route equal to or inside a connected or local subnet: in the main table a `replace` of a
//   connected prefix replaces the kernel's own route (same table, prefix and metric 0), and a
//   more specific one steals part of the subnet from the interface;
// - optionally (refuseSupernets) a route that contains a connected subnet. Off by default: the
//   longest match keeps the connected subnet on its interface, and a default route covers
//   everything;
// - a route outside the allowed prefixes, when a list is given (e.g. only the pod and service CIDRs).
// The route count limit needs the installed count and lives in the coalescer.
// The host's addresses come in as a list, so the guard stays pure and testable.

import { parseAddress, parseCidr, prefixContains, prefixText, subnetOf, type IpPrefix } from './address.js';
import { checkRoute, type CheckedRoute } from './route.js';
import type { FibRoute } from './types.js';

export type RefusalReason = 'invalid' | 'next-hop-is-local' | 'overlaps-connected' | 'not-allowed' | 'max-routes';

export interface FibRefusal {
  readonly route: FibRoute;
  readonly reason: RefusalReason;
  readonly message: string;
}

export interface FibGuardOptions {
  /**
   * Addresses of this host, bare ('192.0.2.10') or with their subnet length ('10.255.0.1/28'): a
   * next hop equal to one is refused, and the subnet of one with a length counts as connected.
   */
  readonly hostAddresses?: readonly string[];
  /** Further connected or local subnets (e.g. from `ip route show proto kernel`). */
  readonly connectedSubnets?: readonly string[];
  /** Also refuse routes that contain a connected subnet. */
  readonly refuseSupernets?: boolean;
  /** When given, only routes inside one of these prefixes are installed. */
  readonly allowedPrefixes?: readonly string[];
}

function parseList(what: string, list: readonly string[], parse: (s: string) => IpPrefix | null): IpPrefix[] {
  return list.map((text) => {
    const p = parse(text);
    if (!p) throw new TypeError(`FIB guard: not ${what}: ${text}`);
    return p;
  });
}

export class FibGuard {
  private readonly local: readonly IpPrefix[];
  private readonly connected: readonly IpPrefix[];
  private readonly allowed: readonly IpPrefix[] | null;
  private readonly refuseSupernets: boolean;

  constructor(options: FibGuardOptions = {}) {
    const host = parseList('an address', options.hostAddresses ?? [], (s) => parseCidr(s) ?? parseAddress(s));
    this.local = host.map((p) => ({ ...p, length: p.afi === 1 ? 32 : 128 }));
    this.connected = [...host.map(subnetOf), ...parseList('a prefix', options.connectedSubnets ?? [], parseCidr).map(subnetOf)];
    this.allowed = options.allowedPrefixes ? parseList('a prefix', options.allowedPrefixes, parseCidr).map(subnetOf) : null;
    this.refuseSupernets = options.refuseSupernets ?? false;
  }

  /** Why the route must not be installed, or null when it may. */
  check(route: FibRoute): FibRefusal | null {
    const c = checkRoute(route);
    return c.ok ? this.checkChecked(c.checked) : { route, reason: 'invalid', message: c.message };
  }

  /** The same for a route already through checkRoute(). */
  checkChecked(checked: CheckedRoute): FibRefusal | null {
    const { prefix, hops, route } = checked;
    if (this.allowed && !this.allowed.some((a) => prefixContains(a, prefix))) {
      return { route, reason: 'not-allowed', message: `${route.prefix} is outside the allowed prefixes` };
    }
    for (const h of hops) {
      if (this.local.some((l) => prefixContains(l, h.address))) {
        return { route, reason: 'next-hop-is-local', message: `${route.prefix}: next hop ${h.hop.address} is an address of this host` };
      }
    }
    for (const s of this.connected) {
      if (prefixContains(s, prefix)) {
        return { route, reason: 'overlaps-connected', message: `${route.prefix} would take over connected subnet ${prefixText(s)}` };
      }
      if (this.refuseSupernets && prefixContains(prefix, s)) {
        return { route, reason: 'overlaps-connected', message: `${route.prefix} covers connected subnet ${prefixText(s)}` };
      }
    }
    return null;
  }
}
