// The FIB monitor: `ip monitor` lines parsed (no root needed), then both transports in a network
// namespace: our routes added, changed by hand and deleted by hand are reported; others' are not.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FibMonitor, NetlinkFib, Iproute2Fib, loadNetlinkShim, parseMonitorLine, type FibBackend, type FibRoute } from '../../../src/fib/index.js';
import { skipTitle, until } from '../../helpers/until.js';
import { V4, V6 } from './compliance.js';
import { NEAR_DEV, createTestNetwork, kernelUnavailable, type TestNetwork } from './netns.js';

describe('ip -N -o monitor route lines', () => {
  it.each([
    ['10.200.5.0/24 via 10.255.0.2 dev d0 proto 87 ', { deleted: false, afi: 1, table: 254, protocol: 87, metric: 0, route: { prefix: '10.200.5.0/24', nextHops: [{ address: '10.255.0.2', dev: 'd0' }] } }],
    [
      '10.200.6.0/24 table 100 proto 87 metric 5 \\\tnexthop via 10.255.0.2 dev d0 weight 1 \\\tnexthop via 10.255.0.3 dev d0 weight 2 ',
      {
        deleted: false,
        afi: 1,
        table: 100,
        protocol: 87,
        metric: 5,
        route: {
          prefix: '10.200.6.0/24',
          nextHops: [
            { address: '10.255.0.2', dev: 'd0', weight: 1 },
            { address: '10.255.0.3', dev: 'd0', weight: 2 },
          ],
        },
      },
    ],
    [
      'Deleted fd57:7265:6e01:1::/64 proto 87 metric 1024 pref medium\\\tnexthop via fd57:7265:6e00::2 dev d0 weight 1 \\\tnexthop via fd57:7265:6e00::3 dev d0 weight 1 ',
      {
        deleted: true,
        afi: 2,
        table: 254,
        protocol: 87,
        metric: 1024,
        route: {
          prefix: 'fd57:7265:6e01:1::/64',
          nextHops: [
            { address: 'fd57:7265:6e00::2', dev: 'd0', weight: 1 },
            { address: 'fd57:7265:6e00::3', dev: 'd0', weight: 1 },
          ],
        },
      },
    ],
    ['default via 10.255.0.2 dev d0 proto 87 ', { deleted: false, afi: 1, table: 254, protocol: 87, metric: 0, route: { prefix: '0.0.0.0/0', nextHops: [{ address: '10.255.0.2', dev: 'd0' }] } }],
    ['10.1.2.3 dev d0 proto 4 scope link ', { deleted: false, afi: 1, table: 254, protocol: 4, metric: 0, route: { prefix: '10.1.2.3/32', nextHops: [] } }],
  ])('%s', (line, expected) => {
    expect(parseMonitorLine(line)).toEqual(expected);
  });

  it('ignores other route types and the local table', () => {
    expect(parseMonitorLine('local 10.255.0.1 dev d0 table local proto 2 scope host src 10.255.0.1 ')).toBeNull();
    expect(parseMonitorLine('blackhole 10.9.0.0/16 proto 87 ')).toBeNull();
    expect(parseMonitorLine('10.255.0.1 dev d0 table 255 proto 2 scope host src 10.255.0.1 ')).toBeNull();
    expect(parseMonitorLine('')).toBeNull();
  });
});

const root = kernelUnavailable();
const shim = loadNetlinkShim();

const transports: { name: 'netlink' | 'iproute2'; skip: string | null; open: (ns: string) => Promise<FibBackend> }[] = [
  { name: 'netlink', skip: root ?? (shim.ok ? null : shim.reason), open: (ns) => NetlinkFib.open({ netns: ns }) },
  { name: 'iproute2', skip: root, open: (ns) => Iproute2Fib.open({ netns: ns }) },
];

for (const t of transports) {
  describe.skipIf(t.skip !== null)(skipTitle(`FIB monitor via ${t.name} in a network namespace`, t.skip), () => {
    let net: TestNetwork;
    beforeAll(async () => {
      net = await createTestNetwork();
    });
    afterAll(async () => {
      await net?.remove();
    });

    it('reports our routes added, changed and deleted by someone else, and nothing of other protocols', async () => {
      const monitor = await FibMonitor.open({ netns: net.ns, transport: t.name });
      expect(monitor.transport).toBe(t.name);
      const events: string[] = [];
      const errors: Error[] = [];
      const text = (r: FibRoute): string => `${r.prefix} ${r.nextHops.map((h) => `${h.address}@${h.dev ?? '?'}${h.weight ? `*${h.weight}` : ''}`).join(',')}`;
      monitor.on('changed', (r) => events.push(`changed ${text(r)}`));
      monitor.on('deleted', (r) => events.push(`deleted ${text(r)}`));
      monitor.on('error', (e) => errors.push(e));
      const fib = await t.open(net.ns);
      await fib.apply([
        { op: 'replace', route: { prefix: '10.200.1.0/24', nextHops: [{ address: V4.hops[0] }] } },
        { op: 'replace', route: { prefix: 'fd57:7265:6e01:1::/64', nextHops: [{ address: V6.hops[0] }, { address: V6.hops[1] }] } },
      ]);
      await net.ip('route', 'add', '10.200.2.0/24', 'via', V4.hops[0], 'proto', 'static');
      await net.ip('route', 'replace', '10.200.1.0/24', 'via', V4.hops[2], 'proto', '87');
      await net.ip('route', 'del', '10.200.1.0/24', 'proto', '87');
      await net.ip('-6', 'route', 'del', 'fd57:7265:6e01:1::/64', 'proto', '87');
      await until('four events', () => events.length >= 4, 5000);
      // Leave time for events that should not come.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const v6 = `fd57:7265:6e01:1::/64 ${V6.hops[0]}@${NEAR_DEV}*1,${V6.hops[1]}@${NEAR_DEV}*1`;
      expect(events.filter((e) => e.startsWith('changed 10.') || e.startsWith('deleted 10.'))).toEqual([
        `changed 10.200.1.0/24 ${V4.hops[0]}@${NEAR_DEV}`,
        `changed 10.200.1.0/24 ${V4.hops[2]}@${NEAR_DEV}`,
        `deleted 10.200.1.0/24 ${V4.hops[2]}@${NEAR_DEV}`,
      ]);
      // IPv6 multipath routes may be notified as one message or one per next hop (kernel versions differ).
      expect(events.filter((e) => e.includes('fd57:')).map((e) => e.split(' ')[0])).toContain('deleted');
      expect(events.some((e) => e === `changed ${v6}`) || events.filter((e) => e.startsWith('changed fd57:')).length === 2).toBe(true);
      expect(errors).toEqual([]);
      await fib.close();
      await monitor.close();
    });
  });
}
