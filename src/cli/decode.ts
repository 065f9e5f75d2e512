// `wren decode FILE...`: one JSON object per message per line (docs/json.md), or --summary.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { openBgpFile, type BgpRecord } from '../formats/bgp-reader.js';
import { DecodeSummary } from '../formats/summary.js';
import { attributeJson, errorJson, messageJson, BgpError, type Json } from '../wire/index.js';
import { errorLine } from './decode-errors.js';
import { createProgress, progressWanted, type Progress, type ProgressOptions, type ProgressStream } from './progress.js';

interface DecodeOptions {
  summary?: boolean;
  json?: boolean;
  port?: string[];
  /** false with --no-progress. */
  progress?: boolean;
}

/** Where runDecode may draw a progress bar: the command passes stderr, tests a fake terminal. */
export interface DecodeProgress extends Pick<ProgressOptions, 'env' | 'now'> {
  readonly stream: ProgressStream;
  /** Output goes to the same terminal: erase the bar before each write, so lines never mix. */
  readonly clearBeforeOutput?: boolean;
}

export function registerDecode(program: Command, setExit: (code: number) => void): void {
  program
    .command('decode')
    .description('decode BGP messages from pcap, pcapng, MRT (plain, .gz, .bz2) or hex files')
    .argument('<files...>', 'files to decode')
    .option('-s, --summary', 'print counts per message type, attribute and AFI/SAFI instead of messages')
    .option('--json', 'with --summary: print the summary as JSON')
    .option('-p, --port <port...>', 'extra TCP ports that carry BGP in captures (179 always does)')
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal, and not under CI or WREN_NO_PROGRESS)')
    .addHelpText('after', '\nExit status: 0 all decoded, 3 some records had errors (they are reported and skipped), 1 a file could not be read.')
    .action(async (files: string[], opts: DecodeOptions) => {
      const progress = { stream: process.stderr, clearBeforeOutput: process.stdout.isTTY === true };
      setExit(await runDecode(files, opts, (s) => process.stdout.write(s), (s) => process.stderr.write(s), progress));
    });
}

export async function runDecode(
  files: readonly string[],
  opts: DecodeOptions,
  out: (s: string) => void,
  err: (s: string) => void,
  progress?: DecodeProgress,
): Promise<number> {
  let status = 0;
  const ports = (opts.port ?? []).map(Number).filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
  // Decided once: in a pipe the reader is not even asked for its position.
  const bars = progress && progressWanted(progress.stream, opts.progress !== false, progress.env) ? progress : undefined;
  for (const [i, file] of files.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      err(`wren decode: ${file}: ${(e as Error).message}\n`);
      status = 1;
      continue;
    }
    // The reader says where it is in the decompressed bytes, per record, line or capture event,
    // also through stretches that yield no records (a capture's other traffic). Each update is a
    // clock read; the bar redraws ten times a second. Records are lazy: `bar` is set before the
    // first call.
    let count = 0;
    const onPosition = (p: number) => bar?.update(p, count);
    const opened = openBgpFile(bytes, { ports, ...(bars ? { onPosition } : {}) });
    const bar: Progress | undefined = bars
      ? createProgress({
          total: opened.data.length,
          label: files.length > 1 ? `[${i + 1}/${files.length}] ${basename(file)}` : basename(file),
          stream: bars.stream,
          ...(bars.env ? { env: bars.env } : {}),
          ...(bars.now ? { now: bars.now } : {}),
        })
      : undefined;
    const fileErr = (s: string) => {
      bar?.clear();
      err(s);
    };
    const fileOut = bars?.clearBeforeOutput
      ? (s: string) => {
          bar?.clear();
          out(s);
        }
      : out;
    if (opened.truncated) fileErr(`wren decode: ${file}: ${opened.truncated}; decoding what is there\n`);
    const summary = opts.summary ? new DecodeSummary(file, opened.format, opened.compression) : null;
    let buffer = '';
    for (const r of opened.records) {
      count++;
      if (r.kind === 'error') {
        status = Math.max(status, 3);
        fileErr(errorLine(file, r));
      }
      if (summary) {
        summary.add(r);
        continue;
      }
      buffer += `${JSON.stringify(recordJson(file, r))}\n`;
      if (buffer.length > 1 << 16) {
        fileOut(buffer);
        buffer = '';
      }
    }
    bar?.done();
    if (buffer) out(buffer);
    if (summary) out(opts.json ? `${JSON.stringify(summary.toJSON())}\n` : summary.toText());
  }
  return status;
}

/** One line of `wren decode` output: the schema of docs/json.md. */
export function recordJson(file: string, r: BgpRecord): Json {
  const origin: Record<string, Json> = { file };
  if (r.frame !== undefined) origin.frame = r.frame;
  if (r.record !== undefined) origin.record = r.record;
  if (r.entry !== undefined) origin.entry = r.entry;
  if (r.line !== undefined) origin.line = r.line;
  if (r.offset !== undefined) origin.offset = r.offset;
  switch (r.kind) {
    case 'message':
      return {
        kind: 'message',
        ...origin,
        ...(r.ts === undefined ? {} : { ts: r.ts }),
        ...(r.flow ? { flow: { ...r.flow } } : {}),
        ...(r.direction ? { direction: r.direction } : {}),
        ...(r.peer ? { peer: { ...r.peer } } : {}),
        ...(r.local ? { local: { ...r.local } } : {}),
        length: r.length,
        message: messageJson(r.message),
      };
    case 'rib-entry':
      return {
        kind: 'rib-entry',
        ...origin,
        ts: r.ts,
        prefix: r.prefix,
        ...(r.pathId === undefined ? {} : { pathId: r.pathId }),
        peer: { ...r.peer },
        originatedTime: r.originatedTime,
        attributes: r.attributes.map(attributeJson),
        ...(r.errors ? { errors: r.errors.map(errorJson) } : {}),
      };
    case 'state':
      return { kind: 'state', ...origin, ts: r.ts, peer: { ...r.peer }, local: { ...r.local }, oldState: r.oldState, newState: r.newState };
    case 'gap':
      return { kind: 'gap', ...origin, flow: { ...r.flow }, missing: r.missing };
    case 'error':
      return {
        kind: 'error',
        ...origin,
        ...(r.ts === undefined ? {} : { ts: r.ts }),
        ...(r.flow ? { flow: { ...r.flow } } : {}),
        error: r.error instanceof BgpError ? errorJson(r.error) : { message: r.error.message },
      };
  }
}
