// Checking and comparing FIB routes. Every backend checks a change here first, so a malformed
// route fails the same way (EINVAL) whatever writes the table, and nothing malformed ever reaches
// a command line.

import { addressText, hostBitsClear, parseAddress, parseCidr, prefixText, type IpPrefix } from './address.js';
import type { FibChange, FibNextHop, FibRoute } from './types.js';

export interface CheckedNextHop {
  readonly address: IpPrefix;
  readonly hop: FibNextHop;
}

/** A route that passed the checks, in canonical text (what the kernel prints back). */
export interface CheckedRoute {
  readonly afi: 1 | 2;
  readonly prefix: IpPrefix;
  readonly route: FibRoute;
  readonly hops: readonly CheckedNextHop[];
}

export type RouteCheck = { readonly ok: true; readonly checked: CheckedRoute } | { readonly ok: false; readonly message: string };

// Linux dev_valid_name(): under IFNAMSIZ (16), no '/', ':' or white space; '-' first would read as an option.
const DEV_NAME = /^[A-Za-z0-9_.@+][A-Za-z0-9_.@+-]{0,14}$/;

export function validDevName(name: string): boolean {
  return DEV_NAME.test(name) && name !== '.' && name !== '..';
}

/** Checks a change; a delete needs only its prefix. */
export function checkChange(change: FibChange): RouteCheck {
  return checkRoute(change.route, change.op === 'replace');
}

export function checkRoute(route: FibRoute, needsNextHop = true): RouteCheck {
  const prefix = parseCidr(route.prefix);
  if (!prefix) return { ok: false, message: `not a prefix: ${JSON.stringify(route.prefix)}` };
  if (!hostBitsClear(prefix)) return { ok: false, message: `invalid prefix for given prefix length: ${route.prefix}` };
  const hops: CheckedNextHop[] = [];
  if (needsNextHop) {
    if (route.nextHops.length === 0) return { ok: false, message: `${route.prefix}: a route needs at least one next hop` };
    const multipath = route.nextHops.length > 1;
    for (const h of route.nextHops) {
      const address = parseAddress(h.address);
      if (!address) return { ok: false, message: `${route.prefix}: next hop is not an address: ${JSON.stringify(h.address)}` };
      if (address.afi !== prefix.afi) return { ok: false, message: `${route.prefix}: next hop ${h.address} is not of the prefix's family` };
      if (h.dev !== undefined && !validDevName(h.dev)) return { ok: false, message: `${route.prefix}: bad interface name ${JSON.stringify(h.dev)}` };
      if (h.weight !== undefined && (!Number.isInteger(h.weight) || h.weight < 1 || h.weight > 256)) {
        return { ok: false, message: `${route.prefix}: next hop weight must be 1..256: ${h.weight}` };
      }
      const text = addressText(address);
      if (hops.some((o) => o.hop.address === text)) return { ok: false, message: `${route.prefix}: next hop ${text} given twice` };
      const hop: FibNextHop = { address: text, ...(h.dev !== undefined ? { dev: h.dev } : {}), ...(multipath && h.weight !== undefined ? { weight: h.weight } : {}) };
      hops.push({ address, hop });
    }
  }
  return { ok: true, checked: { afi: prefix.afi, prefix, hops, route: { prefix: prefixText(prefix), nextHops: hops.map((h) => h.hop) } } };
}

/** The canonical text of a prefix (RFC 5952 for IPv6), or the text itself when it does not parse. */
export function canonicalPrefix(text: string): string {
  const p = parseCidr(text);
  return p ? prefixText(p) : text;
}

/**
 * True when `installed` already is what `desired` asks for: the same next hops (in any order)
 * with the same weights when multipath, and the same interface where `desired` names one (the
 * kernel fills in the interface it resolved, so an installed route names more than was asked).
 */
export function routeSatisfies(installed: FibRoute, desired: FibRoute): boolean {
  if (installed.prefix !== desired.prefix || installed.nextHops.length !== desired.nextHops.length) return false;
  const multipath = desired.nextHops.length > 1;
  return desired.nextHops.every((d) => {
    const i = installed.nextHops.find((h) => h.address === d.address);
    if (!i) return false;
    if (d.dev !== undefined && i.dev !== d.dev) return false;
    return !multipath || (i.weight ?? 1) === (d.weight ?? 1);
  });
}
