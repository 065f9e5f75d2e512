// One of Wren's FibBackends as a contender of bench/fib.ts: opened on the namespace, warmed up,
// then timed installing the N routes and removing them, `batch` changes per apply() call, each
// call awaited before the next is made (as FibWriter does: one flush at a time, at most maxBatch
// prefixes in each).

import type { FibBackend, FibChange, FibRoute } from '../src/fib/index.js';
import {
  changesOf,
  checkShape,
  childPids,
  cpuBetween,
  nodeCpu,
  now,
  percentiles,
  phase,
  prefixOf,
  samples,
  slabUnreclaimable,
  type ContenderResult,
  type Phase,
  type Scenario,
} from './fib-common.js';
import type { BenchNet } from './fib-net.js';

export interface BackendContender {
  readonly name: string;
  /** Opens a backend that writes the main table of the named network namespace. */
  open(netns: string): Promise<FibBackend>;
}

export interface BackendRunOptions {
  readonly batch: number;
  /** Routes replaced and deleted before the clock starts (process start, JIT). */
  readonly warmup: number;
}

/** Warm-up prefixes, outside the measured block: 100.64.0.0/24, 100.64.1.0/24, ... (at most 16,384). */
function warmupRoutes(n: number, scenario: Scenario): FibRoute[] {
  const out: FibRoute[] = [];
  for (let i = 0; i < Math.min(n, 1 << 14); i++) out.push({ prefix: `100.${64 + (i >>> 8)}.${i & 255}.0/24`, nextHops: scenario.nextHops });
  return out;
}

interface Applied {
  readonly ms: number;
  readonly failed: number;
  readonly firstFailure: string | null;
  readonly latencies: number[];
}

async function applyAll(backend: FibBackend, changes: readonly FibChange[], batch: number): Promise<Applied> {
  let failed = 0;
  let firstFailure: string | null = null;
  const latencies: number[] = [];
  const t0 = now();
  for (let i = 0; i < changes.length; i += batch) {
    const ta = now();
    const result = await backend.apply(changes.slice(i, i + batch));
    latencies.push(now() - ta);
    if (result.failed > 0) {
      failed += result.failed;
      if (firstFailure === null) {
        const o = result.outcomes.find((x) => !x.ok);
        if (o && !o.ok) firstFailure = `${o.change.op} ${o.change.route.prefix}: ${o.code} ${o.message}`;
      }
    }
  }
  return { ms: now() - t0, failed, firstFailure, latencies };
}

export async function runBackend(c: BackendContender, net: BenchNet, scenario: Scenario, routes: readonly FibRoute[], options: BackendRunOptions): Promise<ContenderResult> {
  const n = routes.length;
  const notes: string[] = [];
  await net.flush();
  let backend: FibBackend;
  try {
    backend = await c.open(net.ns);
  } catch (err) {
    return { name: c.name, kind: 'wren', skipped: `could not open: ${(err as Error).message}`, notes };
  }
  const transport = (backend as { transport?: unknown }).transport;
  notes.push(`backend: ${backend.constructor.name}${typeof transport === 'string' ? `, transport ${transport}` : ''}`);
  const except = new Set([net.holderPid]);
  try {
    if (options.warmup > 0) {
      const warm = warmupRoutes(options.warmup, scenario);
      const a = await applyAll(backend, changesOf(warm, 'replace'), options.batch);
      const d = await applyAll(backend, changesOf(warm, 'delete'), options.batch);
      if (a.failed + d.failed > 0) notes.push(`warm-up: ${a.failed + d.failed} changes failed (${a.firstFailure ?? d.firstFailure})`);
      if (net.count() !== 0) {
        notes.push(`warm-up left ${net.count()} routes; flushed`);
        await net.flush();
      }
    }

    const peakRss: Record<string, number> = {};
    const timed = async (op: FibChange['op'], expect: number): Promise<Phase> => {
      const changes = changesOf(routes, op);
      const kids0 = samples(childPids(except));
      const cpu0 = process.cpuUsage();
      const r = await applyAll(backend, changes, options.batch);
      const cpu = nodeCpu(cpu0);
      const kids1 = samples(childPids(except));
      for (const s of kids1.values()) peakRss[s.comm] = Math.max(peakRss[s.comm] ?? 0, s.peakRss);
      if (r.firstFailure !== null) notes.push(`${op}: ${r.failed} failed, first: ${r.firstFailure}`);
      const kernelCount = net.count();
      return phase(n, r.ms, {
        failed: r.failed,
        kernelCount,
        verified: kernelCount === expect,
        cpu: [cpu, ...cpuBetween(kids0, kids1)],
        applyMs: percentiles(r.latencies),
      });
    };

    const slab0 = slabUnreclaimable();
    const install = await timed('replace', n);
    const kernelSlabBytes = slabUnreclaimable() - slab0;
    const shape = checkShape(await net.show(prefixOf(0)), scenario);
    if (shape) notes.push(`installed route is not what was asked: ${shape}`);
    const remove = await timed('delete', 0);
    if (!remove.verified) {
      notes.push(`${remove.kernelCount} routes left after removal; flushed`);
      await net.flush();
    }
    return { name: c.name, kind: 'wren', install, remove, kernelSlabBytes, peakRss, notes };
  } finally {
    await backend.close().catch((err: Error) => notes.push(`close: ${err.message}`));
  }
}
