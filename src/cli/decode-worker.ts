// Worker thread of `wren decode --summary`: counts one part of an MRT buffer shared with the main
// thread. See decode-parallel.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { readMrtPart } from '../formats/bgp-reader.js';
import { DecodeSummary } from '../formats/summary.js';
import type { PartJob, PartResult } from './decode-parallel.js';
import { errorLine } from './decode-errors.js';

const job = workerData as PartJob;
const data = new Uint8Array(job.buffer, 0, job.length);
const summary = new DecodeSummary(job.file, 'mrt', '');
const errors: string[] = [];
for (const r of readMrtPart(data, job.part, job.peerIndexTable)) {
  if (r.kind === 'error') errors.push(errorLine(job.file, r));
  summary.add(r);
}
const result: PartResult = { counts: summary.raw(), errors };
parentPort!.postMessage(result);
