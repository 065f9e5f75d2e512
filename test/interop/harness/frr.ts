// FRR bgpd on its own: no zebra, no watchfrr, no systemd.
//
//   /usr/lib/frr/bgpd -f bgpd.conf -i bgpd.pid -Z --vty_socket <workdir> -P 0 -p <port> -S [-l <addr>]...
//
// -Z (no zebra) makes bgpd treat every next hop as reachable and install nothing anywhere; -P 0
// turns the TCP vty off; --vty_socket puts bgpd.vty in the work directory, where
// `vtysh --vty_socket <workdir> -d bgpd -c '...'` reaches it. bgpd still selects best paths and
// multipath sets (`maximum-paths`) without zebra; it only cannot install them. -S skips the
// user/group switch: `-u root -g root` fails with "user(root) is not part of vty group
// specified(frrvty)", and the default frr user could not use the root-owned work directory.
//
// bgpd refuses 127/8 next hops as martian ("Martian nexthop 127.x", then a NOTIFICATION), so an
// FRR that must learn routes runs in a namespace with 10.255.x.y addresses (netns.ts).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BgpDaemon, type BgpRoute, type BgpSession, type DaemonBaseOptions, type Family } from './daemon.js';
import { runOk } from './proc.js';
import { FRR_BGPD, tool } from './tools.js';
import { makeWorkDir } from './workdir.js';

export interface FrrNeighbor {
  readonly address: string;
  readonly asn: number;
  readonly port?: number;
  readonly updateSource?: string;
  /** eBGP multihop TTL (needed between lo addresses). */
  readonly multihopTtl?: number;
  /** Default: the neighbor address's family. */
  readonly families?: readonly Family[];
  readonly passive?: boolean;
  /** keepalive/hold (default 10/30). */
  readonly timers?: readonly [number, number];
  readonly routeReflectorClient?: boolean;
  readonly addPathTxAll?: boolean;
}

export interface FrrConfig {
  readonly asn: number;
  readonly routerId: string;
  readonly neighbors: readonly FrrNeighbor[];
  /** `maximum-paths N` (eBGP) and `maximum-paths ibgp N` in each family. */
  readonly maximumPaths?: number;
  /** `bgp bestpath as-path multipath-relax` (multipath across different neighbor ASes). */
  readonly multipathRelax?: boolean;
  /** Prefixes to originate with `network` (import-check is off, so no route needs to exist). */
  readonly networks?: readonly string[];
  /** Raw lines appended inside `router bgp`. */
  readonly extra?: string;
}

/** The bgpd.conf text (without the log line, which the launcher adds). */
export function frrConfig(c: FrrConfig): string {
  const out: string[] = ['frr defaults traditional', '!', `router bgp ${c.asn}`, ` bgp router-id ${c.routerId}`];
  out.push(' no bgp ebgp-requires-policy', ' no bgp network import-check', ' no bgp default ipv4-unicast');
  if (c.multipathRelax) out.push(' bgp bestpath as-path multipath-relax');
  for (const n of c.neighbors) {
    const a = n.address;
    out.push(` neighbor ${a} remote-as ${n.asn}`);
    if (n.port !== undefined) out.push(` neighbor ${a} port ${n.port}`);
    if (n.updateSource) out.push(` neighbor ${a} update-source ${n.updateSource}`);
    if (n.multihopTtl) out.push(` neighbor ${a} ebgp-multihop ${n.multihopTtl}`);
    if (n.passive) out.push(` neighbor ${a} passive`);
    const [ka, hold] = n.timers ?? [10, 30];
    out.push(` neighbor ${a} timers ${ka} ${hold}`, ` neighbor ${a} timers connect 2`);
  }
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const members = c.neighbors.filter((n) => (n.families ?? [n.address.includes(':') ? 'ipv6' : 'ipv4']).includes(fam));
    const nets = (c.networks ?? []).filter((p) => p.includes(':') === (fam === 'ipv6'));
    if (members.length === 0 && nets.length === 0) continue;
    out.push(` address-family ${fam} unicast`);
    for (const p of nets) out.push(`  network ${p}`);
    if (c.maximumPaths) out.push(`  maximum-paths ${c.maximumPaths}`, `  maximum-paths ibgp ${c.maximumPaths}`);
    for (const n of members) {
      out.push(`  neighbor ${n.address} activate`);
      if (n.routeReflectorClient) out.push(`  neighbor ${n.address} route-reflector-client`);
      if (n.addPathTxAll) out.push(`  neighbor ${n.address} addpath-tx-all-paths`);
    }
    out.push(' exit-address-family');
  }
  if (c.extra) out.push(c.extra);
  out.push('exit', '!');
  return `${out.join('\n')}\n`;
}

interface FrrPathJson {
  valid?: boolean;
  bestpath?: boolean | { overall?: boolean };
  multipath?: boolean;
  path?: string;
  aspath?: { string?: string };
  origin?: string;
  locPrf?: number;
  localpref?: number;
  metric?: number;
  med?: number;
  peerId?: string;
  peer?: { peerId?: string };
  nexthops?: Array<{ ip?: string; scope?: string; used?: boolean }>;
  community?: { string?: string };
}

function toRoute(prefix: string, family: Family, p: FrrPathJson): BgpRoute {
  const nextHops = (p.nexthops ?? []).map((n) => n.ip).filter((x): x is string => typeof x === 'string');
  const best = typeof p.bestpath === 'object' ? p.bestpath.overall === true : p.bestpath === true;
  const path = p.path ?? p.aspath?.string ?? '';
  const peer = p.peerId ?? p.peer?.peerId;
  return {
    prefix,
    family,
    nextHop: nextHops[0],
    nextHops,
    best,
    multipath: p.multipath === true,
    from: peer && peer !== '(unspec)' && peer !== '0.0.0.0' && peer !== '::' ? peer : undefined,
    asPath: path.split(/[\s{},]+/).filter((t) => /^\d+$/.test(t)).map(Number),
    origin: p.origin,
    localPref: p.locPrf ?? p.localpref,
    med: p.metric ?? p.med,
    communities: p.community?.string?.split(' ').filter(Boolean),
    attributes: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
  };
}

/** Parses `show bgp <afi> unicast json`. */
export function parseFrrRoutes(json: string, family: Family): BgpRoute[] {
  const data = JSON.parse(json) as { routes?: Record<string, FrrPathJson[]> };
  return Object.entries(data.routes ?? {}).flatMap(([prefix, paths]) => paths.map((p) => toRoute(prefix, family, p)));
}

/** Parses `show bgp <afi> unicast <prefix> json`. */
export function parseFrrPrefix(json: string, family: Family): BgpRoute[] {
  const data = JSON.parse(json) as { prefix?: string; paths?: FrrPathJson[] };
  if (!data.prefix) return [];
  return (data.paths ?? []).map((p) => toRoute(data.prefix!, family, p));
}

/** Parses `show bgp neighbors json`. */
export function parseFrrNeighbors(json: string): BgpSession[] {
  const data = JSON.parse(json) as Record<string, { bgpState?: string; remoteAs?: number; lastErrorCodeSubcode?: string; lastNotificationReason?: string; addressFamilyInfo?: Record<string, { acceptedPrefixCounter?: number }> }>;
  return Object.entries(data).map(([addr, n]) => {
    const state = n.bgpState ?? 'Unknown';
    const counts = Object.values(n.addressFamilyInfo ?? {}).map((f) => f.acceptedPrefixCounter ?? 0);
    return {
      peer: addr,
      name: addr,
      state,
      established: state === 'Established',
      remoteAs: n.remoteAs,
      info: n.lastNotificationReason,
      prefixesReceived: counts.length ? counts.reduce((a, b) => a + b, 0) : undefined,
    };
  });
}

export interface FrrOptions extends DaemonBaseOptions {
  /** Structured config, or the full bgpd.conf text. */
  readonly config: FrrConfig | string;
  /** BGP listen port (default 179; 0 = do not listen). */
  readonly port?: number;
  /** Addresses bgpd listens on (-l, repeatable; default all). */
  readonly listenAddresses?: readonly string[];
}

export class Frr extends BgpDaemon {
  readonly kind = 'frr' as const;
  readonly configFile: string;
  readonly logFile: string;

  private constructor(opts: FrrOptions, workDir: string) {
    super(opts.name, workDir, opts.netns);
    this.configFile = join(workDir, 'bgpd.conf');
    this.logFile = join(workDir, 'bgpd.log');
  }

  static async start(opts: FrrOptions): Promise<Frr> {
    const f = new Frr(opts, makeWorkDir(`frr-${opts.name}`));
    try {
      const text = typeof opts.config === 'string' ? opts.config : frrConfig(opts.config);
      const name = opts.name.replace(/[^A-Za-z0-9-]/g, '-');
      writeFileSync(f.configFile, `hostname ${name}\nlog file ${f.logFile}\nlog timestamp precision 3\n!\n${text}`);
      const args = ['-f', f.configFile, '-i', join(f.workDir, 'bgpd.pid'), '-Z', '--vty_socket', f.workDir, '-P', '0', '-p', String(opts.port ?? 179), '-S'];
      for (const a of opts.listenAddresses ?? []) args.push('-l', a);
      f.spawn({ name: f.label, cmd: FRR_BGPD, args, logFiles: [f.logFile] });
      await f.waitFor('bgpd to answer vtysh', async () => (await f.vtysh('show bgp neighbors json')).trim().startsWith('{'), 15_000);
      return f;
    } catch (e) {
      await f.dispose().catch(() => undefined);
      throw e;
    }
  }

  /** Runs one vtysh command against this bgpd (through the vty socket in the work directory). */
  async vtysh(command: string): Promise<string> {
    return runOk(tool('vtysh'), ['--vty_socket', this.workDir, '-d', 'bgpd', '-c', command], { timeoutMs: 15_000 });
  }

  /** Parsed JSON of a `... json` command. */
  async vtyshJson<T = unknown>(command: string): Promise<T> {
    const out = await this.vtysh(command.endsWith(' json') ? command : `${command} json`);
    return JSON.parse(out) as T;
  }

  async sessions(): Promise<BgpSession[]> {
    return parseFrrNeighbors(await this.vtysh('show bgp neighbors json'));
  }

  async routes(family: Family = 'ipv4'): Promise<BgpRoute[]> {
    return parseFrrRoutes(await this.vtysh(`show bgp ${family} unicast json`), family);
  }

  /** Paths for one prefix from the detailed view (has `multipath` and `bestpath.overall`). */
  override async route(prefix: string): Promise<BgpRoute[]> {
    const fam: Family = prefix.includes(':') ? 'ipv6' : 'ipv4';
    return parseFrrPrefix(await this.vtysh(`show bgp ${fam} unicast ${prefix} json`), fam);
  }

  /** `show bgp summary json` as FRR prints it. */
  summary(): Promise<Record<string, unknown>> {
    return this.vtyshJson('show bgp summary json');
  }
}

export const startFrr = (opts: FrrOptions): Promise<Frr> => Frr.start(opts);
