// GoBGP: TOML config builder, launcher (`gobgpd -f gobgpd.toml --api-hosts 127.0.0.1:<port>`) and
// queries through the gobgp CLI's JSON output.
//
// GoBGP rejects UPDATEs whose NEXT_HOP is a loopback address ("invalid nexthop address", treated
// as withdraw), so a GoBGP that must learn routes cannot sit on 127.x with its peers: run it in a
// namespace (see netns.ts) with real-looking 10.255.x.y addresses.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BgpDaemon, type BgpRoute, type BgpSession, type DaemonBaseOptions, type Family } from './daemon.js';
import { run, runOk } from './proc.js';
import { tool } from './tools.js';
import { freePort, makeWorkDir } from './workdir.js';

export interface GobgpNeighbor {
  readonly address: string;
  readonly asn: number;
  /** Neighbor's port (default 179). */
  readonly port?: number;
  readonly localAddress?: string;
  /** Default: the neighbor address's family. */
  readonly families?: readonly Family[];
  /** eBGP multihop TTL (needed between loopback/lo addresses). */
  readonly multihopTtl?: number;
  readonly passive?: boolean;
  readonly holdTime?: number;
  readonly routeReflectorClient?: boolean;
  readonly clusterId?: string;
}

export interface GobgpConfig {
  readonly asn: number;
  readonly routerId: string;
  /** Listen port (default 179; -1 = do not listen). */
  readonly port?: number;
  /** Listen addresses (default: all). */
  readonly listenAddresses?: readonly string[];
  readonly neighbors: readonly GobgpNeighbor[];
  /** [global.use-multiple-paths] — GoBGP's ECMP switch (NetScaler's max-paths). */
  readonly multipath?: boolean;
}

const q = (s: string): string => JSON.stringify(s);

/** The gobgpd TOML text. */
export function gobgpConfig(c: GobgpConfig): string {
  const out: string[] = ['[global.config]', `  as = ${c.asn}`, `  router-id = ${q(c.routerId)}`, `  port = ${c.port ?? 179}`];
  if (c.listenAddresses?.length) out.push(`  local-address-list = [${c.listenAddresses.map(q).join(', ')}]`);
  if (c.multipath) out.push('[global.use-multiple-paths.config]', '  enabled = true');
  for (const n of c.neighbors) {
    const fams = n.families ?? [n.address.includes(':') ? 'ipv6' : 'ipv4'];
    out.push('', '[[neighbors]]', '  [neighbors.config]', `    neighbor-address = ${q(n.address)}`, `    peer-as = ${n.asn}`);
    out.push('  [neighbors.transport.config]', `    remote-port = ${n.port ?? 179}`, `    passive-mode = ${n.passive ? 'true' : 'false'}`);
    if (n.localAddress) out.push(`    local-address = ${q(n.localAddress)}`);
    out.push('  [neighbors.timers.config]', '    connect-retry = 2', `    hold-time = ${n.holdTime ?? 90}`, `    keepalive-interval = ${Math.max(1, Math.floor((n.holdTime ?? 90) / 3))}`);
    if (n.multihopTtl) out.push('  [neighbors.ebgp-multihop.config]', '    enabled = true', `    multihop-ttl = ${n.multihopTtl}`);
    if (n.routeReflectorClient) {
      out.push('  [neighbors.route-reflector.config]', '    route-reflector-client = true', `    route-reflector-cluster-id = ${q(n.clusterId ?? c.routerId)}`);
    }
    for (const f of fams) out.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', `      afi-safi-name = ${q(`${f}-unicast`)}`);
  }
  return `${out.join('\n')}\n`;
}

const SESSION_STATES: Record<string, string> = {
  '0': 'Unknown',
  '1': 'Idle',
  '2': 'Connect',
  '3': 'Active',
  '4': 'OpenSent',
  '5': 'OpenConfirm',
  '6': 'Established',
  unknown: 'Unknown',
  idle: 'Idle',
  connect: 'Connect',
  active: 'Active',
  opensent: 'OpenSent',
  openconfirm: 'OpenConfirm',
  established: 'Established',
};

interface GobgpAttr {
  type: number;
  value?: unknown;
  nexthop?: string;
  as_paths?: Array<{ asns?: number[] }>;
  communities?: number[];
  metric?: number;
  local_pref?: number;
}
interface GobgpPath {
  nlri?: { prefix?: string };
  best?: boolean;
  attrs?: GobgpAttr[];
  'neighbor-ip'?: string;
  'source-id'?: string;
}

/** Parses `gobgp global rib -a <family> -j`. */
export function parseGobgpRib(json: string, family: Family): BgpRoute[] {
  const text = json.trim();
  if (text === '' || text === 'null') return [];
  const data = JSON.parse(text) as Record<string, GobgpPath[]>;
  const routes: BgpRoute[] = [];
  for (const [prefix, paths] of Object.entries(data)) {
    for (const p of paths) {
      const attrs = p.attrs ?? [];
      const attributes: Record<string, string> = {};
      for (const a of attrs) attributes[String(a.type)] = JSON.stringify(a);
      const nh = attrs.find((a) => a.type === 3)?.nexthop ?? attrs.find((a) => a.type === 14)?.nexthop;
      const origin = attrs.find((a) => a.type === 1)?.value;
      const lp = attrs.find((a) => a.type === 5);
      const med = attrs.find((a) => a.type === 4);
      const comm = attrs.find((a) => a.type === 8)?.communities;
      const neighbor = p['neighbor-ip'];
      routes.push({
        prefix: p.nlri?.prefix ?? prefix,
        family,
        nextHop: nh,
        nextHops: nh ? [nh] : [],
        best: p.best === true,
        from: neighbor && neighbor !== '<nil>' ? neighbor : undefined,
        asPath: attrs.find((a) => a.type === 2)?.as_paths?.flatMap((s) => s.asns ?? []) ?? [],
        origin: origin === undefined ? undefined : (['IGP', 'EGP', 'Incomplete'][Number(origin)] ?? String(origin)),
        localPref: lp ? Number(lp.local_pref ?? lp.value) : undefined,
        med: med ? Number(med.metric ?? med.value) : undefined,
        communities: comm?.map((c) => `${c >>> 16}:${c & 0xffff}`),
        attributes,
      });
    }
  }
  return routes;
}

interface GobgpPeer {
  conf?: { neighbor_address?: string; peer_asn?: number };
  state?: { neighbor_address?: string; session_state?: number | string; peer_asn?: number };
  afi_safis?: Array<{ state?: { received?: number; accepted?: number } }>;
}

/** Parses `gobgp neighbor -j`. */
export function parseGobgpNeighbors(json: string): BgpSession[] {
  const text = json.trim();
  if (text === '' || text === 'null') return [];
  const peers = JSON.parse(text) as GobgpPeer[];
  return peers.map((p) => {
    const addr = p.state?.neighbor_address ?? p.conf?.neighbor_address ?? '';
    const raw = String(p.state?.session_state ?? 0).toLowerCase();
    const state = SESSION_STATES[raw] ?? raw;
    const accepted = (p.afi_safis ?? []).map((a) => a.state?.accepted).filter((x): x is number => typeof x === 'number');
    return {
      peer: addr,
      name: addr,
      state,
      established: state === 'Established',
      remoteAs: p.state?.peer_asn ?? p.conf?.peer_asn,
      prefixesReceived: accepted.length ? accepted.reduce((a, b) => a + b, 0) : undefined,
    };
  });
}

export interface GobgpOptions extends DaemonBaseOptions {
  /** Structured config, or the full TOML text. */
  readonly config: GobgpConfig | string;
  /** gRPC API port (default: a free port on 127.0.0.1, or 50051 inside a namespace). */
  readonly apiPort?: number;
}

export class Gobgp extends BgpDaemon {
  readonly kind = 'gobgp' as const;
  readonly configFile: string;
  readonly apiPort: number;

  private constructor(opts: GobgpOptions, workDir: string, apiPort: number) {
    super(opts.name, workDir, opts.netns);
    this.configFile = join(workDir, 'gobgpd.toml');
    this.apiPort = apiPort;
  }

  static async start(opts: GobgpOptions): Promise<Gobgp> {
    const apiPort = opts.apiPort ?? (opts.netns ? 50051 : await freePort('127.0.0.1'));
    const g = new Gobgp(opts, makeWorkDir(`gobgp-${opts.name}`), apiPort);
    try {
      writeFileSync(g.configFile, typeof opts.config === 'string' ? opts.config : gobgpConfig(opts.config));
      g.spawn({
        name: g.label,
        cmd: tool('gobgpd'),
        // plain-text logs; no pprof listener (it would take 127.0.0.1:6060 in every instance)
        args: ['-f', g.configFile, '-t', 'toml', '-p', '--pprof-disable', '--api-hosts', `127.0.0.1:${apiPort}`],
      });
      await g.waitFor('the gobgpd API to answer', async () => (await g.cli('global')).includes('AS'), 15_000);
      return g;
    } catch (e) {
      await g.dispose().catch(() => undefined);
      throw e;
    }
  }

  /** Runs `gobgp -u 127.0.0.1 -p <apiPort> ...args` (inside the namespace when there is one). */
  async cli(...args: string[]): Promise<string> {
    return runOk(tool('gobgp'), ['-u', '127.0.0.1', '-p', String(this.apiPort), ...args], { netns: this.netns?.name, timeoutMs: 15_000 });
  }

  async sessions(): Promise<BgpSession[]> {
    return parseGobgpNeighbors(await this.cli('neighbor', '-j'));
  }

  /** The global (Loc-)RIB: every path, `best` marks the selected one. */
  async routes(family: Family = 'ipv4'): Promise<BgpRoute[]> {
    return parseGobgpRib(await this.cli('global', 'rib', '-a', family, '-j'), family);
  }

  /** `gobgp global rib add <prefix> nexthop <nh> ...extra` (e.g. ['community', '100:1']). */
  async announce(prefix: string, nextHop: string, extra: readonly string[] = []): Promise<void> {
    const fam = prefix.includes(':') ? 'ipv6' : 'ipv4';
    await this.cli('global', 'rib', 'add', '-a', fam, prefix, 'nexthop', nextHop, ...extra);
  }

  async withdraw(prefix: string): Promise<void> {
    const fam = prefix.includes(':') ? 'ipv6' : 'ipv4';
    const r = await run(tool('gobgp'), ['-u', '127.0.0.1', '-p', String(this.apiPort), 'global', 'rib', 'del', '-a', fam, prefix], { netns: this.netns?.name });
    if (r.code !== 0) throw new Error(`gobgp withdraw ${prefix}: ${r.stderr}`);
  }
}

export const startGobgp = (opts: GobgpOptions): Promise<Gobgp> => Gobgp.start(opts);
