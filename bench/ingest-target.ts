// The Wren receiver of bench/ingest.ts, in a process of its own so that its memory is Wren's
// alone: `node --expose-gc dist/bench/ingest-target.js`, forked by the driver and steered over the
// IPC channel (see ingest-common.ts). It runs one Speaker with one passive iBGP peer (the
// replayer) and counts the Loc-RIB on every 'routes' event with the RIB's own counter (O(1)).

import { Speaker } from '../src/api/speaker.js';
import { memoryAfterGc, nowUs, type TargetCommand, type TargetEvent, type TargetStatus } from './ingest-common.js';

if (!process.send) {
  console.error('bench/ingest-target.js is started by bench/ingest.js (it needs the IPC channel)');
  process.exit(2);
}

function send(e: TargetEvent): void {
  process.send!(e);
}

let speaker: Speaker | null = null;
let peerAddress = '';
let count = 0;
let routeEvents = 0;
let firstUs: number | null = null;
let lastChangeUs: number | null = null;
let doneUs: number | null = null;
let reachedPeak = false;

function status(): TargetStatus {
  const peer = speaker?.peerStates().find((p) => p.address === peerAddress);
  return { count, firstUs, lastChangeUs, doneUs, routeEvents, peerState: peer ? `${peer.state}${peer.info ? ` (${peer.info})` : ''}` : 'none' };
}

async function start(c: Extract<TargetCommand, { cmd: 'start' }>): Promise<void> {
  const s = new Speaker({ localAsn: 65000, routerId: c.routerId, listen: { address: c.listenAddress, port: 0 }, gracefulRestart: false });
  speaker = s;
  peerAddress = c.peerAddress;
  s.addPeer({ address: c.peerAddress, remoteAsn: 65000, passive: true });
  s.on('routes', () => {
    const t = nowUs();
    routeEvents++;
    firstUs ??= t;
    lastChangeUs = t;
    count = s.rib.stats.prefixes.ipv4;
    if (count >= c.peakCount) reachedPeak = true;
    if (doneUs === null && reachedPeak && count === c.finalCount) {
      doneUs = t;
      send({ ev: 'done', status: status() });
    }
  });
  await s.start();
  const listen = s.listenAddress;
  if (!listen) throw new Error('the speaker is not listening');
  send({ ev: 'ready', port: listen.port, memory: memoryAfterGc(), pid: process.pid });
}

/** Memory first (with nothing extra allocated), then the O(n) checks. */
function measure(): void {
  const s = speaker!;
  const memory = memoryAfterGc();
  const routesLength = s.routes({ afi: 1 }).length;
  const peer = s.peerStates().find((p) => p.address === peerAddress);
  const st = s.rib.peerStatus(peerAddress);
  send({
    ev: 'measured',
    memory,
    status: status(),
    routesLength,
    prefixesReceived: peer?.prefixesReceived ?? 0,
    rejected: st ? { ...st.rejected } : null,
    trieBytes: s.rib.stats.trieBytes,
  });
}

process.on('message', (raw) => {
  const c = raw as TargetCommand;
  void (async () => {
    try {
      switch (c.cmd) {
        case 'start':
          await start(c);
          break;
        case 'status':
          send({ ev: 'status', status: status() });
          break;
        case 'measure':
          measure();
          break;
        case 'stop':
          await speaker?.stop('benchmark over');
          // A normal exit, so that --cpu-prof writes its profile.
          process.exit(0);
      }
    } catch (e) {
      send({ ev: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  })();
});
// The driver went away: do not linger.
process.on('disconnect', () => process.exit(1));
