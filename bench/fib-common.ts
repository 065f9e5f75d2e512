// Shared by bench/fib*.ts: the route set, the result records, and what /proc says about a process
// (CPU time, peak memory) and about the kernel's memory.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { FibChange, FibNextHop, FibRoute } from '../src/fib/index.js';

/** The prefixes: /24s counting up from 16.0.0.0, so at most the 2^20 /24s of 16.0.0.0/4. */
export const ROUTE_BLOCK = '16.0.0.0/4';
export const MAX_ROUTES = 1 << 20;

/** The i-th prefix of the set: 16.0.0.0/24, 16.0.1.0/24, ... 31.255.255.0/24. */
export function prefixOf(i: number): string {
  return `${16 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}.0/24`;
}

export interface Scenario {
  /** 'single' or 'ecmp4'. */
  readonly id: string;
  readonly title: string;
  /** The next hops of every route (one array shared by all routes, as a RIB shares attribute sets). */
  readonly nextHops: readonly FibNextHop[];
}

export function scenarios(hops: readonly string[]): Scenario[] {
  return [
    { id: 'single', title: `single next hop (via ${hops[0]})`, nextHops: [{ address: hops[0]! }] },
    { id: 'ecmp4', title: `4-way ECMP (${hops.slice(0, 4).join(', ')}, weight 1 each)`, nextHops: hops.slice(0, 4).map((address) => ({ address, weight: 1 })) },
  ];
}

/** The N routes of a scenario as FibRoute objects (built before any clock starts). */
export function buildRoutes(n: number, nextHops: readonly FibNextHop[]): FibRoute[] {
  const out: FibRoute[] = new Array<FibRoute>(n);
  for (let i = 0; i < n; i++) out[i] = { prefix: prefixOf(i), nextHops };
  return out;
}

export function changesOf(routes: readonly FibRoute[], op: FibChange['op']): FibChange[] {
  return routes.map((route) => ({ op, route }));
}

/**
 * Whether `ip route show` of one installed route has the scenario's next hops (in any table, from
 * any contender: the protocol id and metric differ). Returns what is wrong, or null.
 */
export function checkShape(shown: string, scenario: Scenario): string | null {
  if (shown === '') return 'not in the kernel';
  const want = scenario.nextHops.map((h) => h.address);
  const multipath = (shown.match(/nexthop via/g) ?? []).length;
  if (want.length > 1 && multipath !== want.length) return `expected ${want.length} nexthop clauses: ${shown}`;
  if (want.length === 1 && multipath !== 0) return `expected a single next hop: ${shown}`;
  for (const a of want) if (!shown.includes(`via ${a} `)) return `next hop ${a} missing: ${shown}`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Results

/** CPU time of one process over a phase, ms. */
export interface ProcessCpu {
  readonly who: string;
  readonly userMs: number;
  readonly sysMs: number;
}

export interface Phase {
  /** Wall clock, ms. */
  readonly ms: number;
  readonly routesPerSec: number;
  /** Changes the contender reported as failed (or lines `ip` reported), 0 when all went in. */
  readonly failed: number;
  /** Routes in the kernel afterwards, from /proc/net/fib_triestat, minus the namespace's own. */
  readonly kernelCount: number;
  /** The count was what it should be (N after install, 0 after removal). */
  readonly verified: boolean;
  /** Where the time went: every process that did the work, user and system time. */
  readonly cpu: readonly ProcessCpu[];
  /** Uncertainty of `ms` in ms, when the end was found by polling. */
  readonly pollErrorMs?: number;
  /** Per apply() call latency, ms (backends only). */
  readonly applyMs?: { readonly calls: number; readonly p50: number; readonly p99: number; readonly max: number };
}

export interface ContenderResult {
  readonly name: string;
  readonly kind: 'wren' | 'ip-batch' | 'bird';
  readonly skipped?: string;
  readonly install?: Phase;
  readonly remove?: Phase;
  /** Unreclaimable slab growth while the routes were installed (kernel-wide, so approximate), bytes. */
  readonly kernelSlabBytes?: number;
  /** Peak resident memory of helper processes (`ip`, `bird`), bytes. */
  readonly peakRss?: Readonly<Record<string, number>>;
  /** BIRD: `bird -p` (parse only) and spawn until the static routes are all in master4, ms. */
  readonly startMs?: { readonly parse: number; readonly ready: number };
  /** With --runs K > 1: the wall clock of every run; the phases above are the fastest. */
  readonly runs?: { readonly installMs: readonly number[]; readonly removeMs: readonly number[] };
  readonly notes: string[];
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** A phase record: routes/s from N and the wall clock; times rounded to 10 us. */
export function phase(n: number, ms: number, rest: Omit<Phase, 'ms' | 'routesPerSec'>): Phase {
  return {
    ms: round2(ms),
    routesPerSec: ms > 0 ? Math.round((n * 1000) / ms) : 0,
    ...rest,
    cpu: rest.cpu.map((c) => ({ who: c.who, userMs: round2(c.userMs), sysMs: round2(c.sysMs) })),
    ...(rest.pollErrorMs !== undefined ? { pollErrorMs: round2(rest.pollErrorMs) } : {}),
  };
}

export function percentiles(samples: readonly number[]): { calls: number; p50: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => round2(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0);
  return { calls: s.length, p50: at(0.5), p99: at(0.99), max: round2(s[s.length - 1] ?? 0) };
}

// ---------------------------------------------------------------------------------------------
// /proc

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

export interface ProcSample {
  readonly pid: number;
  readonly comm: string;
  readonly userMs: number;
  readonly sysMs: number;
  /** VmHWM: peak resident set size, bytes. */
  readonly peakRss: number;
}

/** utime, stime (ms) and VmHWM of a live process; null when it is gone. */
export function procSample(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    // Fields after "(comm) ": state is field 3, utime 14, stime 15.
    const f = stat.slice(close + 2).split(' ');
    const tick = 1000 / ticksPerSecond();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return { pid, comm, userMs: Number(f[11]) * tick, sysMs: Number(f[12]) * tick, peakRss: hwm ? Number(hwm[1]) * 1024 : 0 };
  } catch {
    return null;
  }
}

/** The live child processes of this process (all threads), except those in `except`. */
export function childPids(except: ReadonlySet<number> = new Set()): number[] {
  const pids = new Set<number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${process.pid}/task`);
  } catch {
    return [];
  }
  for (const tid of tids) {
    try {
      for (const p of readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) {
        const pid = Number(p);
        if (p !== '' && !except.has(pid)) pids.add(pid);
      }
    } catch {
      // no CONFIG_PROC_CHILDREN, or the thread is gone
    }
  }
  return [...pids];
}

export function samples(pids: readonly number[]): Map<number, ProcSample> {
  const m = new Map<number, ProcSample>();
  for (const pid of pids) {
    const s = procSample(pid);
    if (s) m.set(pid, s);
  }
  return m;
}

/** CPU used between two samples of the same processes (a process new in `after` counts from 0). */
export function cpuBetween(before: ReadonlyMap<number, ProcSample>, after: ReadonlyMap<number, ProcSample>): ProcessCpu[] {
  const byComm = new Map<string, { userMs: number; sysMs: number }>();
  for (const [pid, a] of after) {
    const b = before.get(pid);
    const acc = byComm.get(a.comm) ?? { userMs: 0, sysMs: 0 };
    acc.userMs += a.userMs - (b?.userMs ?? 0);
    acc.sysMs += a.sysMs - (b?.sysMs ?? 0);
    byComm.set(a.comm, acc);
  }
  return [...byComm].map(([who, c]) => ({ who, userMs: c.userMs, sysMs: c.sysMs }));
}

/** This Node process's CPU since `since` (process.cpuUsage()), as a ProcessCpu. */
export function nodeCpu(since: NodeJS.CpuUsage): ProcessCpu {
  const d = process.cpuUsage(since);
  return { who: 'node (wren)', userMs: d.user / 1000, sysMs: d.system / 1000 };
}

/** Unreclaimable slab memory (where the FIB's tries, leaves and aliases live), bytes. */
export function slabUnreclaimable(): number {
  const m = /^SUnreclaim:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Milliseconds, monotonic. */
export function now(): number {
  return performance.now();
}
