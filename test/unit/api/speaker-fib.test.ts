// The Speaker keeping a forwarding table (MemoryFib) in step with its Loc-RIB: ECMP routes in,
// withdrawals out, routes kept across a restart and reconciled, removed on a clean stop.
import { describe, expect, it } from 'vitest';
import { Speaker } from '../../../src/api/speaker.js';
import { MemoryFib, MemoryKernel, type FibRoute } from '../../../src/fib/index.js';
import { until } from '../../helpers/until.js';
import { link, useSpeakers } from '../../helpers/speakers.js';

const { speaker, speakers } = useSpeakers();

const sorted = (routes: FibRoute[]) =>
  routes.map((r) => ({ prefix: r.prefix, hops: r.nextHops.map((h) => h.address).sort() })).sort((x, y) => x.prefix.localeCompare(y.prefix));

describe('Speaker with a FIB', () => {
  it('installs the ECMP set as one route, shrinks it on a withdrawal, and removes its routes on stop', async () => {
    const kernel = new MemoryKernel();
    const host = await speaker('127.0.0.60', 500, { maxPaths: { ebgp: 8 }, multipathRelax: true, fib: { backend: new MemoryFib({ kernel }), delayMs: 1 } });
    const n1 = await speaker('127.0.0.61', 64512);
    const n2 = await speaker('127.0.0.62', 64513);
    link(n1, host);
    link(n2, host);
    n1.announce({ prefix: '10.244.1.0/26' });
    n1.announce({ prefix: '10.96.0.10/32' });
    n2.announce({ prefix: '10.244.2.0/26' });
    n2.announce({ prefix: '10.96.0.10/32' });
    const fib = new MemoryFib({ kernel });
    await until('three routes in the table', async () => (await fib.list()).length === 3 && (await fib.list()).some((r) => r.nextHops.length === 2));
    expect(sorted(await fib.list())).toEqual([
      { prefix: '10.244.1.0/26', hops: ['127.0.0.61'] },
      { prefix: '10.244.2.0/26', hops: ['127.0.0.62'] },
      { prefix: '10.96.0.10/32', hops: ['127.0.0.61', '127.0.0.62'] },
    ]);
    expect(host.fib!.prefixStatus('10.96.0.10/32')).toMatchObject({ state: 'installed' });
    // Our own announcements are not forwarded anywhere: never in the table.
    host.announce({ prefix: '198.51.100.1/32' });
    n2.withdraw('10.96.0.10/32');
    await until('VIP down to one next hop', async () => (await fib.list()).find((r) => r.prefix === '10.96.0.10/32')?.nextHops.length === 1);
    expect(sorted(await fib.list()).map((r) => r.prefix)).not.toContain('198.51.100.1/32');
    await host.stop();
    expect(await fib.list()).toEqual([]);
  });

  it('keeps its routes across a graceful restart, and a restarted speaker reconciles without rewriting them', async () => {
    const kernel = new MemoryKernel();
    const writes: number[] = [];
    const node = await speaker('127.0.0.71', 64512, { gracefulRestart: { restartTime: 30 } });
    node.announce({ prefix: '10.244.7.0/26' });
    node.announce({ prefix: '10.244.8.0/26' });
    const first = await speaker('127.0.0.70', 64512, { fib: { backend: new MemoryFib({ kernel }), delayMs: 1 } });
    link(first, node);
    const fib = new MemoryFib({ kernel });
    await until('two routes', async () => (await fib.list()).length === 2);
    await first.stop('restarting', { gracefulRestart: true });
    expect((await fib.list()).length).toBe(2);
    // Someone's leftover from an older run that the RIB will no longer want.
    await fib.apply([{ op: 'replace', route: { prefix: '10.244.99.0/26', nextHops: [{ address: '127.0.0.71' }] } }]);

    node.withdraw('10.244.8.0/26');
    speakers.splice(speakers.indexOf(first), 1);
    // As a daemon does: peers configured, then started. Nothing is deleted before they have spoken.
    const second = new Speaker({
      localAsn: 64512,
      routerId: '127.0.0.70',
      listen: false,
      idleHoldTime: 1,
      connectRetryTime: 1,
      fib: { backend: new MemoryFib({ kernel }), delayMs: 1, onFlush: (r) => writes.push(r.outcomes.length) },
    });
    speakers.push(second);
    second.addPeer({ address: '127.0.0.71', remoteAsn: 64512, port: node.listenAddress!.port, localAddress: '127.0.0.70' });
    await second.start();
    expect((await fib.list()).length).toBe(3);
    await until('reconciled after End-of-RIB', () => second.fib!.initialSyncComplete);
    expect(sorted(await fib.list())).toEqual([{ prefix: '10.244.7.0/26', hops: ['127.0.0.71'] }]);
    // The route that was there already was not written again: only the two deletes.
    expect(writes.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('reconciles after the sync delay when a configured peer never comes up', async () => {
    const kernel = new MemoryKernel();
    const fib = new MemoryFib({ kernel });
    await fib.apply([{ op: 'replace', route: { prefix: '10.244.5.0/26', nextHops: [{ address: '127.0.0.81' }] } }]);
    const s = new Speaker({ localAsn: 64512, routerId: '127.0.0.80', listen: false, fib: { backend: new MemoryFib({ kernel }), syncDelayMs: 50 } });
    s.addPeer({ address: '127.0.0.81', remoteAsn: 64512, port: 1 });
    speakers.push(s);
    await s.start();
    expect(s.initialSyncDone()).toBe(false);
    expect((await fib.list()).length).toBe(1);
    await until('synced on the timer', () => s.fib!.initialSyncComplete);
    expect(await fib.list()).toEqual([]);
  });

  it('reports a route the guard refused, with the reason', async () => {
    const host = await speaker('127.0.0.90', 500, { fib: { backend: new MemoryFib(), delayMs: 1, allowedPrefixes: ['10.244.0.0/16'] } });
    const n = await speaker('127.0.0.91', 64512);
    link(n, host);
    n.announce({ prefix: '10.244.3.0/26' });
    n.announce({ prefix: '203.0.113.0/24' });
    await until('both flushed', () => host.fib!.prefixStatus('10.244.3.0/26')?.state === 'installed' && host.fib!.prefixStatus('203.0.113.0/24')?.state === 'refused');
    expect(host.fib!.prefixStatus('203.0.113.0/24')).toMatchObject({ state: 'refused', reason: 'not-allowed' });
    expect(host.fib!.counters.refused).toBeGreaterThan(0);
  });
});

describe('Speaker with a FIB, before the first reconcile', () => {
  it('never narrows an ECMP route found at start while the peers are still coming up', async () => {
    const kernel = new MemoryKernel();
    const fib = new MemoryFib({ kernel });
    await fib.apply([{ op: 'replace', route: { prefix: '10.96.0.10/32', nextHops: [{ address: '127.0.0.121' }, { address: '127.0.0.122' }] } }]);
    const node1 = await speaker('127.0.0.121', 64512);
    node1.announce({ prefix: '10.96.0.10/32' });
    node1.announce({ prefix: '10.244.1.0/26' });
    const writes: string[] = [];
    const host = new Speaker({
      localAsn: 500,
      routerId: '127.0.0.120',
      listen: false,
      idleHoldTime: 1,
      connectRetryTime: 1,
      maxPaths: { ebgp: 8 },
      fib: { backend: new MemoryFib({ kernel }), delayMs: 1, syncDelayMs: 60_000, onFlush: (r) => writes.push(...r.outcomes.map((o) => `${o.change.op} ${o.change.route.prefix}`)) },
    });
    speakers.push(host);
    node1.addPeer({ address: '127.0.0.120', remoteAsn: 500, passive: true });
    host.addPeer({ address: '127.0.0.121', remoteAsn: 64512, port: node1.listenAddress!.port, localAddress: '127.0.0.120' });
    host.addPeer({ address: '127.0.0.122', remoteAsn: 64512, port: 1, localAddress: '127.0.0.120' }); // node 2: not back yet
    await host.start();
    await until('node 1 routes installed', async () => (await fib.list()).some((r) => r.prefix === '10.244.1.0/26'));
    // The VIP came from node 1 only, and is still the two-hop route found at start.
    expect(host.route('10.96.0.10/32')!.nextHops).toEqual(['127.0.0.121']);
    expect((await fib.list()).find((r) => r.prefix === '10.96.0.10/32')!.nextHops.map((h) => h.address).sort()).toEqual(['127.0.0.121', '127.0.0.122']);
    expect(writes).toEqual(['replace 10.244.1.0/26']);
    // The reconcile (End-of-RIB from all, or the delay) settles it.
    await host.fib!.sync();
    expect((await fib.list()).find((r) => r.prefix === '10.96.0.10/32')!.nextHops.map((h) => h.address)).toEqual(['127.0.0.121']);
  });

  it('keeps the routes of a previous run when the peers are added after start', async () => {
    const kernel = new MemoryKernel();
    const fib = new MemoryFib({ kernel });
    await fib.apply([{ op: 'replace', route: { prefix: '10.244.9.0/26', nextHops: [{ address: '192.0.2.2' }] } }]);
    const s = new Speaker({ localAsn: 64512, routerId: '127.0.0.130', listen: false, fib: { backend: new MemoryFib({ kernel }), syncDelayMs: 60_000 } });
    speakers.push(s);
    await s.start();
    s.addPeer({ address: '192.0.2.2', remoteAsn: 64512, port: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(s.fib!.initialSyncComplete).toBe(false);
    expect((await fib.list()).length).toBe(1);
  });
});

describe('Speaker with a FIB, routes changed by someone else', () => {
  for (const mode of ['restore', 'report'] as const) {
    it(`${mode}s a route of ours deleted behind its back`, async () => {
      const { EventEmitter } = await import('node:events');
      const kernel = new MemoryKernel();
      const fib = new MemoryFib({ kernel });
      const monitor = new EventEmitter();
      const host = await speaker(`127.0.0.14${mode === 'restore' ? 0 : 2}`, 500, { fib: { backend: new MemoryFib({ kernel }), delayMs: 1, monitor, foreignChanges: mode } });
      const n = await speaker(`127.0.0.14${mode === 'restore' ? 1 : 3}`, 64512);
      link(n, host);
      n.announce({ prefix: '10.244.4.0/26' });
      await until('installed', async () => (await fib.list()).length === 1);
      // `ip route del 10.244.4.0/26 proto 87`, and the monitor's event for it.
      const [route] = await fib.list();
      await fib.apply([{ op: 'delete', route: route! }]);
      monitor.emit('deleted', route);
      await until('noticed', () => host.fib!.counters.foreign === 1, 3000);
      if (mode === 'restore') await until('put back', async () => (await fib.list()).length === 1, 3000);
      else {
        await new Promise((r) => setTimeout(r, 100));
        expect(await fib.list()).toEqual([]);
      }
      // Our own writes make events too, and are not taken for someone else's.
      monitor.emit('changed', route);
      await new Promise((r) => setTimeout(r, 400));
      expect(host.fib!.counters.foreign).toBe(1);
    });
  }
});
