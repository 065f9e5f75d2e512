// The host's routing table as `ip -j route show` prints it (main table, IPv4 and IPv6), and the
// views the e2e checks need: Wren's routes (protocol 87, "wren" when rt_protos names it), their
// next hops, a canonical snapshot for comparing the whole table before and after a restart.

import type { Netns } from '../../interop/harness/index.js';

/** One entry of `ip -j route show`, as printed. */
export interface IpJsonRoute {
  readonly dst: string;
  readonly type?: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly protocol?: string;
  readonly metric?: number;
  readonly nexthops?: ReadonlyArray<{ readonly gateway?: string; readonly dev?: string; readonly weight?: number }>;
  readonly [k: string]: unknown;
}

export interface KernelRoute {
  /** With its length: "10.96.0.10/32", "fd00:96::a/128". */
  readonly prefix: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly protocol: string;
  /** Gateways: one for a plain route, one per `nexthops` entry for a multipath route. */
  readonly gateways: readonly string[];
  /** Printed with `nexthops` (one multipath route). */
  readonly multipath: boolean;
  readonly raw: IpJsonRoute;
}

export const WREN_PROTOCOL = 87;
export const isWren = (r: KernelRoute): boolean => r.protocol === String(WREN_PROTOCOL) || r.protocol === 'wren';

function toRoute(raw: IpJsonRoute, family: 'ipv4' | 'ipv6'): KernelRoute {
  const len = family === 'ipv4' ? 32 : 128;
  const prefix = raw.dst === 'default' ? (family === 'ipv4' ? '0.0.0.0/0' : '::/0') : raw.dst.includes('/') ? raw.dst : `${raw.dst}/${len}`;
  const gateways = raw.nexthops ? raw.nexthops.map((h) => h.gateway ?? '?') : raw.gateway ? [raw.gateway] : [];
  return { prefix, family, protocol: String(raw.protocol ?? ''), gateways, multipath: raw.nexthops !== undefined, raw };
}

/** Parses the output of `ip -j -4|-6 route show`. */
export function parseIpRoutes(json: string, family: 'ipv4' | 'ipv6'): KernelRoute[] {
  const text = json.trim();
  return text === '' ? [] : (JSON.parse(text) as IpJsonRoute[]).map((r) => toRoute(r, family));
}

/** `ip -n NS -j -4|-6 route show` (the main table) for the family, or both. */
export async function kernelRoutes(ns: Netns, family: 'ipv4' | 'ipv6' | 'all' = 'all'): Promise<KernelRoute[]> {
  const out: KernelRoute[] = [];
  for (const f of family === 'all' ? (['ipv4', 'ipv6'] as const) : [family]) out.push(...parseIpRoutes(await ns.ip('-j', f === 'ipv4' ? '-4' : '-6', 'route', 'show'), f));
  return out;
}

export async function wrenRoutes(ns: Netns, family: 'ipv4' | 'ipv6' | 'all' = 'all'): Promise<KernelRoute[]> {
  return (await kernelRoutes(ns, family)).filter(isWren);
}

/** prefix -> sorted gateways of Wren's routes; a prefix seen twice maps to "DUPLICATE". */
export function wrenTable(routes: readonly KernelRoute[]): Record<string, string[] | 'DUPLICATE'> {
  const t: Record<string, string[] | 'DUPLICATE'> = {};
  for (const r of routes.filter(isWren)) t[r.prefix] = r.prefix in t ? 'DUPLICATE' : [...r.gateways].sort();
  return t;
}

/** The whole table, every field as printed, one canonical line per route, sorted. */
export function snapshot(routes: readonly KernelRoute[]): string[] {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canon(x)])) : v;
  return routes.map((r) => JSON.stringify(canon(r.raw))).sort();
}

/**
 * Prefixes that appear more than once in the table (any protocol, any metric), but fe80::/64,
 * which the kernel puts on every interface.
 */
export function duplicatePrefixes(routes: readonly KernelRoute[]): string[] {
  const seen = new Map<string, number>();
  for (const r of routes) if (r.prefix !== 'fe80::/64') seen.set(r.prefix, (seen.get(r.prefix) ?? 0) + 1);
  return [...seen].filter(([, c]) => c > 1).map(([p]) => p);
}

export interface TableSample {
  /** ms since the watch started. */
  readonly t: number;
  readonly routes: readonly KernelRoute[];
}

/**
 * Polls `ip -j route show` (both families, or one) as fast as it answers until `stop()`, which
 * returns every sample: what the table held while something else happened (a restart).
 */
export function watchTable(ns: Netns, family: 'ipv4' | 'ipv6' | 'all' = 'all'): { stop(): Promise<TableSample[]> } {
  const samples: TableSample[] = [];
  const t0 = Date.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push({ t: Date.now() - t0, routes: await kernelRoutes(ns, family) });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}
