// Micro-benchmark of the RIB (not a test): insert the full table of an MRT update stream
// (577k IPv4 prefixes from one peer) and report the time and the memory the RIB holds per prefix.
//
//   npx tsc -p tsconfig.build.json && node --expose-gc dist/bench/rib-insert.js [--shared-cache] [file.mrt.gz]
//
// Memory: heapUsed + arrayBuffers (the trie's typed arrays live outside the JS heap) after
// global.gc(), before and after loading, with the decoded UPDATEs and the decoder's attribute
// cache released: what the RIB itself retains (attribute objects included). The loading runs in
// a plain function: a suspended async frame can keep its dead locals (the cache) reachable, which
// once made the same RIB look 50 bytes/prefix bigger. Time: decoding is done beforehand, so the
// figure is applyUpdate() alone (deltas included); best of several runs into a fresh RIB.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { decompress } from '../src/formats/decompress.js';
import { readMrt } from '../src/formats/mrt.js';
import { AttributeCache, decodeMessage, type CodecContext, type UpdateMessage } from '../src/wire/index.js';
import { Rib, type PeerInfo } from '../src/rib/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
/** --shared-cache: all sessions decode through one AttributeCache, so peers share equal attributes. */
const sharedCache = args.includes('--shared-cache');
const file = args.find((a) => !a.startsWith('--')) ?? `${root}/pcap-fixtures/bgpdump/test_data/updates.et-header.2015.gz`;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const raw = decompress(readFileSync(file)).data;
interface Msg {
  readonly bytes: Uint8Array;
  readonly ctx: CodecContext;
  readonly peer: string;
  readonly peerAsn: number;
}
const messages: Msg[] = [];
for (const r of readMrt(raw)) {
  if (r.kind !== 'bgp4mp-message' || r.message[18] !== 2 || r.local) continue;
  messages.push({ bytes: r.message, ctx: { asn4: r.as4, addPath: new Set(), extendedMessage: true }, peer: r.peerIp, peerAsn: r.peerAsn });
}
const peerIds = [...new Set(messages.map((m) => m.peer))];

function peerInfo(address: string, asn: number, suffix = ''): PeerInfo {
  // The stream carries ORIGINATOR_ID and CLUSTER_LIST: the collector peered over iBGP.
  return { id: `${address}${suffix}`, address, asn, routerId: address.includes(':') ? '10.255.255.1' : address, ibgp: true, localAsn: asn };
}

function newRib(copies: number): Rib {
  const rib = new Rib({ routerId: '192.0.2.254', localAsn: messages[0]?.peerAsn ?? 65000 });
  for (let c = 0; c < copies; c++) {
    for (const p of peerIds) rib.addPeer(peerInfo(p, messages.find((m) => m.peer === p)!.peerAsn, c ? `#${c}` : ''));
  }
  return rib;
}

/** Live bytes: heapUsed + arrayBuffers after full collections, with pauses for the concurrent sweeper. */
async function heap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Streams decode + insert into a new RIB, as sessions would (a plain function: nothing it used outlives it). */
function load(copies: number): { rib: Rib; deltas: number } {
  const rib = newRib(copies);
  let deltas = 0;
  const shared = new AttributeCache();
  for (let c = 0; c < copies; c++) {
    const cache = sharedCache ? shared : new AttributeCache();
    for (const m of messages) {
      const u = decodeMessage(m.bytes, { ...m.ctx, attributeCache: cache }).message as UpdateMessage;
      deltas += rib.applyUpdate(c ? `${m.peer}#${c}` : m.peer, u).length;
      // As sessions would: take what is to be sent to the other peers.
      if (copies > 1) for (const p of peerIds) for (let k = 0; k < copies; k++) rib.drainAdjRibOut(k ? `${p}#${k}` : p);
    }
  }
  return { rib, deltas };
}

async function memoryRun(copies: number): Promise<void> {
  const before = await heap();
  const { rib, deltas } = load(copies);
  const loaded = await heap();
  rib.compact(); // as End-of-RIB does
  const after = await heap();
  const s = rib.stats;
  const prefixes = s.prefixes.ipv4 + s.prefixes.ipv6;
  console.log(
    `memory, ${copies} peer(s) with the table${sharedCache && copies > 1 ? ' (one attribute cache for all sessions)' : ''}: ${prefixes.toLocaleString()} prefixes, ${(s.paths.ipv4 + s.paths.ipv6).toLocaleString()} paths, ` +
      `${deltas.toLocaleString()} deltas; RIB holds ${((after - before) / 1e6).toFixed(1)} MB = ${((after - before) / prefixes).toFixed(1)} bytes/prefix ` +
      `(${((loaded - before) / prefixes).toFixed(1)} before compaction; trie nodes and slots ${(s.trieBytes / prefixes).toFixed(1)} bytes/prefix)`,
  );
}

/** Decoded beforehand; times applyUpdate alone. */
function timeRun(): void {
  const cache = new AttributeCache();
  const decoded = messages.map((m) => decodeMessage(m.bytes, { ...m.ctx, attributeCache: cache }).message as UpdateMessage);
  let best = Infinity;
  let prefixes = 0;
  for (let run = 0; run < 5; run++) {
    const rib = newRib(1);
    const t0 = performance.now();
    for (let i = 0; i < decoded.length; i++) rib.applyUpdate(messages[i]!.peer, decoded[i]!);
    const ms = performance.now() - t0;
    prefixes = rib.stats.prefixes.ipv4 + rib.stats.prefixes.ipv6;
    best = Math.min(best, ms);
  }
  console.log(
    `insert: ${decoded.length.toLocaleString()} UPDATEs, ${prefixes.toLocaleString()} prefixes in ${best.toFixed(0)} ms (best of 5): ` +
      `${Math.round(prefixes / (best / 1000)).toLocaleString()} prefixes/s, ${((best * 1000) / prefixes).toFixed(2)} us/prefix`,
  );
  // A second peer with the same table: every prefix gets a second path and a decision.
  const rib = newRib(2);
  for (let i = 0; i < decoded.length; i++) rib.applyUpdate(messages[i]!.peer, decoded[i]!);
  const t0 = performance.now();
  for (let i = 0; i < decoded.length; i++) rib.applyUpdate(`${messages[i]!.peer}#1`, decoded[i]!);
  const ms = performance.now() - t0;
  console.log(`second peer, same table: ${ms.toFixed(0)} ms, ${Math.round(prefixes / (ms / 1000)).toLocaleString()} prefixes/s`);
  const w0 = performance.now();
  for (const id of [...peerIds, ...peerIds.map((p) => `${p}#1`)]) rib.peerDown(id);
  console.log(`both peers down (every prefix withdrawn): ${(performance.now() - w0).toFixed(0)} ms; ${rib.stats.prefixes.ipv4} prefixes left`);
}

await memoryRun(1);
await memoryRun(2);
timeRun();
