// Command probe: exit status 0 is up, anything else down (the ExaBGP healthcheck.py / Nagios
// convention). Run without a shell unless asked, so a configured argument is never re-parsed.
import { spawn, type ChildProcess } from 'node:child_process';
import { errorCode, runAttempt } from './attempt.js';
import type { HealthProbe, ProbeOptions, ProbeResult } from './types.js';

type CommandProbe = Extract<HealthProbe, { kind: 'command' }>;

/** The end of stderr that goes into the reason: enough for "connection refused", not a log. */
const TAIL_BYTES = 512;
const TAIL_CHARS = 160;
/** After the command exits, how long a child it left behind may hold stderr open before we stop reading. */
const DRAIN_MS = 100;

export function probeCommand(probe: CommandProbe, options: ProbeOptions): Promise<ProbeResult> {
  return runAttempt(options, (settle) => {
    let child: ChildProcess;
    try {
      // detached: the command leads a new process group, so a timeout can kill it with everything
      // it started (a shell's children, curl under a wrapper script), not just the direct child.
      child = spawn(probe.command, probe.args ?? [], { shell: probe.shell ?? false, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      settle(false, spawnFailure(probe.command, e));
      return () => {};
    }
    let tail = Buffer.alloc(0);
    child.stderr?.on('data', (b: Buffer) => {
      tail = Buffer.concat([tail, b]);
      if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
    });
    let cancelled: string | undefined;
    let drain: NodeJS.Timeout | undefined;
    child.on('error', (e) => {
      // Spawning failed (ENOENT, EACCES): there is no process to wait for.
      if (child.pid === undefined) settle(false, spawnFailure(probe.command, e));
    });
    child.on('exit', () => {
      drain = setTimeout(() => child.stderr?.destroy(), DRAIN_MS);
    });
    child.on('close', (code, signal) => {
      clearTimeout(drain);
      if (cancelled) settle(false, `${cancelled}; process group killed`);
      else if (code === 0) settle(true, 'exit 0');
      else if (code !== null) settle(false, withTail(`exit ${code}`, tail));
      else settle(false, withTail(`killed by ${signal ?? 'a signal'}`, tail));
    });
    return (reason) => {
      cancelled = reason;
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone; 'close' follows on its own.
      }
      // A process outside the group (it called setsid) may still hold stderr: do not wait for it.
      child.stderr?.destroy();
    };
  });
}

function spawnFailure(command: string, e: unknown): string {
  const code = errorCode(e);
  if (code === 'ENOENT') return `command not found: ${command}`;
  if (code === 'EACCES') return `command not executable: ${command} (EACCES)`;
  return `cannot run ${command}: ${code}`;
}

/** "exit 1: curl: (7) Failed to connect": the last words of stderr, on one line. */
function withTail(what: string, tail: Buffer): string {
  const text = tail.toString('utf8').replace(/\s+/g, ' ').trim();
  if (!text) return what;
  return `${what}: ${text.length > TAIL_CHARS ? `…${text.slice(-TAIL_CHARS)}` : text}`;
}
