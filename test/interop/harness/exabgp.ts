// ExaBGP 4.2: config builder, launcher, and an API channel to inject routes on demand.
//
// ExaBGP talks to "processes" over their stdin/stdout. The config runs a tiny python helper
// (api.py, the same interpreter ExaBGP uses) that connects to a Unix socket the harness serves in
// the work directory and relays lines both ways:
//   harness --socket--> api.py --stdout--> ExaBGP   API commands ("announce route ...")
//   ExaBGP  --stdin---> api.py --socket--> harness  acks ("done"/"error") and JSON events
//                                                   (neighbor state, received UPDATEs)
// When the harness or ExaBGP goes away the helper sees EOF and exits, so it cannot outlive them.
//
// Malformed input for peers: ExaBGP 4.2 has no API to send raw message bytes, but a route may
// carry generic attributes, `attribute [ 0x<code> 0x<flags> 0x<value> ]`, packed verbatim. A
// generic attribute with the code of a well-known one replaces it (ExaBGP then adds no default),
// so `attribute [ 0x01 0x40 0x05 ]` sends ORIGIN = 5 (invalid), flags can be wrong for the code,
// lengths can be wrong for the type, and unknown codes can be sent with any flags.

import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { BgpDaemon, type BgpRoute, type BgpSession, type DaemonBaseOptions, type Family } from './daemon.js';
import { exabgpPython, tool } from './tools.js';
import { makeWorkDir } from './workdir.js';

export interface ExabgpNeighbor {
  readonly address: string;
  readonly asn: number;
  /** Neighbor's port (ExaBGP `connect`, default 179). */
  readonly port?: number;
  readonly localAddress: string;
  readonly localAsn: number;
  readonly routerId?: string;
  /** Default: the neighbor address's family. */
  readonly families?: readonly Family[];
  readonly holdTime?: number;
  /** Only accept incoming connections (needs `listen` on the launcher). */
  readonly passive?: boolean;
  /** Routes announced as soon as the session is up: "10.0.0.0/24 next-hop 127.0.0.1 community 1:1". */
  readonly staticRoutes?: readonly string[];
  /** Raw lines inside the neighbor block (e.g. "capability { add-path send/receive; }"). */
  readonly extra?: string;
}

export interface ExabgpConfig {
  readonly neighbors: readonly ExabgpNeighbor[];
}

/** The exabgp.conf text; `processRun` is the api helper command line (the launcher provides it). */
export function exabgpConfig(c: ExabgpConfig, processRun: string): string {
  const out: string[] = ['process wren-api {', `  run ${processRun};`, '  encoder json;', '}', ''];
  for (const n of c.neighbors) {
    const fams = n.families ?? [n.address.includes(':') ? 'ipv6' : 'ipv4'];
    out.push(`neighbor ${n.address} {`);
    out.push(`  router-id ${n.routerId ?? (n.localAddress.includes(':') ? '10.255.255.254' : n.localAddress)};`);
    out.push(`  local-address ${n.localAddress};`, `  local-as ${n.localAsn};`, `  peer-as ${n.asn};`);
    if (n.port !== undefined) out.push(`  connect ${n.port};`);
    out.push(`  hold-time ${n.holdTime ?? 30};`);
    if (n.passive) out.push('  passive true;');
    out.push('  capability { route-refresh; }');
    out.push(`  family {\n${fams.map((f) => `    ${f} unicast;`).join('\n')}\n  }`);
    out.push('  api {', '    processes [ wren-api ];', '    neighbor-changes;', '    receive { parsed; update; notification; }', '  }');
    if (n.staticRoutes?.length) out.push(`  static {\n${n.staticRoutes.map((r) => `    route ${r};`).join('\n')}\n  }`);
    if (n.extra) out.push(`  ${n.extra}`);
    out.push('}', '');
  }
  return out.join('\n');
}

const API_HELPER = `# wren interop: relays ExaBGP's process API to a Unix socket served by the test harness.
import os, socket, sys, threading
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(sys.argv[1])
def up():
    try:
        while True:
            line = sys.stdin.buffer.readline()
            if not line:
                break
            sock.sendall(line)
    except OSError:
        pass
    os._exit(0)
threading.Thread(target=up, daemon=True).start()
down = sock.makefile('rb')
try:
    while True:
        line = down.readline()
        if not line:
            break
        sys.stdout.buffer.write(line)
        sys.stdout.buffer.flush()
except OSError:
    pass
os._exit(0)
`;

/** `attribute [ 0x<code> 0x<flags> 0x<hex> ]` for a route command. */
export function genericAttribute(code: number, flags: number, valueHex: string): string {
  const v = valueHex.replace(/\s+/g, '').toLowerCase();
  if (!/^([0-9a-f]{2})+$/.test(v)) throw new Error(`attribute value must be non-empty hex, got "${valueHex}"`);
  const h = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
  return `attribute [ ${h(code)} ${h(flags)} 0x${v} ]`;
}

interface ExaEvent {
  type?: string;
  neighbor?: {
    address?: { local?: string; peer?: string };
    asn?: { local?: number; peer?: number };
    state?: string;
    message?: { update?: { attribute?: Record<string, unknown>; announce?: Record<string, Record<string, Array<{ nlri?: string } | string>>>; withdraw?: Record<string, Array<{ nlri?: string } | string>> } };
    notification?: unknown;
  };
}

export interface ExabgpOptions extends DaemonBaseOptions {
  readonly config: ExabgpConfig;
  /** Listen for incoming sessions (sets exabgp.tcp.bind/port). Default: ExaBGP only connects out. */
  readonly listen?: { readonly address: string; readonly port: number };
  /** Extra environment (exabgp.* settings). */
  readonly env?: Readonly<Record<string, string>>;
}

export class Exabgp extends BgpDaemon {
  readonly kind = 'exabgp' as const;
  readonly configFile: string;
  readonly socketPath: string;
  /** Every JSON event ExaBGP sent to the API process, oldest first. */
  readonly events: unknown[] = [];
  private readonly config: ExabgpConfig;
  private server: Server | undefined;
  private conn: Socket | undefined;
  private buffer = '';
  private readonly pending: Array<{ command: string; resolve: (ack: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  private readonly state = new Map<string, string>();
  private readonly rib = new Map<string, BgpRoute>();

  private constructor(opts: ExabgpOptions, workDir: string) {
    super(opts.name, workDir, opts.netns);
    this.configFile = join(workDir, 'exabgp.conf');
    this.socketPath = join(workDir, 'api.sock');
    this.config = opts.config;
  }

  static async start(opts: ExabgpOptions): Promise<Exabgp> {
    const x = new Exabgp(opts, makeWorkDir(`exabgp-${opts.name}`));
    try {
      const python = exabgpPython();
      if (!python) throw new Error('no python3 for the ExaBGP API helper');
      const helper = join(x.workDir, 'api.py');
      writeFileSync(helper, API_HELPER);
      await x.listenApi();
      writeFileSync(x.configFile, exabgpConfig(opts.config, `${python} ${helper} ${x.socketPath}`));
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        'exabgp.daemon.user': 'root',
        'exabgp.daemon.daemonize': 'false',
        'exabgp.daemon.drop': 'false',
        'exabgp.log.destination': 'stdout',
        'exabgp.log.level': 'INFO',
        'exabgp.api.cli': 'false',
        'exabgp.api.ack': 'true',
        'exabgp.tcp.bind': opts.listen ? opts.listen.address : '',
        'exabgp.tcp.port': String(opts.listen?.port ?? 179),
        ...opts.env,
      };
      x.spawn({ name: x.label, cmd: tool('exabgp'), args: [x.configFile], env });
      await x.waitFor('the API helper to connect', () => x.conn !== undefined, 20_000);
      return x;
    } catch (e) {
      await x.dispose().catch(() => undefined);
      throw e;
    }
  }

  private listenApi(): Promise<void> {
    return new Promise((resolve, reject) => {
      const srv = createServer((c) => {
        this.conn?.destroy();
        this.conn = c;
        c.setEncoding('utf8');
        c.on('data', (d: string) => this.onData(d));
        c.on('close', () => {
          if (this.conn === c) this.conn = undefined;
        });
        c.on('error', () => undefined);
      });
      srv.on('error', reject);
      srv.listen(this.socketPath, () => {
        this.server = srv;
        resolve();
      });
    });
  }

  private onData(d: string): void {
    this.buffer += d;
    let i: number;
    while ((i = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, i).trim();
      this.buffer = this.buffer.slice(i + 1);
      if (line === '') continue;
      if (line === 'done' || line === 'error' || line === 'shutdown') {
        const p = this.pending.shift();
        if (p) {
          clearTimeout(p.timer);
          if (line === 'done') p.resolve(line);
          else p.reject(new Error(`ExaBGP answered "${line}" to: ${p.command}`));
        }
        continue;
      }
      let ev: ExaEvent;
      try {
        ev = JSON.parse(line) as ExaEvent;
      } catch {
        this.events.push(line);
        continue;
      }
      this.events.push(ev);
      this.apply(ev);
    }
  }

  private apply(ev: ExaEvent): void {
    const peer = ev.neighbor?.address?.peer;
    if (!peer) return;
    if (ev.type === 'state' && ev.neighbor?.state) {
      this.state.set(peer, ev.neighbor.state);
      if (ev.neighbor.state === 'down') for (const [k, r] of this.rib) if (r.from === peer) this.rib.delete(k);
      return;
    }
    const upd = ev.type === 'update' ? ev.neighbor?.message?.update : undefined;
    if (!upd) return;
    const nlri = (x: { nlri?: string } | string): string | undefined => (typeof x === 'string' ? x : x.nlri);
    for (const [fam, list] of Object.entries(upd.withdraw ?? {})) {
      for (const w of list) {
        const p = nlri(w);
        if (p) this.rib.delete(`${peer}|${fam}|${p}`);
      }
    }
    const attrs = upd.attribute ?? {};
    const asPath = Array.isArray(attrs['as-path']) ? (attrs['as-path'] as unknown[]).flat().filter((n): n is number => typeof n === 'number') : [];
    for (const [fam, byNextHop] of Object.entries(upd.announce ?? {})) {
      const family: Family = fam.startsWith('ipv6') ? 'ipv6' : 'ipv4';
      for (const [nh, list] of Object.entries(byNextHop)) {
        for (const a of list) {
          const p = nlri(a);
          if (!p) continue;
          this.rib.set(`${peer}|${fam}|${p}`, {
            prefix: p,
            family,
            nextHop: nh,
            nextHops: [nh],
            best: true,
            from: peer,
            asPath,
            origin: typeof attrs['origin'] === 'string' ? attrs['origin'] : undefined,
            localPref: typeof attrs['local-preference'] === 'number' ? attrs['local-preference'] : undefined,
            med: typeof attrs['med'] === 'number' ? attrs['med'] : undefined,
            communities: Array.isArray(attrs['community']) ? (attrs['community'] as unknown[]).map((c) => (Array.isArray(c) ? c.join(':') : String(c))) : undefined,
            attributes: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
          });
        }
      }
    }
  }

  /**
   * Sends API commands (one per line) and resolves with their acks once ExaBGP has processed all of
   * them. Rejects if ExaBGP answers "error" to any, or no ack arrives within timeoutMs.
   */
  async send(commands: string | readonly string[], timeoutMs = 30_000): Promise<void> {
    const list = (typeof commands === 'string' ? [commands] : commands).map((c) => c.trim()).filter(Boolean);
    if (list.length === 0) return;
    const conn = this.conn ?? (await this.waitFor('the API helper to connect', () => this.conn, 10_000));
    const acks = list.map(
      (command) =>
        new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => {
            const i = this.pending.findIndex((p) => p.timer === timer);
            if (i >= 0) this.pending.splice(i, 1);
            reject(new Error(`no ack from ExaBGP within ${timeoutMs} ms for: ${command}\n${this.logs()}`));
          }, timeoutMs);
          this.pending.push({ command, resolve, reject, timer });
        }),
    );
    conn.write(`${list.join('\n')}\n`);
    const results = await Promise.allSettled(acks);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }

  /** `announce route <prefix> next-hop <nh> <extra>` (extra: "community 1:1", genericAttribute(...), ...). */
  announce(prefix: string, nextHop: string, extra = ''): Promise<void> {
    return this.send(`announce route ${prefix} next-hop ${nextHop}${extra ? ` ${extra}` : ''}`);
  }

  /** Many routes in one write (one ack each). */
  announceMany(prefixes: readonly string[], nextHop: string, extra = ''): Promise<void> {
    return this.send(prefixes.map((p) => `announce route ${p} next-hop ${nextHop}${extra ? ` ${extra}` : ''}`), 60_000);
  }

  withdraw(prefix: string, nextHop?: string): Promise<void> {
    return this.send(`withdraw route ${prefix}${nextHop ? ` next-hop ${nextHop}` : ''}`);
  }

  /** Session states from ExaBGP's neighbor-changes events ("up" = Established). */
  async sessions(): Promise<BgpSession[]> {
    return this.config.neighbors.map((n) => {
      const s = this.state.get(n.address);
      const state = s === 'up' ? 'Established' : s === 'connected' ? 'OpenSent' : s === undefined ? 'Idle' : s === 'down' ? 'Idle' : s;
      return { peer: n.address, name: n.address, state, established: state === 'Established', remoteAs: n.asn, info: s };
    });
  }

  /** Routes ExaBGP received (its Adj-RIB-In, rebuilt from the JSON UPDATE events). */
  async routes(family: Family = 'ipv4'): Promise<BgpRoute[]> {
    return [...this.rib.values()].filter((r) => r.family === family);
  }

  override async stop(opts: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
    try {
      await super.stop(opts);
    } finally {
      for (const p of this.pending.splice(0)) {
        clearTimeout(p.timer);
        p.reject(new Error(`ExaBGP stopped before answering: ${p.command}`));
      }
      this.conn?.destroy();
      this.conn = undefined;
      const srv = this.server;
      this.server = undefined;
      if (srv) await new Promise<void>((r) => srv.close(() => r()));
    }
  }
}

export const startExabgp = (opts: ExabgpOptions): Promise<Exabgp> => Exabgp.start(opts);
