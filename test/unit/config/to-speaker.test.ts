// From a configuration to the Speaker's options, peers and announcements, the FIB, API, metrics
// and log settings; and proof that the Speaker takes what the mapping gives it.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Speaker } from '../../../src/api/speaker.js';
import { MemoryFib, MemoryKernel } from '../../../src/fib/index.js';
import { formatConfigError, parseConfig, toSpeakerPlan, type WrenConfig } from '../../../src/config/index.js';
import { until } from '../../helpers/until.js';

const examples = fileURLToPath(new URL('../../../docs/examples', import.meta.url));

function config(text: string): WrenConfig {
  const r = parseConfig(text);
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.config;
}

const speakers: Speaker[] = [];
afterEach(async () => {
  await Promise.all(speakers.splice(0).map((s) => s.stop()));
});

describe('toSpeakerPlan', () => {
  it('maps every section', () => {
    const plan = toSpeakerPlan(
      config(`localAsn: 64512
routerId: 10.0.0.1
clusterId: 10.0.0.254
listen: { address: 10.0.0.1, port: 1179 }
holdTime: 30s
connectRetryTime: 10
idleHoldTime: 2
ecmp: { maxPaths: { ibgp: 4, ebgp: 8 }, multipathRelax: true }
alwaysCompareMed: true
gracefulRestart: { restartTime: 90s, llgrStaleTime: 1h }
policies:
  pods: [{ match: { prefixList: ["10.244.0.0/16 ge 26"] }, then: accept }]
peers:
  - address: 10.0.0.2
    remoteAsn: 65000
    port: 1790
    localAddress: 10.0.0.1
    passive: true
    holdTime: 9
    families: [ipv4-unicast, ipv6-unicast]
    routeReflectorClient: true
    import: pods
    export: reject
    maxPrefix: 1000
    nextHopSelf: true
    nextHopV6: "2001:db8::1"
    addPathReceive: [ipv4-unicast]
    allowAsIn: 1
    description: rr1
    role: peer
    strictRole: true
    multihop: 3
    passwordFile: /etc/wren/rr1.key
  - listenRange: 10.20.0.0/23
    remoteAsn: any
    import: pods
announcements:
  - prefix: 192.0.2.10/32
    nextHop: self
    communities: ["64512:100", no-export]
    largeCommunities: ["64512:1:2"]
    med: 5
    localPref: 200
    asPathPrepend: 2
    origin: incomplete
    healthCheck: { tcp: 127.0.0.1:80 }
fib:
  backend: memory
  transport: iproute2
  table: 100
  metric: 20
  protocol: 88
  onlink: true
  allowedPrefixes: [10.244.0.0/16]
  maxRoutes: 5000
  hostAddresses: [10.0.0.1/24]
  connectedSubnets: [172.16.0.0/16]
  refuseSupernets: true
  keepOnExit: true
  syncDelay: 10s
  maxBatch: 500
  delay: 5ms
api: { socket: /tmp/wren.sock, mode: "0600" }
metrics: 127.0.0.1:9179
log: { level: debug, format: pretty }
`),
    );
    const pods = [{ match: { prefixList: ['10.244.0.0/16 ge 26'] }, then: 'accept' }];
    expect(plan.speaker).toEqual({
      localAsn: 64512,
      routerId: '10.0.0.1',
      clusterId: '10.0.0.254',
      listen: { address: '10.0.0.1', port: 1179 },
      holdTime: 30,
      connectRetryTime: 10,
      idleHoldTime: 2,
      maxPaths: { ibgp: 4, ebgp: 8 },
      multipathRelax: true,
      alwaysCompareMed: true,
      gracefulRestart: { restartTime: 90, llgrStaleTime: 3600 },
      dynamicNeighbors: [{ prefix: '10.20.0.0/23', remoteAsn: 'any', import: pods }],
    });
    expect(plan.peers).toEqual([
      {
        address: '10.0.0.2',
        remoteAsn: 65000,
        port: 1790,
        localAddress: '10.0.0.1',
        passive: true,
        holdTime: 9,
        families: ['ipv4-unicast', 'ipv6-unicast'],
        routeReflectorClient: true,
        import: pods,
        export: 'reject',
        maxPrefix: 1000,
        nextHopSelf: true,
        nextHopV6: '2001:db8::1',
        addPathReceive: ['ipv4-unicast'],
        allowAsIn: 1,
        description: 'rr1',
        role: 'peer',
        strictRole: true,
      },
    ]);
    expect(plan.peerTransport).toEqual([{ peer: '10.0.0.2', multihop: 3, password: { file: '/etc/wren/rr1.key' } }]);
    expect(plan.announcements).toEqual([
      {
        prefix: '192.0.2.10/32',
        nextHop: 'self',
        communities: ['64512:100', 'no-export'],
        largeCommunities: ['64512:1:2'],
        med: 5,
        localPref: 200,
        asPathPrepend: 2,
        origin: 'incomplete',
        healthCheck: { probe: { kind: 'tcp', host: '127.0.0.1', port: 80 } },
      },
    ]);
    expect(plan.fib).toEqual({
      backend: 'memory',
      transport: 'iproute2',
      table: { table: 100, metric: 20, protocol: 88, onlink: true },
      options: {
        allowedPrefixes: ['10.244.0.0/16'],
        maxRoutes: 5000,
        hostAddresses: ['10.0.0.1/24'],
        connectedSubnets: ['172.16.0.0/16'],
        refuseSupernets: true,
        keepOnStop: true,
        syncDelayMs: 10_000,
        maxBatch: 500,
        delayMs: 5,
      },
    });
    expect(plan.api).toEqual({ socket: '/tmp/wren.sock', mode: 0o600 });
    expect(plan.metrics).toEqual({ address: '127.0.0.1', port: 9179 });
    expect(plan.log).toEqual({ level: 'debug', format: 'pretty' });
  });

  it('turns graceful restart off and leaves out what is not set', () => {
    const plan = toSpeakerPlan(config('localAsn: 65001\nrouterId: 192.0.2.1\ngracefulRestart: false\nlisten: false\n'));
    expect(plan.speaker.gracefulRestart).toBe(false);
    expect(plan.speaker.listen).toBe(false);
    expect(plan.speaker).not.toHaveProperty('dynamicNeighbors');
    expect(plan.speaker).not.toHaveProperty('clusterId');
    expect(plan.peers).toEqual([]);
    expect(plan.fib).toEqual({ backend: 'kernel', transport: 'auto', table: { table: 'main', metric: 0, protocol: 87, onlink: false }, options: {} });
  });

  it.each(readdirSync(examples).filter((f) => f.endsWith('.yaml')))('the Speaker takes docs/examples/%s', (f) => {
    const plan = toSpeakerPlan(config(readFileSync(join(examples, f), 'utf8')));
    const s = new Speaker({ ...plan.speaker, listen: false });
    for (const p of plan.peers) s.addPeer(p);
    s.setAnnouncements(plan.announcements);
    expect(s.peerStates()).toHaveLength(plan.peers.length);
    expect(s.announcements).toHaveLength(plan.announcements.length);
  });
});

describe('a host configured from a file', () => {
  it('peers with a cluster node, keeps only the pod and service routes, and installs them', async () => {
    const node = new Speaker({ localAsn: 64512, routerId: '127.0.3.11', listen: { address: '127.0.3.11', port: 0 }, idleHoldTime: 1, connectRetryTime: 1 });
    await node.start();
    speakers.push(node);
    const plan = toSpeakerPlan(
      config(`localAsn: 64512
routerId: 127.0.3.10
listen: { address: 127.0.3.10, port: 0 }
connectRetryTime: 1
idleHoldTime: 1
policies:
  from-calico:
    - match: { prefixList: ["10.244.0.0/16 ge 26", "10.96.0.0/12 le 32"] }
      then: accept
peers:
  - address: 127.0.3.11
    remoteAsn: 64512
    port: ${node.listenAddress!.port}
    localAddress: 127.0.3.10
    import: from-calico
    export: reject
fib:
  backend: memory
  allowedPrefixes: [10.244.0.0/16, 10.96.0.0/12]
  delay: 1ms
`),
    );
    expect(plan.fib.backend).toBe('memory');
    const kernel = new MemoryKernel();
    const host = new Speaker({ ...plan.speaker, fib: { backend: new MemoryFib({ kernel, ...plan.fib.table }), ...plan.fib.options } });
    for (const p of plan.peers) host.addPeer(p);
    await host.start();
    speakers.push(host);
    node.addPeer({ address: '127.0.3.10', remoteAsn: 64512, passive: true });
    node.announce({ prefix: '10.244.1.0/26' });
    node.announce({ prefix: '10.96.0.10/32' });
    node.announce({ prefix: '198.51.100.0/24' }); // not the cluster's: the import policy drops it
    const fib = new MemoryFib({ kernel });
    await until('pod and service routes installed', async () => (await fib.list()).length === 2);
    expect((await fib.list()).map((r) => [r.prefix, r.nextHops.map((h) => h.address)]).sort()).toEqual([
      ['10.244.1.0/26', ['127.0.3.11']],
      ['10.96.0.10/32', ['127.0.3.11']],
    ]);
    expect(host.route('198.51.100.0/24')).toBeNull();
  });
});
