// The BIRD 2 receiver of bench/ingest.ts: a bird.conf with one passive iBGP session and no kernel
// protocol (the host's routes are never touched), `bird -f`, and the birdc queries the benchmark
// needs. Everything lives in a temporary directory that stop() removes.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable in PATH or the sbin directories, or undefined. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'].filter(Boolean);
  for (const d of dirs) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // next
    }
  }
  return undefined;
}

export interface BirdSetup {
  readonly routerId: string;
  readonly address: string;
  readonly port: number;
  readonly neighbor: string;
  readonly asn: number;
}

/** `show memory`: bytes per line ("Routing tables", "Route attributes", ..., "Total"), effective and overhead. */
export type BirdMemory = Record<string, { effective: number; overhead: number }>;

export interface BirdCount {
  readonly routes: number;
  readonly networks: number;
}

const UNITS: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

export function parseBirdMemory(out: string): BirdMemory {
  const res: BirdMemory = {};
  const size = '([\\d.]+)\\s*(B|kB|MB|GB)';
  const re = new RegExp(`^([A-Za-z][A-Za-z ]*?):\\s+${size}(?:\\s+${size})?\\s*$`);
  for (const line of out.split('\n')) {
    const m = re.exec(line.trim());
    if (!m) continue;
    res[m[1]!] = {
      effective: Number(m[2]) * UNITS[m[3]!]!,
      overhead: m[4] !== undefined ? Number(m[4]) * UNITS[m[5]!]! : 0,
    };
  }
  return res;
}

export class BirdReceiver {
  private exitInfo: string | null = null;
  private readonly exited: Promise<void>;
  private stderr = '';

  private constructor(
    readonly dir: string,
    readonly proc: ChildProcess,
    readonly bird: string,
    readonly birdc: string,
  ) {
    proc.stderr?.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString('utf8')).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
      proc.on('error', (e) => {
        this.exitInfo = `spawn error: ${e.message}`;
        resolve();
      });
    });
  }

  get socket(): string {
    return join(this.dir, 'bird.ctl');
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  static config(s: BirdSetup, logFile: string): string {
    return [
      `log "${logFile}" { info, warning, error, fatal };`,
      `router id ${s.routerId};`,
      // Only scans interfaces; no kernel protocol, so no route ever reaches the host's tables.
      'protocol device { scan time 10; }',
      'protocol bgp feed {',
      `  local ${s.address} port ${s.port} as ${s.asn};`,
      '  strict bind yes;',
      `  neighbor ${s.neighbor} as ${s.asn};`,
      '  passive yes;',
      '  hold time 90;',
      '  ipv4 { import all; export none; };',
      '}',
      '',
    ].join('\n');
  }

  /** Writes the config, starts `bird -f`, and waits until birdc answers. */
  static async start(s: BirdSetup): Promise<BirdReceiver> {
    const bird = findTool('bird');
    const birdc = findTool('birdc');
    if (!bird || !birdc) throw new Error('bird / birdc not found');
    const dir = mkdtempSync(join(tmpdir(), 'wren-ingest-bird-'));
    const conf = join(dir, 'bird.conf');
    writeFileSync(conf, BirdReceiver.config(s, join(dir, 'bird.log')));
    let r: BirdReceiver;
    try {
      const proc = spawn(bird, ['-f', '-c', conf, '-s', join(dir, 'bird.ctl')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      r = new BirdReceiver(dir, proc, bird, birdc);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    try {
      const deadline = Date.now() + 15_000;
      for (;;) {
        if (r.exitInfo) throw new Error(`bird ${r.exitInfo}: ${r.log()}`);
        const out = await r.cmd(['show', 'status']).catch(() => '');
        if (out.includes('Daemon is up')) break;
        if (Date.now() > deadline) throw new Error('birdc did not answer within 15 s');
        await new Promise((res) => setTimeout(res, 100));
      }
      return r;
    } catch (e) {
      await r.stop();
      throw e;
    }
  }

  /** Runs `birdc -s <socket> <args>` and returns its output (rejects on a non-zero exit). */
  cmd(args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.birdc, ['-s', this.socket, ...args], { timeout: 30_000, killSignal: 'SIGKILL', maxBuffer: 256 * 2 ** 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`birdc ${args.join(' ')}: ${err.message} ${String(stderr)}`));
        else resolve(String(stdout));
      });
    });
  }

  /** `show route count table master4`: "N of M routes for K networks in table master4". */
  async routeCount(): Promise<BirdCount> {
    const out = await this.cmd(['show', 'route', 'count', 'table', 'master4']);
    const m = /(\d+) of (\d+) routes for (\d+) networks/.exec(out);
    if (!m) throw new Error(`unexpected birdc output: ${out}`);
    return { routes: Number(m[1]), networks: Number(m[3]) };
  }

  /** Routes imported by the BGP channel (`show protocols all feed`, a counter: O(1) for BIRD). */
  async importedCount(): Promise<BirdCount> {
    const out = await this.cmd(['show', 'protocols', 'all', 'feed']);
    const m = /Routes:\s+(\d+) imported/.exec(out);
    if (!m) throw new Error(`unexpected birdc output: ${out}`);
    return { routes: Number(m[1]), networks: Number(m[1]) };
  }

  async memory(): Promise<BirdMemory> {
    return parseBirdMemory(await this.cmd(['show', 'memory']));
  }

  /** VmRSS of the bird process, bytes. */
  rss(): number {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  }

  /** The tail of bird.log and stderr, for error messages. */
  log(): string {
    let text: string;
    try {
      text = readFileSync(join(this.dir, 'bird.log'), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      text = '(no bird.log)';
    }
    return this.stderr ? `${text}\n${this.stderr}` : text;
  }

  /** A count of routes with a note on unreachable ones: `show route count` for a filter. */
  async unreachableCount(): Promise<number | null> {
    const out = await this.cmd(['show', 'route', 'where', 'dest = RTD_UNREACHABLE', 'count', 'table', 'master4']).catch(() => '');
    const m = /(\d+) of (\d+) routes/.exec(out);
    return m ? Number(m[1]) : null;
  }

  /** SIGTERM, SIGKILL after 3 s, then the temporary directory goes. Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.exitInfo && this.proc.pid !== undefined) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort (process 'exit' hook). */
  killNow(): void {
    if (!this.exitInfo) {
      try {
        this.proc.kill('SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
