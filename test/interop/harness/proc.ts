// Child processes for the interop harness: one-shot commands (`run`), long-running daemons
// (`DaemonProcess`), and a last-resort exit hook that kills whatever is still running when the
// test worker exits, so no daemon outlives the test run even if afterAll never ran.

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export interface RunOptions {
  /** Run inside this network namespace (`ip netns exec <netns> cmd ...`). */
  readonly netns?: string | undefined;
  /** Kill the command after this long (default 20 s). */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The argv that runs `cmd args` in a namespace (or unchanged when netns is undefined). */
export function inNetns(netns: string | undefined, cmd: string, args: readonly string[]): [string, string[]] {
  return netns === undefined ? [cmd, [...args]] : ['ip', ['netns', 'exec', netns, cmd, ...args]];
}

/** Runs a command to completion; never rejects for a non-zero exit (see `runOk`). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, argv] = inNetns(opts.netns, cmd, args);
  return new Promise((resolve) => {
    execFile(
      file,
      argv,
      { timeout: opts.timeoutMs ?? 20_000, maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env, cwd: opts.cwd, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string | null }) | null;
        let code: number | null = 0;
        if (e) code = typeof e.code === 'number' ? e.code : null;
        const extra = e && typeof e.code === 'string' ? `\n[spawn error ${e.code}: ${e.message}]` : '';
        resolve({ code, signal: e?.signal ?? null, stdout: String(stdout), stderr: String(stderr) + extra });
      },
    );
  });
}

/** Runs a command and returns its stdout; throws with the command line and stderr on failure. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const where = opts.netns ? ` (in netns ${opts.netns})` : '';
    throw new Error(`\`${[cmd, ...args].join(' ')}\`${where} failed (exit ${r.code ?? r.signal}):\n${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------
// Long-running daemons.

export interface DaemonSpec {
  /** Label used in logs and errors ("bird rr", "gobgp gw"). */
  readonly name: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly netns?: string | undefined;
  /** Log files the daemon writes itself; their tails are part of `logs()`. */
  readonly logFiles?: readonly string[];
  /** Written with the daemon's pid so a later run can kill it if this test process crashes. */
  readonly pidFile?: string;
}

const live = new Set<DaemonProcess>();
const exitHooks = new Set<() => void>();
let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.on('exit', () => {
    for (const d of live) d.killNow();
    for (const h of exitHooks) {
      try {
        h();
      } catch {
        // best effort at exit
      }
    }
  });
}

/** Registers a synchronous cleanup that runs if the worker exits with it still registered. */
export function onProcessExit(fn: () => void): () => void {
  installExitHook();
  exitHooks.add(fn);
  return () => exitHooks.delete(fn);
}

/**
 * Stops every daemon still running and runs the pending namespace/veth removals. The harness calls
 * this from a file-level afterAll (see autoclean.ts); returns what was still there.
 */
export async function cleanupLeftovers(): Promise<string[]> {
  const left = [...live].map((d) => d.name);
  await Promise.all([...live].map((d) => d.stop({ graceMs: 3000 })));
  const hooks = [...exitHooks];
  exitHooks.clear();
  for (const h of hooks) {
    try {
      h();
    } catch {
      // best effort
    }
  }
  return hooks.length ? [...left, `${hooks.length} namespace/veth cleanup(s)`] : left;
}

/** Synchronous best-effort command for exit hooks. */
export function runSyncQuiet(cmd: string, args: readonly string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 5000 });
  } catch {
    // ignored
  }
}

const OUTPUT_CAP = 256 * 1024;

export class DaemonProcess {
  readonly name: string;
  readonly pid: number;
  readonly commandLine: string;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private readonly child: ChildProcess;
  private readonly logFiles: readonly string[];
  private output = '';
  private exitInfo: { code: number | null; signal: string | null } | undefined;

  private constructor(spec: DaemonSpec) {
    this.name = spec.name;
    this.logFiles = spec.logFiles ?? [];
    const [file, argv] = inNetns(spec.netns, spec.cmd, spec.args);
    this.commandLine = [file, ...argv].join(' ');
    // detached: its own process group, so stop() reaches helpers it forks (unless they setpgrp).
    this.child = spawn(file, argv, { cwd: spec.cwd, env: spec.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.child.pid === undefined) throw new Error(`could not spawn ${this.commandLine}`);
    this.pid = this.child.pid;
    if (spec.pidFile) writeFileSync(spec.pidFile, `${this.pid}\n`);
    const append = (chunk: Buffer): void => {
      this.output += chunk.toString('utf8');
      if (this.output.length > OUTPUT_CAP) this.output = this.output.slice(-OUTPUT_CAP / 2);
    };
    this.child.stdout?.on('data', append);
    this.child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this);
        resolve(this.exitInfo);
      });
      this.child.on('error', (err) => {
        append(Buffer.from(`[spawn error: ${err.message}]\n`));
        this.exitInfo ??= { code: null, signal: null };
        live.delete(this);
        resolve(this.exitInfo);
      });
    });
    installExitHook();
    live.add(this);
  }

  static start(spec: DaemonSpec): DaemonProcess {
    return new DaemonProcess(spec);
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** "exited with code 1" / "killed by SIGTERM" / undefined while running. */
  get exitDescription(): string | undefined {
    if (!this.exitInfo) return undefined;
    return this.exitInfo.signal ? `killed by ${this.exitInfo.signal}` : `exited with code ${this.exitInfo.code}`;
  }

  /** stdout+stderr captured so far. */
  stdio(): string {
    return this.output;
  }

  /** The captured stdio and the tails of the daemon's own log files, for failure messages. */
  logs(maxCharsPerPart = 12_000): string {
    const tail = (s: string): string => (s.length > maxCharsPerPart ? `[... ${s.length - maxCharsPerPart} chars cut ...]\n${s.slice(-maxCharsPerPart)}` : s);
    const parts = [`=== ${this.name}: ${this.commandLine} (pid ${this.pid}, ${this.exitDescription ?? 'running'}) ===`];
    parts.push(`--- stdout/stderr ---\n${tail(this.output).trimEnd() || '(empty)'}`);
    for (const f of this.logFiles) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        text = '(not written)';
      }
      parts.push(`--- ${f} ---\n${tail(text).trimEnd() || '(empty)'}`);
    }
    return parts.join('\n');
  }

  /** Sends a signal to the daemon's process group. */
  signal(sig: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, sig);
    } catch {
      try {
        process.kill(this.pid, sig);
      } catch {
        // already gone
      }
    }
  }

  /** SIGTERM (or `signal`), then SIGKILL after graceMs. Resolves once the process has exited. */
  async stop(opts: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
    if (!this.running) return;
    this.signal(opts.signal ?? 'SIGTERM');
    const grace = opts.graceMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), grace);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.signal('SIGKILL');
      await this.exited;
    } else {
      // the group may still hold helpers that ignored the first signal
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        // group is empty
      }
    }
  }

  /** Synchronous SIGKILL of the group (exit hook). */
  killNow(): void {
    this.signal('SIGKILL');
  }
}

/** Whether a pid is alive (signal 0). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
