// Prometheus metrics read from live speakers: sessions, prefixes, UPDATEs, NOTIFICATIONs, FIB.
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, serveMetrics } from '../../../src/api/metrics.js';
import { Speaker } from '../../../src/api/speaker.js';
import { MemoryFib } from '../../../src/fib/index.js';
import { until } from '../../helpers/until.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** The value of one sample in Prometheus text ("name{labels} value"). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics', () => {
  it('reports sessions, prefixes, messages and the FIB, over HTTP', async () => {
    const host = new Speaker({ localAsn: 500, routerId: '127.0.0.111', listen: { address: '127.0.0.111', port: 0 }, idleHoldTime: 1, fib: { backend: new MemoryFib(), delayMs: 1, allowedPrefixes: ['10.244.0.0/16'] } });
    const node = new Speaker({ localAsn: 64512, routerId: '127.0.0.112', listen: false, idleHoldTime: 1, connectRetryTime: 1 });
    await host.start();
    cleanup.push(() => host.stop());
    host.addPeer({ address: '127.0.0.112', remoteAsn: 64512, passive: true });
    host.addPeer({ address: '127.0.0.113', remoteAsn: 64513, passive: true, description: 'never comes' });
    node.addPeer({ address: '127.0.0.111', remoteAsn: 500, port: host.listenAddress!.port, localAddress: '127.0.0.112' });
    await node.start();
    cleanup.push(() => node.stop());
    node.announce({ prefix: '10.244.1.0/26' });
    node.announce({ prefix: '10.244.2.0/26' });
    node.announce({ prefix: '203.0.113.0/24' });
    await until('installed', () => host.fib!.installed().length === 2 && host.fib!.counters.refused === 1);

    const registry = createMetrics({ speaker: host, health: () => new Map([['10.96.0.10/32', 'down' as const]]) });
    const served = await serveMetrics(registry, { address: '127.0.0.111', port: 0 });
    cleanup.push(() => new Promise((r) => served.server.close(() => r())));
    const res = await fetch(`http://127.0.0.111:${served.port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sample(text, 'wren_peers', { state: 'Established' })).toBe(1);
    expect(sample(text, 'wren_peers', { state: 'Active' })).toBe(1);
    expect(sample(text, 'wren_peer_up', { peer: '127.0.0.112' })).toBe(1);
    expect(sample(text, 'wren_peer_up', { peer: '127.0.0.113' })).toBe(0);
    expect(sample(text, 'wren_prefixes_accepted', { peer: '127.0.0.112', family: 'ipv4-unicast' })).toBe(3);
    expect(sample(text, 'wren_prefixes_best', { peer: '127.0.0.112' })).toBe(3);
    expect(sample(text, 'wren_prefixes_installed', { peer: '127.0.0.112' })).toBe(2);
    expect(sample(text, 'wren_updates_received_total', { peer: '127.0.0.112' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'wren_rib_prefixes', { family: 'ipv4-unicast' })).toBe(3);
    expect(sample(text, 'wren_fib_routes')).toBe(2);
    expect(sample(text, 'wren_fib_operations_total', { op: 'replace' })).toBe(2);
    expect(sample(text, 'wren_fib_errors_total', { kind: 'refused' })).toBe(1);
    expect(sample(text, 'wren_health_check_up', { prefix: '10.96.0.10/32' })).toBe(0);
    expect((await fetch(`http://127.0.0.111:${served.port}/other`)).status).toBe(404);

    // A NOTIFICATION is counted by direction, code and subcode. Both speakers announce graceful
    // restart with the N bit, so a stop is a Hard Reset (RFC 8538: Cease / 9).
    await node.stop('bye');
    await until('down', () => host.peerStates()[0]!.state !== 'Established');
    await until('notification counted', () => Object.keys(host.peerStates()[0]!.stats.notificationsReceived).length > 0);
    const after = await registry.metrics();
    expect(sample(after, 'wren_notifications_total', { peer: '127.0.0.112', direction: 'received', code: '6', subcode: '9' })).toBe(1);
  });
});
