// ExaBGP feeding Wren: a burst of routes is learned; crafted malformed attributes get the RFC 7606
// treatment (treat-as-withdraw, attribute discard) with the session kept up; another session of
// the same Wren speaker is not disturbed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Speaker } from '../../src/api/speaker.js';
import { freePort, genericAttribute, Lab, loopbackBlock, requireTools, type Exabgp } from './harness/index.js';
import { until, skipTitle } from '../helpers/until.js';

const reason = requireTools(['exabgp']);
const title = (t: string) => skipTitle(t, reason);


describe.skipIf(!!reason)(title('ExaBGP announcing into Wren: a burst, then malformed UPDATEs'), () => {
  const lab = new Lab('wren-exabgp');
  let exa: Exabgp;
  let wren: Speaker;
  let other: Speaker;
  let exaAddr: string;
  let otherUp = 0;

  beforeAll(async () => {
    const host = loopbackBlock();
    const wrenAddr = host(1);
    exaAddr = host(2);
    const otherAddr = host(3);
    const port = await freePort(wrenAddr);
    wren = new Speaker({ localAsn: 64512, routerId: wrenAddr, listen: { address: wrenAddr, port }, idleHoldTime: 1, connectRetryTime: 2 });
    await wren.start();
    wren.addPeer({ address: exaAddr, remoteAsn: 65040, passive: true });
    // A second, well-behaved peer of the same speaker.
    other = new Speaker({ localAsn: 65050, routerId: otherAddr, listen: false, idleHoldTime: 1, connectRetryTime: 2 });
    await other.start();
    wren.addPeer({ address: otherAddr, remoteAsn: 65050, passive: true });
    other.addPeer({ address: wrenAddr, remoteAsn: 64512, port, localAddress: otherAddr });
    other.on('established', () => otherUp++);
    other.announce({ prefix: '192.0.2.0/24' });
    exa = await lab.exabgp({
      name: 'injector',
      config: { neighbors: [{ address: wrenAddr, port, asn: 64512, localAddress: exaAddr, localAsn: 65040 }] },
    });
  }, 60_000);

  afterAll(async () => {
    await other?.stop();
    await wren?.stop();
    await lab.cleanup();
  }, 60_000);

  it(
    'learns a burst of 1,000 routes',
    lab.guard(async () => {
      await until('the ExaBGP session', () => wren.peerStates().every((p) => p.state === 'Established'), 60_000);
      const burst = Array.from({ length: 1000 }, (_, i) => `10.41.${i >> 6}.${(i & 63) * 4}/30`);
      await exa.announceMany(burst, exaAddr);
      await until('1,000 routes', () => wren.routes().filter((r) => r.best.peerId === exaAddr).length === 1000);
      expect(wren.route(burst[999]!)!.nextHops).toEqual([exaAddr]);
      expect(wren.route(burst[0]!)!.best.asPath).toEqual([{ type: 2, asns: [65040] }]);
    }),
    90_000,
  );

  it(
    'an invalid ORIGIN withdraws the route (RFC 7606 s7.1), a bad AGGREGATOR is discarded (s7.7); sessions stay up',
    lab.guard(async () => {
      await exa.announce('10.42.0.0/24', exaAddr);
      await until('the good route', () => wren.route('10.42.0.0/24') !== null);
      // The same prefix again, with ORIGIN 5: treat-as-withdraw.
      await exa.announce('10.42.0.0/24', exaAddr, genericAttribute(0x01, 0x40, '05'));
      await until('the treat-as-withdraw', () => wren.route('10.42.0.0/24') === null);
      // AGGREGATOR of 2 bytes (needs 8 with 4-octet ASNs): the attribute goes, the route stays.
      await exa.announce('10.42.1.0/24', exaAddr, genericAttribute(0x07, 0xc0, '0001'));
      await until('the route without its AGGREGATOR', () => wren.route('10.42.1.0/24') !== null);
      expect(wren.route('10.42.1.0/24')!.best.attributes.some((a) => a.type === 'aggregator')).toBe(false);
      // Nothing was reset: the ExaBGP session and the other peer's session are still the first ones.
      expect(wren.peerStates().map((p) => p.state)).toEqual(['Established', 'Established']);
      expect(otherUp).toBe(1);
      expect(wren.route('192.0.2.0/24')!.nextHops).toHaveLength(1);
      expect(wren.routes().filter((r) => r.best.peerId === exaAddr).length).toBe(1001);
    }),
    60_000,
  );
});
