// Wren speakers in one process, over real loopback TCP.
import { describe, expect, it } from 'vitest';
import { Speaker } from '../../../src/api/speaker.js';
import { until } from '../../helpers/until.js';
import { link, useSpeakers } from '../../helpers/speakers.js';

const { speaker, speakers } = useSpeakers();

const established = (s: Speaker, n = 1) => () => s.peerStates().filter((p) => p.state === 'Established').length === n;

describe('Speaker', () => {
  it('peers, learns an announced route with the right next hop and AS path, and sees it withdrawn', async () => {
    const a = await speaker('127.0.0.21', 65001);
    const b = await speaker('127.0.0.22', 65002);
    link(a, b);
    await until('sessions', established(b));
    a.announce({ prefix: '10.96.0.10/32', communities: ['65001:100'], med: 50 });
    await until('route at b', () => b.route('10.96.0.10/32') !== null);
    const r = b.route('10.96.0.10/32')!;
    expect(r.nextHops).toEqual(['127.0.0.21']);
    expect(r.best.asPath).toEqual([{ type: 2, asns: [65001] }]);
    expect(b.explain('10.96.0.10/32')!.candidates).toHaveLength(1);
    // Routes flow the other way too.
    b.announce({ prefix: '192.0.2.0/24' });
    await until('route at a', () => a.route('192.0.2.0/24') !== null);
    expect(a.route('192.0.2.0/24')!.best.asPath).toEqual([{ type: 2, asns: [65002] }]);
    a.withdraw('10.96.0.10/32');
    await until('withdrawal at b', () => b.route('10.96.0.10/32') === null);
  });

  it('builds an ECMP set from two eBGP peers announcing the same anycast VIP, and shrinks it', async () => {
    const gw = await speaker('127.0.0.30', 500, { maxPaths: { ebgp: 8 }, multipathRelax: true });
    const n1 = await speaker('127.0.0.31', 64512);
    const n2 = await speaker('127.0.0.32', 64513);
    link(n1, gw);
    link(n2, gw);
    await until('both sessions', established(gw, 2));
    const changes = gw.changes();
    n1.announce({ prefix: '10.96.0.10/32' });
    n2.announce({ prefix: '10.96.0.10/32' });
    await until('two next hops', () => gw.route('10.96.0.10/32')?.nextHops.length === 2);
    expect([...gw.route('10.96.0.10/32')!.nextHops].sort()).toEqual(['127.0.0.31', '127.0.0.32']);
    const first = await changes.next();
    expect(first.value).toMatchObject({ prefix: '10.96.0.10/32' });
    n2.withdraw('10.96.0.10/32');
    await until('one next hop', () => gw.route('10.96.0.10/32')?.nextHops.length === 1);
    expect(gw.route('10.96.0.10/32')!.nextHops).toEqual(['127.0.0.31']);
    await changes.return!();
  });

  it('setAnnouncements sends only the difference', async () => {
    const a = await speaker('127.0.0.41', 65001);
    const b = await speaker('127.0.0.42', 65002);
    link(a, b);
    await until('session', established(b));
    a.setAnnouncements([{ prefix: '10.0.1.0/24' }, { prefix: '10.0.2.0/24' }]);
    await until('two routes', () => b.routes().length === 2);
    const seen: string[] = [];
    b.on('routes', (ds) => seen.push(...ds.map((d) => `${d.prefix}:${d.best ? 'up' : 'down'}`)));
    a.setAnnouncements([{ prefix: '10.0.2.0/24' }, { prefix: '10.0.3.0/24' }]);
    await until('the change', () => b.route('10.0.3.0/24') !== null && b.route('10.0.1.0/24') === null);
    expect(seen.sort()).toEqual(['10.0.1.0/24:down', '10.0.3.0/24:up']);
  });

  it('removes a stopped peer\'s routes and records its shutdown communication', async () => {
    const a = await speaker('127.0.0.51', 65001);
    const b = await speaker('127.0.0.52', 65002);
    link(a, b);
    await until('session', established(b));
    a.announce({ prefix: '10.1.0.0/16' });
    await until('route', () => b.route('10.1.0.0/16') !== null);
    await a.stop('maintenance window');
    await until('route gone', () => b.route('10.1.0.0/16') === null);
    expect(b.peerStates()[0]!.info).toContain('maintenance window');
  });

  it('resolves a connection collision (both sides active) into one session', async () => {
    const a = await speaker('127.0.0.61', 65001);
    const b = await speaker('127.0.0.62', 65002);
    a.addPeer({ address: '127.0.0.62', remoteAsn: 65002, port: b.listenAddress!.port, localAddress: '127.0.0.61' });
    b.addPeer({ address: '127.0.0.61', remoteAsn: 65001, port: a.listenAddress!.port, localAddress: '127.0.0.62' });
    await until('sessions', () => established(a)() && established(b)());
    a.announce({ prefix: '10.2.0.0/16' });
    await until('route', () => b.route('10.2.0.0/16') !== null);
  });

  it('closes a peer that exceeds its maximum prefixes with Cease / Maximum Number of Prefixes Reached', async () => {
    const a = await speaker('127.0.0.71', 65001);
    const b = await speaker('127.0.0.72', 65002);
    link(a, b, {}, { maxPrefix: 2 });
    await until('session', established(b));
    for (const p of ['10.3.1.0/24', '10.3.2.0/24', '10.3.3.0/24']) a.announce({ prefix: p });
    await until('session reset', () => a.peerStates()[0]!.info.includes('Maximum Number of Prefixes'));
  });
});

describe('Speaker graceful restart (RFC 4724, receiving side)', () => {
  it("keeps a restarting peer's routes stale, then drops what it does not announce again by End-of-RIB", async () => {
    const a = await speaker('127.0.0.81', 65001);
    const b = await speaker('127.0.0.82', 65002);
    link(a, b);
    await until('session', established(b));
    a.announce({ prefix: '10.5.1.0/24' });
    a.announce({ prefix: '10.5.2.0/24' });
    await until('routes', () => b.routes().length === 2);
    // a restarts: no NOTIFICATION, the TCP connection just goes.
    await a.stop('restart', { gracefulRestart: true });
    await until('b notices', () => b.peerStates()[0]!.state !== 'Established');
    expect(b.routes().map((r) => [r.prefix, r.best.stale])).toEqual([
      ['10.5.1.0/24', 'gr'],
      ['10.5.2.0/24', 'gr'],
    ]);
    // a comes back (same address) and announces only one of the two.
    const a2 = new Speaker({ localAsn: 65001, routerId: '127.0.0.81', listen: false, idleHoldTime: 1, connectRetryTime: 1 });
    speakers.push(a2);
    await a2.start();
    a2.announce({ prefix: '10.5.1.0/24' });
    a2.addPeer({ address: '127.0.0.82', remoteAsn: 65002, port: b.listenAddress!.port, localAddress: '127.0.0.81' });
    await until('End-of-RIB sweep', () => b.routes().length === 1 && b.route('10.5.1.0/24')?.best.stale === 'none', 15_000);
    expect(b.route('10.5.2.0/24')).toBeNull();
  });

  it('a stop with a NOTIFICATION (no GR) removes the routes at once', async () => {
    const a = await speaker('127.0.0.91', 65001, { gracefulRestart: false });
    const b = await speaker('127.0.0.92', 65002);
    link(a, b);
    await until('session', established(b));
    a.announce({ prefix: '10.6.0.0/16' });
    await until('route', () => b.route('10.6.0.0/16') !== null);
    await a.stop('bye', { gracefulRestart: true });
    await until('route gone', () => b.route('10.6.0.0/16') === null);
  });
});

describe('Speaker dynamic neighbors', () => {
  it('accepts a peer from a configured range with any AS, and refuses one outside it', async () => {
    const hub = await speaker('127.0.1.1', 64512, { dynamicNeighbors: [{ prefix: '127.0.1.0/28', remoteAsn: 'any' }] });
    const inRange = await speaker('127.0.1.5', 65005);
    const outside = await speaker('127.0.1.20', 65020);
    inRange.addPeer({ address: '127.0.1.1', remoteAsn: 64512, port: hub.listenAddress!.port, localAddress: '127.0.1.5' });
    outside.addPeer({ address: '127.0.1.1', remoteAsn: 64512, port: hub.listenAddress!.port, localAddress: '127.0.1.20' });
    inRange.announce({ prefix: '10.7.0.0/16' });
    await until('the dynamic session', () => hub.peerStates().some((p) => p.state === 'Established'));
    expect(hub.peerStates()).toEqual([expect.objectContaining({ address: '127.0.1.5', remoteAsn: 65005, dynamic: true, type: 'ebgp' })]);
    await until('its route', () => hub.route('10.7.0.0/16') !== null);
    await new Promise((r) => setTimeout(r, 300));
    expect(outside.peerStates()[0]!.state).not.toBe('Established');
    // When it goes, it is forgotten with its routes.
    await inRange.stop();
    await until('the dynamic peer gone', () => hub.peerStates().length === 0 && hub.route('10.7.0.0/16') === null);
  });
});

describe('Speaker as a route reflector (for labs)', () => {
  it("reflects a client's route to another client with ORIGINATOR_ID and CLUSTER_LIST (RFC 4456)", async () => {
    const rr = await speaker('127.0.4.1', 64512, { clusterId: '244.0.0.1' });
    const c1 = await speaker('127.0.4.2', 64512);
    const c2 = await speaker('127.0.4.3', 64512);
    link(c1, rr, {}, { routeReflectorClient: true });
    link(c2, rr, {}, { routeReflectorClient: true });
    await until('sessions', established(rr, 2));
    c1.announce({ prefix: '10.244.1.0/26', nextHop: '127.0.4.2' });
    await until('the reflected route at c2', () => c2.route('10.244.1.0/26') !== null);
    const attrs = c2.route('10.244.1.0/26')!.best.attributes;
    expect(c2.route('10.244.1.0/26')!.nextHops).toEqual(['127.0.4.2']);
    expect(attrs.find((a) => a.type === 'originator-id')).toMatchObject({ originatorId: '127.0.4.2' });
    expect(attrs.find((a) => a.type === 'cluster-list')).toMatchObject({ clusterIds: ['244.0.0.1'] });
  });
});
