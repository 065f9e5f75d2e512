// npm run bench:fib: install 1,000,000 IPv4 routes into the main table of a fresh network
// namespace and remove them again, with one next hop and then with a 4-way ECMP set, and report
// routes/s for each of Wren's kernel backends, for the plain `ip -batch` floor and for BIRD's
// kernel protocol, in the same run (issue #5; docs/bench-fib.md). Aim: >= 150,000 routes/s and
// >= 3x `ip -batch`.
//
//   node dist/bench/fib.js [options]
//     --routes N      routes per scenario (default 1,000,000; /24s from 16.0.0.0, at most 1,048,576)
//     --batch N       changes per FibBackend.apply() call (default 1,000: FibWriter's maxBatch)
//     --warmup N      routes replaced and deleted by a backend before its clock starts (default 2,000)
//     --runs K        run every contender K times and report the fastest (default 1)
//     --only LIST     contenders, comma separated: wren, ip, bird (default all)
//     --scenario S    single, ecmp4 or both (default both)
//     --json          print the results as JSON on stdout (progress still goes to stderr)
//
// Each contender starts from a table holding none of the routes (checked, flushed if need be) and
// is timed on the wall clock for installing all N and for removing them; the kernel's own count
// (/proc/net/fib_triestat of the namespace) is checked after each. How each is timed:
// - Wren's backends: opened and warmed up off the clock, then `apply()` with --batch changes at a
//   time, each call awaited before the next (FibWriter flushes one batch at a time); the route
//   objects are built before the clock starts.
// - ip -batch: `ip -n NS -force -batch FILE`, the lines written to FILE beforehand.
// - BIRD: see bench/fib-bird.ts (from `birdc enable` of its kernel protocol to N routes in the kernel).
//
// A benchmark, not a test: it prints figures and asserts nothing. Needs root; skips (exit 0)
// without it or without `ip netns`. Everything it creates (two namespaces, a temporary directory,
// bird) is removed at the end, on error and on SIGINT/SIGTERM.

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Iproute2Fib, type FibBackend } from '../src/fib/index.js';
import { runBackend, type BackendContender } from './fib-backend.js';
import { runBird } from './fib-bird.js';
import { buildRoutes, MAX_ROUTES, scenarios, type ContenderResult } from './fib-common.js';
import { runIpFloor } from './fib-ipbatch.js';
import { BenchNet, HOPS, sweepStale, unavailable } from './fib-net.js';
import { bestOfRuns, formatScenario, ratios, type ScenarioReport } from './fib-report.js';

// ---------------------------------------------------------------------------------------------
// Wren's backends under test. To add one: { name, open: (netns) => a FibBackend writing the main
// table of that namespace }. Each is opened once per scenario and closed after it.

const BACKENDS: BackendContender[] = [
  { name: 'wren iproute2 (Iproute2Fib)', open: (netns) => Iproute2Fib.open({ netns }) },
  // The netlink transport (src/fib/kernel.ts, `openKernelFib({ transport: 'netlink', netns })`) is
  // appended by netlinkContender() below through a dynamic import, so that this file builds before
  // kernel.ts exists. Once it has landed, replace that with a static entry here:
  //   { name: 'wren netlink', open: (netns) => openKernelFib({ transport: 'netlink', netns }) },
];

/** The netlink backend when src/fib/kernel.ts is built and exports openKernelFib; else why not. */
async function netlinkContender(): Promise<BackendContender | string> {
  // A variable, so that tsc does not resolve the module (it may not exist yet).
  const specifier = '../src/fib/kernel.js';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'ERR_MODULE_NOT_FOUND' ? 'src/fib/kernel.ts is not there (dist/src/fib/kernel.js not built)' : `src/fib/kernel.js did not load: ${e.message}`;
  }
  const open = mod['openKernelFib'];
  if (typeof open !== 'function') return 'src/fib/kernel.ts does not export openKernelFib';
  const openKernelFib = open as (options: { transport: 'netlink'; netns: string }) => FibBackend | Promise<FibBackend>;
  return { name: 'wren netlink (openKernelFib)', open: async (netns) => await openKernelFib({ transport: 'netlink', netns }) };
}

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}
function intOption(name: string, dflt: number, min: number, max: number): number {
  const text = option(name);
  if (text === undefined) return dflt;
  const v = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(v) || v < min || v > max) {
    console.error(`--${name}: an integer ${min}..${max}, not ${text}`);
    process.exit(2);
  }
  return v;
}

if (argv.includes('--help') || argv.includes('-h')) {
  console.log('usage: node dist/bench/fib.js [--routes N] [--batch N] [--warmup N] [--runs K] [--only wren,ip,bird] [--scenario single|ecmp4|both] [--json]');
  process.exit(0);
}
const N = intOption('routes', 1_000_000, 1, MAX_ROUTES);
const BATCH = intOption('batch', 1000, 1, MAX_ROUTES);
const WARMUP = intOption('warmup', 2000, 0, 1 << 14);
const RUNS = intOption('runs', 1, 1, 100);
const JSON_OUT = argv.includes('--json');
const only = new Set((option('only') ?? 'wren,ip,bird').split(',').map((s) => s.trim()));
for (const o of only) {
  if (!['wren', 'ip', 'bird'].includes(o)) {
    console.error(`--only: wren, ip, bird; not ${o}`);
    process.exit(2);
  }
}
const scenarioChoice = option('scenario') ?? 'both';
if (!['single', 'ecmp4', 'both'].includes(scenarioChoice)) {
  console.error(`--scenario: single, ecmp4 or both; not ${scenarioChoice}`);
  process.exit(2);
}

/** Progress and tables: stdout normally, stderr with --json (stdout is then only JSON). */
const say = (text: string): void => {
  if (JSON_OUT) console.error(text);
  else console.log(text);
};

// ---------------------------------------------------------------------------------------------
// Cleanup: on success, error and signal.

let net: BenchNet | null = null;
let dir: string | null = null;
async function cleanup(): Promise<void> {
  const n = net;
  net = null;
  await n?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
}
process.on('exit', () => {
  net?.removeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

function toolVersion(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n')[0] ?? '';
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const why = unavailable();
  if (why) {
    say(`bench:fib skipped: ${why}`);
    return;
  }
  const stale = await sweepStale();
  if (stale.length) say(`removed namespaces left by an earlier run: ${stale.join(', ')}`);
  try {
    net = await BenchNet.create();
  } catch (err) {
    say(`bench:fib skipped: could not set up the network namespace: ${(err as Error).message}`);
    await cleanup();
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'wren-bench-fib-'));

  const backends = [...BACKENDS];
  const skipped: ContenderResult[] = [];
  if (only.has('wren')) {
    const nl = await netlinkContender();
    if (typeof nl === 'string') skipped.push({ name: 'wren netlink (openKernelFib)', kind: 'wren', skipped: nl, notes: [] });
    else backends.push(nl);
  }

  const host = {
    date: new Date().toISOString(),
    kernel: release(),
    cpus: cpus().length,
    node: process.version,
    iproute2: toolVersion('ip', ['-V']),
    loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  say(`bench:fib: ${N.toLocaleString('en-US')} routes per scenario, ${BATCH.toLocaleString('en-US')} changes per apply(), warm-up ${WARMUP.toLocaleString('en-US')}${RUNS > 1 ? `, best of ${RUNS} runs` : ''}`);
  say(`  Linux ${host.kernel}, ${host.cpus} CPUs, Node ${host.node}, ${host.iproute2}; load average at start ${host.loadavgAtStart.join(' ')}`);
  say(`  namespace ${net.ns} (veth to ${net.far}; next hops ${HOPS.join(', ')} on a connected /28)`);
  for (const s of skipped) say(`  ${s.name}: skipped: ${s.skipped}`);

  const reports: ScenarioReport[] = [];
  for (const scenario of scenarios([...HOPS])) {
    if (scenarioChoice !== 'both' && scenarioChoice !== scenario.id) continue;
    const routes = buildRoutes(N, scenario.nextHops);
    const runs: ContenderResult[][] = [];
    for (let run = 1; run <= RUNS; run++) {
      const results: ContenderResult[] = [];
      const progress = (r: ContenderResult): void => {
        results.push(r);
        const f = (p: ContenderResult['install']): string => (p ? `${p.routesPerSec.toLocaleString('en-US')}/s${p.verified ? '' : ' (count wrong)'}` : '-');
        console.error(`  [${scenario.id}${RUNS > 1 ? ` run ${run}` : ''}] ${r.name}: ${r.skipped ? `skipped: ${r.skipped}` : `install ${f(r.install)}, remove ${f(r.remove)}`}`);
      };
      if (only.has('wren')) for (const b of backends) progress(await runBackend(b, net, scenario, routes, { batch: BATCH, warmup: WARMUP }));
      for (const s of skipped) results.push(s);
      if (only.has('ip')) progress(await runIpFloor(net, scenario, routes, dir));
      if (only.has('bird')) progress(await runBird(net, scenario, routes, dir));
      runs.push(results);
    }
    const results = bestOfRuns(runs);
    const report: ScenarioReport = { id: scenario.id, title: scenario.title, routes: N, contenders: results, ratios: ratios(results) };
    reports.push(report);
    if (!JSON_OUT) say(formatScenario(report));
  }

  if (JSON_OUT) {
    const out = { ...host, loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100), routes: N, batch: BATCH, warmup: WARMUP, runs: RUNS, scenarios: reports };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    say(`\nload average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${host.cpus} CPUs; other work on the machine shows in these figures)`);
  }
}

try {
  await main();
} catch (err) {
  console.error(`bench:fib failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
