// statusView / routesView: the plain data behind `wren status` and `wren routes`, from real
// speakers peering over loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Speaker } from '../../../src/api/speaker.js';
import { reasonText, routesView, statusView, ViewError } from '../../../src/api/views.js';
import { MemoryFib } from '../../../src/fib/index.js';
import type { Path } from '../../../src/rib/index.js';
import { until } from '../../helpers/until.js';

const A = (n: number) => `127.0.77.${n}`;
const VIP = '10.96.0.10/32';
const speakers: Speaker[] = [];
let host: Speaker;
let n1: Speaker;

async function speaker(address: string, asn: number, extra: Partial<ConstructorParameters<typeof Speaker>[0]> = {}): Promise<Speaker> {
  const s = new Speaker({ localAsn: asn, routerId: address, listen: extra.listen ?? false, idleHoldTime: 1, connectRetryTime: 1, ...extra });
  speakers.push(s);
  await s.start();
  return s;
}

/** A node connecting to the host. */
async function node(address: string, asn: number, announce: Parameters<Speaker['announce']>[0][]): Promise<Speaker> {
  const s = await speaker(address, asn);
  for (const a of announce) s.announce(a);
  s.addPeer({ address: A(1), remoteAsn: 500, port: host.listenAddress!.port, localAddress: address });
  return s;
}

beforeAll(async () => {
  host = await speaker(A(1), 500, {
    listen: { address: A(1), port: 0 },
    maxPaths: { ebgp: 8 },
    fib: { backend: new MemoryFib(), delayMs: 1 },
    dynamicNeighbors: [{ prefix: '127.0.77.32/28', remoteAsn: 'any' }],
  });
  for (const [n, asn] of [[11, 64512], [12, 64512], [13, 65000]] as const) host.addPeer({ address: A(n), remoteAsn: asn, passive: true, description: `node-${n - 10}` });
  host.addPeer({ address: A(99), remoteAsn: 65099, passive: true });
  host.announce({ prefix: '198.51.100.1/32' });
  n1 = await node(A(11), 64512, [{ prefix: VIP, communities: ['65001:100'], largeCommunities: ['64512:1:2'] }, { prefix: '10.244.1.0/26' }]);
  await node(A(12), 64512, [{ prefix: VIP }, { prefix: '10.244.2.0/26', med: 20 }]);
  await node(A(13), 65000, [{ prefix: VIP, asPathPrepend: 1 }, { prefix: '10.244.3.0/26' }]);
  await node(A(40), 65040, [{ prefix: '10.244.4.0/26' }]);
  await until('every route at the host, in its FIB', () => {
    const r = host.route(VIP);
    return r?.nextHops.length === 2 && r.pathCount === 3 && host.routes().length === 6 && host.fib!.installed().length === 5;
  });
  await until('End-of-RIB from every node', () => host.peerStates().filter((p) => p.endOfRibReceived.length === 1).length === 4);
});

afterAll(async () => {
  await Promise.all(speakers.map((s) => s.stop()));
});

describe('statusView', () => {
  it('shows every peer with its type, state, since, counts and End-of-RIB', () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    const v = statusView(host, { now });
    expect(v).toMatchObject({ localAsn: 500, routerId: A(1) });
    expect(v.peers.map((p) => p.address)).toEqual([A(11), A(12), A(13), A(99), A(40)]);
    const [p1, p2, p3, idle, dyn] = v.peers;
    expect(p1).toMatchObject({
      remoteAsn: 64512,
      type: 'ebgp',
      description: 'node-1',
      state: 'Established',
      info: 'Established',
      routerId: A(11),
      holdTime: 90,
      families: ['ipv4-unicast'],
      prefixesReceived: 2,
      prefixesBest: 2,
      endOfRibReceived: ['ipv4-unicast'],
    });
    expect(p1!.routeReflectorClient).toBeUndefined();
    expect(new Date(p1!.since).getTime()).toBe(now.getTime() - p1!.sinceMs);
    // node-2's VIP path is in the ECMP set, node-3's lost (longer AS path): not counted.
    expect(p2).toMatchObject({ prefixesReceived: 2, prefixesBest: 2 });
    expect(p3).toMatchObject({ remoteAsn: 65000, prefixesReceived: 2, prefixesBest: 1 });
    expect(idle!.state).not.toBe('Established');
    expect(idle!.info).toBe(idle!.lastError ? `${idle!.state}: ${idle!.lastError}` : idle!.state);
    expect(idle).toMatchObject({ remoteAsn: 65099, prefixesReceived: 0, prefixesBest: 0, endOfRibReceived: [] });
    expect(dyn).toMatchObject({ dynamic: true, remoteAsn: 65040, state: 'Established', prefixesBest: 1 });
    expect(statusView(host, { bestCounts: false }).peers[0]!.prefixesBest).toBeUndefined();
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it('marks route-reflector clients', async () => {
    const rr = await speaker(A(50), 64512, { listen: { address: A(50), port: 0 } });
    rr.addPeer({ address: A(51), remoteAsn: 64512, passive: true, routeReflectorClient: true });
    rr.addPeer({ address: A(52), remoteAsn: 64512, passive: true });
    expect(statusView(rr).peers.map((p) => [p.type, p.routeReflectorClient ?? false])).toEqual([
      ['ibgp', true],
      ['ibgp', false],
    ]);
  });
});

describe('routesView', () => {
  it('shows best path, ECMP set with its peers, candidate count and FIB state per prefix', () => {
    const v = routesView(host);
    expect(v.truncated).toBeUndefined();
    expect(v.routes.map((r) => r.prefix)).toEqual([VIP, '10.244.1.0/26', '10.244.2.0/26', '10.244.3.0/26', '10.244.4.0/26', '198.51.100.1/32']);
    const vip = v.routes[0]!;
    expect(vip.nextHops).toEqual([A(11), A(12)]);
    expect(vip.ecmp).toEqual([
      { nextHop: A(11), peer: A(11) },
      { nextHop: A(12), peer: A(12) },
    ]);
    expect(vip.best).toEqual({ peer: A(11), peerAsn: 64512, asPath: '64512', origin: 'igp', communities: ['65001:100'], largeCommunities: ['64512:1:2'], nextHop: A(11) });
    expect(vip.paths).toBe(3);
    expect(vip.fib).toEqual({ state: 'installed' });
    expect(vip.why).toBeUndefined();
    expect(v.routes[2]!.best).toMatchObject({ peer: A(12), med: 20 });
    const local = v.routes[5]!;
    expect(local).toMatchObject({ nextHops: [], ecmp: [], best: { peer: 'local', asPath: '', origin: 'igp', nextHop: '' }, fib: { state: 'none', detail: 'announced by this speaker: nothing to forward' } });
    expect(local.best.peerAsn).toBeUndefined();
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it('ranks the candidates and says in words why each is where it is', () => {
    const [vip] = routesView(host, { prefix: VIP, why: true }).routes;
    expect(vip!.why).toEqual([
      { peer: A(11), rank: 0, best: true, multipath: true, asPath: '64512', nextHop: A(11), localPref: 100, origin: 'igp', reason: 'best path', step: null },
      {
        peer: A(12),
        rank: 1,
        best: false,
        multipath: true,
        asPath: '64512',
        nextHop: A(12),
        localPref: 100,
        origin: 'igp',
        reason: `in the ECMP set (${A(11)} won the tie-break: lower router id (${A(11)} < ${A(12)}))`,
        step: 'originator-id/router-id',
      },
      { peer: A(13), rank: 2, best: false, multipath: false, asPath: '65000 65000', nextHop: A(13), localPref: 100, origin: 'igp', reason: `lost to ${A(11)}: shorter AS path (1 < 2)`, step: 'as-path-length' },
    ]);
  });

  it('finds one prefix exactly or an address by longest match, filters by family, and limits', () => {
    expect(routesView(host, { prefix: '10.244.3.0/26' }).routes.map((r) => r.prefix)).toEqual(['10.244.3.0/26']);
    expect(routesView(host, { prefix: '10.244.3.33' }).routes.map((r) => r.prefix)).toEqual(['10.244.3.0/26']);
    expect(routesView(host, { prefix: '10.244.3.0/24' }).routes).toEqual([]);
    expect(routesView(host, { prefix: '10.96.0.10', afi: 2 }).routes).toEqual([]);
    expect(routesView(host, { afi: 2 }).routes).toEqual([]);
    expect(routesView(host, { limit: 2 })).toMatchObject({ routes: [{ prefix: VIP }, { prefix: '10.244.1.0/26' }], truncated: true });
    expect(routesView(host, { limit: 6 }).truncated).toBeUndefined();
    expect(() => routesView(host, { prefix: 'pods' })).toThrow(ViewError);
  });

  it('has fib null for a speaker without a forwarding table', () => {
    const v = routesView(n1);
    expect(v.routes.length).toBeGreaterThan(0);
    expect(v.routes.every((r) => r.fib === null)).toBe(true);
  });
});

describe('reasonText', () => {
  const base = {
    prefix: '10.0.0.0/8', afi: 1, peerId: 'a', pathId: 0, attributes: [], asPath: [], stale: 'none', weight: 0, localPref: 100, local: false, asPathLength: 1,
    origin: 0, med: null, neighborAs: 1, ebgp: true, nextHop: '192.0.2.1', routerId: '1.1.1.1', clusterListLength: 0, peerAddress: '192.0.2.1',
  } satisfies Path;
  const w = (x: Partial<Path>): Path => ({ ...base, ...x });
  it.each([
    ['weight', w({ weight: 10 }), w({}), 'higher weight (10 > 0)'],
    ['local-pref', w({ localPref: 200 }), w({}), 'higher local preference (200 > 100)'],
    ['as-path-length', w({ asPathLength: 2 }), w({ asPathLength: 3 }), 'shorter AS path (2 < 3)'],
    ['origin', w({}), w({ origin: 2 }), 'lower origin (igp < incomplete)'],
    ['med', w({ med: 10 }), w({ med: 20 }), 'lower MED (10 < 20)'],
    ['originator-id/router-id', w({}), w({ routerId: '2.2.2.2' }), 'lower router id (1.1.1.1 < 2.2.2.2)'],
    ['cluster-list-length', w({}), w({ clusterListLength: 1 }), 'shorter cluster list (0 < 1)'],
    ['peer-address', w({}), w({ peerAddress: '192.0.2.9' }), 'lower peer address (192.0.2.1 < 192.0.2.9)'],
    ['path-id', w({ pathId: 1 }), w({ pathId: 2 }), 'lower path id (1 < 2)'],
    ['ebgp-over-ibgp', w({}), w({ ebgp: false }), 'an eBGP path (preferred over iBGP)'],
    ['stale', w({}), w({ stale: 'gr' }), 'not stale (graceful restart, RFC 4724)'],
  ] as const)('%s', (step, winner, loser, text) => {
    expect(reasonText(step, winner, loser)).toBe(text);
  });
});
