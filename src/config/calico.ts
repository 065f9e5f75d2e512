// From a Calico cluster's resources to the Wren configuration of a host outside the cluster that
// peers with it (`wren config from-calico`), so that the host gets real BGP routes to pods and
// services instead of a static route through one node.
//
// Whose side is what. BGPPeer resources describe the Calico side: "these nodes (node,
// nodeSelector, or all of them) peer with peerIP, which is in AS asNumber". So:
// - This host is the peerIP of some BGPPeers (`--host-ip`, or the one peerIP the BGPPeers name).
//   Their asNumber is the AS Calico expects from us: our localAsn. A port in peerIP is our listen
//   port.
// - The nodes those BGPPeers select are our peers. Their addresses come from Node resources
//   (spec.bgp.ipv4Address / ipv6Address, labels for nodeSelector), or from `--peer ADDR` (e.g. the
//   route reflectors, when the BGPPeer selects `route-reflector == 'true'`), or they are accepted
//   from a range (`--listen-range CIDR`: dynamic neighbors). Their AS is the BGPPeer's
//   localASNumber, else the node's own asNumber, else the cluster's (BGPConfiguration "default"
//   asNumber, 64512 when unset). BGPConfiguration listenPort is the port we connect to.
// - What we accept (the import policy and the FIB's allowed prefixes): the IP pools' CIDRs at
//   their block size and longer (Calico announces one route per block, /26 by default, and /32s
//   for addresses borrowed from other nodes' blocks; IPv6 /122), and the service cluster,
//   external and load-balancer CIDRs and anything inside them (the CIDR from every node, /32s
//   for services with externalTrafficPolicy Local). Pools with disableBGPExport are not
//   announced by Calico and are left out; disabled pools still hold blocks in use and are kept.
// - ECMP on (8 paths, iBGP and eBGP): a service CIDR is announced by every node.
// - We export only routes we originate (announcements: an empty AS path).

import { Document } from 'yaml';
import { parseSelector } from './calico-selector.js';
import type { CalicoBgpPeer, CalicoNode, CalicoResources } from './calico-read.js';
import { addressText, ipAddress, prefix } from './values.js';

export interface FromCalicoOptions {
  /** This host's address as the BGPPeers name it (peerIP). */
  readonly hostIp?: string;
  /** Calico nodes or route reflectors to peer with, by address. */
  readonly peers?: readonly string[];
  /** Accept sessions from Calico nodes in these ranges (dynamic neighbors). */
  readonly listenRanges?: readonly string[];
  /** Our AS, when no BGPPeer names this host (or to override it). */
  readonly localAsn?: number;
  /** Our router id (default: the host address, when it is IPv4). */
  readonly routerId?: string;
}

/** The Wren configuration as YAML-ready data (the keys of docs/config.md). */
export type WrenConfigDocument = Record<string, unknown>;

export type FromCalicoResult =
  | { readonly ok: true; readonly config: WrenConfigDocument; readonly notes: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

export const CALICO_DEFAULT_ASN = 64512;
const IMPORT_POLICY = 'from-calico';
const EXPORT_POLICY = 'to-calico';

export function fromCalico(resources: CalicoResources, options: FromCalicoOptions = {}): FromCalicoResult {
  const notes: string[] = [];
  const errors: string[] = [];

  const global = resources.bgpConfigurations.find((c) => c.name === 'default');
  for (const c of resources.bgpConfigurations) if (c !== global) notes.push(`BGPConfiguration ${c.name} (${c.source}) is not the cluster's ("default"): ignored`);
  const calicoAsn = global?.asNumber ?? CALICO_DEFAULT_ASN;
  const calicoPort = global?.listenPort;
  if (!global) notes.push(`no BGPConfiguration "default": Calico's defaults apply (AS ${CALICO_DEFAULT_ASN}, node-to-node mesh on)`);
  if (global?.nodeToNodeMeshEnabled === false) notes.push('the node-to-node mesh is off: the cluster uses route reflectors or explicit peerings');

  // Which address is this host?
  let hostIp: string | undefined;
  if (options.hostIp !== undefined) {
    const a = ipAddress(options.hostIp);
    if (!a) errors.push(`--host-ip ${JSON.stringify(options.hostIp)} is not an IP address`);
    else hostIp = addressText(a);
  } else {
    const named = [...new Set(resources.bgpPeers.flatMap((p) => (p.peerIP ? [p.peerIP.address] : [])))];
    if (named.length === 1) {
      hostIp = named[0];
      notes.push(`this host is taken to be ${hostIp}, the only peerIP the BGPPeers name (--host-ip chooses another)`);
    } else if (named.length > 1) {
      errors.push(`the BGPPeers name several peerIPs (${named.join(', ')}): say which is this host with --host-ip`);
    }
  }

  const ours = hostIp ? resources.bgpPeers.filter((p) => p.peerIP?.address === hostIp) : [];
  for (const p of resources.bgpPeers) {
    if (!ours.includes(p)) notes.push(`BGPPeer ${p.name} (${p.source}) ${p.peerIP ? `peers with ${p.peerIP.address}, not this host` : 'peers nodes with nodes'}: ignored`);
  }
  if (hostIp && ours.length === 0) {
    notes.push(`no BGPPeer has peerIP ${hostIp}: Calico will not open sessions to this host until one exists`);
  }

  // Our AS: what the BGPPeers that name us say.
  let localAsn = options.localAsn;
  const asns = [...new Set(ours.flatMap((p) => (p.asNumber !== undefined ? [p.asNumber] : [])))];
  if (asns.length > 1) {
    const which = ours.map((p) => `${p.name} (AS ${p.asNumber ?? 'unset'})`).join(', ');
    if (localAsn === undefined) errors.push(`the BGPPeers of this host give it different AS numbers: ${which}; choose one with --local-asn`);
  } else if (asns.length === 1) {
    if (localAsn !== undefined && localAsn !== asns[0]) notes.push(`--local-asn ${localAsn} differs from the asNumber ${asns[0]} the BGPPeers expect: sessions will not come up`);
    localAsn ??= asns[0];
  }
  if (localAsn === undefined && errors.length === 0) {
    errors.push(hostIp ? `no BGPPeer with peerIP ${hostIp} says this host's AS: give it with --local-asn` : 'no BGPPeer names this host: give --host-ip (and --local-asn if no BGPPeer has it as peerIP)');
  }

  const ports = [...new Set(ours.flatMap((p) => (p.peerIP?.port !== undefined ? [p.peerIP.port] : [])))];
  if (ports.length > 1) notes.push(`the BGPPeers name several ports for this host (${ports.join(', ')}); listening on ${ports[0]}`);

  for (const p of ours) {
    const scope = p.node ? `node ${p.node}` : p.nodeSelector ? `the nodes selected by ${p.nodeSelector}` : 'every node (a global peer)';
    notes.push(`BGPPeer ${p.name} (${p.source}): ${scope} peer${p.node ? 's' : ''} with this host`);
    if (p.password) notes.push(`BGPPeer ${p.name} sets a password (secret ${p.password}): put the same password in a file and name it with passwordFile on these peers (TCP-MD5 needs Wren's native shim)`);
    if (p.peerSelector) notes.push(`BGPPeer ${p.name} has a peerSelector as well as a peerIP; Calico ignores one of them`);
  }

  // Our peers.
  const family = hostIp ? (hostIp.includes(':') ? 2 : 1) : undefined;
  const peerList: Record<string, unknown>[] = [];
  const byAddress = new Map<string, Record<string, unknown>>();
  const sideAsn = (bp: CalicoBgpPeer | undefined, node?: CalicoNode) => bp?.localASNumber ?? node?.asNumber ?? calicoAsn;
  const addPeer = (address: string, remoteAsn: number, description: string) => {
    const existing = byAddress.get(address);
    if (existing) {
      if (existing.remoteAsn !== remoteAsn) notes.push(`${address} is selected with AS ${String(existing.remoteAsn)} and AS ${remoteAsn}; keeping the first`);
      return;
    }
    const peer: Record<string, unknown> = { address, remoteAsn, ...(calicoPort && calicoPort !== 179 ? { port: calicoPort } : {}), description, import: IMPORT_POLICY, export: EXPORT_POLICY };
    byAddress.set(address, peer);
    peerList.push(peer);
  };
  if (resources.nodes.length > 0) {
    for (const bp of ours) {
      let selected: readonly CalicoNode[];
      if (bp.node) selected = resources.nodes.filter((n) => n.name === bp.node);
      else if (bp.nodeSelector) {
        const sel = parseSelector(bp.nodeSelector);
        if (typeof sel === 'string') {
          notes.push(`BGPPeer ${bp.name}: nodeSelector ${JSON.stringify(bp.nodeSelector)} is not understood (${sel}): its nodes are skipped`);
          continue;
        }
        selected = resources.nodes.filter((n) => sel(n.labels));
      } else selected = resources.nodes;
      if (selected.length === 0) notes.push(`BGPPeer ${bp.name} selects none of the Node resources given`);
      for (const n of selected) {
        const address = family === 2 ? n.ipv6Address : n.ipv4Address;
        if (!address) {
          notes.push(`node ${n.name} has no ${family === 2 ? 'IPv6' : 'IPv4'} BGP address: skipped`);
          continue;
        }
        addPeer(address, sideAsn(bp, n), `Calico node ${n.name}${n.routeReflectorClusterID ? ' (route reflector)' : ''}, BGPPeer ${bp.name}`);
      }
    }
  }
  const oneSide = [...new Set(ours.map((bp) => sideAsn(bp)))];
  const explicitAsn = oneSide.length === 1 ? oneSide[0]! : ours.length === 0 ? calicoAsn : undefined;
  for (const given of options.peers ?? []) {
    const a = ipAddress(given);
    if (!a) {
      errors.push(`--peer ${JSON.stringify(given)} is not an IP address`);
      continue;
    }
    if (explicitAsn === undefined) {
      errors.push(`the BGPPeers of this host give the Calico side different AS numbers (${oneSide.join(', ')}): --peer cannot tell which one ${given} has; give Node resources instead`);
      continue;
    }
    addPeer(addressText(a), explicitAsn, 'Calico node or route reflector (--peer)');
  }
  const ranges: Record<string, unknown>[] = [];
  for (const given of options.listenRanges ?? []) {
    const p = prefix().parse(given);
    if (!p.ok) {
      errors.push(`--listen-range: ${p.message}`);
      continue;
    }
    ranges.push({ listenRange: p.value, remoteAsn: explicitAsn ?? 'any', description: 'Calico nodes connecting from this range (--listen-range)', import: IMPORT_POLICY, export: EXPORT_POLICY });
  }
  if (peerList.length === 0 && ranges.length === 0 && errors.length === 0) {
    const how = ours.map((bp) => `BGPPeer ${bp.name} selects ${bp.node ? `node ${bp.node}` : bp.nodeSelector ? `nodes by ${bp.nodeSelector}` : 'every node'}`).join('; ');
    errors.push(
      `no Calico nodes to peer with${how ? ` (${how})` : ''}: give their addresses with --peer ADDR (the route reflectors, or every node), accept them from a subnet with --listen-range CIDR, or add the Node resources (calicoctl get nodes -o yaml)`,
    );
  }

  // What we take from the cluster.
  const pods: string[] = [];
  for (const pool of resources.ipPools) {
    if (pool.disableBGPExport) {
      notes.push(`IPPool ${pool.name} (${pool.cidr}) has disableBGPExport: Calico does not announce it; left out`);
      continue;
    }
    if (pool.disabled) notes.push(`IPPool ${pool.name} (${pool.cidr}) is disabled: kept, its blocks in use are still announced`);
    if (pool.vxlanMode && pool.vxlanMode !== 'Never') notes.push(`IPPool ${pool.name} uses VXLAN (${pool.vxlanMode}): its routes reach BGP peers only when calico-node runs BIRD`);
    if (family !== undefined && (pool.cidr.includes(':') ? 2 : 1) !== family) {
      notes.push(`IPPool ${pool.name} (${pool.cidr}) is ${family === 1 ? 'IPv6' : 'IPv4'}: Calico announces it over ${family === 1 ? 'IPv6' : 'IPv4'} sessions, which this configuration does not have (run again with --host-ip set to this host's ${family === 1 ? 'IPv6' : 'IPv4'} address)`);
    }
    const len = Number(pool.cidr.split('/')[1]);
    pods.push(`${pool.cidr} ge ${Math.max(len, pool.blockSize)}`);
  }
  const serviceCidrs = global ? [...global.serviceClusterIPs, ...global.serviceExternalIPs, ...global.serviceLoadBalancerIPs] : [];
  const services = [...new Set(serviceCidrs)].map((c) => `${c} le ${c.includes(':') ? 128 : 32}`);
  if (global && serviceCidrs.length === 0) notes.push('BGPConfiguration default advertises no service CIDRs (serviceClusterIPs, serviceExternalIPs, serviceLoadBalancerIPs): only pod routes');

  // Router id.
  let routerId = options.routerId;
  if (routerId === undefined) {
    if (family === 1) routerId = hostIp;
    else if (errors.length === 0) errors.push('give --router-id: this host has no IPv4 address to use as its BGP identifier');
  }
  if (errors.length > 0 || localAsn === undefined || routerId === undefined) return { ok: false, errors };

  const terms: Record<string, unknown>[] = [];
  if (pods.length > 0) terms.push({ name: 'pods', match: { prefixList: pods }, then: 'accept' });
  if (services.length > 0) terms.push({ name: 'services', match: { prefixList: services }, then: 'accept' });
  if (terms.length === 0) notes.push('no IPPool or service CIDRs were given: the import policy rejects every route; add the IPPool resources');
  const allowed = [...new Set([...pods, ...services].map((e) => e.split(' ')[0]!))];

  const config: WrenConfigDocument = {
    localAsn,
    routerId,
    listen: { address: '::', port: ports[0] ?? 179 },
    ecmp: { maxPaths: { ibgp: 8, ebgp: 8 } },
    policies: {
      [IMPORT_POLICY]: { name: IMPORT_POLICY, default: 'reject', terms },
      [EXPORT_POLICY]: { name: EXPORT_POLICY, default: 'reject', terms: [{ name: 'originated-here', match: { asPath: '^$' }, then: 'accept' }] },
    },
    peers: [...peerList, ...ranges],
    fib: { backend: 'kernel', ...(allowed.length ? { allowedPrefixes: allowed } : {}), ...(hostIp ? { hostAddresses: [hostIp] } : {}) },
  };
  return { ok: true, config, notes };
}

/** The configuration as YAML, with where it came from and the notes as comments on top. */
export function renderWrenYaml(config: WrenConfigDocument, header: readonly string[]): string {
  const doc = new Document(config);
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}
