// The e2e harness's pure parts, everywhere (no root): the Calico configs the namespaces run
// (IPv6 blocks, global peers, hold times, the reflector's address) and the reading of the host's
// `ip -j route show`.
import { describe, expect, it } from 'vitest';
import { birdConfig } from '../interop/harness/index.js';
import { duplicatePrefixes, E2eCluster, isWren, parseIpRoutes, snapshot, wrenTable } from './harness/index.js';

describe('e2e harness', () => {
  it('the seed story over IPv6: /122 blocks, a /128 VIP, IPv6 sessions to the reflector, Wren a passive ADD-PATH client', () => {
    const t = E2eCluster.topologyFor({ mode: 'reflector', family: 'ipv6', holdTime: 4 }, 3);
    expect(t.blocks).toEqual([
      { prefix: 'fd00:244::1:0/122', nextHop: 'fd00:100::11', node: 'node1' },
      { prefix: 'fd00:244::1:40/122', nextHop: 'fd00:100::11', node: 'node1' },
      { prefix: 'fd00:244::2:0/122', nextHop: 'fd00:100::12', node: 'node2' },
      { prefix: 'fd00:244::3:0/122', nextHop: 'fd00:100::13', node: 'node3' },
    ]);
    expect([t.serviceVip6, t.vipNextHops6, t.vipNextHops]).toEqual(['fd00:96::a/128', ['fd00:100::11', 'fd00:100::12'], []]);
    expect(t.rrNodeSessions).toEqual(['node1_6', 'node2_6', 'node3_6']);
    const node1 = birdConfig(t.nodes[0]!.config);
    expect(node1).toMatch(/route fd00:244::1:40\/122 blackhole;\n {2}route fd00:96::a\/128 blackhole;/);
    expect(node1).not.toContain('10.244.');
    expect(node1).toMatch(/protocol bgp p_rr_6 \{\n {2}local fd00:100::11 port 179 as 64512;[\s\S]*neighbor fd00:100::2 port 179 as 64512;[\s\S]*hold time 4;[\s\S]*ipv6 \{\n {4}import all;\n {4}export where source = RTS_STATIC;\n {4}next hop self;/);
    const rr = birdConfig(t.rr.config);
    expect(rr).toMatch(/protocol bgp p_wren \{\n {2}local fd00:100::2 port 179 as 64512;[\s\S]*neighbor fd00:100::1 port 179 as 64512;[\s\S]*passive yes;\n {2}rr client;[\s\S]*add paths tx;/);
  });

  it('the NetScaler story: every node peers with AS 500 over eBGP and exports only its own blocks and VIP', () => {
    const t = E2eCluster.topologyFor({ mode: 'gateway', family: 'ipv4', holdTime: 4 }, 3);
    expect(t.rr.address).toBe('192.168.100.2');
    for (const nd of t.nodes) {
      const c = birdConfig(nd.config);
      expect(c).toMatch(/protocol bgp p_netscaler \{\n {2}local 192\.168\.100\.1\d port 179 as 64512;[\s\S]*neighbor 192\.168\.100\.1 port 179 as 500;[\s\S]*hold time 4;[\s\S]*export where source = RTS_STATIC;/);
      expect(c).not.toContain('multihop');
    }
    expect(birdConfig(t.rr.config)).not.toContain('192.168.100.1 ');
  });

  it("reads `ip -j route show`: Wren's routes, ECMP as one route, a canonical snapshot, duplicates", () => {
    const v4 = parseIpRoutes(
      '[{"dst":"10.96.0.10","protocol":"87","flags":[],"nexthops":[{"gateway":"192.168.100.12","dev":"eth0","weight":1,"flags":[]},{"gateway":"192.168.100.11","dev":"eth0","weight":1,"flags":[]}]},{"dst":"10.244.1.0/26","gateway":"192.168.100.11","dev":"eth0","protocol":"wren","flags":[]},{"dst":"192.168.100.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"192.168.100.1","flags":[]}]',
      'ipv4',
    );
    const v6 = parseIpRoutes(
      '[{"dst":"fd00:96::a","protocol":"87","metric":1024,"flags":[],"pref":"medium","nexthops":[{"gateway":"fd00:100::11","dev":"eth0","weight":1,"flags":[]},{"gateway":"fd00:100::12","dev":"eth0","weight":1,"flags":[]}]},{"dst":"fd00:244::1:0/122","gateway":"fd00:100::11","dev":"eth0","protocol":"87","metric":1024,"flags":[],"pref":"medium"},{"dst":"fe80::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},{"dst":"fe80::/64","dev":"pod0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"}]',
      'ipv6',
    );
    expect(v4.map((r) => [r.prefix, isWren(r), r.multipath])).toEqual([
      ['10.96.0.10/32', true, true],
      ['10.244.1.0/26', true, false],
      ['192.168.100.0/24', false, false],
    ]);
    expect(wrenTable([...v4, ...v6])).toEqual({
      '10.96.0.10/32': ['192.168.100.11', '192.168.100.12'],
      '10.244.1.0/26': ['192.168.100.11'],
      'fd00:96::a/128': ['fd00:100::11', 'fd00:100::12'],
      'fd00:244::1:0/122': ['fd00:100::11'],
    });
    expect(wrenTable([...v4, ...v4])['10.244.1.0/26']).toBe('DUPLICATE');
    expect(duplicatePrefixes([...v4, ...v6])).toEqual([]);
    expect(duplicatePrefixes([...v4, v4[1]!])).toEqual(['10.244.1.0/26']);
    // key order does not matter, every other difference does
    const reordered = parseIpRoutes('[{"protocol":"wren","dst":"10.244.1.0/26","dev":"eth0","gateway":"192.168.100.11","flags":[]}]', 'ipv4');
    expect(snapshot(reordered)).toEqual(snapshot([v4[1]!]));
    expect(snapshot(parseIpRoutes('[{"dst":"10.244.1.0/26","gateway":"192.168.100.11","dev":"eth0","protocol":"wren","metric":1,"flags":[]}]', 'ipv4'))).not.toEqual(snapshot([v4[1]!]));
  });
});
