// Wren as the real daemon inside a namespace: the harness writes a YAML config file (docs/config.md)
// and runs `ip netns exec NS node dist/bin/wren.js run -c FILE`. `ip netns exec` execs the command,
// so the pid spawned is Wren's own node process (the stories check it against `wren status`):
// signals sent to it reach Wren, not a wrapper. Wren logs pino JSON lines on stdout; the harness
// reads them for the events the stories wait on (`msg`: "Wren running", "state" with `to`,
// "FIB reconciled with the RIB", "Wren stopping", "Wren stopped"), and asks the daemon everything
// else through its control socket with the CLI (`wren status --json`, `wren routes --json`).

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { keepWorkDirs, makeWorkDir, removeWorkDir, waitFor, type Netns, type RunResult } from '../../interop/harness/index.js';
import { onProcessExit } from '../../interop/harness/proc.js';

/** The CLI entry point the daemon and the client commands run from (built by `npx tsc -p tsconfig.build.json`). */
export const WREN_BIN = fileURLToPath(new URL('../../../dist/bin/wren.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../../dist/src/', import.meta.url));

/** Why the daemon cannot run from dist/ (not built, or built before the daemon had its FIB monitor), or null. */
export function distReason(): string | null {
  if (!existsSync(WREN_BIN)) return 'dist/ is not built (npx tsc -p tsconfig.build.json)';
  const fibBackend = join(DIST, 'daemon', 'fib-backend.js');
  if (!existsSync(join(DIST, 'cli', 'run.js')) || !existsSync(fibBackend) || !readFileSync(fibBackend, 'utf8').includes('FibMonitor')) {
    return 'dist/ is older than the daemon with its FIB monitor (npx tsc -p tsconfig.build.json)';
  }
  return null;
}

/** Which FIB transport the config asks for: WREN_E2E_FIB=iproute2|netlink|auto (default auto). */
export const fibTransport = (): 'auto' | 'netlink' | 'iproute2' => {
  const t = process.env['WREN_E2E_FIB'] ?? 'auto';
  if (t !== 'auto' && t !== 'netlink' && t !== 'iproute2') throw new Error(`WREN_E2E_FIB must be auto, netlink or iproute2, got "${t}"`);
  return t;
};

/** The config file's content (docs/config.md, camelCase keys); `api.socket` is filled in by start(). */
export type WrenConfigFile = Record<string, unknown> & { readonly peers: ReadonlyArray<Record<string, unknown>> };

/** One pino log line of the daemon. */
export interface WrenLogLine {
  readonly msg: string;
  readonly time: number;
  readonly level: number;
  readonly [k: string]: unknown;
}

export interface WrenExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** The "Wren stopping" line: its `gracefulRestart`, `reason`. */
  readonly stopping: WrenLogLine | undefined;
  /** "Wren stopped" was logged: the stop ran to its end (FIB monitor and backend closed). */
  readonly stopped: boolean;
}

const OUTPUT_TAIL = 256 * 1024;

export class WrenHost {
  /** Every log line, parsed, in order. */
  private readonly lines: WrenLogLine[] = [];
  /** The last part of stdout and stderr as printed, for failure messages. */
  private tail = '';
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private disposed = false;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;

  private constructor(
    readonly name: string,
    readonly netns: Netns,
    child: ChildProcess,
    readonly pid: number,
    readonly workDir: string,
    readonly configFile: string,
    readonly socket: string,
    private readonly logFile: WriteStream,
    readonly commandLine: string,
  ) {
    const unhook = onProcessExit(() => this.kill('SIGKILL', true));
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': after the last of its output has been read (and parsed)
      child.on('close', (code, signal) => {
        this.exitInfo = { code, signal };
        unhook();
        resolve(this.exitInfo);
      });
      child.on('error', (err) => {
        this.append(`[spawn error: ${err.message}]\n`);
        this.exitInfo ??= { code: null, signal: null };
        unhook();
        resolve(this.exitInfo);
      });
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.append(`${line}\n`);
      if (!line.startsWith('{')) return;
      try {
        const o = JSON.parse(line) as WrenLogLine;
        if (typeof o.msg === 'string') this.lines.push(o);
      } catch {
        // not a log line
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => this.append(`[stderr] ${chunk.toString('utf8')}`));
  }

  /**
   * Writes `config` to wren.yaml in a new work directory (the control socket next to it) and starts
   * `ip netns exec NS node dist/bin/wren.js run -c wren.yaml`; resolves once Wren logs "Wren running".
   */
  static async start(opts: { netns: Netns; config: WrenConfigFile; name?: string }): Promise<WrenHost> {
    const name = opts.name ?? 'wren';
    const dir = makeWorkDir(`e2e-${name}`);
    const configFile = join(dir, 'wren.yaml');
    const socket = join(dir, 'wren.sock');
    const config = { ...opts.config, api: { ...((opts.config['api'] as object | undefined) ?? {}), socket } };
    writeFileSync(configFile, `# ${name}: written by test/e2e/harness/wren.ts\n${stringify(config, { aliasDuplicateObjects: false })}`);
    const args = ['netns', 'exec', opts.netns.name, process.execPath, WREN_BIN, 'run', '-c', configFile];
    // detached: its own process group, for the group-signal variant of the SIGTERM check
    const child = spawn('ip', args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw new Error(`could not spawn ip ${args.join(' ')}`);
    // a crashed run's leftovers are found by this file (test/interop/harness/workdir.ts's sweep)
    writeFileSync(join(dir, 'daemon.pid'), `${child.pid}\n`);
    const logFile = createWriteStream(join(dir, 'wren.log'));
    const w = new WrenHost(name, opts.netns, child, child.pid, dir, configFile, socket, logFile, `ip ${args.join(' ')}`);
    try {
      await w.waitForLog('Wren running', (l) => l.msg === 'Wren running', 15_000);
    } catch (e) {
      await w.dispose().catch(() => undefined);
      throw e;
    }
    return w;
  }

  private append(text: string): void {
    this.logFile.write(text);
    this.tail += text;
    if (this.tail.length > OUTPUT_TAIL) this.tail = this.tail.slice(-OUTPUT_TAIL / 2);
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get exitDescription(): string | undefined {
    if (!this.exitInfo) return undefined;
    return this.exitInfo.signal ? `killed by ${this.exitInfo.signal}` : `exited with code ${this.exitInfo.code}`;
  }

  /** Every log line so far. */
  log(): readonly WrenLogLine[] {
    return this.lines;
  }

  /** The lines with this `msg`. */
  logged(msg: string): WrenLogLine[] {
    return this.lines.filter((l) => l.msg === msg);
  }

  /** Peer state changes (`msg: "state"`) of `peer`, or of every peer. */
  stateChanges(peer?: string): WrenLogLine[] {
    return this.lines.filter((l) => l.msg === 'state' && (peer === undefined || l['peer'] === peer));
  }

  /** The output (stdout and stderr) for failure messages. */
  logs(maxChars = 12_000): string {
    const t = this.tail.length > maxChars ? `[... ${this.tail.length - maxChars} chars cut ...]\n${this.tail.slice(-maxChars)}` : this.tail;
    return `=== ${this.name}: ${this.commandLine} (pid ${this.pid}, ${this.exitDescription ?? 'running'}) ===\n${t.trimEnd() || '(empty)'}`;
  }

  /** The first line matching `accept` (earlier ones count); the timeout error carries the logs. */
  waitForLog(what: string, accept: (l: WrenLogLine) => boolean, timeoutMs = 30_000): Promise<WrenLogLine> {
    return waitFor(`${what} (${this.name})`, () => this.lines.find(accept), {
      timeoutMs,
      intervalMs: 25,
      context: () => this.logs(),
      abort: () => (this.running ? undefined : `${this.name} ${this.exitDescription}`),
    });
  }

  /** Waits until `peer` has logged the state change to Established. */
  waitEstablished(peer: string, timeoutMs = 30_000): Promise<WrenLogLine> {
    return this.waitForLog(`${peer} Established`, (l) => l.msg === 'state' && l['peer'] === peer && l['to'] === 'Established', timeoutMs);
  }

  /** Waits for the reconcile after start ("FIB reconciled with the RIB": every peer's End-of-RIB, or fib.syncDelay). */
  waitSynced(timeoutMs = 30_000): Promise<WrenLogLine> {
    return this.waitForLog('FIB reconciled with the RIB', (l) => l.msg === 'FIB reconciled with the RIB', timeoutMs);
  }

  /** `node dist/bin/wren.js ARGS --socket S` in Wren's namespace, as an operator would run it. */
  cli(...args: string[]): Promise<RunResult> {
    const socket = args[0] === 'check-config' ? [] : ['--socket', this.socket];
    return this.netns.run(process.execPath, [WREN_BIN, ...args, ...socket], { timeoutMs: 15_000 });
  }

  /** `wren ARGS --json`, parsed; throws with the CLI's output when it fails. */
  async cliJson<T = Record<string, unknown>>(...args: string[]): Promise<T> {
    const r = await this.cli(...args, '--json');
    if (r.code !== 0) throw new Error(`wren ${args.join(' ')} --json: exit ${r.code ?? r.signal}\n${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as T;
  }

  /** `wren status --json`. */
  status(): Promise<WrenStatus> {
    return this.cliJson<WrenStatus>('status');
  }

  /** `wren routes [PREFIX] --json`. */
  async routes(prefix?: string): Promise<WrenRoute[]> {
    return (await this.cliJson<{ routes: WrenRoute[] }>('routes', ...(prefix ? [prefix] : []))).routes;
  }

  /** Sends a signal to Wren's pid (with `group`, to its whole process group, as systemd's KillMode=control-group or a terminal's Ctrl-C do). */
  kill(signal: NodeJS.Signals, group = false): void {
    if (!this.running) return;
    try {
      process.kill(group ? -this.pid : this.pid, signal);
    } catch {
      // gone
    }
  }

  /** Sends `signal` and waits for the exit; returns the exit status and what Wren logged of its stop. */
  async signalAndWait(signal: NodeJS.Signals, opts: { timeoutMs?: number; group?: boolean } = {}): Promise<WrenExit> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    this.kill(signal, opts.group);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([this.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)))]);
    clearTimeout(timer);
    if (exit === null) {
      this.kill('SIGKILL', true);
      await this.exited;
      throw new Error(`${this.name} did not exit within ${timeoutMs} ms of ${signal}\n${this.logs()}`);
    }
    return { ...exit, stopping: this.lines.find((l) => l.msg === 'Wren stopping'), stopped: this.lines.some((l) => l.msg === 'Wren stopped') };
  }

  /** Stops (SIGTERM, SIGKILL after 5 s) if still running and removes the work directory (kept with WREN_INTEROP_KEEP=1: wren.yaml, wren.log). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      if (this.running) {
        this.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const exit = await Promise.race([this.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), 5000)))]);
        clearTimeout(timer);
        if (exit === null) {
          this.kill('SIGKILL', true);
          await this.exited;
        }
      }
    } finally {
      await new Promise<void>((resolve) => this.logFile.end(() => resolve()));
      if (keepWorkDirs) console.info(`[e2e] ${this.name}: ${this.workDir} kept (wren.yaml, wren.log)`);
      removeWorkDir(this.workDir);
    }
  }
}

/** What the stories read of `wren status --json` (src/api/views.ts StatusView and the daemon's fields). */
export interface WrenStatus {
  readonly pid: number;
  readonly localAsn: number;
  readonly routerId: string;
  readonly peers: ReadonlyArray<{ readonly address: string; readonly state: string; readonly remoteAsn: number; readonly type: string; readonly description?: string; readonly endOfRibReceived: readonly string[]; readonly prefixesReceived: number }>;
  readonly fib: { readonly backend: string; readonly routes: number; readonly synced: boolean; readonly counters: Record<string, number> | null };
  readonly [k: string]: unknown;
}

/** What the stories read of `wren routes --json` (src/api/views.ts RouteView). */
export interface WrenRoute {
  readonly prefix: string;
  readonly nextHops: readonly string[];
  readonly paths: number;
  readonly fib: { readonly state: string; readonly detail?: string } | null;
  readonly [k: string]: unknown;
}
