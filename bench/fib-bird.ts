// BIRD 2's kernel protocol as a contender of bench/fib.ts.
//
// bird.conf: `protocol device`, a `protocol static` with the N routes (`route P via A [via B ...]`:
// several `via` make one multipath route), and `protocol kernel` with `merge paths on`, export all,
// started *disabled*. BIRD runs inside the namespace (`ip netns exec NS bird -f ...`).
//
// - start: from spawning bird until the static protocol has imported N routes (birdc's counter,
//   polled every 100 ms); `bird -p` (parse only) is timed apart. Reported, not compared.
// - install: `birdc enable` of the kernel protocol until the kernel holds N routes;
// - remove: `birdc disable` of it until the kernel holds none (BIRD removes what it exported when
//   the protocol goes down, as it does at shutdown unless `persist`).
// The kernel's count is polled from /proc/<pid>/net/fib_triestat of a process in the namespace
// (bench/fib-net.ts): no process spawned per poll and no RTNL lock, so BIRD never waits for it,
// but the trie walk costs kernel time on the polling core (~55 ms at 1,000,000 routes; on a busy
// 2-core machine that core is shared), so reads are spaced out (waitForCount). The end is put
// half-way between the last read that had not seen the count and the first that had: the error,
// half that gap, is reported.

import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FibRoute } from '../src/fib/index.js';
import { checkShape, now, phase, prefixOf, procSample, sleep, slabUnreclaimable, type ContenderResult, type Phase, type Scenario } from './fib-common.js';
import { LOCAL, type BenchNet } from './fib-net.js';
import { findTool } from './ingest-bird.js';

const STATIC = 'wstatic';
const KERNEL = 'wkernel';
/** A count that does not move for this long is final. */
const STALL_MS = 30_000;

function writeConfig(file: string, logFile: string, routes: readonly FibRoute[]): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(
      fd,
      [
        `log "${logFile}" { info, warning, error, fatal };`,
        `router id ${LOCAL};`,
        // BIRD learns interfaces from the device protocol; static next hops must be on one.
        'protocol device { scan time 3600; }',
        // Disabled: it is enabled by birdc once the static routes are all in master4.
        `protocol kernel ${KERNEL} {`,
        '  disabled yes;',
        '  scan time 3600;',
        '  merge paths on;',
        '  ipv4 { import none; export all; };',
        '}',
        `protocol static ${STATIC} {`,
        '  ipv4;',
        '',
      ].join('\n'),
    );
    const line = (r: FibRoute): string => `  route ${r.prefix} ${r.nextHops.map((h) => `via ${h.address}`).join(' ')};`;
    for (let i = 0; i < routes.length; i += 10_000) writeSync(fd, `${routes.slice(i, i + 10_000).map(line).join('\n')}\n`);
    writeSync(fd, '}\n');
  } finally {
    closeSync(fd);
  }
}

function exec(cmd: string, args: readonly string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

interface Waited {
  /** From t0 to the estimated moment the count was reached, ms; null if it never was. */
  readonly ms: number | null;
  readonly errorMs: number;
  readonly count: number;
  readonly reads: number;
  readonly maxReadMs: number;
}

/**
 * Polls the kernel's count until it equals `target`, or stops moving for STALL_MS. A read walks
 * the whole trie (~55 ms at 1,000,000 routes, more when the machine is busy), so the pause after
 * a read is at least 20 ms and at least the read's own time (the poller takes at most half of a
 * core), and otherwise half the time the count should still take at the rate seen so far, but at
 * most 1/20 of the time elapsed (so the uncertainty stays within a few % of the figure) and 1 s.
 */
async function waitForCount(net: BenchNet, target: number, t0: number): Promise<Waited> {
  const start = net.count();
  let prev = t0;
  let reads = 1;
  let maxReadMs = 0;
  let last = start;
  let lastChange = now();
  for (;;) {
    const a = now();
    const count = net.count();
    const b = now();
    reads++;
    maxReadMs = Math.max(maxReadMs, b - a);
    const at = (a + b) / 2;
    if (count === target) return { ms: (prev + at) / 2 - t0, errorMs: (at - prev) / 2, count, reads, maxReadMs };
    if (count !== last) {
      last = count;
      lastChange = b;
    } else if (b - lastChange > STALL_MS) {
      return { ms: null, errorMs: 0, count, reads, maxReadMs };
    }
    prev = at;
    const done = Math.abs(count - start);
    const elapsed = at - t0;
    const eta = done > 0 ? (Math.abs(target - count) * elapsed) / done : 0;
    await sleep(Math.max(20, b - a, Math.min(eta / 2, elapsed / 20, 1000)));
  }
}

export async function runBird(net: BenchNet, scenario: Scenario, routes: readonly FibRoute[], dir: string): Promise<ContenderResult> {
  const name = 'BIRD kernel protocol';
  const notes: string[] = [];
  const n = routes.length;
  const bird = findTool('bird');
  const birdc = findTool('birdc');
  if (!bird || !birdc) return { name, kind: 'bird', skipped: 'bird / birdc not installed (apt-get install bird2)', notes };
  const version = (await exec(bird, ['--version'])).stderr.trim() || (await exec(bird, ['--version'])).stdout.trim();

  const conf = join(dir, `bird-${scenario.id}.conf`);
  const logFile = join(dir, `bird-${scenario.id}.log`);
  const sock = join(dir, `bird-${scenario.id}.ctl`);
  writeConfig(conf, logFile, routes);
  await net.flush();

  const tp = now();
  const parsed = await exec(bird, ['-p', '-c', conf]);
  const parseMs = now() - tp;
  if (parsed.code !== 0) return { name, kind: 'bird', skipped: `bird -p rejected the configuration: ${parsed.stderr.trim()}`, notes };

  const ts = now();
  const proc = spawn('ip', ['netns', 'exec', net.ns, bird, '-f', '-c', conf, '-s', sock, '-P', join(dir, 'bird.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  const birdc_ = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => exec(birdc, ['-s', sock, ...args], 30_000);
  try {
    // Start: until the static protocol has all N routes in master4.
    const deadline = Date.now() + 120_000 + n / 5;
    let readyMs = 0;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`bird exited (${proc.exitCode}): ${stderr.trim()} ${tail(logFile)}`);
      const out = await birdc_('show', 'protocols', 'all', STATIC);
      const m = /Routes:\s+(\d+) imported/.exec(out.stdout);
      if (m && Number(m[1]) === n) {
        readyMs = now() - ts;
        break;
      }
      if (Date.now() > deadline) throw new Error(`BIRD did not load the static routes in time: ${out.stdout.trim()} ${tail(logFile)}`);
      await sleep(100);
    }
    const pid = proc.pid!;
    if (procSample(pid)?.comm !== 'bird') notes.push(`pid ${pid} is not bird: no CPU figures`);

    const timed = async (cmd: 'enable' | 'disable', target: number): Promise<Phase> => {
      const s0 = procSample(pid);
      const t0 = now();
      // Polled while birdc runs: BIRD may do all the work before it answers (a disable does).
      const command = birdc_(cmd, KERNEL);
      const w = await waitForCount(net, target, t0);
      const r = await command;
      if (r.code !== 0 || !/enabled|disabled/.test(r.stdout)) notes.push(`birdc ${cmd} ${KERNEL}: ${r.stdout.trim()} ${r.stderr.trim()}`);
      const s1 = procSample(pid);
      if (w.ms === null) notes.push(`${cmd}: the kernel's count stopped at ${w.count} (wanted ${target})`);
      notes.push(`${cmd}: ${w.reads} polls, longest read ${w.maxReadMs.toFixed(1)} ms, end within +-${w.errorMs.toFixed(0)} ms`);
      const cpu = s0 && s1 ? [{ who: 'bird', userMs: s1.userMs - s0.userMs, sysMs: s1.sysMs - s0.sysMs }] : [];
      return phase(n, w.ms ?? now() - t0, { failed: Math.abs(w.count - target), kernelCount: w.count, verified: w.count === target, cpu, pollErrorMs: w.errorMs });
    };

    const slab0 = slabUnreclaimable();
    const install = await timed('enable', n);
    const kernelSlabBytes = slabUnreclaimable() - slab0;
    const shape = checkShape(await net.show(prefixOf(0)), scenario);
    if (shape) notes.push(`installed route is not what was asked: ${shape}`);
    const remove = await timed('disable', 0);
    const peak = procSample(pid)?.peakRss;
    const warnings = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => /<(WARN|ERR)/.test(l))
      .map((l) => l.replace(/^\S+ \S+ /, ''));
    const distinct = [...new Set(warnings)];
    for (const w of distinct.slice(0, 3)) notes.push(`bird.log: ${w} (${warnings.filter((x) => x === w).length}x)`);
    if (!remove.verified) {
      notes.push(`${remove.kernelCount} routes left after removal; flushed`);
      await net.flush();
    }
    return {
      name,
      kind: 'bird',
      install,
      remove,
      kernelSlabBytes,
      peakRss: peak !== undefined ? { bird: peak } : {},
      startMs: { parse: Math.round(parseMs), ready: Math.round(readyMs) },
      notes: [`${version}; start (spawn to ${n.toLocaleString('en-US')} routes in master4) ${(readyMs / 1000).toFixed(2)} s, of which \`bird -p\` parse alone ${(parseMs / 1000).toFixed(2)} s`, ...notes],
    };
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-10).join('\n');
  } catch {
    return '';
  }
}
