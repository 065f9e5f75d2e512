// The memory FIB: a first-class backend for tests and for running without root. It keeps the
// kernel's semantics where Wren can observe them:
// - replace adds or changes the route of (table, prefix, metric), whoever installed it;
// - delete matches our protocol id (and the metric unless it is 0) and fails with ESRCH when
//   there is nothing to delete;
// - IPv6 stores metric 0 as 1024;
// - when interfaces are given, next hops are resolved like the kernel does: onto the interface
//   whose connected subnet holds them (ENETUNREACH for IPv4, EHOSTUNREACH for IPv6 otherwise),
//   `dev` must exist (ENODEV), an IPv6 gateway may not be a local address (EINVAL). Without
//   interfaces next hops are not checked.
// The state lives in a MemoryKernel that several backends can share: a "restarted" Wren is a new
// MemoryFib on the same MemoryKernel.

import { parseCidr, prefixContains, sameAddress, subnetOf, type IpPrefix } from './address.js';
import { checkChange, type CheckedRoute } from './route.js';
import {
  effectiveMetric,
  resolveTableOptions,
  type FibBackend,
  type FibChange,
  type FibErrorCode,
  type FibNextHop,
  type FibOutcome,
  type FibResult,
  type FibRoute,
  type FibTableOptions,
  type ResolvedTableOptions,
} from './types.js';

export interface MemoryInterface {
  readonly name: string;
  /** Interface addresses with their subnet length, e.g. '10.255.0.1/28'. */
  readonly addresses: readonly string[];
}

/** A route in the memory kernel, ours or not. */
export interface MemoryKernelRoute {
  readonly table: number;
  readonly metric: number;
  readonly protocol: number;
  readonly route: FibRoute;
}

interface Iface {
  readonly name: string;
  readonly addresses: readonly IpPrefix[];
  readonly subnets: readonly IpPrefix[];
}

type Resolved = { ok: true; hops: FibNextHop[] } | { ok: false; code: FibErrorCode; message: string };

export class MemoryKernel {
  private readonly entries = new Map<string, MemoryKernelRoute & { readonly sort: IpPrefix }>();
  private readonly ifaces: readonly Iface[] | null;

  constructor(interfaces?: readonly MemoryInterface[]) {
    this.ifaces = interfaces
      ? interfaces.map((i) => {
          const addresses = i.addresses.map((a) => {
            const p = parseCidr(a);
            if (!p) throw new TypeError(`interface ${i.name}: not an address/length: ${a}`);
            return p;
          });
          return { name: i.name, addresses, subnets: addresses.map(subnetOf) };
        })
      : null;
  }

  /** Every route, ours or not (what `ip route show table all` would list). */
  routes(): MemoryKernelRoute[] {
    return [...this.entries.values()]
      .sort((a, b) => compareIp(a.sort, b.sort))
      .map(({ table, metric, protocol, route }) => ({ table, metric, protocol, route }));
  }

  /** `ip route add`: fails with EEXIST when (table, prefix, metric) is taken. For tests that play "someone else". */
  add(route: FibRoute, where: { table: number; metric: number; protocol: number }): FibOutcome {
    const change: FibChange = { op: 'replace', route };
    const check = checkChange(change);
    if (!check.ok) return { ok: false, change, code: 'EINVAL', message: check.message };
    const key = entryKey(where.table, effectiveMetric(check.checked.afi, where.metric), check.checked.route.prefix);
    if (this.entries.has(key)) return { ok: false, change, code: 'EEXIST', message: 'File exists' };
    return this.replace(check.checked, { ...where, onlink: false });
  }

  /** @internal the backend's replace, after checkChange. */
  replace(c: CheckedRoute, o: ResolvedTableOptions): FibOutcome {
    const change: FibChange = { op: 'replace', route: c.route };
    const resolved = this.resolve(c, o.onlink);
    if (!resolved.ok) return { ok: false, change, code: resolved.code, message: resolved.message };
    const metric = effectiveMetric(c.afi, o.metric);
    // The kernel reports a weight for every next hop of a multipath route.
    const nextHops = resolved.hops.length > 1 ? resolved.hops.map((h) => ({ ...h, weight: h.weight ?? 1 })) : resolved.hops;
    const route: FibRoute = { prefix: c.route.prefix, nextHops };
    this.entries.set(entryKey(o.table, metric, route.prefix), { table: o.table, metric, protocol: o.protocol, route, sort: c.prefix });
    return { ok: true, change };
  }

  /** @internal the backend's delete: our protocol, and our metric unless it is 0 (any). */
  remove(c: CheckedRoute, o: ResolvedTableOptions): FibOutcome {
    const change: FibChange = { op: 'delete', route: c.route };
    for (const [key, e] of this.entries) {
      if (e.table !== o.table || e.route.prefix !== c.route.prefix || e.protocol !== o.protocol) continue;
      if (o.metric !== 0 && e.metric !== effectiveMetric(c.afi, o.metric)) continue;
      this.entries.delete(key);
      return { ok: true, change };
    }
    return { ok: false, change, code: 'ESRCH', message: 'No such process' };
  }

  private resolve(c: CheckedRoute, onlink: boolean): Resolved {
    const ifaces = this.ifaces;
    if (!ifaces) return { ok: true, hops: c.route.nextHops.slice() };
    const hops: FibNextHop[] = [];
    for (const { address, hop } of c.hops) {
      const named = hop.dev === undefined ? null : ifaces.find((i) => i.name === hop.dev);
      if (named === undefined) return { ok: false, code: 'ENODEV', message: `Cannot find device "${hop.dev ?? ''}"` };
      if (c.afi === 2 && ifaces.some((i) => i.addresses.some((a) => sameAddress({ ...a, length: 128 }, address)))) {
        return { ok: false, code: 'EINVAL', message: 'Gateway can not be a local address.' };
      }
      const candidates = named ? [named] : ifaces;
      const on = candidates.find((i) => i.subnets.some((s) => prefixContains(s, address)));
      if (!on && !(onlink && named)) {
        return c.afi === 1
          ? { ok: false, code: 'ENETUNREACH', message: 'Nexthop has invalid gateway.' }
          : { ok: false, code: 'EHOSTUNREACH', message: 'No route to host' };
      }
      hops.push({ ...hop, dev: (on ?? named)!.name });
    }
    return { ok: true, hops };
  }
}

export interface MemoryFibOptions extends FibTableOptions {
  /** The state to work on; a new, empty one by default. Share one to play a restart. */
  readonly kernel?: MemoryKernel;
  /** Interfaces of a new kernel (ignored when `kernel` is given). */
  readonly interfaces?: readonly MemoryInterface[];
}

export class MemoryFib implements FibBackend {
  readonly kernel: MemoryKernel;
  private readonly options: ResolvedTableOptions;
  private closed = false;

  constructor(options: MemoryFibOptions = {}) {
    this.options = resolveTableOptions(options);
    this.kernel = options.kernel ?? new MemoryKernel(options.interfaces);
  }

  async apply(changes: readonly FibChange[]): Promise<FibResult> {
    if (this.closed) throw new Error('MemoryFib is closed');
    let failed = 0;
    const outcomes = changes.map((change): FibOutcome => {
      const check = checkChange(change);
      const out = !check.ok
        ? { ok: false as const, change, code: 'EINVAL' as const, message: check.message }
        : change.op === 'replace'
          ? this.kernel.replace(check.checked, this.options)
          : this.kernel.remove(check.checked, this.options);
      if (!out.ok) failed++;
      // Report the change as given, as the kernel backend does.
      return { ...out, change };
    });
    return { outcomes, failed };
  }

  async list(): Promise<FibRoute[]> {
    const { table, metric, protocol } = this.options;
    return this.kernel
      .routes()
      .filter((r) => r.table === table && r.protocol === protocol && r.metric === effectiveMetric(r.route.prefix.includes(':') ? 2 : 1, metric))
      .map((r) => r.route);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function entryKey(table: number, metric: number, prefix: string): string {
  return `${table} ${metric} ${prefix}`;
}

function compareIp(a: IpPrefix, b: IpPrefix): number {
  if (a.afi !== b.afi) return a.afi - b.afi;
  for (let k = 0; k < a.words.length; k++) {
    const d = a.words[k]! - b.words[k]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
