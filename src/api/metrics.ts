// Prometheus metrics of a speaker (prom-client), read from the speaker when scraped: nothing is
// counted twice and nothing runs between scrapes. One registry per speaker, never the global one,
// so that a library user can run several speakers and expose them as they like.

import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Speaker } from './speaker.js';

export interface MetricsSources {
  readonly speaker: Speaker;
  /** Health checks by announcement prefix: 'up' or 'down'. */
  readonly health?: () => ReadonlyMap<string, 'up' | 'down'>;
}

const STATES = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'] as const;

/**
 * The metrics (all prefixed `wren_`):
 * - `wren_peers{state}`, `wren_peer_up{peer}` (1 when Established), `wren_peer_established_total{peer}`;
 * - `wren_prefixes_accepted{peer,family}` (in the Adj-RIB-In after import policy),
 *   `wren_prefixes_rejected_total{peer,reason}` (policy, AS loop, originator id, cluster list),
 *   `wren_prefixes_best{peer}` (Loc-RIB prefixes whose best path came from the peer),
 *   `wren_prefixes_installed{peer}` (of those, installed in the forwarding table);
 * - `wren_updates_received_total{peer}`, `wren_updates_sent_total{peer}`,
 *   `wren_notifications_total{peer,direction,code,subcode}`;
 * - `wren_rib_prefixes{family}`, `wren_rib_paths{family}`;
 * - `wren_fib_routes`, `wren_fib_operations_total{op}`, `wren_fib_errors_total{kind}` (failed, refused);
 * - `wren_health_check_up{prefix}`.
 */
export function createMetrics(sources: MetricsSources): Registry {
  const registry = new Registry();
  const { speaker } = sources;
  const reg = { registers: [registry] };

  new Gauge({
    name: 'wren_peers',
    help: 'Configured peers by session state',
    labelNames: ['state'],
    ...reg,
    collect() {
      this.reset();
      const counts = new Map<string, number>(STATES.map((s) => [s, 0]));
      for (const p of speaker.peerStates()) counts.set(p.state, (counts.get(p.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'wren_peer_up',
    help: '1 when the session with the peer is Established',
    labelNames: ['peer'],
    ...reg,
    collect() {
      this.reset();
      for (const p of speaker.peerStates()) this.set({ peer: p.address }, p.state === 'Established' ? 1 : 0);
    },
  });
  counterFrom(registry, 'wren_peer_established_total', 'Times the session reached Established', ['peer'], (add) => {
    for (const p of speaker.peerStates()) add({ peer: p.address }, p.stats.established);
  });
  new Gauge({
    name: 'wren_prefixes_accepted',
    help: 'Paths in the Adj-RIB-In of the peer, after import policy',
    labelNames: ['peer', 'family'],
    ...reg,
    collect() {
      this.reset();
      for (const p of speaker.peerStates()) {
        const status = speaker.rib.peerStatus(p.address);
        for (const f of status?.families ?? []) this.set({ peer: p.address, family: f.family === 0x0101 ? 'ipv4-unicast' : f.family === 0x0201 ? 'ipv6-unicast' : String(f.family) }, f.paths);
      }
    },
  });
  counterFrom(registry, 'wren_prefixes_rejected_total', 'Prefixes refused on import, by reason', ['peer', 'reason'], (add) => {
    for (const p of speaker.peerStates()) {
      const status = speaker.rib.peerStatus(p.address);
      if (!status) continue;
      for (const [reason, n] of Object.entries(status.rejected)) add({ peer: p.address, reason }, n);
    }
  });
  // One walk of the Loc-RIB serves both gauges: prom-client collects metrics in registration
  // order, so the walk happens in the first collect and the second reads its result.
  let walked: Map<string, { best: number; installed: number }> | null = null;
  const walk = () => {
    const counts = new Map<string, { best: number; installed: number }>();
    const fib = speaker.fib;
    for (const r of speaker.routes()) {
      const peer = r.best.peerId;
      let c = counts.get(peer);
      if (!c) counts.set(peer, (c = { best: 0, installed: 0 }));
      c.best++;
      if (fib?.prefixStatus(r.prefix)?.state === 'installed') c.installed++;
    }
    return counts;
  };
  new Gauge({
    name: 'wren_prefixes_best',
    help: 'Loc-RIB prefixes whose best path came from the peer',
    labelNames: ['peer'],
    ...reg,
    collect() {
      walked = walk();
      this.reset();
      for (const [peer, c] of walked) this.set({ peer }, c.best);
    },
  });
  new Gauge({
    name: 'wren_prefixes_installed',
    help: 'Prefixes of wren_prefixes_best installed in the forwarding table',
    labelNames: ['peer'],
    ...reg,
    collect() {
      const counts = walked ?? walk();
      walked = null;
      this.reset();
      for (const [peer, c] of counts) this.set({ peer }, c.installed);
    },
  });
  counterFrom(registry, 'wren_updates_received_total', 'UPDATE messages received', ['peer'], (add) => {
    for (const p of speaker.peerStates()) add({ peer: p.address }, p.stats.updatesReceived);
  });
  counterFrom(registry, 'wren_updates_sent_total', 'UPDATE messages sent', ['peer'], (add) => {
    for (const p of speaker.peerStates()) add({ peer: p.address }, p.stats.updatesSent);
  });
  counterFrom(registry, 'wren_notifications_total', 'NOTIFICATION messages by direction, code and subcode', ['peer', 'direction', 'code', 'subcode'], (add) => {
    for (const p of speaker.peerStates()) {
      for (const [direction, counts] of [['sent', p.stats.notificationsSent], ['received', p.stats.notificationsReceived]] as const) {
        for (const [key, n] of Object.entries(counts)) {
          const [code = '', subcode = ''] = key.split('/');
          add({ peer: p.address, direction, code, subcode }, n);
        }
      }
    }
  });
  new Gauge({
    name: 'wren_rib_prefixes',
    help: 'Prefixes in the Loc-RIB',
    labelNames: ['family'],
    ...reg,
    collect() {
      const s = speaker.rib.stats;
      this.set({ family: 'ipv4-unicast' }, s.prefixes.ipv4);
      this.set({ family: 'ipv6-unicast' }, s.prefixes.ipv6);
    },
  });
  new Gauge({
    name: 'wren_rib_paths',
    help: 'Paths held in the RIB (every peer)',
    labelNames: ['family'],
    ...reg,
    collect() {
      const s = speaker.rib.stats;
      this.set({ family: 'ipv4-unicast' }, s.paths.ipv4);
      this.set({ family: 'ipv6-unicast' }, s.paths.ipv6);
    },
  });
  if (speaker.fib) {
    const fib = speaker.fib;
    new Gauge({
      name: 'wren_fib_routes',
      help: 'Routes Wren has installed in the forwarding table',
      ...reg,
      collect() {
        this.set(fib.installed().length);
      },
    });
    counterFrom(registry, 'wren_fib_operations_total', 'Forwarding-table writes that succeeded, by operation', ['op'], (add) => {
      add({ op: 'replace' }, fib.counters.replaced);
      add({ op: 'delete' }, fib.counters.deleted);
    });
    counterFrom(registry, 'wren_fib_errors_total', 'Routes the forwarding table refused (failed) or the guard rails kept out (refused)', ['kind'], (add) => {
      add({ kind: 'failed' }, fib.counters.failed);
      add({ kind: 'refused' }, fib.counters.refused);
    });
  }
  if (sources.health) {
    const health = sources.health;
    new Gauge({
      name: 'wren_health_check_up',
      help: '1 while the health check of an announcement passes',
      labelNames: ['prefix'],
      ...reg,
      collect() {
        this.reset();
        for (const [prefix, state] of health()) this.set({ prefix }, state === 'up' ? 1 : 0);
      },
    });
  }
  return registry;
}

/** A counter whose values are read from cumulative totals the speaker keeps. */
function counterFrom(registry: Registry, name: string, help: string, labelNames: string[], read: (add: (labels: Record<string, string>, value: number) => void) => void): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      read((labels, value) => {
        if (value > 0) this.inc(labels, value);
      });
    },
  });
}

/** Serves `GET /metrics` (and nothing else) on an HTTP listener. */
export async function serveMetrics(registry: Registry, listen: { address: string; port: number }): Promise<{ server: Server; address: string; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Wren serves /metrics only\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address();
  return { server, address: listen.address, port: typeof a === 'object' && a ? a.port : listen.port };
}
