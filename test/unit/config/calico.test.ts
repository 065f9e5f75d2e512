// Calico resources in, Wren configuration out: reading calicoctl's YAML (single resources, Lists,
// several documents), errors with file and line, selectors, and the conversion for the outside
// host in the shapes our users run: route-reflector clients (iBGP) and an eBGP gateway.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatConfigError,
  fromCalico,
  mergeCalico,
  parseConfig,
  parseSelector,
  readCalico,
  renderWrenYaml,
  toSpeakerPlan,
  type CalicoResources,
  type FromCalicoOptions,
} from '../../../src/config/index.js';
import { runFromCalico } from '../../../src/cli/config-cmd.js';

const samples = fileURLToPath(new URL('../../../docs/examples/calico', import.meta.url));
const sampleFiles = ['bgpconfiguration.yaml', 'ippools.yaml', 'bgppeers.yaml', 'nodes.yaml'].map((f) => join(samples, f));

function read(text: string, file = 'calico.yaml'): CalicoResources {
  const r = readCalico(text, file);
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.resources;
}

function convert(resources: CalicoResources, options: FromCalicoOptions = {}) {
  const r = fromCalico(resources, options);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  const yaml = renderWrenYaml(r.config, ['test']);
  const parsed = parseConfig(yaml, 'generated.yaml');
  if (!parsed.ok) throw new Error(`${yaml}\n${parsed.errors.map(formatConfigError).join('\n')}`);
  return { ...r, yaml, wren: parsed.config };
}

const samplesRead = () => mergeCalico(sampleFiles.map((f) => read(readFileSync(f, 'utf8'), f)));

describe('reading Calico resources', () => {
  it('reads the samples as calicoctl prints them: single resources and Lists', () => {
    const r = samplesRead();
    expect(r.bgpConfigurations).toEqual([
      expect.objectContaining({
        name: 'default',
        asNumber: 64512,
        nodeToNodeMeshEnabled: false,
        serviceClusterIPs: ['10.96.0.0/12'],
        serviceExternalIPs: ['198.51.100.0/24'],
        serviceLoadBalancerIPs: ['203.0.113.0/24'],
      }),
    ]);
    expect(r.ipPools.map((p) => [p.name, p.cidr, p.blockSize, p.disabled])).toEqual([
      ['default-ipv4-ippool', '10.244.0.0/16', 26, false],
      ['old-ipv4-ippool', '10.245.0.0/16', 26, true],
    ]);
    expect(r.bgpPeers.map((p) => p.name)).toEqual(['peer-with-route-reflectors', 'rrs-to-rrs', 'rrs-to-wren-host']);
    expect(r.bgpPeers[2]).toMatchObject({ nodeSelector: "route-reflector == 'true'", peerIP: { address: '10.20.1.206' }, asNumber: 64512 });
    expect(r.nodes.map((n) => [n.name, n.ipv4Address, n.labels['route-reflector'] ?? null])).toEqual([
      ['ip-10-20-1-81', '10.20.1.81', 'true'],
      ['ip-10-20-1-82', '10.20.1.82', 'true'],
      ['ip-10-20-1-83', '10.20.1.83', 'true'],
      ['ip-10-20-1-84', '10.20.1.84', null],
      ['ip-10-20-1-85', '10.20.1.85', null],
    ]);
  });

  it('reads several documents, kind: List, crd.projectcalico.org/v1, asdot and peerIP with a port; ignores other kinds', () => {
    const r = read(`apiVersion: projectcalico.org/v3
kind: IPPool
metadata: { name: v6 }
spec: { cidr: "fd00:10:244::/56" }
---
apiVersion: v1
kind: List
items:
  - apiVersion: crd.projectcalico.org/v1
    kind: BGPPeer
    metadata: { name: gw }
    spec: { peerIP: "[2001:db8::1]:1790", asNumber: "1.10" }
  - apiVersion: projectcalico.org/v3
    kind: FelixConfiguration
    metadata: { name: default }
    spec: {}
`);
    expect(r.ipPools).toEqual([expect.objectContaining({ cidr: 'fd00:10:244::/56', blockSize: 122 })]);
    expect(r.bgpPeers).toEqual([expect.objectContaining({ name: 'gw', peerIP: { address: '2001:db8::1', port: 1790 }, asNumber: 65546 })]);
    expect(r.ignored).toEqual(['FelixConfiguration default (calico.yaml:13)']);
  });

  it.each([
    ['a bad CIDR', 'kind: IPPool\nmetadata: { name: p }\nspec:\n  cidr: 10.244.0.0/33\n', 'c.yaml:4:9: spec.cidr: expected a CIDR such as 10.244.0.0/16, got "10.244.0.0/33"'],
    ['a bad AS number in a List', 'kind: BGPPeerList\nitems:\n  - kind: BGPPeer\n    metadata: { name: x }\n    spec: { peerIP: 10.0.0.1, asNumber: sixty }\n', 'c.yaml:5:41: items[0].spec.asNumber: expected an AS number 1..4294967295, got "sixty"'],
    ['a block size for the wrong family', 'kind: IPPool\nmetadata: { name: p }\nspec: { cidr: 10.0.0.0/16, blockSize: 122 }\n', 'c.yaml:3:39: spec.blockSize: expected a block size 20..32 for an IPv4 pool, got 122'],
    ['a resource of another API', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n', 'c.yaml:1:13: apiVersion: expected projectcalico.org/v3 or crd.projectcalico.org/v1, got "networking.k8s.io/v1"'],
    ['no kind', 'metadata: { name: p }\n', 'c.yaml:1:1: kind: expected the kind of a Calico resource (BGPConfiguration, IPPool, BGPPeer, Node, List), got nothing'],
    ['a bad peerIP', 'kind: BGPPeer\nmetadata: { name: x }\nspec: { peerIP: "10.0.0.1:99999", asNumber: 1 }\n', 'c.yaml:3:17: spec.peerIP: expected an IP address, IPv4:port or [IPv6]:port, got "10.0.0.1:99999"'],
  ])('says where %s is', (_what, text, line) => {
    const r = readCalico(text, 'c.yaml');
    expect(r.ok ? [] : r.errors.map(formatConfigError)).toEqual([line]);
  });
});

describe('Calico selectors', () => {
  const labels = { 'route-reflector': 'true', zone: 'a', 'kubernetes.io/hostname': 'n1' };
  it.each([
    ["route-reflector == 'true'", true],
    ['route-reflector == "false"', false],
    ['!has(route-reflector)', false],
    ['has(route-reflector)', true],
    ['all()', true],
    ["zone in {'a', 'b'}", true],
    ["zone not in {'a'}", false],
    ["kubernetes.io/hostname starts with 'n'", true],
    ["zone contains 'x' || route-reflector != 'false'", true],
    ["(zone == 'a' || zone == 'b') && !has(gpu)", true],
    ["missing == ''", false],
    ["missing != 'x'", true],
  ])('%s', (selector, matches) => {
    const s = parseSelector(selector);
    if (typeof s === 'string') throw new Error(s);
    expect(s(labels)).toBe(matches);
  });

  it.each(["zone == 'a", 'zone ==', 'has(', "zone ~ 'a'", "zone == 'a' extra"])('refuses %s', (selector) => {
    expect(typeof parseSelector(selector)).toBe('string');
  });
});

describe('from Calico to a Wren configuration', () => {
  it('the samples: the route reflectors are the peers, in the cluster AS; pods and services are what we take', () => {
    const { wren, notes } = convert(samplesRead());
    expect(wren.localAsn).toBe(64512);
    expect(wren.routerId).toBe('10.20.1.206');
    expect(wren.peers.map((p) => [p.kind === 'static' ? p.address : p.listenRange, p.remoteAsn, p.importName, p.exportName])).toEqual([
      ['10.20.1.81', 64512, 'from-calico', 'to-calico'],
      ['10.20.1.82', 64512, 'from-calico', 'to-calico'],
      ['10.20.1.83', 64512, 'from-calico', 'to-calico'],
    ]);
    expect(wren.ecmp.maxPaths).toEqual({ ibgp: 8, ebgp: 8 });
    expect(wren.fib.allowedPrefixes).toEqual(['10.244.0.0/16', '10.245.0.0/16', '10.96.0.0/12', '198.51.100.0/24', '203.0.113.0/24']);
    expect(wren.policies['from-calico']).toMatchObject({
      default: 'reject',
      terms: [
        { name: 'pods', match: { prefixList: ['10.244.0.0/16 ge 26', '10.245.0.0/16 ge 26'] } },
        { name: 'services', match: { prefixList: ['10.96.0.0/12 le 32', '198.51.100.0/24 le 32', '203.0.113.0/24 le 32'] } },
      ],
    });
    expect(notes.join('\n')).toMatch(/this host is taken to be 10\.20\.1\.206/);
    expect(notes.join('\n')).toMatch(/old-ipv4-ippool .* is disabled: kept/);
    // The generated file maps onto the speaker like a hand-written one.
    expect(toSpeakerPlan(wren).peers).toHaveLength(3);
  });

  it('an eBGP gateway (global BGPPeer, NetScaler-style): every node is a peer, in the Calico AS; our AS is the peer asNumber', () => {
    const r = read(`apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: { name: bgppeer-global-3040 }
spec: { peerIP: 10.102.33.208, asNumber: 500 }
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: { name: default-ipv4-ippool }
spec: { cidr: 192.168.0.0/16 }
`);
    const { wren } = convert(r, { peers: ['10.102.33.198', '10.102.33.202'] });
    expect(wren.localAsn).toBe(500);
    expect(wren.peers.map((p) => [p.kind === 'static' && p.address, p.remoteAsn])).toEqual([
      ['10.102.33.198', 64512],
      ['10.102.33.202', 64512],
    ]);
    expect(wren.fib.allowedPrefixes).toEqual(['192.168.0.0/16']);
  });

  it('a BGPPeer localASNumber and a node AS decide the Calico side; listenPort is where we connect', () => {
    const r = read(`kind: BGPConfiguration
metadata: { name: default }
spec: { asNumber: 65100, listenPort: 1790 }
---
kind: BGPPeer
metadata: { name: to-host }
spec: { peerIP: "192.0.2.50:1179", asNumber: 65200, node: n2 }
---
kind: Node
metadata: { name: n1 }
spec: { bgp: { ipv4Address: 192.0.2.1/24 } }
---
kind: Node
metadata: { name: n2 }
spec: { bgp: { ipv4Address: 192.0.2.2/24, asNumber: 65102 } }
`);
    const { wren } = convert(r, { hostIp: '192.0.2.50' });
    expect(wren.localAsn).toBe(65200);
    expect(wren.listen).toEqual({ address: '::', port: 1179 });
    expect(wren.peers).toEqual([expect.objectContaining({ address: '192.0.2.2', remoteAsn: 65102, port: 1790 })]);
  });

  it('dynamic neighbors from --listen-range when the node addresses are not known', () => {
    const r = read('kind: BGPPeer\nmetadata: { name: all-nodes }\nspec: { peerIP: 10.0.0.9, asNumber: 64999 }\n');
    const { wren } = convert(r, { listenRanges: ['10.0.0.0/24'] });
    expect(wren.peers).toEqual([expect.objectContaining({ kind: 'dynamic', listenRange: '10.0.0.0/24', remoteAsn: 64512 })]);
  });

  it('leaves out pools Calico does not announce, and notes what it cannot do', () => {
    const r = read(`kind: IPPool
metadata: { name: hidden }
spec: { cidr: 10.50.0.0/16, disableBGPExport: true }
---
kind: IPPool
metadata: { name: v6 }
spec: { cidr: "fd00::/48" }
---
kind: BGPPeer
metadata: { name: p }
spec:
  peerIP: 10.0.0.9
  asNumber: 64999
  password: { secretKeyRef: { name: bgp-secrets, key: rr-password } }
`);
    const { wren, notes } = convert(r, { peers: ['10.0.0.1'] });
    expect(wren.fib.allowedPrefixes).toEqual(['fd00::/48']);
    const text = notes.join('\n');
    expect(text).toMatch(/hidden \(10\.50\.0\.0\/16\) has disableBGPExport/);
    expect(text).toMatch(/secret bgp-secrets\/rr-password.*TCP-MD5/);
    expect(text).toMatch(/v6 \(fd00::\/48\) is IPv6/);
    expect(text).toMatch(/no BGPConfiguration "default"/);
  });

  it.each<[string, string, FromCalicoOptions, RegExp]>([
    ['several hosts named', 'kind: BGPPeer\nmetadata: { name: a }\nspec: { peerIP: 10.0.0.1, asNumber: 1 }\n---\nkind: BGPPeer\nmetadata: { name: b }\nspec: { peerIP: 10.0.0.2, asNumber: 2 }\n', {}, /several peerIPs \(10\.0\.0\.1, 10\.0\.0\.2\): say which is this host with --host-ip/],
    ['no nodes to peer with', 'kind: BGPPeer\nmetadata: { name: rr }\nspec: { peerIP: 10.0.0.1, asNumber: 1, nodeSelector: "route-reflector == \'true\'" }\n', {}, /no Calico nodes to peer with \(BGPPeer rr selects nodes by route-reflector == 'true'\): give their addresses with --peer/],
    ['no BGPPeer for this host and no AS', 'kind: IPPool\nmetadata: { name: p }\nspec: { cidr: 10.0.0.0/16 }\n', { hostIp: '10.9.9.9', peers: ['10.0.0.1'] }, /no BGPPeer with peerIP 10\.9\.9\.9 says this host's AS: give it with --local-asn/],
    ['an IPv6 host without a router id', 'kind: BGPPeer\nmetadata: { name: a }\nspec: { peerIP: "2001:db8::9", asNumber: 1 }\n', { peers: ['2001:db8::1'] }, /give --router-id/],
    ['a bad --peer', 'kind: BGPPeer\nmetadata: { name: a }\nspec: { peerIP: 10.0.0.9, asNumber: 1 }\n', { peers: ['node1'] }, /--peer "node1" is not an IP address/],
  ])('refuses: %s', (_what, text, options, message) => {
    const r = fromCalico(read(text), options);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.errors.join('\n')).toMatch(message);
  });
});

describe('wren config from-calico', () => {
  it('prints a configuration that check-config accepts, with the notes as comments', () => {
    let out = '';
    let err = '';
    const status = runFromCalico(sampleFiles, {}, (s) => (out += s), (s) => (err += s));
    expect(err).toBe('');
    expect(status).toBe(0);
    expect(out).toMatch(/^# Wren configuration made by `wren config from-calico`/);
    expect(out).toMatch(/^# note: /m);
    expect(parseConfig(out).ok).toBe(true);
  });

  it('reports input errors with file and line, and exits 1', () => {
    let err = '';
    const status = runFromCalico([join(samples, 'ippools.yaml'), '/nonexistent.yaml'], { localAsn: 'x' }, () => undefined, (s) => (err += s));
    expect(status).toBe(1);
    expect(err).toMatch(/\/nonexistent\.yaml: ENOENT/);
    expect(err).toMatch(/--local-asn: expected an AS number/);
  });

  it('takes --host-ip, --peer, --local-asn and --router-id', () => {
    let out = '';
    const status = runFromCalico([join(samples, 'ippools.yaml')], { hostIp: '192.0.2.9', peer: ['192.0.2.1'], localAsn: '65009', routerId: '192.0.2.9' }, (s) => (out += s), () => undefined);
    expect(status).toBe(0);
    const r = parseConfig(out);
    expect(r.ok && r.config.localAsn).toBe(65009);
    expect(r.ok && r.config.peers.map((p) => p.remoteAsn)).toEqual([64512]);
  });
});
