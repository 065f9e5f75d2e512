// Wren and FRR bgpd (standalone, no zebra) over IPv4 and IPv6, routes in both directions, FRR
// with maximum-paths. FRR treats 127/8 next hops as martians, so it runs in a namespace joined to
// the test process by a veth pair (10.255.0.0/16 and fd57:7265:6e00::/48, local to this test).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Speaker } from '../../src/api/speaker.js';
import { ipv6ToString, parseIpv6 } from '../../src/wire/index.js';
import { Lab, requireTools, type Frr } from './harness/index.js';
import { until, skipTitle } from '../helpers/until.js';

const reason = requireTools(['frr', 'netns']);
const title = (t: string) => skipTitle(t, reason);


describe.skipIf(!!reason)(title('Wren and FRR bgpd, IPv4 and IPv6, both directions'), () => {
  const lab = new Lab('wren-frr');
  let frr: Frr;
  let wren: Speaker;
  let w4: string;
  let w6: string;
  let f4: string;
  let f6: string;

  beforeAll(async () => {
    const ns = await lab.netns('frr');
    const link = await lab.rootLink(ns, { ipv6: true });
    w4 = link.rootAddress;
    f4 = link.nsAddress;
    // RFC 5952 text, as Wren and FRR print addresses (the harness may zero-pad a group).
    w6 = ipv6ToString(parseIpv6(link.rootAddress6!)!, 0);
    f6 = ipv6ToString(parseIpv6(link.nsAddress6!)!, 0);
    frr = await lab.frr({
      name: 'frr',
      netns: ns,
      listenAddresses: [f4, f6],
      config: {
        asn: 65030,
        routerId: f4,
        maximumPaths: 8,
        networks: ['203.0.113.0/24', '2001:db8:100::/48'],
        neighbors: [
          { address: w4, asn: 64512, families: ['ipv4'] },
          { address: w6, asn: 64512, families: ['ipv6'] },
        ],
      },
    });
    wren = new Speaker({ localAsn: 64512, routerId: w4, listen: false, maxPaths: { ebgp: 8 }, idleHoldTime: 1, connectRetryTime: 2 });
    await wren.start();
    wren.addPeer({ address: f4, remoteAsn: 65030, localAddress: w4 });
    wren.addPeer({ address: f6, remoteAsn: 65030, localAddress: w6 });
  }, 60_000);

  afterAll(async () => {
    await wren?.stop();
    await lab.cleanup();
  }, 60_000);

  it(
    'both sessions come up and FRR learns Wren\'s IPv4 and IPv6 routes with Wren as next hop',
    lab.guard(async () => {
      await until('both sessions', () => wren.peerStates().every((p) => p.state === 'Established'), 60_000);
      wren.announce({ prefix: '10.244.9.0/26' });
      wren.announce({ prefix: 'fd00:244:9::/122' });
      await frr.waitForRoute('10.244.9.0/26', undefined, { timeoutMs: 30_000 });
      await frr.waitForRoute('fd00:244:9::/122', undefined, { timeoutMs: 30_000 });
      expect((await frr.route('10.244.9.0/26'))[0]).toMatchObject({ nextHop: w4, asPath: [64512] });
      const v6 = (await frr.route('fd00:244:9::/122'))[0]!;
      expect(v6.asPath).toEqual([64512]);
      expect([v6.nextHop, ...(v6.nextHops ?? [])]).toContain(w6);
    }),
    90_000,
  );

  it(
    "Wren learns FRR's networks in both families, next hop the FRR session address",
    lab.guard(async () => {
      await until("FRR's routes", () => wren.route('203.0.113.0/24') !== null && wren.route('2001:db8:100::/48') !== null);
      expect(wren.route('203.0.113.0/24')!.nextHops).toEqual([f4]);
      expect(wren.route('2001:db8:100::/48')!.nextHops[0]).toBe(f6);
      expect(wren.route('2001:db8:100::/48')!.best.asPath).toEqual([{ type: 2, asns: [65030] }]);
    }),
    60_000,
  );
});
