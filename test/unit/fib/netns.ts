// A test network for the kernel FIB: namespace `wren-fib-<pid>-<random>` with a veth whose far end
// is in `<same>-far`. Near end 10.255.0.1/28 and fd57:7265:6e00::1/64; the far end holds the four
// next hops (.2-.5, ::2-::5), so they are on a connected subnet and would answer. Nothing leaves
// the two namespaces. Namespaces left by a test run that died are removed at the next start
// (only those whose creating process is gone, so concurrent runs do not disturb each other).

import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import type { FibBackend, FibChange, FibRoute, FibTableOptions } from '../../../src/fib/index.js';
import { ipCommand, sweepNamespaces } from '../../../src/lab/netns.js';
import { V4, V6, type FibTestEnv } from './compliance.js';

const PREFIX = 'wren-fib-';
export const NEAR_DEV = 'wfib0';
const FAR_DEV = 'wfib1';

const ip = (...args: string[]): Promise<string> => ipCommand(args);

/** Removes `wren-fib-<pid>-*` namespaces whose process is gone. */
export function sweepStaleNamespaces(): Promise<string[]> {
  return sweepNamespaces(new RegExp(`^${PREFIX}(\\d+)-`));
}

export interface TestNetwork {
  readonly ns: string;
  readonly far: string;
  /** Runs `ip -n <ns> args...`. */
  ip(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

/** Why the kernel tests cannot run here, or null. */
export function kernelUnavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces need CAP_SYS_ADMIN)';
  return null;
}

export async function createTestNetwork(): Promise<TestNetwork> {
  const ns = `${PREFIX}${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const far = `${ns}-far`;
  const created: string[] = [];
  const remove = async (): Promise<void> => {
    for (const n of created.splice(0)) await ip('netns', 'del', n).catch(() => undefined);
  };
  // Last resort if the process ends before afterAll (a crash, a timeout).
  const onExit = (): void => {
    for (const n of created) {
      try {
        execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);
  try {
    for (const n of [ns, far]) {
      await ip('netns', 'add', n);
      created.push(n);
    }
    await ip('-n', ns, 'link', 'add', NEAR_DEV, 'type', 'veth', 'peer', 'name', FAR_DEV, 'netns', far);
    await ip('-n', ns, 'addr', 'add', V4.local, 'dev', NEAR_DEV);
    await ip('-n', ns, 'addr', 'add', V6.local, 'dev', NEAR_DEV, 'nodad');
    for (const a of V4.hops) await ip('-n', far, 'addr', 'add', `${a}/28`, 'dev', FAR_DEV);
    for (const a of V6.hops) await ip('-n', far, 'addr', 'add', `${a}/64`, 'dev', FAR_DEV, 'nodad');
    for (const [n, dev] of [[ns, NEAR_DEV], [ns, 'lo'], [far, FAR_DEV], [far, 'lo']] as const) await ip('-n', n, 'link', 'set', dev, 'up');
  } catch (err) {
    await remove();
    process.off('exit', onExit);
    throw err;
  }
  return {
    ns,
    far,
    ip: (...args) => ip('-n', ns, ...args),
    remove: async () => {
      await remove();
      process.off('exit', onExit);
    },
  };
}

/** Root and working namespaces (and whatever `extra` checks), or the reason why not, for skipped tests' titles. */
export async function probeKernel(extra?: () => string | null): Promise<string | null> {
  const why = kernelUnavailable() ?? extra?.() ?? null;
  if (why) return why;
  try {
    await sweepStaleNamespaces();
    const net = await createTestNetwork();
    await net.remove();
    return null;
  } catch (err) {
    return `ip netns does not work here: ${(err as Error).message}`;
  }
}

function parseStaticRoutes(json: string): FibRoute[] {
  const rows = JSON.parse(json.trim() || '[]') as { dst: string; gateway?: string }[];
  return rows.map((r) => ({ prefix: r.dst.includes('/') ? r.dst : `${r.dst}/${r.dst.includes(':') ? 128 : 32}`, nextHops: r.gateway ? [{ address: r.gateway }] : [] }));
}

/** The compliance suite's environment in a fresh test network, with the backend `open` makes. */
export async function kernelTestEnv(open: (options: FibTableOptions, ns: string) => Promise<FibBackend>): Promise<FibTestEnv> {
  const net = await createTestNetwork();
  return {
    dev: NEAR_DEV,
    v4: V4,
    v6: V6,
    open: (options) => open(options ?? {}, net.ns),
    addForeign: async (prefix, via, metric = 0) => {
      await net.ip('route', 'add', prefix, 'via', via, 'proto', 'static', 'metric', String(metric));
    },
    foreign: async () => [
      ...parseStaticRoutes(await net.ip('-json', '-4', 'route', 'show', 'proto', 'static')),
      ...parseStaticRoutes(await net.ip('-json', '-6', 'route', 'show', 'proto', 'static')),
    ],
    close: () => net.remove(),
  };
}

/** n routes three ways: one next hop each (spread over the four hops), 4-way ECMP, and deletes. */
export function routeBatches(n: number, prefix: (i: number) => string): { single: FibChange[]; ecmp: FibChange[]; del: FibChange[] } {
  const single: FibChange[] = [];
  const ecmp: FibChange[] = [];
  const del: FibChange[] = [];
  for (let i = 0; i < n; i++) {
    single.push({ op: 'replace', route: { prefix: prefix(i), nextHops: [{ address: V4.hops[i % 4]! }] } });
    ecmp.push({ op: 'replace', route: { prefix: prefix(i), nextHops: V4.hops.map((address) => ({ address })) } });
    del.push({ op: 'delete', route: { prefix: prefix(i), nextHops: [] } });
  }
  return { single, ecmp, del };
}

/** "10000 routes in 50 ms = 200000 routes/s". */
export const routeRate = (n: number, ms: number): string => `${n} routes in ${ms.toFixed(0)} ms = ${Math.round(n / (ms / 1000))} routes/s`;

/**
 * Installs the batches' routes with one apply each (add, replace by ECMP, delete), checking what
 * is listed after each, and prints the speed of each step.
 */
export async function batchRoundTrip(fib: FibBackend, label: string, batches: { single: FibChange[]; ecmp: FibChange[]; del: FibChange[] }): Promise<void> {
  const n = batches.single.length;
  const time = async (what: string, changes: FibChange[]): Promise<void> => {
    const t0 = performance.now();
    const r = await fib.apply(changes);
    const ms = performance.now() - t0;
    expect(r.failed).toBe(0);
    console.log(`${label}: ${what}: ${routeRate(n, ms)}`);
  };
  await time('add, one next hop', batches.single);
  expect(await fib.list()).toHaveLength(n);
  await time('replace by 4-way ECMP', batches.ecmp);
  const listed = await fib.list();
  expect(listed).toHaveLength(n);
  expect(listed.every((r) => r.nextHops.length === 4)).toBe(true);
  await time('delete', batches.del);
  expect(await fib.list()).toEqual([]);
}
