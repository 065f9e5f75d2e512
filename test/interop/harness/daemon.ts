// What every launched BGP daemon offers: its process, logs, parsed sessions and routes, and
// waits with deadlines whose errors carry the daemon's logs.

import type { Netns } from './netns.js';
import { DaemonProcess, type DaemonSpec } from './proc.js';
import { waitFor, waitUntil } from './wait.js';
import { removeWorkDir } from './workdir.js';

export type Family = 'ipv4' | 'ipv6';

/** Session states normalised to RFC 4271 names; daemon-specific extras pass through. */
export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established' | (string & {});

export interface BgpSession {
  /** Peer address as configured. */
  readonly peer: string;
  /** Daemon-side name of the session (BIRD protocol name), else the peer address. */
  readonly name: string;
  readonly state: SessionState;
  readonly established: boolean;
  readonly remoteAs?: number | undefined;
  /** Last error or extra info the daemon shows for the session. */
  readonly info?: string | undefined;
  /** Prefixes received (accepted), when the daemon reports it. */
  readonly prefixesReceived?: number | undefined;
}

export interface BgpRoute {
  /** "10.244.1.0/26", "fd57:7265:6e00:244::/122". */
  readonly prefix: string;
  readonly family: Family;
  /** BGP NEXT_HOP (or MP_REACH next hop); the first one when a daemon reports several. */
  readonly nextHop: string | undefined;
  /** All next hops of this path (global and link-local for IPv6). */
  readonly nextHops: readonly string[];
  /** Selected as best by the daemon. */
  readonly best: boolean;
  /** Part of a multipath (ECMP) set, when the daemon reports it. */
  readonly multipath?: boolean | undefined;
  /** Address of the peer the path came from (undefined for local routes). */
  readonly from?: string | undefined;
  readonly asPath: readonly number[];
  readonly origin?: string | undefined;
  readonly localPref?: number | undefined;
  readonly med?: number | undefined;
  readonly communities?: readonly string[] | undefined;
  /** Every attribute as the daemon printed it (name -> text). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DaemonBaseOptions {
  /** Label for logs and errors ("rr", "node1"). */
  readonly name: string;
  /** Run inside this namespace. Sockets and files stay in the work directory. */
  readonly netns?: Netns | undefined;
}

export type DaemonKind = 'bird' | 'gobgp' | 'frr' | 'exabgp';

export abstract class BgpDaemon {
  abstract readonly kind: DaemonKind;
  readonly name: string;
  readonly workDir: string;
  readonly netns: Netns | undefined;
  protected proc: DaemonProcess | undefined;
  private disposed = false;

  protected constructor(name: string, workDir: string, netns: Netns | undefined) {
    this.name = name;
    this.workDir = workDir;
    this.netns = netns;
  }

  protected spawn(spec: Omit<DaemonSpec, 'cwd' | 'netns' | 'pidFile'> & { cwd?: string }): DaemonProcess {
    this.proc = DaemonProcess.start({ ...spec, cwd: spec.cwd ?? this.workDir, netns: this.netns?.name, pidFile: `${this.workDir}/daemon.pid` });
    return this.proc;
  }

  /** "bird rr" */
  get label(): string {
    return `${this.kind} ${this.name}`;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** stdout/stderr and the daemon's own log file tails, with a header naming the command. */
  logs(maxCharsPerPart?: number): string {
    return this.proc ? this.proc.logs(maxCharsPerPart) : `=== ${this.label}: not started ===`;
  }

  /** Stops the process (SIGTERM, SIGKILL after graceMs). Files stay until dispose(). */
  async stop(opts: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
    await this.proc?.stop(opts);
  }

  /** stop() and remove the work directory (kept with WREN_INTEROP_KEEP=1). Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      await this.stop();
    } finally {
      removeWorkDir(this.workDir);
    }
  }

  /** Undefined while running, else why it is not. */
  protected deadReason(): string | undefined {
    if (!this.proc) return `${this.label} was never started`;
    const d = this.proc.exitDescription;
    return d ? `${this.label} ${d}` : undefined;
  }

  /** Polls `probe` until it returns a value; the timeout error names `what` and carries this daemon's logs. */
  waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
    return waitFor(`${what} (${this.label})`, probe, { timeoutMs, context: () => this.logs(), abort: () => this.deadReason() });
  }

  /** Polls `read` until `done(state)`; the timeout error shows the last state and the logs. */
  waitUntil<S>(what: string, read: () => Promise<S>, done: (s: S) => boolean, timeoutMs = 30_000): Promise<S> {
    return waitUntil(`${what} (${this.label})`, read, done, { timeoutMs, context: () => this.logs(), abort: () => this.deadReason() });
  }

  abstract sessions(): Promise<BgpSession[]>;
  abstract routes(family?: Family): Promise<BgpRoute[]>;

  /** Paths for one prefix (empty when absent). */
  async route(prefix: string): Promise<BgpRoute[]> {
    const fam: Family = prefix.includes(':') ? 'ipv6' : 'ipv4';
    return (await this.routes(fam)).filter((r) => r.prefix === prefix);
  }

  /** Waits until the session with this peer address (or name) is in `state` (default Established). */
  async waitForSession(peer: string, opts: { state?: SessionState; timeoutMs?: number } = {}): Promise<BgpSession> {
    const want = opts.state ?? 'Established';
    const found = await this.waitUntil(
      `session ${peer} ${want}`,
      () => this.sessions(),
      (ss) => ss.some((s) => (s.peer === peer || s.name === peer) && s.state === want),
      opts.timeoutMs,
    );
    return found.find((s) => (s.peer === peer || s.name === peer) && s.state === want)!;
  }

  /** Waits until every session is Established (at least `min` of them). */
  async waitForAllEstablished(opts: { min?: number; timeoutMs?: number } = {}): Promise<BgpSession[]> {
    const min = opts.min ?? 1;
    return this.waitUntil('all sessions Established', () => this.sessions(), (ss) => ss.length >= min && ss.every((s) => s.established), opts.timeoutMs);
  }

  /**
   * Waits until `prefix` is present and `accept(paths)` holds (default: at least one path).
   * Returns the prefix's paths.
   */
  async waitForRoute(prefix: string, accept: (paths: BgpRoute[]) => boolean = (p) => p.length > 0, opts: { timeoutMs?: number; what?: string } = {}): Promise<BgpRoute[]> {
    return this.waitUntil(opts.what ?? `route ${prefix}`, () => this.route(prefix), (p) => p.length > 0 && accept(p), opts.timeoutMs);
  }

  /** Waits until `prefix` is gone. */
  async waitForNoRoute(prefix: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.waitUntil(`route ${prefix} withdrawn`, () => this.route(prefix), (p) => p.length === 0, opts.timeoutMs);
  }

  /** Waits until the daemon holds at least `count` distinct prefixes of `family` matching `filter`; returns their paths. */
  async waitForRouteCount(count: number, opts: { family?: Family; filter?: (r: BgpRoute) => boolean; timeoutMs?: number } = {}): Promise<BgpRoute[]> {
    const filter = opts.filter ?? (() => true);
    return this.waitUntil(
      `${count} prefixes`,
      async () => (await this.routes(opts.family ?? 'ipv4')).filter(filter),
      (r) => new Set(r.map((x) => x.prefix)).size >= count,
      opts.timeoutMs,
    );
  }

  /**
   * Waits until every prefix has a best path (and `accept` holds for its paths, if given).
   * Returns the paths by prefix.
   */
  async waitForPrefixes(prefixes: readonly string[], opts: { accept?: (prefix: string, paths: BgpRoute[]) => boolean; timeoutMs?: number } = {}): Promise<Map<string, BgpRoute[]>> {
    const byFamily = (f: Family): string[] => prefixes.filter((p) => p.includes(':') === (f === 'ipv6'));
    const read = async (): Promise<Map<string, BgpRoute[]>> => {
      const m = new Map<string, BgpRoute[]>();
      for (const f of ['ipv4', 'ipv6'] as const) {
        if (byFamily(f).length === 0) continue;
        for (const r of await this.routes(f)) {
          if (!prefixes.includes(r.prefix)) continue;
          m.set(r.prefix, [...(m.get(r.prefix) ?? []), r]);
        }
      }
      return m;
    };
    const ok = (m: Map<string, BgpRoute[]>): boolean =>
      prefixes.every((p) => {
        const paths = m.get(p) ?? [];
        return paths.some((x) => x.best) && (opts.accept?.(p, paths) ?? true);
      });
    return this.waitUntil(`prefixes ${prefixes.join(', ')}`, read, ok, opts.timeoutMs);
  }
}
