// FIB changes as `ip -batch` lines, and `ip -json route show` output back to FIB routes.
// Only checked routes (route.ts) are formatted: every token is an address, a number or an
// interface name, so a line can neither inject a command nor make `ip` exit on a parse error.
// `nexthop` clauses must come last: `ip` reads everything after the first one as next hops.

import { canonicalPrefix } from './route.js';
import type { CheckedRoute } from './route.js';
import { effectiveMetric, type FibNextHop, type FibRoute, type ResolvedTableOptions } from './types.js';

function common(prefix: string, o: ResolvedTableOptions): string {
  return `${prefix} proto ${o.protocol} table ${o.table} metric ${o.metric}`;
}

function hopText(h: FibNextHop, o: ResolvedTableOptions): string {
  const dev = h.dev === undefined ? '' : ` dev ${h.dev}`;
  return `via ${h.address}${dev}${o.onlink && h.dev !== undefined ? ' onlink' : ''}`;
}

/** `route replace P proto X table T metric M via A [dev D]`, or one `nexthop` clause per next hop. */
export function replaceLine(c: CheckedRoute, o: ResolvedTableOptions): string {
  const hops = c.route.nextHops;
  if (hops.length === 1) return `route replace ${common(c.route.prefix, o)} ${hopText(hops[0]!, o)}`;
  return `route replace ${common(c.route.prefix, o)} ${hops.map((h) => `nexthop ${hopText(h, o)} weight ${h.weight ?? 1}`).join(' ')}`;
}

/** Deletes match our protocol id, so a route of the same prefix installed by someone else stays. */
export function deleteLine(c: CheckedRoute, o: ResolvedTableOptions): string {
  return `route del ${common(c.route.prefix, o)}`;
}

/** The arguments of `ip` that list our routes of one family. */
export function listArgs(afi: 1 | 2, o: ResolvedTableOptions): string[] {
  return ['-json', '-details', afi === 1 ? '-4' : '-6', 'route', 'show', 'table', String(o.table), 'proto', String(o.protocol)];
}

interface JsonNextHop {
  readonly gateway?: string;
  readonly dev?: string;
  readonly weight?: number;
}

interface JsonRoute extends JsonNextHop {
  readonly dst?: string;
  readonly metric?: number;
  readonly nexthops?: readonly JsonNextHop[];
}

function dstPrefix(dst: string, afi: 1 | 2): string {
  if (dst === 'default') return afi === 1 ? '0.0.0.0/0' : '::/0';
  return canonicalPrefix(dst.includes('/') ? dst : `${dst}/${afi === 1 ? 32 : 128}`);
}

function hop(j: JsonNextHop, weight: boolean): FibNextHop | null {
  if (j.gateway === undefined) return null;
  return { address: j.gateway, ...(j.dev !== undefined ? { dev: j.dev } : {}), ...(weight ? { weight: j.weight ?? 1 } : {}) };
}

/**
 * Our routes from `ip -json route show` output: only those with our metric (IPv6 stores 0 as 1024).
 * A route of ours without a gateway (someone changed it) is kept with no next hops, so that
 * reconciling replaces or deletes it.
 */
export function parseListed(json: string, afi: 1 | 2, o: ResolvedTableOptions): FibRoute[] {
  const text = json.trim();
  if (text === '') return [];
  const rows = JSON.parse(text) as readonly JsonRoute[];
  const metric = effectiveMetric(afi, o.metric);
  const out: FibRoute[] = [];
  for (const r of rows) {
    if (r.dst === undefined || (r.metric ?? 0) !== metric) continue;
    const hops = r.nexthops ? r.nexthops.map((h) => hop(h, true)) : [hop(r, false)];
    out.push({ prefix: dstPrefix(r.dst, afi), nextHops: hops.filter((h): h is FibNextHop => h !== null) });
  }
  return out;
}
