// The FIB seam (DESIGN.md "Kernel FIB"): what Wren asks of a forwarding table, whatever writes it.
// Plain, JSON-able data, so a batch can be logged, printed as a plan and replayed.

/** One next hop of a route. `dev` pins the interface; without it the kernel resolves one. */
export interface FibNextHop {
  readonly address: string;
  readonly dev?: string;
  /** Multipath weight, 1..256 (the kernel's default is 1); ignored for a single next hop. */
  readonly weight?: number;
}

/** One route: several next hops make one multipath (ECMP) route, never several routes. */
export interface FibRoute {
  readonly prefix: string;
  readonly nextHops: readonly FibNextHop[];
}

/** `replace` adds the route or changes it in place; `delete` removes it. */
export interface FibChange {
  readonly op: 'replace' | 'delete';
  readonly route: FibRoute;
}

/**
 * Why one change failed. The kernel's errno names where there is one:
 * - ESRCH: delete of a route that is not there;
 * - ENETUNREACH (IPv4) / EHOSTUNREACH (IPv6): a next hop not on a connected subnet;
 * - ENODEV: `dev` names no interface;
 * - EINVAL: a malformed route (host bits set, mixed families, bad weight...);
 * - EEXIST: a route already there (not produced by replace, kept for backends that add);
 * - EPERM: no CAP_NET_ADMIN;
 * - EINVAL also stands for a refusal the kernel explained only in words;
 * - EIO: the outcome is unknown (the writer process died before it answered).
 */
export type FibErrorCode = 'ESRCH' | 'ENETUNREACH' | 'EHOSTUNREACH' | 'ENODEV' | 'EINVAL' | 'EEXIST' | 'EPERM' | 'EIO';

export type FibOutcome =
  | { readonly ok: true; readonly change: FibChange }
  | { readonly ok: false; readonly change: FibChange; readonly code: FibErrorCode; readonly message: string };

/** The outcome of every change of a batch, in order. A failed route never fails the batch. */
export interface FibResult {
  readonly outcomes: readonly FibOutcome[];
  readonly failed: number;
}

export interface FibBackend {
  /** Applies the changes in order; each succeeds or fails on its own. */
  apply(changes: readonly FibChange[]): Promise<FibResult>;
  /** The routes this backend owns: its protocol id, table and metric, IPv4 then IPv6. */
  list(): Promise<FibRoute[]>;
  close(): Promise<void>;
}

/**
 * Wren's route protocol id (rtm_protocol). Values at or above RTPROT_STATIC (4) are not interpreted
 * by the kernel; 87 ('W') is in neither the kernel's list (include/uapi/linux/rtnetlink.h: 0-4, 8-18,
 * 42, 99, 186-189, 192) nor FRR's (186-198, where 196 is its static daemon), BIRD's (12), Calico
 * Felix's (80) or keepalived's (18). See docs/fib.md for the rt_protos.d line.
 */
export const WREN_ROUTE_PROTOCOL = 87;

/** RT_TABLE_MAIN. */
export const MAIN_TABLE = 254;

/** Which routes a backend owns and how it writes them. */
export interface FibTableOptions {
  /** Routing table id, 1..2^32-1 except 255 (local); 'main' (254) by default. */
  readonly table?: number | 'main';
  /** Route metric (priority); 0 (the default) is the kernel's default: 0 for IPv4, 1024 for IPv6. */
  readonly metric?: number;
  /** rtm_protocol of our routes; WREN_ROUTE_PROTOCOL by default. */
  readonly protocol?: number;
  /**
   * Allow next hops that are not on a connected subnet of their `dev` (the kernel's `onlink` flag).
   * Off by default: next hops must resolve onto a connected interface.
   */
  readonly onlink?: boolean;
}

export interface ResolvedTableOptions {
  readonly table: number;
  readonly metric: number;
  readonly protocol: number;
  readonly onlink: boolean;
}

/** Checks and fills in the defaults; throws TypeError on a value the kernel would not take. */
export function resolveTableOptions(options: FibTableOptions = {}): ResolvedTableOptions {
  const table = options.table === undefined || options.table === 'main' ? MAIN_TABLE : options.table;
  if (!Number.isInteger(table) || table < 1 || table > 0xffffffff || table === 255) {
    throw new TypeError(`FIB table must be 1..4294967295 and not 255 (local): ${String(options.table)}`);
  }
  const metric = options.metric ?? 0;
  if (!Number.isInteger(metric) || metric < 0 || metric > 0xffffffff) throw new TypeError(`FIB metric must be 0..4294967295: ${metric}`);
  const protocol = options.protocol ?? WREN_ROUTE_PROTOCOL;
  // 0-4 mean something to the kernel (unspec, redirect, kernel, boot, static): never ours.
  if (!Number.isInteger(protocol) || protocol < 5 || protocol > 255) throw new TypeError(`FIB protocol id must be 5..255: ${protocol}`);
  return { table, metric, protocol, onlink: options.onlink ?? false };
}

/** The metric the kernel stores for a requested one (IPv6 turns 0 into 1024, IP6_RT_PRIO_USER). */
export function effectiveMetric(afi: 1 | 2, metric: number): number {
  return afi === 2 && metric === 0 ? 1024 : metric;
}
