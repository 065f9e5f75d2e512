// The harness's parsers of daemon output, on text captured from BIRD 2.0.12, GoBGP 3.10 and
// FRR 8.4. These run everywhere, also where the daemons are missing and daemons.test.ts skips.

import { describe, expect, it, vi } from 'vitest';
import { birdConfig, calicoTopology, frrConfig, genericAttribute, gobgpConfig, parseBirdProtocols, parseBirdRoutes, parseFrrNeighbors, parseFrrPrefix, parseFrrRoutes, parseGobgpNeighbors, parseGobgpRib, requireTools, which } from './harness/index.js';

describe('interop harness parsers', () => {
  it('birdc show route all: every path, next hops, attributes, best marker', () => {
    const out = [
      'BIRD 2.0.12 ready.',
      'Table master4:',
      '10.96.0.10/32        unreachable [p_node1 2026-11-24 22:40:00 from 127.9.9.11] * (100) [i]',
      '\tType: BGP univ',
      '\tBGP.origin: IGP',
      '\tBGP.as_path: ',
      '\tBGP.next_hop: 127.9.9.11',
      '\tBGP.local_pref: 100',
      '                     unreachable [p_node2 2026-11-24 22:40:01 from 127.9.9.12] (100) [i]',
      '\tType: BGP univ',
      '\tBGP.origin: IGP',
      '\tBGP.as_path: ',
      '\tBGP.next_hop: 127.9.9.12',
      '\tBGP.local_pref: 100',
      '10.42.1.0/24         unicast [p_exa 2026-11-24 22:40:02 from 127.9.9.40] * (100/0) [AS65040i]',
      '\tvia 127.9.9.40 on lo',
      '\tType: BGP univ',
      '\tBGP.origin: IGP',
      '\tBGP.as_path: 65040 {65001 65002}',
      '\tBGP.next_hop: 127.9.9.40',
      '\tBGP.community: (64512,100) (1,2)',
      '\tBGP.f0 [t]: de ad be ef',
      '10.244.1.0/26        blackhole [originate4 2026-11-24 22:39:56] * (200)',
      '\tType: static univ',
      '',
      'Table master6:',
      'fd57::/64            unreachable [p_f6 2026-11-24 22:40:03 from fd57::2] * (100) [AS64512i]',
      '\tBGP.next_hop: fd57::2 fe80::1',
    ].join('\n');
    const r = parseBirdRoutes(out);
    expect(r.map((x) => [x.prefix, x.nextHop, x.best, x.from])).toEqual([
      ['10.96.0.10/32', '127.9.9.11', true, '127.9.9.11'],
      ['10.96.0.10/32', '127.9.9.12', false, '127.9.9.12'],
      ['10.42.1.0/24', '127.9.9.40', true, '127.9.9.40'],
      ['10.244.1.0/26', undefined, true, undefined],
      ['fd57::/64', 'fd57::2', true, 'fd57::2'],
    ]);
    expect(r[2]).toMatchObject({ asPath: [65040, 65001, 65002], communities: ['64512:100', '1:2'], attributes: { 'BGP.f0 [t]': 'de ad be ef', gateways: '127.9.9.40' } });
    expect(r[4]).toMatchObject({ family: 'ipv6', nextHops: ['fd57::2', 'fe80::1'] });
  });

  it('birdc show protocols all: states, neighbor, last error, per-channel counters', () => {
    const out = [
      'BIRD 2.0.12 ready.',
      'Name       Proto      Table      State  Since         Info',
      'device1    Device     ---        up     2026-11-24 22:33:56  ',
      '',
      'p_node1    BGP        ---        up     2026-11-24 22:34:07  Established   ',
      '  BGP state:          Established',
      '    Neighbor address: 127.0.0.11',
      '    Neighbor AS:      64512',
      '  Channel ipv4',
      '    State:          UP',
      '    Routes:         2 imported, 1 exported, 2 preferred',
      'p_gw       BGP        ---        start  2026-11-24 22:34:07  Active        Socket: Connection refused',
      '  BGP state:          Active',
      '    Neighbor address: 10.255.0.2',
      '    Neighbor AS:      500',
      '    Last error:       Socket: Connection refused',
    ].join('\n');
    const p = parseBirdProtocols(out);
    expect(p.map((x) => [x.name, x.proto, x.state, x.info])).toEqual([
      ['device1', 'Device', 'up', ''],
      ['p_node1', 'BGP', 'up', 'Established'],
      ['p_gw', 'BGP', 'start', 'Active        Socket: Connection refused'],
    ]);
    expect(p[1]?.channels['ipv4']?.['Routes']).toBe('2 imported, 1 exported, 2 preferred');
    expect(p[2]?.details).toMatchObject({ 'BGP state': 'Active', 'Last error': 'Socket: Connection refused', 'Neighbor AS': '500' });
  });

  it('gobgp -j: neighbors with numeric states, global rib paths', () => {
    const n = parseGobgpNeighbors('[{"conf":{"neighbor_address":"10.255.0.1","peer_asn":64512},"state":{"neighbor_address":"10.255.0.1","peer_asn":64512,"session_state":6},"afi_safis":[{"state":{"received":3,"accepted":3}}]},{"conf":{"neighbor_address":"10.255.0.5"},"state":{"session_state":3}}]');
    expect(n.map((s) => [s.peer, s.state, s.established, s.prefixesReceived])).toEqual([
      ['10.255.0.1', 'Established', true, 3],
      ['10.255.0.5', 'Active', false, undefined],
    ]);
    const rib = parseGobgpRib(
      '{"10.244.1.0/26":[{"nlri":{"prefix":"10.244.1.0/26"},"age":1,"best":true,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"type":2,"num":1,"asns":[64512]}]},{"type":3,"nexthop":"10.255.0.1"},{"type":8,"communities":[6553601]}],"stale":false,"neighbor-ip":"10.255.0.1"}]}',
      'ipv4',
    );
    expect(rib).toEqual([expect.objectContaining({ prefix: '10.244.1.0/26', nextHop: '10.255.0.1', asPath: [64512], origin: 'IGP', best: true, from: '10.255.0.1', communities: ['100:1'] })]);
    expect(parseGobgpRib('{}', 'ipv4')).toEqual([]);
  });

  it('vtysh json: routes table, one prefix with multipath, neighbors', () => {
    const table = parseFrrRoutes(
      '{"routes": { "10.96.0.10/32": [{"valid":true,"multipath":true,"peerId":"10.255.1.3","path":"64512","origin":"IGP","nexthops":[{"ip":"10.255.1.3","afi":"ipv4","used":true}]},{"valid":true,"bestpath":true,"multipath":true,"peerId":"10.255.1.2","path":"64512","origin":"IGP","nexthops":[{"ip":"10.255.1.2","afi":"ipv4","used":true}]}] } }',
      'ipv4',
    );
    expect(table.map((r) => [r.nextHop, r.best, r.multipath, r.asPath])).toEqual([
      ['10.255.1.3', false, true, [64512]],
      ['10.255.1.2', true, true, [64512]],
    ]);
    const one = parseFrrPrefix('{"prefix":"fd57::/64","paths":[{"aspath":{"string":"64512"},"origin":"IGP","valid":true,"bestpath":{"overall":true},"multipath":true,"nexthops":[{"ip":"fd57::2","scope":"global"}],"peer":{"peerId":"fd57::2"}}]}', 'ipv6');
    expect(one[0]).toMatchObject({ prefix: 'fd57::/64', best: true, multipath: true, nextHop: 'fd57::2', from: 'fd57::2', asPath: [64512] });
    expect(parseFrrPrefix('{}', 'ipv4')).toEqual([]);
    const nb = parseFrrNeighbors('{"10.255.1.2":{"remoteAs":64512,"bgpState":"Established","addressFamilyInfo":{"ipv4Unicast":{"acceptedPrefixCounter":2}}},"fd57::3":{"remoteAs":64512,"bgpState":"Active"}}');
    expect(nb.map((s) => [s.peer, s.state, s.prefixesReceived])).toEqual([
      ['10.255.1.2', 'Established', 2],
      ['fd57::3', 'Active', undefined],
    ]);
  });

  it('config builders: Calico topology, FRR, GoBGP, ExaBGP generic attribute', () => {
    const t = calicoTopology({ host: (n) => `127.1.2.${n}`, rrPort: 2000, extraRrClients: [{ name: 'wren', address: '127.1.2.100', port: 3000, addPaths: 'tx' }] });
    expect(t.blocks).toEqual([
      { prefix: '10.244.1.0/26', nextHop: '127.1.2.11', node: 'node1' },
      { prefix: '10.244.1.64/26', nextHop: '127.1.2.11', node: 'node1' },
      { prefix: '10.244.2.0/26', nextHop: '127.1.2.12', node: 'node2' },
      { prefix: '10.244.3.0/26', nextHop: '127.1.2.13', node: 'node3' },
    ]);
    expect(t.vipNextHops).toEqual(['127.1.2.11', '127.1.2.12']);
    const rr = birdConfig(t.rr.config);
    expect(rr).toContain('protocol bgp p_wren {');
    expect(rr).toMatch(/neighbor 127\.1\.2\.100 port 3000 as 64512;[\s\S]*rr client;[\s\S]*rr cluster id 244\.0\.0\.1;[\s\S]*add paths tx;/);
    expect(birdConfig(t.nodes[0]!.config)).toMatch(/route 10\.96\.0\.10\/32 blackhole;[\s\S]*local 127\.1\.2\.11 port 2001 as 64512;[\s\S]*export where source = RTS_STATIC;\s*next hop self;/);
    expect(frrConfig({ asn: 65030, routerId: '10.0.0.1', maximumPaths: 8, neighbors: [{ address: 'fd57::2', asn: 64512, port: 1790 }] })).toMatch(/neighbor fd57::2 port 1790[\s\S]*address-family ipv6 unicast\n {2}maximum-paths 8\n {2}maximum-paths ibgp 8\n {2}neighbor fd57::2 activate/);
    expect(gobgpConfig({ asn: 500, routerId: '10.0.0.2', neighbors: [{ address: '10.0.0.1', asn: 64512, port: 1790 }] })).toMatch(/neighbor-address = "10\.0\.0\.1"[\s\S]*remote-port = 1790[\s\S]*afi-safi-name = "ipv4-unicast"/);
    expect(genericAttribute(1, 0x40, '05')).toBe('attribute [ 0x01 0x40 0x05 ]');
    expect(() => genericAttribute(1, 0x40, 'xyz')).toThrow();
  });

  it('requireTools: a readable skip reason, or null', () => {
    const spy = vi.spyOn(process, 'getuid').mockReturnValue(1000);
    try {
      expect(requireTools(['ip'])).toMatch(/^not root/);
      expect(requireTools(['ip'], { root: false })).toBe(which('ip') ? null : 'missing ip (apt install iproute2)');
    } finally {
      spy.mockRestore();
    }
  });
});
