// ADD-PATH send (RFC 7911) from a Wren route reflector to BIRD 2 (`add paths rx`): two Wren
// clients announce the same anycast VIP, the reflector passes both paths to BIRD under their own
// path ids, and BIRD holds both (`birdc show route all`); a withdrawal takes only its path.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Speaker } from '../../src/api/speaker.js';
import { freePort, Lab, loopbackBlock, requireTools, type Bird } from './harness/index.js';
import { until, skipTitle } from '../helpers/until.js';

const reason = requireTools(['bird']);
const title = (t: string) => skipTitle(t, reason);

const ASN = 64512;
const VIP = '10.96.0.10/32';

describe.skipIf(!!reason)(title('Wren route reflector sending ADD-PATH to BIRD'), () => {
  const lab = new Lab('wren-bird-addpath');
  const host = loopbackBlock();
  const rrAddr = host(1);
  const birdAddr = host(2);
  const nodeAddrs = [host(11), host(12)];
  let rr: Speaker;
  let nodes: Speaker[] = [];
  let bird: Bird;

  beforeAll(async () => {
    const rrPort = await freePort(rrAddr);
    const birdPort = await freePort(birdAddr);
    rr = new Speaker({ localAsn: ASN, routerId: rrAddr, clusterId: '244.0.0.1', listen: { address: rrAddr, port: rrPort }, idleHoldTime: 1, connectRetryTime: 1 });
    await rr.start();
    // BIRD connects to the reflector; it asks for path ids (add paths rx) and sends none.
    rr.addPeer({ address: birdAddr, remoteAsn: ASN, passive: true, routeReflectorClient: true, addPathSend: ['ipv4-unicast'], addPathSendMode: 'all' });
    bird = await lab.bird({
      name: 'host',
      config: {
        routerId: birdAddr,
        asn: ASN,
        address: birdAddr,
        port: birdPort,
        peers: [{ name: 'rr', address: rrAddr, port: rrPort, asn: ASN, import: 'all', export: 'none', addPaths: 'rx' }],
      },
    });
    for (const address of nodeAddrs) {
      const n = new Speaker({ localAsn: ASN, routerId: address, listen: false, idleHoldTime: 1, connectRetryTime: 1 });
      rr.addPeer({ address, remoteAsn: ASN, passive: true, routeReflectorClient: true });
      n.addPeer({ address: rrAddr, remoteAsn: ASN, port: rrPort, localAddress: address });
      n.announce({ prefix: VIP, nextHop: address });
      await n.start();
      nodes.push(n);
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all([rr, ...nodes].map((s) => s?.stop()));
    nodes = [];
    await lab.cleanup();
  }, 60_000);

  it(
    'BIRD holds both VIP paths from the one session, each with its node as next hop',
    lab.guard(async () => {
      await bird.waitForSession('rr', { timeoutMs: 60_000 });
      await until('both VIP paths at the reflector', () => rr.route(VIP)?.pathCount === 2);
      const paths = await bird.waitForRoute(VIP, (p) => p.length === 2, { timeoutMs: 30_000, what: `two paths of ${VIP}` });
      expect(paths.map((p) => p.nextHop).sort()).toEqual([...nodeAddrs].sort());
      expect(paths.every((p) => p.from === rrAddr)).toBe(true);
      // Reflected per path (RFC 4456): ORIGINATOR_ID is the node, CLUSTER_LIST our cluster id.
      for (const p of paths) {
        expect(p.attributes['BGP.originator_id']).toBe(p.nextHop);
        expect(p.attributes['BGP.cluster_list']).toBe('244.0.0.1');
      }
      // Both paths from p_rr, one of them best (the harness's BIRDs have no IGP, so they show as
      // unreachable: what matters is that BIRD keeps two paths of one prefix from one session).
      const raw = await bird.birdc('show', 'route', 'all', 'for', VIP);
      expect(raw.match(/\[p_rr /g)).toHaveLength(2);
      // The OPENs: we announced ADD-PATH send (BIRD lists it as the neighbor's TX), BIRD receive.
      const proto = await bird.birdc('show', 'protocols', 'all', 'p_rr');
      expect(proto).toMatch(/Neighbor capabilities[\s\S]*ADD-PATH\s*\n\s*RX:\s*\n\s*TX: ipv4/);
    }),
    90_000,
  );

  it(
    "a node's withdrawal reaches BIRD as the withdrawal of that path only",
    lab.guard(async () => {
      nodes[1]!.withdraw(VIP);
      const paths = await bird.waitForRoute(VIP, (p) => p.length === 1, { timeoutMs: 30_000, what: `one path of ${VIP}` });
      expect(paths.map((p) => p.nextHop)).toEqual([nodeAddrs[0]]);
      nodes[1]!.announce({ prefix: VIP, nextHop: nodeAddrs[1]! });
      const back = await bird.waitForRoute(VIP, (p) => p.length === 2, { timeoutMs: 30_000, what: `two paths of ${VIP} again` });
      expect(back.map((p) => p.nextHop).sort()).toEqual([...nodeAddrs].sort());
    }),
    60_000,
  );
});
