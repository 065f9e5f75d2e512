// The kernel FIB through iproute2: changes go to one long-lived `ip -force -batch -` process,
// listing runs `ip -json -details route show table T proto P` once per family. Works on any
// Linux host with iproute2 and CAP_NET_ADMIN; the rtnetlink codec (a later increment of issue #5)
// will sit behind the same FibBackend interface.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { IpBatchProcess, type BatchReport } from './iproute2-batch.js';
import { deleteLine, listArgs, parseListed, replaceLine } from './iproute2-commands.js';
import { iproute2ErrorCode, iproute2ErrorMessage } from './iproute2-errors.js';
import { checkChange } from './route.js';
import { resolveTableOptions, type FibBackend, type FibChange, type FibOutcome, type FibResult, type FibRoute, type FibTableOptions, type ResolvedTableOptions } from './types.js';

const run = promisify(execFile);

/** Changes checked and formatted before `ip` gets them: it works on one chunk while the next is prepared. */
const CHUNK = 1024;

export interface Iproute2FibOptions extends FibTableOptions {
  /** Work inside this named network namespace (`ip -n NAME`). */
  readonly netns?: string;
  /** The `ip` binary; 'ip' from PATH by default. */
  readonly ip?: string;
}

export class Iproute2Fib implements FibBackend {
  private readonly options: ResolvedTableOptions;
  private readonly ip: string;
  private readonly prefixArgs: readonly string[];
  private readonly batch: IpBatchProcess;

  constructor(options: Iproute2FibOptions = {}) {
    this.options = resolveTableOptions(options);
    this.ip = options.ip ?? 'ip';
    this.prefixArgs = options.netns === undefined ? [] : ['-n', options.netns];
    this.batch = new IpBatchProcess(this.ip, [...this.prefixArgs, '-force', '-batch', '-']);
  }

  /** A backend whose `ip` has been seen to list the table; throws with `ip`'s own words otherwise. */
  static async open(options: Iproute2FibOptions = {}): Promise<Iproute2Fib> {
    const fib = new Iproute2Fib(options);
    await fib.list();
    return fib;
  }

  async apply(changes: readonly FibChange[]): Promise<FibResult> {
    const outcomes: FibOutcome[] = [];
    const reports: Promise<void>[] = [];
    for (let start = 0; start < changes.length; start += CHUNK) {
      const end = Math.min(changes.length, start + CHUNK);
      const lines: string[] = [];
      const lineOf: number[] = [];
      for (let i = start; i < end; i++) {
        const change = changes[i]!;
        const check = checkChange(change);
        if (!check.ok) {
          outcomes[i] = { ok: false, change, code: 'EINVAL', message: check.message };
          continue;
        }
        lineOf.push(i);
        lines.push(change.op === 'replace' ? replaceLine(check.checked, this.options) : deleteLine(check.checked, this.options));
      }
      if (lines.length > 0) reports.push(this.batch.run(lines).then((report) => this.record(report, lineOf, changes, outcomes)));
      // Let `ip` start on this chunk while the next one is checked and formatted.
      if (end < changes.length) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(reports);
    return { outcomes, failed: outcomes.reduce((n, o) => n + (o.ok ? 0 : 1), 0) };
  }

  private record(report: BatchReport, lineOf: readonly number[], changes: readonly FibChange[], outcomes: FibOutcome[]): void {
    lineOf.forEach((i, line) => {
      const change = changes[i]!;
      const failure = report.failures.get(line);
      if (failure !== undefined) {
        outcomes[i] = { ok: false, change, code: iproute2ErrorCode(failure), message: iproute2ErrorMessage(failure) };
      } else if (report.unknownFrom !== null && line >= report.unknownFrom) {
        outcomes[i] = { ok: false, change, code: 'EIO', message: `outcome unknown: ${report.stopped ?? 'ip stopped'}` };
      } else {
        outcomes[i] = { ok: true, change };
      }
    });
  }

  async list(): Promise<FibRoute[]> {
    const [v4, v6] = await Promise.all([this.show(1), this.show(2)]);
    return [...v4, ...v6];
  }

  async close(): Promise<void> {
    await this.batch.close();
  }

  private async show(afi: 1 | 2): Promise<FibRoute[]> {
    const args = [...this.prefixArgs, ...listArgs(afi, this.options)];
    let stdout: string;
    try {
      ({ stdout } = await run(this.ip, args, { maxBuffer: 1 << 30, encoding: 'utf8' }));
    } catch (err) {
      const e = err as Error & { stderr?: string };
      // IPv4 creates a table with its first route: no table yet means no routes yet.
      if (/FIB table does not exist/.test(e.stderr ?? '')) return [];
      throw new Error(`${this.ip} ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`);
    }
    return parseListed(stdout, afi, this.options);
  }
}
