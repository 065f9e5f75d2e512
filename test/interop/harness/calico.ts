// A Calico-style cluster in BIRD (seeds 001/003): one AS (64512), node-to-node mesh off, one route
// reflector (cluster id 244.0.0.1), every node an iBGP RR client exporting its per-node /26 pod
// blocks from 10.244.0.0/16 with next hop = the node's own address, and some nodes exporting a
// service VIP /32 (ECMP/anycast). `extraRrClients` adds more RR clients — later, Wren.
// With `ipv6`, every node also owns /122 blocks of fd00:244::/56 and the VIP nodes a service /128,
// carried on separate IPv6 sessions as calico-node does; `globalPeers` are Calico's global
// BGPPeers (the NetScaler story: every node peers with them over eBGP). The e2e tests
// (test/e2e/) run these configs in network namespaces.

import { Bird, type BirdConfig, type BirdPeer } from './bird.js';
import type { Netns } from './netns.js';
import { freePort, loopbackBlock } from './workdir.js';

export interface CalicoRrClient {
  readonly address: string;
  readonly port: number;
  /** Default: the cluster AS (iBGP). */
  readonly asn?: number;
  /** BIRD protocol name (default extra<N>). */
  readonly name?: string;
  /** The reflector waits for the client to connect instead of connecting itself. */
  readonly passive?: boolean;
  /** ADD-PATH towards this client ('tx' sends every path of the VIP, not just the best). */
  readonly addPaths?: 'rx' | 'tx' | boolean;
}

/** A Calico global BGPPeer: every node opens an eBGP session to it and exports its blocks and VIPs. */
export interface CalicoGlobalPeer {
  readonly address: string;
  readonly asn: number;
  /** Default 179. */
  readonly port?: number;
  /** BIRD protocol name on the nodes (default global<N>). */
  readonly name?: string;
  /** Not on the nodes' subnet (default: directly connected). */
  readonly multihop?: boolean;
}

/** IPv6 alongside (or, with `ipv4: false`, instead of) IPv4. */
export interface CalicoIpv6Options {
  /** Address allocator like `host`: rr = host(rrHost), node i = host(10 + i). */
  readonly host: (n: number) => string;
  /** Service VIP exported by the same `serviceNodes` (default fd00:96::a/128). */
  readonly serviceVip?: string;
}

export interface CalicoTopologyOptions {
  /** Number of nodes (default 3). */
  readonly nodes?: number;
  /** Blocks per node, one number for all or one per node (default [2, 1, 1, 1, ...]); at most 4. */
  readonly blocksPerNode?: number | readonly number[];
  /** Service VIP exported by `serviceNodes` (default 10.96.0.10/32). */
  readonly serviceVip?: string;
  /** 1-based node numbers that export the VIP (default [1, 2]). */
  readonly serviceNodes?: readonly number[];
  readonly asn?: number;
  readonly clusterId?: string;
  /** Address allocator (default: a random 127.A.B.0/24; rr = host(1), node i = host(10 + i)). */
  readonly host?: (n: number) => string;
  /** Reflector port (default: random 20000-59999). */
  readonly rrPort?: number;
  /** Node ports (default: rrPort + i). */
  readonly nodePorts?: readonly number[];
  readonly extraRrClients?: readonly CalicoRrClient[];
  /** Host number of the reflector in the `host` allocators (default 1). */
  readonly rrHost?: number;
  /** IPv4 blocks, VIP and sessions (default true). */
  readonly ipv4?: boolean;
  /** IPv6 /122 blocks (node i's k-th block: fd00:244::i:(k*64)/122), a VIP /128, IPv6 sessions. */
  readonly ipv6?: CalicoIpv6Options;
  /** Hold time of every session (BIRD's default is 240 s). */
  readonly holdTime?: number;
  /** Calico global BGPPeers (eBGP from every node, e.g. a NetScaler in AS 500). */
  readonly globalPeers?: readonly CalicoGlobalPeer[];
}

export interface CalicoSpeaker {
  readonly name: string;
  readonly address: string;
  /** With `ipv6`. */
  readonly address6?: string | undefined;
  readonly port: number;
  readonly config: BirdConfig;
}

export interface CalicoNode extends CalicoSpeaker {
  /** 1-based. */
  readonly index: number;
  /** IPv4 pod blocks this node owns (e.g. 10.244.1.0/26, 10.244.1.64/26). */
  readonly blocks: readonly string[];
  /** IPv6 pod blocks (e.g. fd00:244::1:0/122, fd00:244::1:40/122); empty without `ipv6`. */
  readonly blocks6: readonly string[];
  readonly exportsVip: boolean;
}

export interface CalicoTopology {
  readonly asn: number;
  readonly clusterId: string;
  readonly serviceVip: string;
  readonly rr: CalicoSpeaker;
  readonly nodes: readonly CalicoNode[];
  /** Every pod block (IPv4, then IPv6) with the address of the node that owns it (the expected next hop). */
  readonly blocks: ReadonlyArray<{ readonly prefix: string; readonly nextHop: string; readonly node: string }>;
  /** Nodes exporting the VIP: the expected next hops of its paths. */
  readonly vipNextHops: readonly string[];
  /** With `ipv6`: the VIP /128 and its expected next hops. */
  readonly serviceVip6?: string | undefined;
  readonly vipNextHops6: readonly string[];
  /** BIRD protocol names of the reflector's node sessions (node1, ..., node1_6, ...). */
  readonly rrNodeSessions: readonly string[];
}

/** Node i's k-th IPv6 block: fd00:244::i:(k*64)/122. */
export function calicoBlock6(node: number, k: number): string {
  return `fd00:244::${node.toString(16)}:${(k * 64).toString(16)}/122`;
}

/** Builds the BIRD configs (pure; no processes). */
export function calicoTopology(opts: CalicoTopologyOptions = {}): CalicoTopology {
  const n = opts.nodes ?? 3;
  const asn = opts.asn ?? 64512;
  const clusterId = opts.clusterId ?? '244.0.0.1';
  const serviceVip = opts.serviceVip ?? '10.96.0.10/32';
  const serviceNodes = opts.serviceNodes ?? [1, 2].filter((i) => i <= n);
  const host = opts.host ?? loopbackBlock();
  const rrHost = opts.rrHost ?? 1;
  const v4 = opts.ipv4 ?? true;
  const v6 = opts.ipv6;
  const serviceVip6 = v6 ? (v6.serviceVip ?? 'fd00:96::a/128') : undefined;
  const hold = opts.holdTime !== undefined ? { holdTime: opts.holdTime } : {};
  const rrPort = opts.rrPort ?? 20000 + Math.floor(Math.random() * 40000);
  const nodePorts = opts.nodePorts ?? Array.from({ length: n }, (_, i) => rrPort + 1 + i);
  if (n < 1 || n > 200) throw new Error('nodes must be 1..200');
  if (!v4 && !v6) throw new Error('neither ipv4 nor ipv6');
  const blocksOf = (i: number): number => {
    const b = typeof opts.blocksPerNode === 'number' ? opts.blocksPerNode : (opts.blocksPerNode?.[i - 1] ?? (i === 1 ? 2 : 1));
    if (b < 0 || b > 4) throw new Error('blocksPerNode must be 0..4 (a /24 per node holds four /26 blocks)');
    return b;
  };
  const rrAddress = host(rrHost);
  const rrAddress6 = v6?.host(rrHost);
  const nodes: CalicoNode[] = [];
  for (let i = 1; i <= n; i++) {
    const address = host(10 + i);
    const address6 = v6?.host(10 + i);
    const port = nodePorts[i - 1];
    if (port === undefined) throw new Error(`no port for node ${i}`);
    const blocks = v4 ? Array.from({ length: blocksOf(i) }, (_, k) => `10.244.${i}.${k * 64}/26`) : [];
    const blocks6 = v6 ? Array.from({ length: blocksOf(i) }, (_, k) => calicoBlock6(i, k)) : [];
    const exportsVip = serviceNodes.includes(i);
    const vips = exportsVip ? [...(v4 ? [serviceVip] : []), ...(serviceVip6 ? [serviceVip6] : [])] : [];
    // Calico nodes export only their own blocks/VIPs, with themselves as next hop
    const peers: BirdPeer[] = [];
    if (v4) peers.push({ name: 'rr', address: rrAddress, port: rrPort, asn, export: 'originated', import: 'all', nextHopSelf: true, ...hold });
    if (rrAddress6) peers.push({ name: 'rr_6', address: rrAddress6, port: rrPort, asn, export: 'originated', import: 'all', nextHopSelf: true, ...hold });
    (opts.globalPeers ?? []).forEach((g, k) => {
      peers.push({
        name: g.name ?? `global${k + 1}`,
        address: g.address,
        port: g.port ?? 179,
        asn: g.asn,
        export: 'originated',
        import: 'all',
        nextHopSelf: true,
        ...(g.multihop ? { multihop: true } : {}),
        ...hold,
      });
    });
    const config: BirdConfig = {
      routerId: address,
      asn,
      address,
      ...(address6 ? { address6 } : {}),
      port,
      originate: [...blocks, ...blocks6, ...vips],
      peers,
    };
    nodes.push({ name: `node${i}`, index: i, address, ...(address6 ? { address6 } : {}), port, blocks, blocks6, exportsVip, config });
  }
  const rrPeers: BirdPeer[] = [];
  const rrNodeSessions: string[] = [];
  for (const nd of nodes) {
    if (v4) {
      rrPeers.push({ name: nd.name, address: nd.address, port: nd.port, asn, rrClient: true, rrClusterId: clusterId, export: 'all', import: 'all', ...hold });
      rrNodeSessions.push(nd.name);
    }
    if (nd.address6) {
      rrPeers.push({ name: `${nd.name}_6`, address: nd.address6, port: nd.port, asn, rrClient: true, rrClusterId: clusterId, export: 'all', import: 'all', ...hold });
      rrNodeSessions.push(`${nd.name}_6`);
    }
  }
  (opts.extraRrClients ?? []).forEach((c, k) => {
    rrPeers.push({
      name: c.name ?? `extra${k + 1}`,
      address: c.address,
      port: c.port,
      asn: c.asn ?? asn,
      rrClient: (c.asn ?? asn) === asn,
      rrClusterId: (c.asn ?? asn) === asn ? clusterId : undefined,
      multihop: (c.asn ?? asn) === asn ? undefined : true,
      passive: c.passive,
      addPaths: c.addPaths,
      export: 'all',
      import: 'all',
      ...hold,
    });
  });
  const rr: CalicoSpeaker = {
    name: 'rr',
    address: rrAddress,
    ...(rrAddress6 ? { address6: rrAddress6 } : {}),
    port: rrPort,
    config: { routerId: rrAddress, asn, address: rrAddress, ...(rrAddress6 ? { address6: rrAddress6 } : {}), port: rrPort, peers: rrPeers },
  };
  return {
    asn,
    clusterId,
    serviceVip,
    rr,
    nodes,
    blocks: [
      ...nodes.flatMap((nd) => nd.blocks.map((prefix) => ({ prefix, nextHop: nd.address, node: nd.name }))),
      ...nodes.flatMap((nd) => nd.blocks6.map((prefix) => ({ prefix, nextHop: nd.address6!, node: nd.name }))),
    ],
    vipNextHops: v4 ? nodes.filter((nd) => nd.exportsVip).map((nd) => nd.address) : [],
    serviceVip6,
    vipNextHops6: v6 ? nodes.filter((nd) => nd.exportsVip).map((nd) => nd.address6!) : [],
    rrNodeSessions,
  };
}

export interface CalicoCluster {
  readonly topology: CalicoTopology;
  readonly rr: Bird;
  readonly nodes: readonly Bird[];
  /** rr first, then the nodes. */
  readonly all: readonly Bird[];
  /**
   * Waits until the reflector has its node sessions Established, every block with its owner as
   * next hop, and one VIP path per exporting node.
   */
  waitConverged(timeoutMs?: number): Promise<void>;
  logs(): string;
  /** Stops every BIRD and removes the work directories. */
  dispose(): Promise<void>;
}

/**
 * Allocates free ports on fresh loopback addresses, builds the topology and starts one BIRD per
 * speaker. On any failure everything started so far is disposed.
 */
export async function startCalico(opts: CalicoTopologyOptions & { netns?: Netns; label?: string } = {}): Promise<CalicoCluster> {
  const n = opts.nodes ?? 3;
  const host = opts.host ?? loopbackBlock();
  let rrPort = opts.rrPort;
  let nodePorts = opts.nodePorts;
  if (!opts.netns) {
    rrPort ??= await freePort(host(opts.rrHost ?? 1));
    if (!nodePorts) {
      const ps: number[] = [];
      for (let i = 1; i <= n; i++) ps.push(await freePort(host(10 + i)));
      nodePorts = ps;
    }
  }
  const topology = calicoTopology({ ...opts, host, rrPort: rrPort ?? 179, nodePorts: nodePorts ?? Array.from({ length: n }, () => 179) });
  const started: Bird[] = [];
  const label = opts.label ? `${opts.label}-` : '';
  const dispose = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const b of [...started].reverse()) await b.dispose().catch((e: unknown) => errors.push(e));
    if (errors.length) throw new AggregateError(errors, 'disposing the Calico cluster failed');
  };
  try {
    const rr = await Bird.start({ name: `${label}rr`, config: topology.rr.config, netns: opts.netns });
    started.push(rr);
    const nodes: Bird[] = [];
    for (const nd of topology.nodes) {
      const b = await Bird.start({ name: `${label}${nd.name}`, config: nd.config, netns: opts.netns });
      started.push(b);
      nodes.push(b);
    }
    const all = [rr, ...nodes];
    const logs = (): string => all.map((b) => b.logs(6000)).join('\n');
    return {
      topology,
      rr,
      nodes,
      all,
      logs,
      dispose,
      async waitConverged(timeoutMs = 60_000) {
        const deadline = Date.now() + timeoutMs;
        const left = (): number => Math.max(1000, deadline - Date.now());
        for (const s of topology.rrNodeSessions) await rr.waitForSession(s, { timeoutMs: left() });
        for (const b of topology.blocks) {
          await rr.waitForRoute(b.prefix, (paths) => paths.some((p) => p.nextHop === b.nextHop), { timeoutMs: left(), what: `block ${b.prefix} via ${b.nextHop}` });
        }
        const vips: Array<[string | undefined, readonly string[]]> = [
          [topology.serviceVip, topology.vipNextHops],
          [topology.serviceVip6, topology.vipNextHops6],
        ];
        for (const [vip, hops] of vips) {
          if (vip === undefined || hops.length === 0) continue;
          const want = [...hops].sort();
          await rr.waitForRoute(vip, (paths) => JSON.stringify(paths.map((p) => p.nextHop).sort()) === JSON.stringify(want), {
            timeoutMs: left(),
            what: `VIP ${vip} via ${want.join(' and ')}`,
          });
        }
      },
    };
  } catch (e) {
    await dispose().catch(() => undefined);
    throw e;
  }
}
