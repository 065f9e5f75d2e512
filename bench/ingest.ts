// npm run bench:ingest: replay a full IPv4 table (the 2015 MRT update stream: 89,679 UPDATEs,
// 577,737 announcements) over a real BGP session into (a) a Wren Speaker in a child process and
// (b) BIRD 2, one after the other, and report for each the time from the first UPDATE byte sent
// to the whole table in the Loc-RIB, the memory it took, and the ratio of the two times.
//
//   npm run bench:ingest [-- options] [file.mrt.gz]
//     --wren-only / --bird-only    run one receiver
//     --cpu-prof                   profile the Wren receiver (--cpu-prof) and print its top
//                                  self-time functions during the load (times are then inflated)
//     --target-flags="--a --b"     extra node / V8 flags for the Wren receiver process
//     --bird-count=route           poll BIRD with `show route count table master4` (walks the
//                                  table on every poll) instead of the channel's import counter
//
// A benchmark, not a test: it prints figures and asserts only that the sessions came up. Only
// loopback addresses are used; BIRD runs without a kernel protocol, so host routes are untouched.

import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BirdReceiver, findTool, type BirdCount, type BirdMemory } from './ingest-bird.js';
import { nowUs, type MemorySnapshot, type TargetCommand, type TargetEvent, type TargetStatus } from './ingest-common.js';
import { loadStream, replayIntoSink, Replayer, type LoadedStream, type SendResult } from './ingest-replay.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const flag = (f: string): boolean => args.includes(f);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const file = args.find((a) => !a.startsWith('--')) ?? `${root}/pcap-fixtures/bgpdump/test_data/updates.et-header.2015.gz`;
const runWrenPart = !flag('--bird-only');
const runBirdPart = !flag('--wren-only');
const cpuProf = flag('--cpu-prof');
const targetFlags = (option('target-flags') ?? '').split(/\s+/).filter(Boolean);
/**
 * How BIRD is polled. `show route count` walks the whole table, and answers only between BGP
 * reads: during the load one poll took ~120 ms, so its granularity is that, not 50 ms, and it
 * slows BIRD down. The channel's import counter (`show protocols all feed`, "Routes: N imported")
 * is the number of routes the channel has in master4, updated as each route enters the table; a
 * poll of it takes a few ms. Default: the counter; `--bird-count=route` polls `show route count`.
 * The final figure is always checked with `show route count table master4`.
 */
const birdCountMode = option('bird-count') === 'route' ? 'route' : 'imported';

/** The whole run is bounded; each receiver gets at most this long to take the table. */
const TOTAL_TIMEOUT_MS = 5 * 60_000;
const LOAD_TIMEOUT_MS = 150_000;
/** After the last byte is written, a count that does not move for this long is final. */
const STALL_MS = 10_000;
const BIRD_POLL_MS = 50;
const ASN = 65000;

// Loopback only. 127.0.0.0/8 is all on `lo` under Linux, so each party gets its own address.
const ADDR = { replayer: '127.0.0.10', wren: '127.0.0.20', bird: '127.0.0.30', sink: '127.0.0.40' } as const;

// ---------------------------------------------------------------------------------------------
// Cleanup: whatever was started is stopped, on success, error, timeout or signal.

const cleanups: Array<() => Promise<void> | void> = [];
const exitKills: Array<() => void> = [];
async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    const c = cleanups.pop()!;
    try {
      await c();
    } catch (e) {
      console.error(`cleanup: ${(e as Error).message}`);
    }
  }
}
process.on('exit', () => {
  for (const k of exitKills) k();
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
const overall = setTimeout(() => {
  console.error(`\nbench:ingest: no result after ${TOTAL_TIMEOUT_MS / 1000} s; giving up`);
  void cleanup().finally(() => process.exit(1));
}, TOTAL_TIMEOUT_MS);
overall.unref();

// ---------------------------------------------------------------------------------------------
// Formatting

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const signedMib = (b: number): string => `${b >= 0 ? '+' : '-'}${mib(Math.abs(b))}`;
const secs = (us: number): string => `${(us / 1e6).toFixed(2)} s`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t!: NodeJS.Timeout;
  const timeout = new Promise<never>((_r, reject) => (t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

async function freePort(address: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen({ host: address, port: 0 }, () => res());
  });
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

// ---------------------------------------------------------------------------------------------
// The Wren receiver (child process)

class TargetChannel {
  private waiters: Array<{ ev: TargetEvent['ev']; resolve: (e: TargetEvent) => void; reject: (e: Error) => void }> = [];
  private failure: Error | null = null;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m) => this.deliver(m as TargetEvent));
    child.on('exit', (code, signal) => this.fail(new Error(`the Wren target exited (${signal ?? `code ${code}`})`)));
    child.on('error', (e) => this.fail(e));
  }

  send(c: TargetCommand): void {
    this.child.send(c);
  }

  next<K extends TargetEvent['ev']>(ev: K, timeoutMs: number): Promise<Extract<TargetEvent, { ev: K }>> {
    if (this.failure) return Promise.reject(this.failure);
    const p = new Promise<TargetEvent>((resolve, reject) => this.waiters.push({ ev, resolve, reject }));
    return withTimeout(p, timeoutMs, `Wren target (${ev})`) as Promise<Extract<TargetEvent, { ev: K }>>;
  }

  private deliver(e: TargetEvent): void {
    if (e.ev === 'error') return this.fail(new Error(`Wren target: ${e.message}`));
    const i = this.waiters.findIndex((w) => w.ev === e.ev);
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(e);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiters.splice(0)) w.reject(e);
  }
}

/** Which expected final table a receiver ended with (see LoadedStream), or null: neither. */
type Matched = 'all' | 'loop-free' | null;

function matchCount(stream: LoadedStream, count: number): Matched {
  if (count === stream.finalCount) return 'all';
  if (count === stream.loopFree.finalCount) return 'loop-free';
  return null;
}

interface WrenResult {
  readonly send: SendResult;
  readonly final: TargetStatus;
  readonly matched: Matched;
  readonly before: MemorySnapshot;
  readonly after: MemorySnapshot;
  readonly measured: Extract<TargetEvent, { ev: 'measured' }>;
  readonly profile: string | null;
}

async function runWren(stream: LoadedStream): Promise<WrenResult> {
  const profDir = cpuProf ? mkdtempSync(join(tmpdir(), 'wren-ingest-prof-')) : null;
  const execArgv = ['--expose-gc', ...targetFlags, ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '250'] : [])];
  const child = fork(fileURLToPath(new URL('./ingest-target.js', import.meta.url)), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  exitKills.push(kill);
  cleanups.push(kill);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ch = new TargetChannel(child);
  let replayer: Replayer | null = null;
  try {
    // Wren, like BIRD, applies the own-AS loop check to iBGP routes: the loop-free table is its target.
    ch.send({ cmd: 'start', routerId: ADDR.wren, listenAddress: ADDR.wren, peerAddress: ADDR.replayer, finalCount: stream.loopFree.finalCount, peakCount: stream.loopFree.peakCount });
    const ready = await ch.next('ready', 20_000);
    replayer = await Replayer.connect({ host: ADDR.wren, port: ready.port, localAddress: ADDR.replayer, asn: ASN, routerId: ADDR.replayer, holdTime: 90 });
    const rep = replayer;
    const sent = rep.send(stream.chunks);
    let sendResult: SendResult | null = null;
    void sent.then((r) => (sendResult = r)).catch(() => undefined);

    // Wait for the target's 'done', or until its count stops moving after everything was written.
    const done = ch.next('done', LOAD_TIMEOUT_MS).then((d) => ({ status: d.status }));
    void done.catch(() => undefined);
    let waiting = true;
    const stalled = (async (): Promise<{ status: TargetStatus }> => {
      let last = -1;
      let since = Date.now();
      for (;;) {
        await sleep(1000);
        if (!waiting) throw new Error('over');
        if (sendResult === null) continue;
        ch.send({ cmd: 'status' });
        const s = (await ch.next('status', 10_000)).status;
        if (s.doneUs !== null) return { status: s };
        if (s.count !== last) {
          last = s.count;
          since = Date.now();
        } else if (Date.now() - since > STALL_MS) return { status: s };
      }
    })();
    void stalled.catch(() => undefined);
    const result = await Promise.race([done, stalled, rep.failed()]).finally(() => (waiting = false));
    // 'done' is the expected table reached; after a stall, the other expectation also counts.
    const matched = result.status.doneUs !== null ? 'loop-free' : matchCount(stream, result.status.count);
    const sendRes = await withTimeout(sent, 10_000, 'replayer');
    // Let the final End-of-RIB be processed (it compacts the RIB), then measure.
    await sleep(500);
    if (rep.error) throw rep.error;
    ch.send({ cmd: 'measure' });
    const measured = await ch.next('measured', 60_000);
    rep.close();
    replayer = null;
    ch.send({ cmd: 'stop' });
    await withTimeout(exited, 10_000, 'Wren target exit').catch(() => kill());
    let profile: string | null = null;
    if (profDir) {
      const f = readdirSync(profDir).find((n) => n.endsWith('.cpuprofile'));
      profile = f ? summariseProfile(join(profDir, f), sendRes.startUs, measured.status.doneUs ?? measured.status.lastChangeUs ?? nowUs()) : '(no .cpuprofile written)';
    }
    return { send: sendRes, final: measured.status, matched, before: ready.memory, after: measured.memory, measured, profile };
  } finally {
    replayer?.close();
    kill();
    if (profDir) rmSync(profDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The BIRD receiver

interface BirdResult {
  readonly send: SendResult;
  readonly matched: Matched;
  readonly count: BirdCount;
  /** µs after the first UPDATE: the last poll that did not see the table, and the first that did. */
  readonly lowerUs: number;
  readonly upperUs: number;
  readonly polls: number;
  readonly pollMs: number;
  readonly memBefore: BirdMemory;
  readonly memAfter: BirdMemory;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly unreachable: number | null;
  readonly version: string;
}

async function runBird(stream: LoadedStream): Promise<BirdResult> {
  const port = await freePort(ADDR.bird);
  const bird = await BirdReceiver.start({ routerId: ADDR.bird, address: ADDR.bird, port, neighbor: ADDR.replayer, asn: ASN });
  exitKills.push(() => bird.killNow());
  cleanups.push(() => bird.stop());
  let replayer: Replayer | null = null;
  try {
    const version = /BIRD ([\d.]+)/.exec(await bird.cmd(['show', 'status']))?.[1] ?? '?';
    const count = (): Promise<BirdCount> => (birdCountMode === 'imported' ? bird.importedCount() : bird.routeCount());
    const memBefore = await bird.memory();
    const rssBefore = bird.rss();
    replayer = await Replayer.connect({ host: ADDR.bird, port, localAddress: ADDR.replayer, asn: ASN, routerId: ADDR.replayer, holdTime: 90 });
    const rep = replayer;
    const sent = rep.send(stream.chunks);
    let written = false;
    void sent.then(() => (written = true)).catch(() => undefined);
    const failed = rep.failed();
    void failed.catch(() => undefined);

    // Poll from the moment the first byte goes out (send() has already started writing).
    const t0 = nowUs();
    let prevStart = t0;
    let reachedPeak = false;
    let polls = 0;
    let pollTotalUs = 0;
    let last = -1;
    let lastMove = Date.now();
    let c: BirdCount = { routes: 0, networks: 0 };
    let complete = false;
    let lowerUs = 0;
    let upperUs = 0;
    const deadline = Date.now() + LOAD_TIMEOUT_MS;
    for (;;) {
      if (rep.error) throw rep.error;
      const start = nowUs();
      c = await count();
      const end = nowUs();
      polls++;
      pollTotalUs += end - start;
      // BIRD applies the own-AS loop check to iBGP routes too: the loop-free table is its target.
      if (c.routes >= stream.loopFree.peakCount) reachedPeak = true;
      if (reachedPeak && c.routes === stream.loopFree.finalCount) {
        complete = true;
        lowerUs = prevStart;
        upperUs = end;
        break;
      }
      if (c.routes !== last) {
        last = c.routes;
        lastMove = Date.now();
        lowerUs = prevStart;
        upperUs = end;
      } else if (written && Date.now() - lastMove > STALL_MS) break;
      if (Date.now() > deadline) break;
      prevStart = start;
      const wait = BIRD_POLL_MS - (nowUs() - start) / 1000;
      if (wait > 0) await sleep(wait);
    }
    const sendRes = await Promise.race([withTimeout(sent, 10_000, 'replayer'), failed]);
    const base = sendRes.startUs;
    await sleep(500);
    const memAfter = await bird.memory();
    const rssAfter = bird.rss();
    const finalCount = await bird.routeCount();
    const unreachable = await bird.unreachableCount();
    if (rep.error) throw rep.error;
    return {
      send: sendRes,
      matched: complete ? 'loop-free' : matchCount(stream, finalCount.routes),
      count: finalCount,
      lowerUs: Math.max(0, lowerUs - base),
      upperUs: upperUs - base,
      polls,
      pollMs: pollTotalUs / polls / 1000,
      memBefore,
      memAfter,
      rssBefore,
      rssAfter,
      unreachable,
      version,
    };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- bird log ---\n${bird.log()}`);
  } finally {
    replayer?.close();
    await bird.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// CPU profile summary (the .cpuprofile written by node --cpu-prof)

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function summariseProfile(path: string, fromUs: number, toUs: number): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // Sample timestamps are V8 TimeTicks in µs: CLOCK_MONOTONIC, like nowUs(). Use the load window
  // when it overlaps the profile, else the whole profile.
  let t = p.startTime;
  const times = p.timeDeltas.map((d) => (t += d));
  const inWindow = times.some((x) => x >= fromUs && x <= toUs);
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const ti = times[i]!;
    if (inWindow && (ti < fromUs || ti > toUs)) continue;
    const dt = (times[i + 1] ?? ti) - ti;
    const n = byId.get(p.samples[i]!)!;
    const f = n.callFrame;
    const where = f.url ? ` ${basename(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  const lines = [`  Wren receiver CPU profile, ${inWindow ? 'load window' : 'whole process'} (${(total / 1000).toFixed(0)} ms sampled), top self time:`];
  for (const [k, us] of top) lines.push(`    ${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

function matchNote(m: Matched): string {
  return m === 'loop-free' ? ` [the ${int(loaded!.loopFree.announcements)} announcements with AS ${ASN} in AS_PATH dropped as AS loops]` : ' [every prefix of the stream]';
}

let loaded: LoadedStream | null = null;

function birdMem(m: BirdMemory, key: string): number {
  const v = m[key];
  return v ? v.effective + v.overhead : NaN;
}

async function main(): Promise<void> {
  const stream = loadStream(file, ASN);
  loaded = stream;
  for (const id of [ADDR.replayer, ADDR.wren, ADDR.bird]) {
    // RFC 4456 s8: a route whose ORIGINATOR_ID is our router id, or whose CLUSTER_LIST has our
    // cluster id (the router id by default), is dropped as a loop: pick ids the stream lacks.
    if (stream.originatorIds.has(id) || stream.clusterIds.has(id)) throw new Error(`router id ${id} appears in the stream's ORIGINATOR_ID / CLUSTER_LIST`);
  }
  console.log(`stream: ${basename(stream.file)}: ${int(stream.updates)} UPDATEs (${mib(stream.updateBytes)}), ${int(stream.announcements)} announcements of ${int(stream.uniqueAnnounced)} distinct prefixes, ${int(stream.withdrawals)} withdrawals`);
  console.log(`  a receiver ends with ${int(stream.finalCount)} prefixes (largest on the way: ${int(stream.peakCount)}); ${stream.endOfRibsInStream} End-of-RIB inside the stream, one more sent after it`);
  const lf = stream.loopFree;
  console.log(`  ${int(lf.announcements)} announcements carry AS ${lf.asn} (the session's own AS) in AS_PATH: a receiver that applies the AS-loop check to iBGP routes ends with ${int(lf.finalCount)}`);
  console.log(`  iBGP attributes: ${stream.originatorIds.size} ORIGINATOR_IDs, CLUSTER_LIST ids ${[...stream.clusterIds].join(', ')}, ${int(stream.nextHops)} next hops; router ids used: replayer ${ADDR.replayer}, wren ${ADDR.wren}, bird ${ADDR.bird} (none in the stream)`);
  const sink = await replayIntoSink(stream.chunks, ADDR.sink);
  console.log(`replayer into a discard sink over loopback: ${mib(sink.bytes)} in ${sink.ms.toFixed(0)} ms (${((sink.bytes / 2 ** 20) / (sink.ms / 1000)).toFixed(0)} MiB/s): not the bottleneck`);

  let wrenUs: number | null = null;
  let birdUs: number | null = null;

  if (runWrenPart) {
    const w = await runWren(stream);
    const s = w.final;
    const endUs = (s.doneUs ?? s.lastChangeUs ?? w.send.startUs) - w.send.startUs;
    if (w.matched) wrenUs = endUs;
    const held = w.measured.routesLength;
    const heapExt = (m: MemorySnapshot): number => m.heapUsed + m.external;
    const dHeap = heapExt(w.after) - heapExt(w.before);
    const dRss = w.after.rss - w.before.rss;
    const per = (b: number): string => (held > 0 ? int(b / held) : '-');
    const what = w.matched
      ? `${int(s.count)} prefixes in ${secs(endUs)} (${int(s.count / (endUs / 1e6))} prefixes/s)${matchNote(w.matched)}`
      : `INCOMPLETE: ${int(s.count)} of ${int(stream.loopFree.finalCount)} prefixes, the last change ${secs(endUs)} after the first UPDATE`;
    console.log(`wren: ${what}`);
    console.log(`  Loc-RIB: routes().length ${int(held)}, prefixes received ${int(w.measured.prefixesReceived)}${w.measured.rejected ? `, rejected ${JSON.stringify(w.measured.rejected)}` : ''}; ${int(s.routeEvents)} 'routes' events; peer ${s.peerState}`);
    console.log(`  first route ${s.firstUs !== null ? `${((s.firstUs - w.send.startUs) / 1000).toFixed(1)} ms` : '-'} after the first UPDATE; replayer: last byte taken by the socket at ${secs(w.send.writtenUs - w.send.startUs)}, ${w.send.cpuMs.toFixed(0)} ms of its CPU, ${w.send.drains} waits for 'drain'`);
    console.log(`  memory (after gc): heap+external ${mib(heapExt(w.before))} -> ${mib(heapExt(w.after))} (${signedMib(dHeap)}), ${per(dHeap)} bytes/prefix [heap ${signedMib(w.after.heapUsed - w.before.heapUsed)}, external ${signedMib(w.after.external - w.before.external)} of which array buffers ${signedMib(w.after.arrayBuffers - w.before.arrayBuffers)}; trie ${mib(w.measured.trieBytes)}]`);
    console.log(`  RSS ${mib(w.before.rss)} -> ${mib(w.after.rss)} (${signedMib(dRss)}), ${per(dRss)} bytes/prefix`);
    if (w.profile) console.log(w.profile);
  }

  if (runBirdPart) {
    if (!findTool('bird') || !findTool('birdc')) {
      console.log('bird: skipped (bird / birdc not installed; apt-get install bird2)');
    } else {
      const b = await runBird(stream);
      const how = birdCountMode === 'imported' ? '`birdc show protocols all feed` (imported routes)' : '`birdc show route count table master4`';
      const gran = `polled every ${BIRD_POLL_MS} ms with ${how}, ${b.polls} polls of ${b.pollMs.toFixed(1)} ms each; finished between ${secs(b.lowerUs)} and ${secs(b.upperUs)}`;
      if (b.matched) birdUs = b.upperUs;
      const what = b.matched
        ? `${int(b.count.routes)} prefixes in ${secs(b.upperUs)} (${int(b.count.routes / (b.upperUs / 1e6))} prefixes/s)${matchNote(b.matched)}`
        : `INCOMPLETE: ${int(b.count.routes)} of ${int(stream.finalCount)} prefixes, the last change seen ${secs(b.upperUs)} after the first UPDATE`;
      console.log(`bird ${b.version}: ${what}`);
      console.log(`  ${gran}`);
      console.log(`  table master4: ${int(b.count.routes)} routes for ${int(b.count.networks)} networks${b.unreachable !== null ? `, ${int(b.unreachable)} of them unreachable (iBGP next hops that nothing resolves; they stay in the table)` : ''}`);
      console.log(`  replayer: last byte taken by the socket at ${secs(b.send.writtenUs - b.send.startUs)}, ${b.send.cpuMs.toFixed(0)} ms of its CPU, ${b.send.drains} waits for 'drain'`);
      const held = b.count.routes;
      const memLine = (key: string): string => {
        const d = birdMem(b.memAfter, key) - birdMem(b.memBefore, key);
        const eff = (b.memAfter[key]?.effective ?? NaN) - (b.memBefore[key]?.effective ?? NaN);
        return `${key.toLowerCase()} ${mib(birdMem(b.memBefore, key))} -> ${mib(birdMem(b.memAfter, key))} (${int(d / held)} bytes/prefix, effective alone ${int(eff / held)})`;
      };
      console.log(`  memory (\`show memory\`, effective + overhead): ${['Routing tables', 'Route attributes', 'Total'].map(memLine).join('; ')}`);
      console.log(`  RSS (VmRSS) ${mib(b.rssBefore)} -> ${mib(b.rssAfter)} (${signedMib(b.rssAfter - b.rssBefore)}), ${int((b.rssAfter - b.rssBefore) / held)} bytes/prefix`);
    }
  }

  if (wrenUs !== null && birdUs !== null) {
    console.log(`ratio: wren takes ${(wrenUs / birdUs).toFixed(2)}x BIRD's time (BIRD's time has the ${BIRD_POLL_MS} ms polling granularity)`);
  } else if (runWrenPart && runBirdPart) {
    console.log('ratio: not computed (a receiver was skipped or did not take the whole table)');
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench:ingest failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(overall);
}
