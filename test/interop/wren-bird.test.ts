// Wren as a route-reflector client of a Calico-like BIRD 2 reflector (AS 64512, cluster id
// 244.0.0.1) with three BIRD nodes exporting their pod /26 blocks and a service /32 from two of
// them: the issue #4 interop scenario. docs/interop.md shows the configuration.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Speaker } from '../../src/api/speaker.js';
import { freePort, Lab, loopbackBlock, requireTools, type CalicoCluster } from './harness/index.js';
import { until, skipTitle } from '../helpers/until.js';

const reason = requireTools(['bird']);
const title = (t: string) => skipTitle(t, reason);


describe.skipIf(!!reason)(title('Wren as an RR client of a Calico BIRD route reflector'), () => {
  const lab = new Lab('wren-calico');
  let cluster: CalicoCluster;
  let wren: Speaker;

  beforeAll(async () => {
    const host = loopbackBlock();
    const wrenAddr = host(100);
    const wrenPort = await freePort(wrenAddr);
    // The reflector sends Wren every path (ADD-PATH), so Wren can build ECMP sets.
    cluster = await lab.calico({ host, extraRrClients: [{ name: 'wren', address: wrenAddr, port: wrenPort, addPaths: 'tx' }] });
    wren = new Speaker({ localAsn: 64512, routerId: wrenAddr, listen: { address: wrenAddr, port: wrenPort }, maxPaths: { ibgp: 8 }, idleHoldTime: 1, connectRetryTime: 2 });
    await wren.start();
    const rr = cluster.topology.rr;
    wren.addPeer({ address: rr.address, remoteAsn: 64512, port: rr.port, localAddress: wrenAddr, addPathReceive: ['ipv4-unicast'] });
  }, 90_000);

  afterAll(async () => {
    await wren?.stop();
    await lab.cleanup();
  }, 60_000);

  it(
    'learns every /26 block with its node as next hop and puts both service VIP next hops in the ECMP set',
    lab.guard(async () => {
      const t = cluster.topology;
      await cluster.waitConverged(60_000);
      await until('the session to the reflector', () => wren.peerStates()[0]?.state === 'Established');
      await until('every block and both VIP paths', () => t.blocks.every((b) => wren.route(b.prefix)) && wren.route(t.serviceVip)?.nextHops.length === 2);
      for (const b of t.blocks) {
        const r = wren.route(b.prefix)!;
        expect(r.nextHops, b.prefix).toEqual([b.nextHop]);
        // Reflected: ORIGINATOR_ID is the node, CLUSTER_LIST the reflector's cluster id.
        expect(r.best.attributes.find((a) => a.type === 'originator-id')).toMatchObject({ originatorId: b.nextHop });
        expect(r.best.attributes.find((a) => a.type === 'cluster-list')).toMatchObject({ clusterIds: ['244.0.0.1'] });
      }
      expect([...wren.route(t.serviceVip)!.nextHops].sort()).toEqual([...t.vipNextHops].sort());
      expect(wren.explain(t.serviceVip)!.candidates.filter((c) => c.multipath)).toHaveLength(2);
    }),
    90_000,
  );

  it(
    "a node's withdrawal reaches Wren: its block goes and the VIP's ECMP set shrinks to one next hop",
    lab.guard(async () => {
      const t = cluster.topology;
      const node2 = t.nodes[1]!;
      await cluster.nodes[1]!.stop();
      await until('node 2 block withdrawn', () => wren.route('10.244.2.0/26') === null);
      await until('VIP down to one next hop', () => wren.route(t.serviceVip)?.nextHops.length === 1);
      expect(wren.route(t.serviceVip)!.nextHops).toEqual([t.nodes[0]!.address]);
      expect(wren.route(t.serviceVip)!.nextHops).not.toContain(node2.address);
      for (const p of ['10.244.1.0/26', '10.244.1.64/26', '10.244.3.0/26']) expect(wren.route(p), p).not.toBeNull();
    }),
    60_000,
  );
});
