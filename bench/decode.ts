// npm run bench:decode: decode every UPDATE of a full-table MRT update stream in memory, then time
// `wren decode --summary` against `bgpdump -m` on the same file. Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { decompress } from '../src/formats/decompress.js';
import { readMrt } from '../src/formats/mrt.js';
import { AttributeCache, decodeMessage, familyKey, type CodecContext } from '../src/wire/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const defaultFile = `${root}/pcap-fixtures/bgpdump/test_data/updates.et-header.2015.gz`;
const file = process.argv[2] ?? defaultFile;

const raw = readFileSync(file);
const { data } = decompress(raw);
const messages: { msg: Uint8Array; ctx: CodecContext }[] = [];
const none = new Set<number>();
const all = new Set([familyKey(1, 1), familyKey(2, 1)]);
for (const r of readMrt(data)) {
  if (r.kind === 'bgp4mp-message' && r.message[18] === 2) {
    messages.push({ msg: r.message, ctx: { asn4: r.as4, addPath: r.addPath ? all : none, extendedMessage: true } });
  }
}

function decodeAll(cache?: AttributeCache): number {
  let prefixes = 0;
  for (const { msg, ctx } of messages) {
    const m = decodeMessage(msg, cache ? { ...ctx, attributeCache: cache } : ctx).message;
    if (m.type === 'update') {
      prefixes += m.nlri.count + m.withdrawn.count;
      for (const a of m.attributes) {
        if (a.type === 'mp-reach') prefixes += a.nlri?.count ?? 0;
        else if (a.type === 'mp-unreach') prefixes += a.withdrawn?.count ?? 0;
      }
    }
  }
  return prefixes;
}

/** Best of several runs after a warm-up (the machine has 2 cores and other work on them). */
function measure(label: string, withCache: boolean): void {
  // A session keeps one cache for its lifetime; each run starts cold, as a new session would.
  for (let i = 0; i < 3; i++) decodeAll(withCache ? new AttributeCache() : undefined);
  let best = Infinity;
  let prefixes = 0;
  for (let i = 0; i < 7; i++) {
    const cache = withCache ? new AttributeCache() : undefined;
    const t0 = performance.now();
    prefixes = decodeAll(cache);
    best = Math.min(best, performance.now() - t0);
  }
  const secs = best / 1000;
  console.log(`in-library decode, ${label}: ${messages.length.toLocaleString()} UPDATEs, ${prefixes.toLocaleString()} prefixes in ${best.toFixed(1)} ms`);
  console.log(`  ${Math.round(messages.length / secs).toLocaleString()} UPDATEs/s, ${Math.round(prefixes / secs).toLocaleString()} prefixes/s`);
}
measure('no attribute cache', false);
measure('with a per-session attribute cache', true);

function timeCommand(cmd: string, args: string[], runs = 5): number {
  let t = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 });
    if (r.status !== 0 && r.status !== 3) throw new Error(`${cmd} exited ${r.status}`);
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

const wrenBin = `${root}/dist/bin/wren.js`;
const wrenMs = timeCommand(process.execPath, [wrenBin, 'decode', '--summary', file]);
console.log(`wren decode --summary: ${wrenMs.toFixed(0)} ms (best of 5, includes Node start-up)`);
const hasBgpdump = spawnSync('sh', ['-c', 'command -v bgpdump']).status === 0;
if (hasBgpdump) {
  const bgpdumpMs = timeCommand('bgpdump', ['-m', file]);
  console.log(`bgpdump -m:            ${bgpdumpMs.toFixed(0)} ms (best of 5)`);
  console.log(`ratio: wren is ${(bgpdumpMs / wrenMs).toFixed(2)}x the speed of bgpdump -m`);
} else {
  console.log('bgpdump not installed (apt-get install bgpdump): CLI ratio not measured');
}
{
  const c = new AttributeCache();
  decodeAll(c);
  console.log(`attribute cache: ${c.hits.toLocaleString()} hits, ${c.misses.toLocaleString()} misses, ${c.entries.toLocaleString()} entries`);
}
