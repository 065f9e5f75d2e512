// Wren as a process inside a namespace: `ip netns exec NS node test/e2e/fixtures/wren-host.mjs
// CONFIG.json` (later `wren run -c FILE`). Its stdout is one JSON event per line (ready, peerState,
// established, peerDown, endOfRib, fib, synced, stopped, error); its stderr is Wren's log.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaemonProcess, keepWorkDirs, makeWorkDir, removeWorkDir, waitFor, type Netns } from '../../interop/harness/index.js';

export const WREN_RUNNER = fileURLToPath(new URL('../fixtures/wren-host.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../../dist/src/', import.meta.url));

/** Why the runner cannot work (dist/ not built, or built before the Speaker had a FIB), or null. */
export function distReason(): string | null {
  if (!existsSync(join(DIST, 'index.js'))) return 'dist/ is not built (npx tsc -p tsconfig.build.json)';
  if (!existsSync(join(DIST, 'api', 'fib-sync.js'))) return 'dist/ is older than the Speaker FIB (npx tsc -p tsconfig.build.json)';
  return null;
}

export interface WrenHostConfig {
  /** SpeakerOptions without logger, clock and fib. */
  readonly speaker: Record<string, unknown>;
  /** PeerConfig objects. */
  readonly peers: ReadonlyArray<Record<string, unknown>>;
  /** SpeakerFibOptions without the backend, plus transport ('auto' | 'iproute2' | 'netlink'), table, metric, protocol. */
  readonly fib: Record<string, unknown>;
  readonly logLevel?: string;
}

export interface WrenEvent {
  readonly event: string;
  readonly t: number;
  readonly [k: string]: unknown;
}

/** Which FIB transport the runner asks for: WREN_E2E_FIB=iproute2|netlink|auto (default auto). */
export const fibTransport = (): string => process.env['WREN_E2E_FIB'] ?? 'auto';

export class WrenHost {
  private constructor(
    readonly name: string,
    readonly proc: DaemonProcess,
    private readonly workDir: string,
  ) {}

  /** Writes the config, starts the runner in `netns` and waits for its `ready` event. */
  static async start(opts: { netns: Netns; config: WrenHostConfig; name?: string }): Promise<WrenHost> {
    const name = opts.name ?? 'wren';
    const dir = makeWorkDir(`e2e-${name}`);
    const file = join(dir, 'wren.json');
    writeFileSync(file, `${JSON.stringify(opts.config, null, 2)}\n`);
    const proc = DaemonProcess.start({ name, cmd: process.execPath, args: [WREN_RUNNER, file], cwd: dir, netns: opts.netns.name, pidFile: join(dir, 'daemon.pid') });
    const w = new WrenHost(name, proc, dir);
    try {
      await w.waitForEvent('ready', (e) => e.event === 'ready', 15_000);
    } catch (e) {
      await w.dispose().catch(() => undefined);
      throw e;
    }
    return w;
  }

  get running(): boolean {
    return this.proc.running;
  }

  /** Every event printed so far. */
  events(): WrenEvent[] {
    const out: WrenEvent[] = [];
    for (const line of this.proc.stdio().split('\n')) {
      if (!line.startsWith('{"event":')) continue;
      try {
        out.push(JSON.parse(line) as WrenEvent);
      } catch {
        // a line cut by the capture limit
      }
    }
    return out;
  }

  logs(maxChars?: number): string {
    return this.proc.logs(maxChars);
  }

  /** The first event matching `accept` (earlier ones count); the timeout error carries the logs. */
  waitForEvent(what: string, accept: (e: WrenEvent) => boolean, timeoutMs = 30_000): Promise<WrenEvent> {
    return waitFor(`${what} (${this.name})`, () => this.events().find(accept), {
      timeoutMs,
      intervalMs: 50,
      context: () => this.logs(),
      abort: () => (this.proc.running ? undefined : `${this.name} ${this.proc.exitDescription}`),
    });
  }

  /** Waits until the table has been reconciled with the RIB after start (every peer's End-of-RIB, or the delay). */
  waitSynced(timeoutMs = 30_000): Promise<WrenEvent> {
    return this.waitForEvent('FIB synced', (e) => e.event === 'synced', timeoutMs);
  }

  /**
   * Sends `signal` to Wren's process (`kill PID`; with `group`, to its whole process group, as
   * systemd's KillMode=control-group or a terminal's Ctrl-C do) and waits for the exit; returns
   * the exit status and the `stopped` event.
   */
  async signalAndWait(signal: NodeJS.Signals, opts: { timeoutMs?: number; group?: boolean } = {}): Promise<{ code: number | null; signal: string | null; stopped: WrenEvent | undefined }> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    if (opts.group) this.proc.signal(signal);
    else process.kill(this.proc.pid, signal);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([this.proc.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)))]);
    clearTimeout(timer);
    if (exit === null) {
      await this.proc.stop({ signal: 'SIGKILL', graceMs: 1000 });
      throw new Error(`${this.name} did not exit within ${timeoutMs} ms of ${signal}\n${this.logs()}`);
    }
    return { ...exit, stopped: this.events().find((e) => e.event === 'stopped') };
  }

  /** Stops (SIGTERM, SIGKILL after 5 s) if still running and removes the work directory. */
  async dispose(): Promise<void> {
    try {
      await this.proc.stop({ graceMs: 5000 });
    } finally {
      // kept with WREN_INTEROP_KEEP=1: the events and Wren's log next to the config
      if (keepWorkDirs) writeFileSync(join(this.workDir, 'wren.log'), this.proc.stdio());
      removeWorkDir(this.workDir);
    }
  }
}
