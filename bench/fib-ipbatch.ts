// The floor of bench/fib.ts: plain `ip -n NS -force -batch FILE`, one `route add` line per route
// (the text Iproute2Fib writes, with `add` for `replace`), then one `route del` line per route.
// The files are written before the clock starts; the time is the wall clock of the `ip` process,
// start to exit. When GNU time is installed (/usr/bin/time) it runs `ip` and reports its CPU time
// and peak memory; otherwise only the wall clock is reported.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FibRoute } from '../src/fib/index.js';
import { WREN_ROUTE_PROTOCOL } from '../src/fib/index.js';
import { checkShape, now, phase, prefixOf, slabUnreclaimable, type ContenderResult, type Phase, type ProcessCpu, type Scenario } from './fib-common.js';
import type { BenchNet } from './fib-net.js';

const GNU_TIME = '/usr/bin/time';
const COMMON = `proto ${WREN_ROUTE_PROTOCOL} table 254 metric 0`;

export function addLine(r: FibRoute): string {
  const hops = r.nextHops;
  if (hops.length === 1) return `route add ${r.prefix} ${COMMON} via ${hops[0]!.address}`;
  return `route add ${r.prefix} ${COMMON} ${hops.map((h) => `nexthop via ${h.address} weight ${h.weight ?? 1}`).join(' ')}`;
}

export function delLine(r: FibRoute): string {
  return `route del ${r.prefix} ${COMMON}`;
}

function writeLines(file: string, routes: readonly FibRoute[], line: (r: FibRoute) => string): void {
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < routes.length; i += 10_000) writeSync(fd, `${routes.slice(i, i + 10_000).map(line).join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

interface IpRun {
  readonly ms: number;
  readonly failed: number;
  readonly firstFailure: string | null;
  readonly cpu: ProcessCpu[];
  readonly peakRss: number | null;
}

function runIpBatch(ns: string, file: string, timeFile: string): Promise<IpRun> {
  const ipArgs = ['-n', ns, '-force', '-batch', file];
  const gnu = existsSync(GNU_TIME);
  const [cmd, args] = gnu ? [GNU_TIME, ['-o', timeFile, '-f', '%e %U %S %M', 'ip', ...ipArgs]] : ['ip', ipArgs];
  return new Promise((resolve, reject) => {
    let failed = 0;
    let firstFailure: string | null = null;
    let tail = '';
    let lastMessage = '';
    const t0 = now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      tail += text;
      let nl: number;
      while ((nl = tail.indexOf('\n')) >= 0) {
        const line = tail.slice(0, nl);
        tail = tail.slice(nl + 1);
        if (line.startsWith('Command failed')) {
          failed++;
          firstFailure ??= `${lastMessage} (${line})`;
        } else {
          lastMessage = line;
        }
      }
    });
    child.on('error', reject);
    child.on('close', () => {
      const ms = now() - t0;
      let cpu: ProcessCpu[] = [];
      let peakRss: number | null = null;
      if (gnu) {
        const f = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
        cpu = [{ who: 'ip', userMs: (f[1] ?? NaN) * 1000, sysMs: (f[2] ?? NaN) * 1000 }];
        peakRss = (f[3] ?? NaN) * 1024;
      }
      resolve({ ms, failed, firstFailure, cpu, peakRss });
    });
  });
}

export async function runIpFloor(net: BenchNet, scenario: Scenario, routes: readonly FibRoute[], dir: string): Promise<ContenderResult> {
  const name = 'ip -batch (floor)';
  const n = routes.length;
  const notes: string[] = [];
  const addFile = join(dir, `${scenario.id}-add.batch`);
  const delFile = join(dir, `${scenario.id}-del.batch`);
  writeLines(addFile, routes, addLine);
  writeLines(delFile, routes, delLine);
  await net.flush();
  const peakRss: Record<string, number> = {};
  const timed = async (file: string, what: string, expect: number): Promise<Phase> => {
    const r = await runIpBatch(net.ns, file, join(dir, 'time.out'));
    if (r.peakRss !== null) peakRss[`ip (${what})`] = r.peakRss;
    if (r.firstFailure !== null) notes.push(`${what}: ${r.failed} lines failed, first: ${r.firstFailure}`);
    const kernelCount = net.count();
    return phase(n, r.ms, { failed: r.failed, kernelCount, verified: kernelCount === expect, cpu: r.cpu });
  };
  const slab0 = slabUnreclaimable();
  const install = await timed(addFile, 'add', n);
  const kernelSlabBytes = slabUnreclaimable() - slab0;
  const shape = checkShape(await net.show(prefixOf(0)), scenario);
  if (shape) notes.push(`installed route is not what was asked: ${shape}`);
  const remove = await timed(delFile, 'del', 0);
  if (!remove.verified) {
    notes.push(`${remove.kernelCount} routes left after removal; flushed`);
    await net.flush();
  }
  const grown = Math.max(0, ...Object.values(peakRss));
  if (grown / n > 2048) notes.push(`ip's peak RSS is ${(grown / n / 1024).toFixed(1)} KiB per line it ran: it keeps memory per request (docs/bench-fib.md)`);
  if (!existsSync(GNU_TIME)) notes.push(`${GNU_TIME} not installed: no CPU time or peak memory for ip (apt-get install time)`);
  return { name, kind: 'ip-batch', install, remove, kernelSlabBytes, peakRss, notes };
}
