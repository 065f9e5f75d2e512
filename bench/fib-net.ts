// The network of bench/fib.ts: namespace `wrenbench-<pid>` with a veth `wbench0` (10.255.0.1/28)
// whose peer `wbench1` lives in `wrenbench-<pid>-far` and holds the four next hops 10.255.0.2-.5,
// so they are on a connected subnet and the links are up (BIRD wants its next hops reachable).
// Nothing is routed outside the two namespaces.
//
// Counting routes: a `sleep` process lives inside the namespace, and /proc/<its pid>/net/fib_triestat
// is read from Node: the kernel's own count ("Prefixes" of the Main table), no process spawned, no
// RTNL lock taken (the trie is walked under RCU), though the walk costs ~55 ms of kernel time at
// 1,000,000 routes.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { ipCommand, processAlive } from '../src/lab/netns.js';
import { ROUTE_BLOCK, sleep } from './fib-common.js';

export const NETNS_PREFIX = 'wrenbench-';
export const NEAR_DEV = 'wbench0';
const FAR_DEV = 'wbench1';
export const LOCAL = '10.255.0.1';
export const HOPS = ['10.255.0.2', '10.255.0.3', '10.255.0.4', '10.255.0.5'] as const;

export const ip = (...args: string[]): Promise<string> => ipCommand(args, { maxBuffer: 1 << 30 });

/** Why the benchmark cannot run here, or null. */
export function unavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces and route writes need CAP_SYS_ADMIN and CAP_NET_ADMIN)';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch (err) {
    return `\`ip netns\` is not available: ${(err as Error).message}`;
  }
  return null;
}


function killNetnsPidsSync(ns: string): void {
  let out = '';
  try {
    out = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const line of out.split('\n')) {
    const pid = Number(line.trim());
    if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

/** Removes `wrenbench-<pid>[-far]` namespaces left by a run whose process is gone. */
export async function sweepStale(): Promise<string[]> {
  const names = (await ip('netns', 'list')).split('\n').map((l) => l.split(' ')[0] ?? '');
  const stale = names.filter((n) => {
    const m = new RegExp(`^${NETNS_PREFIX}(\\d+)(-far)?$`).exec(n);
    return m !== null && !processAlive(Number(m[1]));
  });
  for (const n of stale) {
    killNetnsPidsSync(n);
    await ip('netns', 'del', n).catch(() => undefined);
  }
  return stale;
}

export class BenchNet {
  private holder: ChildProcess | null = null;
  private removed = false;
  private readonly created: string[] = [];
  /** Prefixes of the Main table before any route of ours: the connected and local routes. */
  baseline = 0;

  private constructor(
    readonly ns: string,
    readonly far: string,
  ) {}

  static async create(): Promise<BenchNet> {
    const ns = `${NETNS_PREFIX}${process.pid}`;
    const net = new BenchNet(ns, `${ns}-far`);
    try {
      await net.setUp();
    } catch (err) {
      await net.remove();
      throw err;
    }
    return net;
  }

  private async setUp(): Promise<void> {
    for (const n of [this.ns, this.far]) {
      await ip('netns', 'add', n);
      this.created.push(n);
    }
    await ip('-n', this.ns, 'link', 'add', NEAR_DEV, 'type', 'veth', 'peer', 'name', FAR_DEV, 'netns', this.far);
    await ip('-n', this.ns, 'addr', 'add', `${LOCAL}/28`, 'dev', NEAR_DEV);
    for (const a of HOPS) await ip('-n', this.far, 'addr', 'add', `${a}/28`, 'dev', FAR_DEV);
    for (const [n, dev] of [
      [this.ns, 'lo'],
      [this.ns, NEAR_DEV],
      [this.far, 'lo'],
      [this.far, FAR_DEV],
    ] as const) {
      await ip('-n', n, 'link', 'set', dev, 'up');
    }
    // The holder: a process inside the namespace whose /proc/<pid>/net is the namespace's.
    const holder = spawn('ip', ['netns', 'exec', this.ns, 'sleep', 'infinity'], { stdio: 'ignore' });
    this.holder = holder;
    const want = `net:[${statSync(`/run/netns/${this.ns}`).ino}]`;
    const deadline = Date.now() + 5000;
    for (;;) {
      let have = '';
      try {
        have = readlinkSync(`/proc/${holder.pid}/ns/net`);
      } catch {
        // not started yet
      }
      if (have === want) break;
      if (holder.exitCode !== null || Date.now() > deadline) throw new Error(`the process counting routes did not enter ${this.ns}`);
      await sleep(10);
    }
    // Wait for the link to be up (the veth's carrier), so that nothing is `linkdown`.
    for (let i = 0; i < 100; i++) {
      if (!/linkdown|NO-CARRIER/.test(await ip('-n', this.ns, 'link', 'show', NEAR_DEV))) break;
      await sleep(20);
    }
    this.baseline = this.kernelPrefixes();
  }

  get holderPid(): number {
    return this.holder?.pid ?? -1;
  }

  /** Prefixes in the Main table (the kernel's count). */
  kernelPrefixes(): number {
    const text = readFileSync(`/proc/${this.holderPid}/net/fib_triestat`, 'utf8');
    const main = text.indexOf('\nMain:');
    const m = /Prefixes:\s+(\d+)/.exec(text.slice(main < 0 ? 0 : main));
    if (!m) throw new Error(`unexpected fib_triestat:\n${text}`);
    return Number(m[1]);
  }

  /** Our routes in the kernel: Main-table prefixes beyond the namespace's own. */
  count(): number {
    return this.kernelPrefixes() - this.baseline;
  }

  /**
   * Removes every route in the benchmark's block, whoever installed it. `ip route flush` first;
   * it refuses routes that use nexthop objects (iproute2 6.1: "Failed to send flush request:
   * Invalid argument"), so what is left is listed and deleted one by one.
   */
  async flush(): Promise<void> {
    if (this.count() === 0) return;
    await ip('-n', this.ns, '-4', 'route', 'flush', 'root', ROUTE_BLOCK).catch(() => undefined);
    if (this.count() === 0) return;
    const rows = JSON.parse((await ip('-n', this.ns, '-json', '-4', 'route', 'show', 'table', 'all', 'root', ROUTE_BLOCK)).trim() || '[]') as { dst?: string; table?: string; protocol?: string; metric?: number }[];
    const lines = rows
      .filter((r) => r.dst !== undefined)
      .map((r) => `route del ${r.dst!.includes('/') ? r.dst : `${r.dst}/32`} table ${r.table ?? 'main'}${r.protocol ? ` proto ${r.protocol}` : ''} metric ${r.metric ?? 0}`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn('ip', ['-n', this.ns, '-force', '-batch', '-'], { stdio: ['pipe', 'ignore', 'ignore'] });
      child.on('error', reject);
      child.on('close', () => resolve());
      child.stdin.end(lines.length ? `${lines.join('\n')}\n` : '');
    });
    if (this.count() !== 0) throw new Error(`could not remove ${this.count()} routes from ${this.ns}`);
  }

  /** One route as `ip route show` prints it (to check what a contender installed). */
  async show(prefix: string): Promise<string> {
    return (await ip('-n', this.ns, '-4', 'route', 'show', 'table', 'all', prefix)).trim();
  }

  /** Kills what runs inside and deletes both namespaces. Idempotent. */
  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    this.holder?.kill('SIGKILL');
    for (const n of this.created.splice(0).reverse()) {
      killNetnsPidsSync(n);
      await ip('netns', 'del', n).catch((err: Error) => console.error(`cleanup: ${err.message}`));
    }
  }

  /** The same, synchronously (process 'exit' hook). */
  removeSync(): void {
    if (this.removed) return;
    this.removed = true;
    try {
      this.holder?.kill('SIGKILL');
    } catch {
      // gone
    }
    for (const n of this.created.splice(0).reverse()) {
      killNetnsPidsSync(n);
      try {
        execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
      } catch {
        // gone
      }
    }
  }
}
