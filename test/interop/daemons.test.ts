// Smoke tests of the interop harness: each real daemon starts, peers with another, learns routes,
// and is gone afterwards. No Wren code runs here; these prove the harness and the Debian packages
// work, so that a later Wren test failing means Wren, not the lab.
//
// Addressing: BIRD<->BIRD and ExaBGP<->BIRD on random 127.A.B.x addresses with free ports in the
// root namespace. GoBGP and FRR reject 127/8 next hops (martian), so they run in namespaces this
// file creates, with 10.255.x.y and fd57:7265:6e00::/48 addresses that exist nowhere else.

import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNetns,
  freePort,
  genericAttribute,
  Lab,
  listTestNamespaces,
  loopbackBlock,
  removeStaleNamespaces,
  requireTools,
  type Bird,
  type BgpDaemon,
  type BgpRoute,
  type CalicoCluster,
  type Exabgp,
  type Frr,
  type Gobgp,
} from './harness/index.js';
import { pidAlive, runOk } from './harness/proc.js';

const skipName = (title: string, reason: string | null): string => (reason ? `${title} (skipped: ${reason})` : title);

/** Every daemon any test started, to prove at the end that none survived. */
const started: BgpDaemon[] = [];
const track = <D extends BgpDaemon>(d: D): D => {
  started.push(d);
  return d;
};

const nextHops = (paths: readonly BgpRoute[]): string[] => paths.map((p) => p.nextHop ?? '?').sort();

// ---------------------------------------------------------------------------------------------
const birdReason = requireTools(['bird']);

describe.skipIf(!!birdReason)(skipName('BIRD 2: Calico route reflector with three node clients', birdReason), () => {
  const lab = new Lab('calico');
  let cluster: CalicoCluster;
  // Where Wren will sit later: one more RR client of the reflector, here a BIRD stand-in that
  // receives every path (ADD-PATH) like an ECMP-installing Wren would want.
  let standIn: Bird;

  beforeAll(async () => {
    const host = loopbackBlock();
    const standInAddr = host(100);
    const standInPort = await freePort(standInAddr);
    cluster = await lab.calico({ host, extraRrClients: [{ name: 'wren', address: standInAddr, port: standInPort, addPaths: 'tx' }] });
    cluster.all.forEach(track);
    const rr = cluster.topology.rr;
    standIn = track(
      await lab.bird({
        name: 'wren-stand-in',
        config: { routerId: standInAddr, asn: 64512, address: standInAddr, port: standInPort, peers: [{ name: 'rr', address: rr.address, port: rr.port, asn: 64512, addPaths: 'rx', import: 'all', export: 'none' }] },
      }),
    );
  }, 60_000);
  afterAll(() => lab.cleanup(), 60_000);

  it(
    'converges: all RR sessions Established, every /26 via its node, two paths for the service VIP',
    lab.guard(async () => {
      const t = cluster.topology;
      await cluster.waitConverged(60_000);

      await cluster.rr.waitForSession('wren', { timeoutMs: 30_000 });
      const sessions = await cluster.rr.sessions();
      expect(sessions.map((s) => [s.name, s.state])).toEqual([...t.nodes.map((n) => [n.name, 'Established']), ['wren', 'Established']]);

      const routes = await cluster.rr.routes('ipv4');
      for (const b of t.blocks) {
        const paths = routes.filter((r) => r.prefix === b.prefix);
        expect(paths, b.prefix).toHaveLength(1);
        expect(paths[0]).toMatchObject({ nextHop: b.nextHop, from: b.nextHop, best: true, asPath: [] });
      }
      expect(t.blocks.map((b) => b.prefix)).toEqual(['10.244.1.0/26', '10.244.1.64/26', '10.244.2.0/26', '10.244.3.0/26']);

      const vip = routes.filter((r) => r.prefix === '10.96.0.10/32');
      expect(nextHops(vip)).toEqual([...t.vipNextHops].sort());
      expect(vip.filter((p) => p.best)).toHaveLength(1);

      // A client sees the others' blocks through the reflector: ORIGINATOR_ID and CLUSTER_LIST set.
      const node3 = cluster.nodes[2]!;
      const fromNode1 = await node3.waitForRoute('10.244.1.64/26');
      expect(fromNode1[0]).toMatchObject({ nextHop: t.nodes[0]!.address, from: t.rr.address });
      expect(fromNode1[0]!.attributes['BGP.originator_id']).toBe(t.nodes[0]!.address);
      expect(fromNode1[0]!.attributes['BGP.cluster_list']).toBe('244.0.0.1');

      // The extra RR client gets every block, and both VIP paths thanks to ADD-PATH.
      const seen = await standIn.waitForPrefixes([...t.blocks.map((b) => b.prefix), t.serviceVip], {
        accept: (p, paths) => p !== t.serviceVip || paths.length === 2,
        timeoutMs: 30_000,
      });
      for (const b of t.blocks) expect(seen.get(b.prefix)?.[0]).toMatchObject({ nextHop: b.nextHop, from: t.rr.address });
      expect(nextHops(seen.get(t.serviceVip) ?? [])).toEqual([...t.vipNextHops].sort());
    }),
    90_000,
  );

  it(
    'stopping node 2 withdraws its block and its VIP path at the reflector',
    lab.guard(async () => {
      const t = cluster.topology;
      const node2 = t.nodes[1]!;
      await cluster.nodes[1]!.stop();
      // BIRD shows Active, Connect or Idle for the session while the peer is gone
      await cluster.rr.waitUntil('node2 session down', () => cluster.rr.sessions(), (ss) => ss.some((s) => s.name === 'node2' && !s.established), 30_000);
      await cluster.rr.waitForNoRoute('10.244.2.0/26', { timeoutMs: 30_000 });
      const vip = await cluster.rr.waitForRoute(t.serviceVip, (p) => p.length === 1, { timeoutMs: 30_000 });
      expect(vip[0]).toMatchObject({ nextHop: t.nodes[0]!.address, best: true });
      expect(vip.some((p) => p.nextHop === node2.address)).toBe(false);
      await standIn.waitForRoute(t.serviceVip, (p) => p.length === 1 && p[0]!.nextHop === t.nodes[0]!.address, { timeoutMs: 30_000 });
      await standIn.waitForNoRoute('10.244.2.0/26', { timeoutMs: 30_000 });
      // the other nodes' blocks stay
      for (const p of ['10.244.1.0/26', '10.244.1.64/26', '10.244.3.0/26']) expect(await cluster.rr.route(p), p).toHaveLength(1);
    }),
    60_000,
  );
});

// ---------------------------------------------------------------------------------------------
const gobgpReason = requireTools(['bird', 'gobgp', 'netns']);

describe.skipIf(!!gobgpReason)(skipName('GoBGP as a NetScaler-style eBGP gateway (AS 500) for a Calico node', gobgpReason), () => {
  const lab = new Lab('gobgp');
  let node: Bird;
  let gw: Gobgp;
  let nodeAddr: string;
  let gwAddr: string;

  beforeAll(async () => {
    // the gateway in its own namespace, the node in the root namespace on the other veth end:
    // the same shape as Wren (in the test process) peering with a daemon in a namespace
    const ns = await lab.netns('gw');
    const link = await lab.rootLink(ns);
    nodeAddr = link.rootAddress;
    gwAddr = link.nsAddress;
    const nodePort = await freePort(nodeAddr);
    node = track(
      await lab.bird({
        name: 'node1',
        config: {
          routerId: nodeAddr,
          asn: 64512,
          address: nodeAddr,
          port: nodePort,
          originate: ['10.244.1.0/26', '10.244.1.64/26', '10.96.0.10/32'],
          peers: [{ name: 'netscaler', address: gwAddr, asn: 500, export: 'originated', import: 'all' }],
        },
      }),
    );
    gw = track(
      await lab.gobgp({
        name: 'netscaler',
        netns: ns,
        config: { asn: 500, routerId: gwAddr, port: 179, listenAddresses: [gwAddr], multipath: true, neighbors: [{ address: nodeAddr, port: nodePort, asn: 64512 }] },
      }),
    );
  }, 60_000);
  afterAll(() => lab.cleanup(), 60_000);

  it(
    'session Established on both sides; gobgp global rib has the node blocks and VIP via the node',
    lab.guard(async () => {
      await gw.waitForSession(nodeAddr, { timeoutMs: 60_000 });
      await node.waitForSession('netscaler', { timeoutMs: 30_000 });
      const want = ['10.244.1.0/26', '10.244.1.64/26', '10.96.0.10/32'];
      await gw.waitForPrefixes(want, { timeoutMs: 30_000 });
      const rib = await gw.routes('ipv4');
      expect(rib.map((r) => r.prefix).sort()).toEqual([...want].sort());
      for (const r of rib) expect(r).toMatchObject({ nextHop: nodeAddr, asPath: [64512], best: true, origin: 'IGP', from: nodeAddr });
      const s = (await gw.sessions()).find((x) => x.peer === nodeAddr);
      expect(s).toMatchObject({ established: true, remoteAs: 64512 });
    }),
    90_000,
  );
});

// ---------------------------------------------------------------------------------------------
const frrReason = requireTools(['bird', 'frr', 'netns']);

describe.skipIf(!!frrReason)(skipName('FRR bgpd (standalone) learning from two BIRD nodes over IPv4 and IPv6, with maximum-paths', frrReason), () => {
  const lab = new Lab('frr');
  let frr: Frr;
  const v6 = (n: number): string => `fd57:7265:6e00:1::${n}`;
  const v4 = (n: number): string => `10.255.1.${n}`;

  beforeAll(async () => {
    const ns = await lab.netns('frr');
    for (const n of [1, 2, 3]) {
      await ns.addAddress(`${v4(n)}/32`);
      await ns.addAddress(`${v6(n)}/128`);
    }
    frr = track(
      await lab.frr({
        name: 'frr',
        netns: ns,
        listenAddresses: [v4(1), v6(1)],
        config: {
          asn: 65030,
          routerId: v4(1),
          maximumPaths: 8,
          neighbors: [2, 3].flatMap((n) => [
            { address: v4(n), asn: 64512, updateSource: v4(1), multihopTtl: 2 },
            { address: v6(n), asn: 64512, updateSource: v6(1), multihopTtl: 2 },
          ]),
        },
      }),
    );
    for (const n of [2, 3]) {
      track(
        await lab.bird({
          name: `node${n - 1}`,
          netns: ns,
          config: {
            routerId: v4(n),
            asn: 64512,
            address: v4(n),
            address6: v6(n),
            originate: [`10.244.${n - 1}.0/26`, `fd57:7265:6e00:244:${n - 1}::/122`, '10.96.0.10/32', 'fd57:7265:6e00:96::10/128'],
            peers: [
              { name: 'frr4', address: v4(1), asn: 65030, multihop: 2 },
              { name: 'frr6', address: v6(1), asn: 65030, multihop: 2 },
            ],
          },
        }),
      );
    }
  }, 60_000);
  afterAll(() => lab.cleanup(), 60_000);

  it(
    'all four sessions Established; IPv4 and IPv6 blocks learned with the right next hops',
    lab.guard(async () => {
      await frr.waitForAllEstablished({ min: 4, timeoutMs: 60_000 });
      const blocks = ['10.244.1.0/26', '10.244.2.0/26', 'fd57:7265:6e00:244:1::/122', 'fd57:7265:6e00:244:2::/122'];
      const got = await frr.waitForPrefixes(blocks, { timeoutMs: 30_000 });
      const best = (p: string): BgpRoute | undefined => got.get(p)?.find((r) => r.best);
      expect(best('10.244.1.0/26')).toMatchObject({ nextHop: v4(2), asPath: [64512], from: v4(2), origin: 'IGP' });
      expect(best('10.244.2.0/26')).toMatchObject({ nextHop: v4(3), asPath: [64512], from: v4(3) });
      expect(best('fd57:7265:6e00:244:1::/122')).toMatchObject({ nextHop: v6(2), asPath: [64512], from: v6(2) });
      expect(best('fd57:7265:6e00:244:2::/122')).toMatchObject({ nextHop: v6(3), asPath: [64512], from: v6(3) });
      const sessions = await frr.sessions();
      expect(sessions.map((s) => s.peer).sort()).toEqual([v4(2), v4(3), v6(2), v6(3)].sort());
    }),
    90_000,
  );

  it(
    'maximum-paths: the VIP announced by both nodes is a two-path multipath set (IPv4 and IPv6)',
    lab.guard(async () => {
      // bgpd -Z selects multipath without zebra; it only cannot install the routes anywhere
      const vip4 = await frr.waitForRoute('10.96.0.10/32', (p) => p.length === 2 && p.every((x) => x.multipath), { timeoutMs: 30_000 });
      expect(nextHops(vip4)).toEqual([v4(2), v4(3)]);
      expect(vip4.filter((p) => p.best)).toHaveLength(1);
      const vip6 = await frr.waitForRoute('fd57:7265:6e00:96::10/128', (p) => p.length === 2 && p.every((x) => x.multipath), { timeoutMs: 30_000 });
      expect(nextHops(vip6)).toEqual([v6(2), v6(3)]);
      const detail = await frr.vtyshJson<{ paths?: Array<{ multipath?: boolean }> }>('show bgp ipv4 unicast 10.96.0.10/32 json');
      expect(detail.paths?.filter((p) => p.multipath)).toHaveLength(2);
    }),
    60_000,
  );
});

// ---------------------------------------------------------------------------------------------
const exaReason = requireTools(['bird', 'exabgp']);

describe.skipIf(!!exaReason)(skipName('ExaBGP: static routes, a 1,000-route burst and crafted attributes into BIRD', exaReason), () => {
  const lab = new Lab('exabgp');
  let bird: Bird;
  let exa: Exabgp;
  let birdAddr: string;
  let exaAddr: string;

  beforeAll(async () => {
    const host = loopbackBlock();
    birdAddr = host(1);
    exaAddr = host(2);
    const port = await freePort(birdAddr);
    bird = track(
      await lab.bird({
        name: 'collector',
        config: { routerId: birdAddr, asn: 64512, address: birdAddr, port, peers: [{ name: 'exa', address: exaAddr, asn: 65040, multihop: true, passive: true, import: 'all', export: 'none' }] },
      }),
    );
    exa = track(
      await lab.exabgp({
        name: 'injector',
        config: { neighbors: [{ address: birdAddr, port, asn: 64512, localAddress: exaAddr, localAsn: 65040, staticRoutes: [`10.40.0.0/24 next-hop ${exaAddr}`] }] },
      }),
    );
  }, 60_000);
  afterAll(() => lab.cleanup(), 60_000);

  it(
    'session up with the static route; a burst of 1,000 routes all reach BIRD',
    lab.guard(async () => {
      await bird.waitForSession('exa', { timeoutMs: 60_000 });
      await exa.waitForSession(birdAddr, { timeoutMs: 30_000 });
      const stat = await bird.waitForRoute('10.40.0.0/24');
      expect(stat[0]).toMatchObject({ nextHop: exaAddr, asPath: [65040], from: exaAddr });

      const burst = Array.from({ length: 1000 }, (_, i) => `10.41.${i >> 6}.${(i & 63) * 4}/30`);
      const t0 = Date.now();
      await exa.announceMany(burst, exaAddr);
      await bird.waitFor('1,001 routes from exa', async () => (await bird.routeCount({ peer: 'exa' })) >= 1001, 60_000);
      const ms = Date.now() - t0;
      expect(await bird.routeCount({ peer: 'exa' })).toBe(1001);
      const last = await bird.route(burst[999]!);
      expect(last[0]).toMatchObject({ nextHop: exaAddr, asPath: [65040] });
      console.info(`exabgp burst: 1,000 routes announced and in BIRD after ${ms} ms`);
    }),
    90_000,
  );

  it(
    'crafted attributes: an unknown optional transitive one is kept, an invalid ORIGIN is treated as withdraw',
    lab.guard(async () => {
      // optional transitive attribute 0xf0 that nobody knows: BIRD must keep and show it
      await exa.announce('10.42.1.0/24', exaAddr, genericAttribute(0xf0, 0xc0, 'deadbeef'));
      const kept = await bird.waitForRoute('10.42.1.0/24');
      expect(kept[0]!.attributes['BGP.f0 [t]']).toBe('de ad be ef');

      // ORIGIN = 5 (only 0..2 exist): RFC 7606 s7.1 says treat-as-withdraw, the session stays up
      await exa.announce('10.42.0.0/24', exaAddr, genericAttribute(0x01, 0x40, '05'));
      await bird.waitFor('BIRD to log the malformed ORIGIN', () => /Malformed ORIGIN attribute/.test(readFileSync(bird.logFile, 'utf8')), 30_000);
      expect(readFileSync(bird.logFile, 'utf8')).toMatch(/Invalid route 10\.42\.0\.0\/24 withdrawn/);
      expect(await bird.route('10.42.0.0/24')).toEqual([]);
      const s = (await bird.sessions()).find((x) => x.name === 'exa');
      expect(s?.state).toBe('Established');
      expect(await bird.routeCount({ peer: 'exa' })).toBe(1002);
    }),
    60_000,
  );
});

// ---------------------------------------------------------------------------------------------
const netnsReason = requireTools(['netns']);

describe.skipIf(!!netnsReason)(skipName('harness housekeeping', netnsReason), () => {
  it('removes namespaces left by a dead test process, keeps live ones', async () => {
    const live = await createNetns('live');
    // pid 999999999 is above any pid_max: its owner is certainly dead
    const stale = `wren-test-999999999-stale-${process.pid}`;
    await runOk('ip', ['netns', 'add', stale]);
    try {
      const removed = await removeStaleNamespaces();
      expect(removed).toContain(stale);
      const left = await listTestNamespaces();
      expect(left).not.toContain(stale);
      expect(left).toContain(live.name);
    } finally {
      await live.delete();
      await runOk('ip', ['netns', 'del', stale]).catch(() => undefined);
    }
  });

  it('left nothing behind: no daemon alive, no namespace or work dir of this process', async () => {
    for (const d of started) {
      expect(d.running, d.label).toBe(false);
      if (d.pid !== undefined) expect(pidAlive(d.pid), `${d.label} pid ${d.pid}`).toBe(false);
    }
    const mine = (await listTestNamespaces()).filter((n) => n.startsWith(`wren-test-${process.pid}-`));
    expect(mine).toEqual([]);
    if (process.env['WREN_INTEROP_KEEP'] !== '1') {
      expect(readdirSync(tmpdir()).filter((e) => e.startsWith(`wren-interop-${process.pid}-`))).toEqual([]);
    }
  });
});
