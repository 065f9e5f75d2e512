// The Calico cluster of the e2e network: the BIRD configs of test/interop/harness/calico.ts
// (calicoTopology), each BIRD in its own namespace: the reflector in "rr", node i in "node<i>".
// Nodes can be stopped cleanly (SIGTERM: BIRD sends Cease and closes), crash (their LAN port goes
// down and BIRD is killed: no NOTIFICATION, no FIN, the peers' hold timers must notice), come back,
// and change what they originate.

import { Bird, calicoTopology, type BirdConfig, type CalicoTopology, type CalicoTopologyOptions, type Lab } from '../../interop/harness/index.js';
import { HOST, lan4, lan6, RR, SERVICE_VIP, SERVICE_VIP6, type E2eNetwork } from './network.js';

export interface E2eClusterOptions {
  /** 'reflector': Wren is an iBGP RR client (the seed story); 'gateway': every node peers with Wren in AS 500 (NetScaler). */
  readonly mode: 'reflector' | 'gateway';
  readonly family: 'ipv4' | 'ipv6';
  /** Hold time of the BIRD sessions (s). */
  readonly holdTime: number;
  readonly gatewayAsn?: number;
}

export class E2eCluster {
  readonly topology: CalicoTopology;
  readonly rr: Bird;
  /** nodes[i - 1]: node i's BIRD now (replaced when it starts again). */
  readonly nodes: Bird[];

  private constructor(
    private readonly lab: Lab,
    private readonly net: E2eNetwork,
    topology: CalicoTopology,
    rr: Bird,
    nodes: Bird[],
  ) {
    this.topology = topology;
    this.rr = rr;
    this.nodes = nodes;
  }

  static topologyFor(opts: E2eClusterOptions, nodes: number): CalicoTopology {
    const v6 = opts.family === 'ipv6';
    const host = (n: number): string => lan4(n);
    const topo: CalicoTopologyOptions = {
      nodes,
      host,
      rrHost: RR,
      rrPort: 179,
      nodePorts: Array.from({ length: nodes }, () => 179),
      ipv4: !v6,
      serviceVip: SERVICE_VIP,
      ...(v6 ? { ipv6: { host: lan6, serviceVip: SERVICE_VIP6 } } : {}),
      holdTime: opts.holdTime,
      // The seed story: Wren connects to the reflector, which sends every path (ADD-PATH) so that
      // Wren sees both VIP next hops. NetScaler: every node peers with Wren (global BGPPeer).
      ...(opts.mode === 'reflector'
        ? { extraRrClients: [{ name: 'wren', address: v6 ? lan6(HOST) : lan4(HOST), port: 179, passive: true, addPaths: 'tx' as const }] }
        : { globalPeers: [{ name: 'netscaler', address: v6 ? lan6(HOST) : lan4(HOST), asn: opts.gatewayAsn ?? 500 }] }),
    };
    return calicoTopology(topo);
  }

  static async start(lab: Lab, net: E2eNetwork, opts: E2eClusterOptions): Promise<E2eCluster> {
    const topology = E2eCluster.topologyFor(opts, net.nodes.length);
    const [rr, ...nodes] = await Promise.all([
      lab.bird({ name: 'rr', config: topology.rr.config, netns: net.rr }),
      ...topology.nodes.map((nd, k) => lab.bird({ name: nd.name, config: nd.config, netns: net.nodes[k] })),
    ]);
    return new E2eCluster(lab, net, topology, rr!, nodes);
  }

  node(i: number): Bird {
    const b = this.nodes[i - 1];
    if (!b) throw new Error(`no node ${i}`);
    return b;
  }

  /** Waits until the reflector has every node session up and every block and VIP path. */
  async waitConverged(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(1000, deadline - Date.now());
    const t = this.topology;
    for (const s of t.rrNodeSessions) await this.rr.waitForSession(s, { timeoutMs: left() });
    await this.rr.waitForPrefixes(t.blocks.map((b) => b.prefix), { timeoutMs: left() });
    for (const [vip, hops] of [
      [t.serviceVip, t.vipNextHops],
      [t.serviceVip6, t.vipNextHops6],
    ] as const) {
      if (vip === undefined || hops.length === 0) continue;
      await this.rr.waitForRoute(vip, (p) => p.length === hops.length, { timeoutMs: left(), what: `${hops.length} paths of ${vip}` });
    }
  }

  /** SIGTERM: BIRD shuts its sessions down with a Cease NOTIFICATION before it exits. */
  async stopNode(i: number): Promise<void> {
    await this.node(i).stop({ signal: 'SIGTERM', graceMs: 5000 });
  }

  /** A node dies: its LAN port goes down first (nothing more leaves it), then BIRD is killed. */
  async crashNode(i: number): Promise<void> {
    await this.net.setNodeLink(i, false);
    await this.node(i).stop({ signal: 'SIGKILL', graceMs: 1000 });
  }

  /** The node (back) up: its LAN port up and a new BIRD with the topology's (or the given) config. */
  async startNode(i: number, config?: BirdConfig): Promise<Bird> {
    await this.node(i).dispose();
    await this.net.setNodeLink(i, true);
    const nd = this.topology.nodes[i - 1]!;
    const b = await this.lab.bird({ name: `${nd.name}-again`, config: config ?? nd.config, netns: this.net.nodes[i - 1] });
    this.nodes[i - 1] = b;
    return b;
  }

  /** Node i originates exactly `originate` from now on (`birdc configure`). */
  async setOriginated(i: number, originate: readonly string[]): Promise<void> {
    const nd = this.topology.nodes[i - 1]!;
    await this.node(i).reconfigure({ ...nd.config, originate });
  }
}
