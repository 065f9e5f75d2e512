// What `wren lab` builds, as plain data: addresses, ASNs, the pod blocks of each node, the service
// VIP, and the routes the external host must end up with. Pure: the topology (topology.ts) runs it.
//
// The story is Calico's (../shared seeds: the on-prem route reflector note, the NetScaler note,
// the Tigera service-advertisement note): a cluster in AS 64512 whose nodes are clients of a route
// reflector (cluster id 244.0.0.1), each announcing its /26 pod blocks out of 10.244.0.0/16, two of
// them also the anycast service VIP 10.96.0.10/32; and a host outside the cluster that learns the
// routes and installs them, the VIP as one ECMP route (in both modes).

import { randomInt } from 'node:crypto';

/**
 * gateway: the host (AS 500) peers over eBGP with every node, as a Calico global BGPPeer does (the
 * NetScaler story, `max-paths ebgp 8`): it learns each node's own routes from that node and has
 * every VIP path, so the VIP is an ECMP route.
 * rr: the host (AS 64512) is one more client of the route reflector. A reflector passes on only its
 * best path of a prefix (RFC 4456), unless it sends ADD-PATH (RFC 7911): the lab's reflector does,
 * towards the host, with its multipath set of the VIP, so the VIP is an ECMP route here too.
 */
export type LabMode = 'gateway' | 'rr';

export const LAB_MODES: readonly LabMode[] = ['gateway', 'rr'];

export interface LabPlanOptions {
  /** Calico nodes, 1..64 (3). */
  readonly nodes?: number;
  /** /26 blocks per node; default: 2 for node 1 and 1 for each other node. */
  readonly blocks?: number;
  readonly mode?: LabMode;
  /** Write the host's routes into a network namespace's kernel table (next hops on 192.0.2.0/24). */
  readonly kernel?: boolean;
  /** The loopback /24 to use, "127.X.Y" (default: a random one, so runs side by side do not clash). */
  readonly base?: string;
}

export interface LabNode {
  /** 1-based. */
  readonly index: number;
  readonly name: string;
  /** Its loopback address: BGP sessions run from it. */
  readonly address: string;
  /** The next hop the host installs for it: `address`, or 192.0.2.(10+i) in kernel mode. */
  readonly nextHop: string;
  readonly blocks: readonly string[];
  /** Announces the service VIP. */
  readonly vip: boolean;
}

export interface LabPlan {
  readonly mode: LabMode;
  readonly kernel: boolean;
  /** "127.X.Y": the /24 every speaker has an address in. */
  readonly base: string;
  readonly clusterAsn: number;
  readonly reflector: { readonly address: string; readonly clusterId: string };
  readonly host: { readonly address: string; readonly asn: number; readonly maxPaths: number };
  readonly nodes: readonly LabNode[];
  readonly podCidr: string;
  readonly vip: string;
  /** Kernel mode: the host's side of the link to the cluster, and the nodes' subnet. */
  readonly kernelLink: { readonly address: string; readonly subnet: string };
}

export const CLUSTER_ASN = 64512;
export const GATEWAY_ASN = 500;
export const CLUSTER_ID = '244.0.0.1';
export const POD_CIDR = '10.244.0.0/16';
export const SERVICE_VIP = '10.96.0.10/32';
export const MAX_NODES = 64;
/** 10.244.0.0/16 holds 1024 /26 blocks. */
export const MAX_BLOCKS_TOTAL = 1024;

export class LabOptionError extends Error {
  override readonly name = 'LabOptionError';
}

/** A random 127.X.Y (X 16..254): the whole of 127/8 is on `lo` on Linux. */
export function randomBase(): string {
  return `127.${randomInt(16, 255)}.${randomInt(0, 256)}`;
}

/** The k-th /26 of 10.244.0.0/16 (k from 0). */
export function podBlock(k: number): string {
  return `10.244.${k >> 2}.${(k & 3) * 64}/26`;
}

export function makePlan(o: LabPlanOptions = {}): LabPlan {
  const count = o.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) throw new LabOptionError(`--nodes must be 1..${MAX_NODES}: ${o.nodes}`);
  if (o.blocks !== undefined && (!Number.isInteger(o.blocks) || o.blocks < 0)) throw new LabOptionError(`--blocks must be a whole number >= 0: ${o.blocks}`);
  const perNode = (i: number) => o.blocks ?? (i === 1 ? 2 : 1);
  let total = 0;
  for (let i = 1; i <= count; i++) total += perNode(i);
  if (total > MAX_BLOCKS_TOTAL) throw new LabOptionError(`${total} blocks do not fit in ${POD_CIDR} (${MAX_BLOCKS_TOTAL} /26 blocks)`);
  const mode = o.mode ?? 'gateway';
  if (!LAB_MODES.includes(mode)) throw new LabOptionError(`--mode must be one of ${LAB_MODES.join(', ')}: ${String(mode)}`);
  const base = o.base ?? randomBase();
  if (!/^127\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)$/.test(base)) throw new LabOptionError(`the lab's base must be 127.X.Y: ${base}`);
  const kernel = o.kernel ?? false;
  let next = 0;
  const nodes: LabNode[] = [];
  for (let i = 1; i <= count; i++) {
    const blocks: string[] = [];
    for (let b = 0; b < perNode(i); b++) blocks.push(podBlock(next++));
    const address = `${base}.${10 + i}`;
    nodes.push({ index: i, name: `node-${i}`, address, nextHop: kernel ? `192.0.2.${10 + i}` : address, blocks, vip: i <= 2 });
  }
  return {
    mode,
    kernel,
    base,
    clusterAsn: CLUSTER_ASN,
    reflector: { address: `${base}.1`, clusterId: CLUSTER_ID },
    host: { address: `${base}.2`, asn: mode === 'gateway' ? GATEWAY_ASN : CLUSTER_ASN, maxPaths: 8 },
    nodes,
    podCidr: POD_CIDR,
    vip: SERVICE_VIP,
    kernelLink: { address: '192.0.2.1/24', subnet: '192.0.2.0/24' },
  };
}

/** A route the host must have, with its next hops. */
export interface ExpectedRoute {
  readonly nextHops: readonly string[];
}

/** The host's routes when the nodes in `up` are up: their blocks, and the VIP from those hosting it (both modes). */
export function expectedRoutes(plan: LabPlan, up: ReadonlySet<number>): Map<string, ExpectedRoute> {
  const out = new Map<string, ExpectedRoute>();
  const live = plan.nodes.filter((n) => up.has(n.index));
  for (const n of live) for (const b of n.blocks) out.set(b, { nextHops: [n.nextHop] });
  const vipHops = live.filter((n) => n.vip).map((n) => n.nextHop);
  if (vipHops.length > 0) out.set(plan.vip, { nextHops: vipHops });
  return out;
}

/** "127.0.0.11-13", or a list when the addresses are not consecutive. */
export function addressRange(addresses: readonly string[]): string {
  if (addresses.length <= 1) return addresses.join('');
  const last = (a: string) => Number(a.slice(a.lastIndexOf('.') + 1));
  const consecutive = addresses.every((a, i) => i === 0 || last(a) === last(addresses[i - 1]!) + 1);
  return consecutive ? `${addresses[0]}-${last(addresses[addresses.length - 1]!)}` : addresses.join(', ');
}
