// Network namespaces and veth pairs for tests.
//
// Names: namespaces are wren-test-<owner pid>-<label>-<hex>, veths wt<hex><a|b> (IFNAMSIZ is 16).
// Addresses: 10.255.x.y (IPv4) and fd57:7265:6e00::/48 (IPv6 ULA, "Wren") — only ever configured
// inside namespaces the test created or on a veth end the test created; nothing is routed
// anywhere else. Deleting a namespace kills the processes still inside it first, and veths die
// with the namespace holding one end.

import { readdirSync } from 'node:fs';
import { onProcessExit, pidAlive, run, runOk, runSyncQuiet, type RunOptions, type RunResult } from './proc.js';
import { randomHex } from './workdir.js';

export const NETNS_PREFIX = 'wren-test-';

export interface Netns {
  readonly name: string;
  /** Runs a command inside the namespace. */
  run(cmd: string, args: readonly string[], opts?: Omit<RunOptions, 'netns'>): Promise<RunResult>;
  /** Like run(), throwing on a non-zero exit; returns stdout. */
  runOk(cmd: string, args: readonly string[], opts?: Omit<RunOptions, 'netns'>): Promise<string>;
  /** `ip -n <ns> ...args`. */
  ip(...args: string[]): Promise<string>;
  /** Adds an address ("10.255.1.1/32", "fd57:7265:6e00::1/128") to a device in the namespace (default lo). */
  addAddress(cidr: string, dev?: string): Promise<void>;
  /** Kills everything inside and deletes the namespace. Idempotent. */
  delete(): Promise<void>;
}

async function killNetnsPids(name: string): Promise<void> {
  const r = await run('ip', ['netns', 'pids', name]);
  for (const line of r.stdout.split('\n')) {
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

/** Creates wren-test-<pid>-<label>-<hex> with lo up. */
export async function createNetns(label = 'ns'): Promise<Netns> {
  const safe = label.replace(/[^A-Za-z0-9]+/g, '').slice(0, 16) || 'ns';
  const name = `${NETNS_PREFIX}${process.pid}-${safe}-${randomHex(2)}`;
  await runOk('ip', ['netns', 'add', name]);
  const unhook = onProcessExit(() => {
    runSyncQuiet('sh', ['-c', `for p in $(ip netns pids ${name}); do kill -9 $p; done`]);
    runSyncQuiet('ip', ['netns', 'del', name]);
  });
  let deleted = false;
  const ns: Netns = {
    name,
    run: (cmd, args, opts = {}) => run(cmd, args, { ...opts, netns: name }),
    runOk: (cmd, args, opts = {}) => runOk(cmd, args, { ...opts, netns: name }),
    ip: (...args) => runOk('ip', ['-n', name, ...args]),
    async addAddress(cidr, dev = 'lo') {
      await runOk('ip', ['-n', name, 'addr', 'add', cidr, 'dev', dev, ...(cidr.includes(':') ? ['nodad'] : [])]);
    },
    async delete() {
      if (deleted) return;
      deleted = true;
      await killNetnsPids(name);
      await runOk('ip', ['netns', 'del', name]);
      unhook();
    },
  };
  try {
    await ns.ip('link', 'set', 'lo', 'up');
  } catch (e) {
    await ns.delete().catch(() => undefined);
    throw e;
  }
  return ns;
}

export interface VethEnd {
  /** Namespace for this end; null/undefined = the root namespace (the test process's own). */
  readonly netns?: Netns | null;
  /** Addresses to put on this end ("10.255.7.1/30"). */
  readonly addresses?: readonly string[];
  /** Interface name (default wt<hex>a / wt<hex>b). */
  readonly name?: string;
}

export interface VethPair {
  readonly a: string;
  readonly b: string;
  /** Deletes the pair (both ends). Idempotent; also happens when either end's namespace is deleted. */
  delete(): Promise<void>;
}

/** A veth pair between two namespaces (or a namespace and the root namespace), addressed and up. */
export async function createVeth(a: VethEnd, b: VethEnd): Promise<VethPair> {
  const hex = randomHex(3);
  const an = a.name ?? `wt${hex}a`;
  const bn = b.name ?? `wt${hex}b`;
  const nsArgs = (e: VethEnd): string[] => (e.netns ? ['netns', e.netns.name] : []);
  await runOk('ip', ['link', 'add', an, ...nsArgs(a), 'type', 'veth', 'peer', 'name', bn, ...nsArgs(b)]);
  const rootEnd = !a.netns ? an : !b.netns ? bn : undefined;
  const unhook = rootEnd ? onProcessExit(() => runSyncQuiet('ip', ['link', 'del', rootEnd])) : () => undefined;
  let deleted = false;
  const pair: VethPair = {
    a: an,
    b: bn,
    async delete() {
      if (deleted) return;
      deleted = true;
      unhook();
      // deleting one end removes both; the end may already be gone with its namespace
      const r = a.netns ? await run('ip', ['-n', a.netns.name, 'link', 'del', an]) : await run('ip', ['link', 'del', an]);
      if (r.code !== 0 && !/Cannot find device|does not exist|Cannot open network namespace/i.test(r.stderr)) {
        throw new Error(`deleting veth ${an}: ${r.stderr.trim()}`);
      }
    },
  };
  try {
    for (const [end, dev] of [
      [a, an],
      [b, bn],
    ] as const) {
      const ipArgs = end.netns ? ['-n', end.netns.name] : [];
      for (const cidr of end.addresses ?? []) {
        await runOk('ip', [...ipArgs, 'addr', 'add', cidr, 'dev', dev, ...(cidr.includes(':') ? ['nodad'] : [])]);
      }
      await runOk('ip', [...ipArgs, 'link', 'set', dev, 'up']);
    }
  } catch (e) {
    await pair.delete().catch(() => undefined);
    throw e;
  }
  return pair;
}

/**
 * A /30 in 10.255.0.0/16 not used by any address in the root namespace:
 * { a: "10.255.X.Y+1", b: "10.255.X.Y+2", prefixLength: 30 }.
 */
export async function pickSubnet30(): Promise<{ network: string; a: string; b: string; prefixLength: 30 }> {
  const used = await runOk('ip', ['-4', '-o', 'addr', 'show']);
  for (let attempt = 0; attempt < 200; attempt++) {
    const x = Math.floor(Math.random() * 256);
    const y = Math.floor(Math.random() * 64) * 4;
    const net = `10.255.${x}.`;
    if (new RegExp(`inet ${net.replace(/\./g, '\\.')}(${y}|${y + 1}|${y + 2}|${y + 3})/`).test(used)) continue;
    return { network: `${net}${y}/30`, a: `${net}${y + 1}`, b: `${net}${y + 2}`, prefixLength: 30 };
  }
  throw new Error('no free /30 in 10.255.0.0/16');
}

export interface RootLink {
  readonly veth: VethPair;
  /** Address of the root-namespace end (where a Wren in the test process listens/binds). */
  readonly rootAddress: string;
  /** Address of the namespace end (what daemons in the namespace use as their source). */
  readonly nsAddress: string;
  readonly rootAddress6?: string | undefined;
  readonly nsAddress6?: string | undefined;
}

/**
 * A veth between the root namespace and `ns` on a free 10.255.x.y/30 (and, with ipv6, a random
 * fd57:7265:6e00:XXXX::/64): how a Wren speaker running in the test process reaches daemons that
 * must live in a namespace (GoBGP and FRR reject 127/8 next hops).
 */
export async function vethToRoot(ns: Netns, opts: { ipv6?: boolean } = {}): Promise<RootLink> {
  const net = await pickSubnet30();
  const v6net = opts.ipv6 ? `fd57:7265:6e00:${randomHex(2)}::` : undefined;
  const veth = await createVeth(
    { addresses: [`${net.a}/30`, ...(v6net ? [`${v6net}1/64`] : [])] },
    { netns: ns, addresses: [`${net.b}/30`, ...(v6net ? [`${v6net}2/64`] : [])] },
  );
  return { veth, rootAddress: net.a, nsAddress: net.b, rootAddress6: v6net ? `${v6net}1` : undefined, nsAddress6: v6net ? `${v6net}2` : undefined };
}

/** Names of all wren-test-* namespaces. */
export async function listTestNamespaces(): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync('/run/netns');
  } catch {
    const out = await run('ip', ['netns', 'list']);
    names = out.stdout.split('\n').map((l) => l.split(' ')[0] ?? '');
  }
  return names.filter((n) => n.startsWith(NETNS_PREFIX));
}

/**
 * Deletes wren-test-<pid>-* namespaces whose creating process is dead (left by a crashed run),
 * killing the processes inside. Namespaces of live test processes (parallel test files) stay.
 */
export async function removeStaleNamespaces(): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listTestNamespaces()) {
    const m = /^wren-test-(\d+)-/.exec(name);
    const owner = m ? Number(m[1]) : NaN;
    if (Number.isInteger(owner) && (owner === process.pid || pidAlive(owner))) continue;
    await killNetnsPids(name);
    const r = await run('ip', ['netns', 'del', name]);
    if (r.code === 0) removed.push(name);
  }
  return removed;
}
