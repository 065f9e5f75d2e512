// `wren decode --summary` of a large MRT file on several cores: the buffer is shared, split at
// record boundaries, and each worker counts its part while the main thread counts the first one.
// Offsets and record numbers stay those of the whole file, so errors read the same either way.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readMrtPart } from '../formats/bgp-reader.js';
import type { MrtPart } from '../formats/mrt-split.js';
import { splitMrt } from '../formats/mrt-split.js';
import type { DecodeSummary, SummaryCounts } from '../formats/summary.js';
import { errorLine } from './decode-errors.js';

export interface PartJob {
  readonly file: string;
  readonly buffer: SharedArrayBuffer;
  readonly length: number;
  readonly part: MrtPart;
  readonly peerIndexTable?: MrtPart;
}

export interface PartResult {
  readonly counts: SummaryCounts;
  readonly errors: string[];
}

/** Below this much uncompressed data, starting a worker costs more than it saves. */
export const PARALLEL_MIN_BYTES = 4 << 20;

const workerUrl = new URL('./decode-worker.js', import.meta.url);

/** Workers run the compiled JavaScript; from TypeScript sources (tests) there is none. */
export function canRunParallel(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

/**
 * Counts `data` into `summary` using up to `jobs` threads. Returns false, having done nothing,
 * when the file cannot be split (damaged framing: the sequential reader recovers from that).
 */
export async function summariseParallel(file: string, data: Uint8Array, jobs: number, summary: DecodeSummary, err: (s: string) => void): Promise<boolean> {
  // The main thread starts at once; workers first load their modules, so it takes a larger share.
  const split = splitMrt(data, jobs, Math.min(0.6, 1.6 / (jobs + 0.6)));
  if (!split || split.parts.length < 2) return false;
  const shared = new SharedArrayBuffer(data.length);
  new Uint8Array(shared).set(data);
  const view = new Uint8Array(shared);
  const workers = split.parts.slice(1).map(
    (part) =>
      new Promise<PartResult>((resolve, reject) => {
        const job: PartJob = { file, buffer: shared, length: data.length, part, ...(split.peerIndexTable ? { peerIndexTable: split.peerIndexTable } : {}) };
        const w = new Worker(workerUrl, { workerData: job });
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => code !== 0 && reject(new Error(`decode worker exited with ${code}`)));
      }),
  );
  for (const r of readMrtPart(view, split.parts[0]!, split.peerIndexTable)) {
    if (r.kind === 'error') err(errorLine(file, r));
    summary.add(r);
  }
  for (const result of await Promise.all(workers)) {
    for (const line of result.errors) err(line);
    summary.merge(result.counts);
  }
  return true;
}
