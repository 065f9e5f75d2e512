// The lab's plan (addresses, blocks, expected routes) and its `ip route`-style text: pure parts.
import { describe, expect, it } from 'vitest';
import { addressRange, expectedRoutes, LabOptionError, makePlan, podBlock, randomBase } from '../../../src/lab/plan.js';
import { fibRoutesText } from '../../../src/lab/fib-text.js';

describe('makePlan', () => {
  it('builds the default cluster: 3 nodes, 2 blocks on node-1 then 1 each, the VIP on nodes 1 and 2', () => {
    const p = makePlan({ base: '127.0.50' });
    expect(p).toMatchObject({ mode: 'gateway', kernel: false, clusterAsn: 64512, reflector: { address: '127.0.50.1', clusterId: '244.0.0.1' }, host: { address: '127.0.50.2', asn: 500, maxPaths: 8 }, vip: '10.96.0.10/32' });
    expect(p.nodes.map((n) => [n.name, n.address, n.nextHop, n.blocks, n.vip])).toEqual([
      ['node-1', '127.0.50.11', '127.0.50.11', ['10.244.0.0/26', '10.244.0.64/26'], true],
      ['node-2', '127.0.50.12', '127.0.50.12', ['10.244.0.128/26'], true],
      ['node-3', '127.0.50.13', '127.0.50.13', ['10.244.0.192/26'], false],
    ]);
  });

  it('takes node and block counts, rr mode (host in the cluster AS) and kernel next hops', () => {
    const p = makePlan({ base: '127.0.50', nodes: 2, blocks: 3, mode: 'rr', kernel: true });
    expect(p.host.asn).toBe(64512);
    expect(p.nodes.map((n) => [n.nextHop, n.blocks.length])).toEqual([
      ['192.0.2.11', 3],
      ['192.0.2.12', 3],
    ]);
    expect(p.nodes[1]!.blocks[0]).toBe('10.244.0.192/26');
  });

  it('refuses what it cannot build', () => {
    expect(() => makePlan({ nodes: 0 })).toThrow(LabOptionError);
    expect(() => makePlan({ nodes: 65 })).toThrow(LabOptionError);
    expect(() => makePlan({ nodes: 64, blocks: 17 })).toThrow(/do not fit/);
    expect(() => makePlan({ blocks: -1 })).toThrow(LabOptionError);
    expect(() => makePlan({ mode: 'mesh' as never })).toThrow(/--mode/);
    expect(() => makePlan({ base: '10.0.0' })).toThrow(/127\.X\.Y/);
  });

  it('picks a random loopback /24 and numbers /26 blocks through 10.244.0.0/16', () => {
    expect(randomBase()).toMatch(/^127\.\d+\.\d+$/);
    expect(() => makePlan({ base: randomBase() })).not.toThrow();
    expect([0, 1, 4, 1023].map(podBlock)).toEqual(['10.244.0.0/26', '10.244.0.64/26', '10.244.1.0/26', '10.244.255.192/26']);
    expect(addressRange(['127.0.0.11', '127.0.0.12', '127.0.0.13'])).toBe('127.0.0.11-13');
    expect(addressRange(['127.0.0.11', '127.0.0.13'])).toBe('127.0.0.11, 127.0.0.13');
  });
});

describe('expectedRoutes', () => {
  it('is every block of a running node, and the VIP from the running VIP nodes (in rr mode too: ADD-PATH)', () => {
    const p = makePlan({ base: '127.0.50' });
    const all = expectedRoutes(p, new Set([1, 2, 3]));
    expect(all.get('10.96.0.10/32')).toEqual({ nextHops: ['127.0.50.11', '127.0.50.12'] });
    expect(all.size).toBe(5);
    const without2 = expectedRoutes(p, new Set([1, 3]));
    expect(without2.get('10.96.0.10/32')).toEqual({ nextHops: ['127.0.50.11'] });
    expect(without2.has('10.244.0.128/26')).toBe(false);
    expect(expectedRoutes(p, new Set([3])).has('10.96.0.10/32')).toBe(false);
    const rr = makePlan({ base: '127.0.50', mode: 'rr' });
    expect(expectedRoutes(rr, new Set([1, 2, 3])).get('10.96.0.10/32')).toEqual({ nextHops: ['127.0.50.11', '127.0.50.12'] });
  });
});

describe('fibRoutesText', () => {
  it('prints routes as `ip route` does, a multipath route with one nexthop line per next hop', () => {
    expect(
      fibRoutesText([
        { prefix: '10.96.0.10/32', nextHops: [{ address: '192.0.2.11', weight: 1 }, { address: '192.0.2.12', dev: 'wlab0' }] },
        { prefix: '10.244.0.0/26', nextHops: [{ address: '192.0.2.11' }] },
        { prefix: '2001:db8::1/128', nextHops: [{ address: 'fe80::1', dev: 'eth0' }] },
      ]),
    ).toBe(
      [
        '10.96.0.10 proto wren metric 0',
        '\tnexthop via 192.0.2.11 weight 1',
        '\tnexthop via 192.0.2.12 dev wlab0 weight 1',
        '10.244.0.0/26 via 192.0.2.11 proto wren metric 0',
        '2001:db8::1 via fe80::1 dev eth0 proto wren metric 0',
        '',
      ].join('\n'),
    );
    expect(fibRoutesText([])).toBe('(no routes)\n');
  });
});
