// Wren peering with GoBGP as a NetScaler-style eBGP gateway (AS 500 against a Calico-side
// AS 64512): the gateway learns Wren's host /32 and anycast VIP; Wren learns the gateway's
// routes. GoBGP refuses 127/8 next hops, so it runs in a namespace this test creates, joined to
// the test process by a veth pair (addresses from 10.255.0.0/16 that exist nowhere else).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Speaker } from '../../src/api/speaker.js';
import { Lab, requireTools, type Gobgp } from './harness/index.js';
import { until, skipTitle } from '../helpers/until.js';

const reason = requireTools(['gobgp', 'netns']);
const title = (t: string) => skipTitle(t, reason);


describe.skipIf(!!reason)(title('Wren with GoBGP as an eBGP gateway (AS 500)'), () => {
  const lab = new Lab('wren-gobgp');
  let gw: Gobgp;
  let wren: Speaker;
  let wrenAddr: string;
  let gwAddr: string;

  beforeAll(async () => {
    const ns = await lab.netns('gw');
    const link = await lab.rootLink(ns);
    wrenAddr = link.rootAddress;
    gwAddr = link.nsAddress;
    gw = await lab.gobgp({
      name: 'netscaler',
      netns: ns,
      config: { asn: 500, routerId: gwAddr, port: 179, listenAddresses: [gwAddr], multipath: true, neighbors: [{ address: wrenAddr, asn: 64512 }] },
    });
    wren = new Speaker({ localAsn: 64512, routerId: wrenAddr, listen: false, maxPaths: { ebgp: 8 }, idleHoldTime: 1, connectRetryTime: 2 });
    await wren.start();
    wren.addPeer({ address: gwAddr, remoteAsn: 500, localAddress: wrenAddr });
  }, 60_000);

  afterAll(async () => {
    await wren?.stop();
    await lab.cleanup();
  }, 60_000);

  it(
    "GoBGP's global rib has Wren's host /32 and anycast VIP via Wren, with AS path 64512",
    lab.guard(async () => {
      await gw.waitForSession(wrenAddr, { timeoutMs: 60_000 });
      wren.announce({ prefix: `${wrenAddr}/32` });
      wren.announce({ prefix: '10.96.0.10/32', communities: ['64512:100'] });
      await gw.waitForPrefixes([`${wrenAddr}/32`, '10.96.0.10/32'], { timeoutMs: 30_000 });
      const rib = await gw.routes('ipv4');
      for (const p of [`${wrenAddr}/32`, '10.96.0.10/32']) {
        expect(rib.find((r) => r.prefix === p), p).toMatchObject({ nextHop: wrenAddr, asPath: [64512], best: true });
      }
      expect(rib.find((r) => r.prefix === '10.96.0.10/32')!.communities).toContain('64512:100');
    }),
    90_000,
  );

  it(
    "Wren learns GoBGP's routes, and a withdrawal on either side reaches the other",
    lab.guard(async () => {
      await gw.announce('198.51.100.0/24', gwAddr);
      await until('the gateway route in Wren', () => wren.route('198.51.100.0/24') !== null);
      const r = wren.route('198.51.100.0/24')!;
      expect(r.nextHops).toEqual([gwAddr]);
      expect(r.best.asPath).toEqual([{ type: 2, asns: [500] }]);
      await gw.withdraw('198.51.100.0/24');
      await until('the withdrawal in Wren', () => wren.route('198.51.100.0/24') === null);
      wren.withdraw('10.96.0.10/32');
      await until('the VIP gone from GoBGP', async () => !(await gw.routes('ipv4')).some((x) => x.prefix === '10.96.0.10/32'));
    }),
    60_000,
  );
});
