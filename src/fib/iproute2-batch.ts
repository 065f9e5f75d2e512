// A long-lived `ip -force -batch -` process, fed lines on stdin.
//
// `ip` runs the lines in order, prints nothing on success and, for a failed line, its message
// ("RTNETLINK answers: ..." or "Error: ...") followed by "Command failed -:N" on stderr, where N
// counts the lines read since the process started. With -force it goes on after a failure. So
// each batch ends with a line `ip` does not know (SYNC_LINE): it fails without a system call, and
// its "Command failed" says that every line before it has been answered. stderr is unbuffered in
// `ip`; stdout is not used.
//
// A line `ip` cannot parse makes it exit. Lines are checked before they are written (route.ts),
// so that should not happen; if it does, the lines not answered are reported as unknown and the
// next batch starts a new process.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export const SYNC_LINE = 'wren-sync';
const FAILED = /^Command failed -:(\d+)$/;
const CHUNK_LINES = 4096;
/**
 * `ip -batch` (iproute2 6.1) leaks about 32 KiB per line it runs (valgrind: lost under
 * rtnl_talk, from do_batch), which is 4 GB per million routes. So the process is replaced, between
 * batches, once it has run this many lines.
 */
export const RECYCLE_LINES = 50_000;

export interface BatchReport {
  /** The messages of the failed lines, by their index in the batch. */
  readonly failures: ReadonlyMap<number, string>;
  /** Index of the first line whose outcome is unknown because `ip` stopped; null when all were answered. */
  readonly unknownFrom: number | null;
  /** Why `ip` stopped, when it did. */
  readonly stopped: string | null;
}

interface Pending {
  /** Line number (1-based, per process) of the batch's first line; its SYNC_LINE is `sync`. */
  readonly first: number;
  readonly sync: number;
  readonly failures: Map<number, string>;
  lastAnswered: number;
  readonly resolve: (r: BatchReport) => void;
}

type IpChild = ChildProcessByStdio<Writable, null, Readable>;

export class IpBatchProcess {
  private child: IpChild | null = null;
  private linesWritten = 0;
  private pending: Pending[] = [];
  private stderrTail = '';
  private messages: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  private readonly retired = new WeakSet<IpChild>();
  /** Processes started so far (tests). */
  spawned = 0;

  /** `command args...` must read lines on stdin, e.g. `ip -n NS -force -batch -`. */
  constructor(
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly recycleLines = RECYCLE_LINES,
  ) {}

  /** Lets an idle process go (every line it was given is answered): it exits on EOF. */
  private retire(child: IpChild): void {
    this.retired.add(child);
    this.child = null;
    child.stdin.end();
  }

  /** Runs the lines (no newlines inside) and reports which failed. Batches may overlap; they run in call order. */
  run(lines: readonly string[]): Promise<BatchReport> {
    if (this.child && this.pending.length === 0 && this.linesWritten >= this.recycleLines) this.retire(this.child);
    const child = this.child ?? this.start();
    const first = this.linesWritten + 1;
    const sync = first + lines.length;
    this.linesWritten = sync;
    const report = new Promise<BatchReport>((resolve) => this.pending.push({ first, sync, failures: new Map(), lastAnswered: first - 1, resolve }));
    this.writing = this.writing.then(() => writeLines(child, lines));
    return report;
  }

  /** Ends stdin and waits for `ip` to answer what it was given and exit. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await this.writing;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin.end();
    await closed;
  }

  private start(): IpChild {
    // Its own process group: a SIGTERM or Ctrl-C sent to Wren's group (systemd's default
    // KillMode, a terminal) must not kill the writer Wren needs to remove its routes on the way
    // out. It still ends with Wren: when our end of its stdin closes, `ip -batch` reads EOF.
    const child = spawn(this.command, [...this.args], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    this.child = child;
    this.spawned++;
    this.linesWritten = 0;
    this.stderrTail = '';
    this.messages = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (!this.retired.has(child)) this.onStderr(text);
    });
    // A write after `ip` died fails with EPIPE; the 'close' handler reports the batch.
    child.stdin.on('error', () => {});
    let reason: string | null = null;
    child.on('error', (err) => (reason = `${this.command}: ${err.message}`));
    child.on('close', (code, signal) => {
      if (this.retired.has(child)) return; // answered everything before it was let go
      if (this.child === child) this.child = null;
      const said = this.messages.join('\n').trim();
      this.stopped(reason ?? `${this.command} exited (${signal ?? `code ${String(code)}`})${said ? `: ${said}` : ''}`);
    });
    return child;
  }

  private onStderr(text: string): void {
    this.stderrTail += text;
    for (let nl = this.stderrTail.indexOf('\n'); nl >= 0; nl = this.stderrTail.indexOf('\n')) {
      const line = this.stderrTail.slice(0, nl);
      this.stderrTail = this.stderrTail.slice(nl + 1);
      const m = FAILED.exec(line);
      if (!m) {
        this.messages.push(line);
        continue;
      }
      const message = this.messages.join('\n');
      this.messages = [];
      this.answered(Number(m[1]), message);
    }
  }

  private answered(lineNo: number, message: string): void {
    const p = this.pending[0];
    // Lines are answered in order, so the failure belongs to the oldest batch still open.
    if (!p || lineNo < p.first) return;
    if (lineNo === p.sync) {
      this.pending.shift();
      p.resolve({ failures: p.failures, unknownFrom: null, stopped: null });
      return;
    }
    p.failures.set(lineNo - p.first, message);
    p.lastAnswered = lineNo;
  }

  private stopped(reason: string): void {
    const open = this.pending;
    this.pending = [];
    for (const p of open) p.resolve({ failures: p.failures, unknownFrom: p.lastAnswered - p.first + 1, stopped: reason });
  }
}

async function writeLines(child: IpChild, lines: readonly string[]): Promise<void> {
  for (let i = 0; i <= lines.length; i += CHUNK_LINES) {
    const chunk = lines.slice(i, i + CHUNK_LINES);
    const text = i + CHUNK_LINES > lines.length ? `${[...chunk, SYNC_LINE].join('\n')}\n` : `${chunk.join('\n')}\n`;
    if (child.exitCode !== null || child.signalCode !== null || child.stdin.destroyed) return;
    if (!child.stdin.write(text)) await drained(child);
  }
}

/** Resolves when stdin can take more, or when the process is gone (nothing more will be read). */
function drained(child: IpChild): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      child.stdin.off('drain', done);
      child.off('close', done);
      resolve();
    };
    child.stdin.once('drain', done);
    child.once('close', done);
  });
}
