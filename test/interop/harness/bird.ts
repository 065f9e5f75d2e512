// BIRD 2: configuration builder, launcher (`bird -f -c bird.conf -s bird.ctl`) and birdc parsers.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BgpDaemon, type BgpRoute, type BgpSession, type DaemonBaseOptions, type Family } from './daemon.js';
import { run } from './proc.js';
import { tool } from './tools.js';
import { makeWorkDir } from './workdir.js';

// ---------------------------------------------------------------------------------------------
// Configuration

export interface BirdPeer {
  /** Protocol name: letters, digits, underscore; must not be a BIRD keyword, so a p_ prefix is added. */
  readonly name: string;
  readonly address: string;
  /** Neighbor's port (default 179). */
  readonly port?: number;
  readonly asn: number;
  /** Source address (default: the config's address, or address6 for an IPv6 neighbor). */
  readonly localAddress?: string;
  /** Families to run on this session (default: the neighbor address's family). */
  readonly families?: readonly Family[];
  /** 'all' (default), 'none', or a filter body such as `if net ~ 10.0.0.0/8 then accept; reject;`. */
  readonly import?: 'all' | 'none' | (string & {});
  /** 'originated' (default: routes of this BIRD's `originate` list), 'all', 'none', or a filter body. */
  readonly export?: 'originated' | 'all' | 'none' | (string & {});
  readonly nextHopSelf?: boolean;
  /** Make this neighbor a route-reflector client (the config is then the reflector). */
  readonly rrClient?: boolean;
  readonly rrClusterId?: string;
  /** eBGP multihop (true or a TTL). Needed for eBGP between loopback addresses. */
  readonly multihop?: boolean | number;
  readonly passive?: boolean;
  readonly holdTime?: number;
  /** ADD-PATH: 'rx', 'tx' or true (both). */
  readonly addPaths?: 'rx' | 'tx' | boolean;
  /** Raw lines inside the protocol block. */
  readonly extra?: string;
  /** Raw lines inside each channel block. */
  readonly channelExtra?: string;
}

export interface BirdConfig {
  readonly routerId: string;
  readonly asn: number;
  /** Local IPv4 address every session binds to (strict bind). */
  readonly address: string;
  /** Local IPv6 address for IPv6 neighbors. */
  readonly address6?: string;
  /** Local BGP port (default 179); BIRD listens on address:port and address6:port. */
  readonly port?: number;
  /** Prefixes this BIRD originates, as blackhole statics (like Calico's per-node blocks). */
  readonly originate?: readonly string[];
  readonly peers: readonly BirdPeer[];
  /** Raw configuration appended at the end. */
  readonly extra?: string;
}

const protoName = (n: string): string => {
  if (!/^[A-Za-z0-9_]+$/.test(n)) throw new Error(`bad BIRD protocol name "${n}"`);
  return `p_${n}`;
};

function filterClause(kind: 'import' | 'export', v: string): string {
  if (v === 'all' || v === 'none') return `${kind} ${v};`;
  if (v === 'originated') return `${kind} where source = RTS_STATIC;`;
  return `${kind} filter { ${v} };`;
}

/** The bird.conf text (without the log line, which the launcher adds). */
export function birdConfig(c: BirdConfig): string {
  const port = c.port ?? 179;
  const lines: string[] = [
    `router id ${c.routerId};`,
    'timeformat protocol iso long;',
    'timeformat route iso long;',
    // device only scans interfaces: BIRD needs it to tell directly connected neighbors.
    // There is no kernel protocol: these BIRDs never touch the host's routing tables.
    'protocol device { scan time 10; }',
  ];
  const v4 = (c.originate ?? []).filter((p) => !p.includes(':'));
  const v6 = (c.originate ?? []).filter((p) => p.includes(':'));
  if (v4.length) lines.push(`protocol static originate4 {\n  ipv4;\n${v4.map((p) => `  route ${p} blackhole;`).join('\n')}\n}`);
  if (v6.length) lines.push(`protocol static originate6 {\n  ipv6;\n${v6.map((p) => `  route ${p} blackhole;`).join('\n')}\n}`);
  for (const p of c.peers) {
    const v6peer = p.address.includes(':');
    const local = p.localAddress ?? (v6peer ? c.address6 : c.address);
    if (!local) throw new Error(`peer ${p.name}: no local IPv6 address (set address6)`);
    const fams = p.families ?? [v6peer ? 'ipv6' : 'ipv4'];
    const body: string[] = [
      `  local ${local} port ${port} as ${c.asn};`,
      '  strict bind yes;',
      `  neighbor ${p.address} port ${p.port ?? 179} as ${p.asn};`,
      '  connect delay time 1;',
      '  connect retry time 2;',
      '  error wait time 1, 4;',
    ];
    if (p.holdTime !== undefined) body.push(`  hold time ${p.holdTime};`);
    if (p.multihop !== undefined && p.multihop !== false) body.push(p.multihop === true ? '  multihop;' : `  multihop ${p.multihop};`);
    if (p.passive) body.push('  passive yes;');
    if (p.rrClient) body.push('  rr client;');
    if (p.rrClusterId) body.push(`  rr cluster id ${p.rrClusterId};`);
    if (p.extra) body.push(`  ${p.extra}`);
    for (const f of fams) {
      const ch: string[] = [filterClause('import', p.import ?? 'all'), filterClause('export', p.export ?? 'originated')];
      if (p.nextHopSelf) ch.push('next hop self;');
      if (p.addPaths !== undefined && p.addPaths !== false) ch.push(p.addPaths === true ? 'add paths on;' : `add paths ${p.addPaths};`);
      if (p.channelExtra) ch.push(p.channelExtra);
      body.push(`  ${f} {\n    ${ch.join('\n    ')}\n  };`);
    }
    lines.push(`protocol bgp ${protoName(p.name)} {\n${body.join('\n')}\n}`);
  }
  if (c.extra) lines.push(c.extra);
  return `${lines.join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// birdc output parsers

export interface BirdProtocol {
  readonly name: string;
  readonly proto: string;
  readonly table: string;
  readonly state: string;
  readonly since: string;
  readonly info: string;
  /** "BGP state", "Neighbor address", "Last error", ... at protocol level. */
  readonly details: Readonly<Record<string, string>>;
  /** Per channel ("ipv4", "ipv6"): "State", "Routes", "BGP Next hop", ... */
  readonly channels: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const stripBanner = (out: string): string[] => out.split('\n').filter((l) => !/^BIRD [\d.]+ ready\.$/.test(l));

/** Parses `birdc show protocols all`. */
export function parseBirdProtocols(out: string): BirdProtocol[] {
  const res: Array<{ p: BirdProtocol; details: Record<string, string>; channels: Record<string, Record<string, string>> }> = [];
  let cur: (typeof res)[number] | undefined;
  let channel: Record<string, string> | undefined;
  const head = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+(?: \d\d:\d\d:\d\d(?:\.\d+)?)?)\s*(.*?)\s*$/;
  for (const line of stripBanner(out)) {
    if (line.trim() === '' || /^Name\s+Proto\s+Table/.test(line)) continue;
    if (!/^\s/.test(line)) {
      const m = head.exec(line);
      if (!m) continue;
      const details: Record<string, string> = {};
      const channels: Record<string, Record<string, string>> = {};
      cur = { p: { name: m[1]!, proto: m[2]!, table: m[3]!, state: m[4]!, since: m[5]!, info: m[6] ?? '', details, channels }, details, channels };
      channel = undefined;
      res.push(cur);
      continue;
    }
    if (!cur) continue;
    const ch = /^\s+Channel (\S+)\s*$/.exec(line);
    if (ch) {
      channel = {};
      cur.channels[ch[1]!] = channel;
      continue;
    }
    const kv = /^\s+([^:]+?):\s*(.*?)\s*$/.exec(line);
    if (!kv) continue;
    const target = channel ?? cur.details;
    // keep the first occurrence ("Neighbor capabilities" sub-blocks repeat keys)
    if (!(kv[1]! in target)) target[kv[1]!] = kv[2]!;
  }
  return res.map((r) => r.p);
}

/** Parses `birdc show route all` (any table; IPv4 and IPv6). */
export function parseBirdRoutes(out: string): BgpRoute[] {
  const routes: BgpRoute[] = [];
  let prefix: string | undefined;
  let cur: { r: Omit<BgpRoute, 'attributes' | 'nextHops'>; attributes: Record<string, string>; gateways: string[] } | undefined;
  const flush = (): void => {
    if (!cur) return;
    const a = cur.attributes;
    const nh = (a['BGP.next_hop'] ?? '').split(/\s+/).filter(Boolean);
    const nextHops = nh.length > 0 ? nh : cur.gateways;
    const asPath = (a['BGP.as_path'] ?? '').split(/[\s{}]+/).filter((t) => /^\d+$/.test(t)).map(Number);
    const comm = a['BGP.community'];
    routes.push({
      ...cur.r,
      nextHop: nextHops[0],
      nextHops,
      asPath,
      origin: a['BGP.origin'],
      localPref: a['BGP.local_pref'] !== undefined ? Number(a['BGP.local_pref']) : undefined,
      med: a['BGP.med'] !== undefined ? Number(a['BGP.med']) : undefined,
      communities: comm ? (comm.match(/\(\d+,\s*\d+\)/g) ?? []).map((c) => c.replace(/[()\s]/g, '').replace(',', ':')) : undefined,
      attributes: { ...a, ...(cur.gateways.length ? { gateways: cur.gateways.join(' ') } : {}) },
    });
    cur = undefined;
  };
  for (const line of stripBanner(out)) {
    if (line.startsWith('Table ') || line.trim() === '') {
      flush();
      continue;
    }
    if (line.startsWith('\t')) {
      if (!cur) continue;
      const t = line.trim();
      const via = /^via (\S+)(?: on (\S+))?/.exec(t);
      if (via) {
        cur.gateways.push(via[1]!);
        continue;
      }
      const kv = /^([^:]+?):\s?(.*)$/.exec(t);
      if (kv) cur.attributes[kv[1]!] = kv[2]!;
      continue;
    }
    // route line: "<prefix> <type> [proto time from X] * (pref) [...]", or continuation "   <type> [...]"
    const m = /^(\S+)?\s+(\S+)\s+\[(\S+)\s+([^\]]*)\]\s*(\*)?\s*\(([^)]*)\)\s*(?:\[([^\]]*)\])?/.exec(line);
    if (!m) continue;
    flush();
    if (m[1]) prefix = m[1];
    if (!prefix) continue;
    const from = /\bfrom (\S+)/.exec(m[4] ?? '');
    cur = {
      r: { prefix, family: prefix.includes(':') ? 'ipv6' : 'ipv4', nextHop: undefined, best: m[5] === '*', from: from?.[1], asPath: [] },
      attributes: { type: m[2]!, protocol: m[3]! },
      gateways: [],
    };
  }
  flush();
  return routes;
}

// ---------------------------------------------------------------------------------------------
// Launcher

export interface BirdOptions extends DaemonBaseOptions {
  /** Structured config, or the full bird.conf text. */
  readonly config: BirdConfig | string;
}

export class Bird extends BgpDaemon {
  readonly kind = 'bird' as const;
  readonly socket: string;
  readonly configFile: string;
  readonly logFile: string;
  readonly config: BirdConfig | undefined;

  private constructor(opts: BirdOptions, workDir: string) {
    super(opts.name, workDir, opts.netns);
    this.socket = join(workDir, 'bird.ctl');
    this.configFile = join(workDir, 'bird.conf');
    this.logFile = join(workDir, 'bird.log');
    this.config = typeof opts.config === 'string' ? undefined : opts.config;
  }

  /** Writes bird.conf (plus a log line), starts `bird -f`, and waits until birdc answers. */
  static async start(opts: BirdOptions): Promise<Bird> {
    const b = new Bird(opts, makeWorkDir(`bird-${opts.name}`));
    try {
      b.writeConfig(opts.config);
      b.spawn({ name: b.label, cmd: tool('bird'), args: ['-f', '-c', b.configFile, '-s', b.socket], logFiles: [b.logFile] });
      await b.waitFor('birdc to answer', async () => (await b.birdc('show status')).includes('Daemon is up'), 15_000);
      return b;
    } catch (e) {
      await b.dispose().catch(() => undefined);
      throw e;
    }
  }

  private writeConfig(config: BirdConfig | string): void {
    const text = typeof config === 'string' ? config : birdConfig(config);
    writeFileSync(this.configFile, `log "${this.logFile}" all;\n${text}`);
  }

  /** Runs a birdc command; returns its output without the banner line. */
  async birdc(...command: string[]): Promise<string> {
    const r = await run(tool('birdc'), ['-s', this.socket, ...command], { timeoutMs: 15_000 });
    const out = stripBanner(r.stdout).join('\n');
    // birdc exits 1 for an empty answer to `show route <prefix>`
    if (r.code !== 0 && !/^\s*Network not found\s*$/.test(out)) {
      throw new Error(`\`birdc -s ${this.socket} ${command.join(' ')}\` failed (exit ${r.code ?? r.signal}):\n${(r.stderr || r.stdout).trim()}`);
    }
    return r.code === 0 ? out : '';
  }

  /** Rewrites bird.conf and runs `birdc configure` (BIRD keeps sessions whose config did not change). */
  async reconfigure(config: BirdConfig | string): Promise<void> {
    this.writeConfig(config);
    const out = await this.birdc('configure');
    if (!/Reconfigured|Reconfiguration in progress/.test(out)) throw new Error(`birdc configure failed: ${out}`);
  }

  async protocols(): Promise<BirdProtocol[]> {
    return parseBirdProtocols(await this.birdc('show', 'protocols', 'all'));
  }

  /** BGP protocols as sessions. `name` is the protocol name without the p_ prefix. */
  async sessions(): Promise<BgpSession[]> {
    return (await this.protocols())
      .filter((p) => p.proto === 'BGP')
      .map((p) => {
        const state = p.details['BGP state'] ?? (p.state === 'up' ? 'Established' : 'Idle');
        const routes = Object.values(p.channels)
          .map((c) => /(\d+) imported/.exec(c['Routes'] ?? '')?.[1])
          .filter((x): x is string => x !== undefined);
        return {
          peer: p.details['Neighbor address'] ?? '',
          name: p.name.replace(/^p_/, ''),
          state,
          established: state === 'Established',
          remoteAs: p.details['Neighbor AS'] !== undefined ? Number(p.details['Neighbor AS']) : undefined,
          info: p.details['Last error'] ?? p.info,
          prefixesReceived: routes.length ? routes.reduce((a, b) => a + Number(b), 0) : undefined,
        };
      });
  }

  /** All routes of the family's master table (every path, `best` marks the selected one). */
  async routes(family: Family = 'ipv4'): Promise<BgpRoute[]> {
    return parseBirdRoutes(await this.birdc('show', 'route', 'all', 'table', family === 'ipv4' ? 'master4' : 'master6'));
  }

  /** Paths for one prefix via `show route all for/ <prefix>` (exact match). */
  override async route(prefix: string): Promise<BgpRoute[]> {
    const t = prefix.includes(':') ? 'master6' : 'master4';
    return parseBirdRoutes(await this.birdc('show', 'route', 'all', 'table', t, prefix)).filter((r) => r.prefix === prefix);
  }

  /** `show route [table T] [protocol p_<name>] count` -> number of routes. */
  async routeCount(opts: { family?: Family; peer?: string } = {}): Promise<number> {
    const args = ['show', 'route', 'table', opts.family === 'ipv6' ? 'master6' : 'master4'];
    if (opts.peer) args.push('protocol', protoName(opts.peer));
    args.push('count');
    const out = await this.birdc(...args);
    const m = /(\d+) of \d+ routes/.exec(out);
    if (!m) throw new Error(`unexpected birdc count output: ${out}`);
    return Number(m[1]);
  }
}

export const startBird = (opts: BirdOptions): Promise<Bird> => Bird.start(opts);
