// The daemon: config -> speaker (peers, RIB, FIB) -> control API and metrics; reload and stop.
// `wren run` is this plus signals (src/cli/run.ts).

import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { ControlServer, type ControlHandlers } from '../api/control.js';
import { createMetrics, serveMetrics } from '../api/metrics.js';
import { Speaker, type PeerConfig } from '../api/speaker.js';
import { describeDiff, diffConfig } from '../config/diff.js';
import { loadConfig } from '../config/load.js';
import { toSpeakerPlan, type PeerTransport, type SpeakerPlan } from '../config/to-speaker.js';
import type { ConfigError } from '../config/errors.js';
import type { FibBackendName, PasswordRef, WrenConfig } from '../config/types.js';
import type { PlannedChange } from '../fib/plan.js';
import type { FibBackend } from '../fib/index.js';
import { Announcer } from './announcer.js';
import { controlHandlers } from './handlers.js';
import { openFibBackend } from './fib-backend.js';
import { sockoptUnavailable } from '../session/sockopt.js';

export interface DaemonOptions {
  /** The config file, read again on reload. */
  readonly configPath: string;
  readonly logger: Logger;
  /** `wren run --fib=...`: replaces the config's FIB backend. */
  readonly fibOverride?: FibBackendName;
  /** Plan mode's output (default: JSON lines on stdout). */
  readonly planOutput?: (c: PlannedChange) => void;
  /** `wren run --socket`: replaces the config's API socket path. */
  readonly socketOverride?: string;
}

export interface ReloadReport {
  readonly ok: boolean;
  readonly errors?: readonly ConfigError[];
  readonly peers?: { readonly added: string[]; readonly removed: string[]; readonly reset: string[]; readonly policy: string[]; readonly unchanged: string[] };
  readonly announcements?: number;
  /** Settings that changed in the file but take effect only at the next start. */
  readonly restartNeeded?: string[];
}

export class Daemon {
  readonly startedAt = new Date();
  private control: ControlServer | null = null;
  private metricsServer: Server | null = null;
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly speaker: Speaker,
    readonly announcer: Announcer,
    private config: WrenConfig,
    private readonly options: DaemonOptions,
    readonly fibDescription: string,
    private readonly fibBackend: FibBackend | null,
    private readonly fibMonitor: { close(): Promise<void> } | null,
    private readonly log: Logger,
  ) {}

  static async start(config: WrenConfig, options: DaemonOptions): Promise<Daemon> {
    const log = options.logger;
    const fibSpec = options.fibOverride ? { ...config.fib, backend: options.fibOverride } : config.fib;
    const planOutput = options.planOutput ?? ((c: PlannedChange) => process.stdout.write(JSON.stringify({ plan: c.op, prefix: c.prefix, nextHops: c.nextHops, command: c.command }) + '\n'));
    const fib = await openFibBackend(fibSpec, log, planOutput);
    const plan = toSpeakerPlan(config);
    const fibOptions = fib.backend
      ? {
          backend: fib.backend,
          ...plan.fib.options,
          ...(fib.hostAddresses && !plan.fib.options.hostAddresses ? { hostAddresses: fib.hostAddresses } : {}),
          ...(fib.monitor ? { monitor: fib.monitor, foreignChanges: fibSpec.foreignChanges } : {}),
        }
      : null;
    const transport = peersWithTransport(plan, log);
    const speaker = new Speaker({ ...plan.speaker, ...transport.speaker, logger: log, ...(fibOptions ? { fib: fibOptions } : {}) });
    for (const p of transport.peers) speaker.addPeer(p);
    const announcer = new Announcer(speaker, log.child({ component: 'announce' }));
    const daemon = new Daemon(speaker, announcer, config, options, fib.description, fib.backend, fib.monitor ?? null, log);
    try {
      await speaker.start();
      announcer.setConfig(config.announcements);
      const socket = options.socketOverride ?? config.api.socket;
      daemon.control = new ControlServer(controlHandlers(daemon), { path: socket, mode: config.api.mode, logger: log.child({ component: 'api' }) });
      await daemon.control.listen();
      if (config.metrics) {
        const m = await serveMetrics(createMetrics({ speaker, health: () => announcer.healthStates() }), config.metrics);
        daemon.metricsServer = m.server;
        log.info({ address: m.address, port: m.port }, 'metrics listening');
      }
    } catch (err) {
      await daemon.stop({ reason: 'start failed' }).catch(() => undefined);
      throw err;
    }
    log.info(
      { localAsn: config.localAsn, routerId: config.routerId, peers: config.peers.length, announcements: config.announcements.length, fib: fib.description, listen: speaker.listenAddress },
      'Wren running',
    );
    return daemon;
  }

  get currentConfig(): WrenConfig {
    return this.config;
  }

  get configPath(): string {
    return this.options.configPath;
  }

  get socketPath(): string | null {
    return this.control?.path ?? null;
  }

  handlers(): ControlHandlers {
    return controlHandlers(this);
  }

  /** Reads the config file again and applies what changed; an invalid file changes nothing. */
  async reload(): Promise<ReloadReport> {
    const r = await loadConfig(this.options.configPath);
    if (!r.ok) {
      this.log.error({ errors: r.errors }, 'reload refused: the configuration has errors; the running one stays');
      return { ok: false, errors: r.errors };
    }
    return this.apply(r.config);
  }

  /** Applies a new configuration: peers and announcements now, the rest at the next start. */
  apply(next: WrenConfig): ReloadReport {
    const old = this.config;
    const d = diffConfig(old, next);
    const plan = toSpeakerPlan(next);
    let peerConfigs: Map<string, PeerConfig>;
    try {
      peerConfigs = new Map(peersWithTransport(plan, this.log).peers.map((p) => [p.address, p]));
    } catch (err) {
      // A password file that cannot be read: nothing is changed.
      const message = (err as Error).message;
      this.log.error({ err: message }, 'reload refused; the running configuration stays');
      return { ok: false, errors: [{ file: this.options.configPath, line: 0, column: 0, path: 'peers', message }] };
    }
    const restartNeeded: string[] = d.restart.map((c) => c.path);
    for (const c of d.live) if (c.path === 'log') this.log.level = next.log.level;

    const peers = { added: [] as string[], removed: [] as string[], reset: [] as string[], policy: [] as string[], unchanged: [...d.peers.unchanged] };
    for (const p of d.peers.removed) {
      if (p.kind === 'dynamic') restartNeeded.push(`peers (listen range ${p.listenRange} removed)`);
      else {
        this.speaker.removePeer(p.address);
        peers.removed.push(p.address);
      }
    }
    for (const p of d.peers.added) {
      if (p.kind === 'dynamic') restartNeeded.push(`peers (listen range ${p.listenRange} added)`);
      else {
        this.speaker.addPeer(peerConfigs.get(p.address)!);
        peers.added.push(p.address);
      }
    }
    for (const c of d.peers.changed) {
      if (c.after.kind === 'dynamic') {
        restartNeeded.push(`peers (listen range ${c.key} changed)`);
      } else if (c.fields.every((f) => f === 'import' || f === 'export')) {
        // RFC 2918 route refresh in, re-export out: the session stays up.
        this.speaker.setPeerPolicy(c.key, {
          ...(c.importChanged ? { import: c.after.import ?? null } : {}),
          ...(c.exportChanged ? { export: c.after.export ?? null } : {}),
        });
        peers.policy.push(c.key);
      } else {
        this.speaker.removePeer(c.key);
        this.speaker.addPeer(peerConfigs.get(c.key)!);
        peers.reset.push(c.key);
      }
    }
    this.announcer.setConfig(next.announcements);
    // What runs now: the new file, but the settings that wait for a restart as they were.
    const kept = Object.fromEntries(d.restart.map((c) => [c.path, old[c.path as keyof WrenConfig]]));
    const keptDynamic = old.peers.filter((p) => p.kind === 'dynamic');
    this.config = { ...next, ...kept, peers: [...next.peers.filter((p) => p.kind === 'static'), ...keptDynamic] } as WrenConfig;
    const report: ReloadReport = { ok: true, peers, announcements: next.announcements.length, restartNeeded };
    this.log.info({ changes: describeDiff(d) }, 'configuration reloaded');
    if (restartNeeded.length) this.log.warn({ restartNeeded }, 'some changes take effect at the next start');
    return report;
  }

  private readonly stopListeners: ((gracefulRestart: boolean) => void)[] = [];

  /** Who stops the daemon when the control API asks (`wren run` listens; without one, it stops itself). */
  onStopRequested(fn: (gracefulRestart: boolean) => void): void {
    this.stopListeners.push(fn);
  }

  requestStop(gracefulRestart: boolean): void {
    if (this.stopListeners.length === 0) void this.stop({ reason: 'stop request', gracefulRestart });
    for (const fn of this.stopListeners) fn(gracefulRestart);
  }

  /**
   * Stops: Cease NOTIFICATIONs with the shutdown communication to every peer, our routes out of
   * the table (unless graceful restart or keepOnExit), control socket and metrics closed.
   */
  stop(options: { gracefulRestart?: boolean; reason?: string } = {}): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info({ reason: options.reason, gracefulRestart: options.gracefulRestart ?? false }, 'Wren stopping');
      this.announcer.stop();
      await this.speaker.stop(options.reason ? `Wren stopping: ${options.reason}` : 'Wren stopping', { gracefulRestart: options.gracefulRestart ?? false });
      await this.control?.close();
      if (this.metricsServer) {
        const s = this.metricsServer;
        await new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
      }
      await this.fibMonitor?.close();
      await this.fibBackend?.close();
      this.log.info('Wren stopped');
    })();
    return this.stopping;
  }
}

/**
 * The plan's peers with their multihop TTL and TCP-MD5 password (read now from the file or the
 * environment variable the configuration names; never logged). Without the native shim neither can
 * be applied: a warning says so and the peers run without them, as before.
 */
function peersWithTransport(plan: SpeakerPlan, log: Logger): { peers: PeerConfig[]; speaker: Pick<SpeakerPlan['speaker'], 'dynamicNeighbors'> } {
  const byPeer = new Map<string, PeerTransport>(plan.peerTransport.map((t) => [t.peer, t]));
  const why = byPeer.size > 0 ? sockoptUnavailable() : null;
  for (const t of plan.peerTransport) {
    if (why) log.warn({ peer: t.peer, multihop: t.multihop, password: t.password ? 'set' : undefined, reason: why }, 'eBGP multihop TTL and TCP-MD5 are not applied: the native shim is not available (docs/daemon.md)');
    else if (t.password && t.peer.includes('/')) log.warn({ peer: t.peer }, 'TCP-MD5 is not applied to dynamic neighbors (listen ranges) yet: their sessions run without a password');
  }
  const peers = plan.peers.map((p): PeerConfig => {
    const t = byPeer.get(p.address);
    if (!t || why) return p;
    return { ...p, ...(t.multihop !== undefined ? { multihop: t.multihop } : {}), ...(t.password ? { password: readPassword(t.password, p.address) } : {}) };
  });
  const dynamic = plan.speaker.dynamicNeighbors?.map((d) => {
    const t = byPeer.get(d.prefix);
    return t?.multihop !== undefined && !why ? { ...d, multihop: t.multihop } : d;
  });
  return { peers, speaker: dynamic ? { dynamicNeighbors: dynamic } : {} };
}

/** The secret from `password.file` (one trailing newline dropped) or `password.env`. */
function readPassword(ref: PasswordRef, peer: string): string {
  let secret: string;
  if ('file' in ref) {
    try {
      secret = readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new Error(`peer ${peer}: cannot read passwordFile ${ref.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else {
    const v = process.env[ref.env];
    if (v === undefined) throw new Error(`peer ${peer}: the environment variable ${ref.env} (passwordEnv) is not set`);
    secret = v;
  }
  if (secret === '') throw new Error(`peer ${peer}: the password (${'file' in ref ? ref.file : `$${ref.env}`}) is empty`);
  return secret;
}
