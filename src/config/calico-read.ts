// Reading Calico resources (projectcalico.org/v3, as `calicoctl get -o yaml` prints them, or the
// crd.projectcalico.org/v1 custom resources `kubectl get -o yaml` prints): single resources,
// `kind: List` / `kind: BGPPeerList` with `items:`, several documents per file. Only the fields
// Wren uses are checked (with file, line and field in errors); the rest is ignored, as are kinds
// other than BGPConfiguration, IPPool, BGPPeer and Node.
//
// Field names and defaults, from Calico's resource reference (docs.tigera.io, reference/resources):
// - BGPConfiguration spec: asNumber (default 64512), nodeToNodeMeshEnabled (true), listenPort (179),
//   serviceClusterIPs / serviceExternalIPs / serviceLoadBalancerIPs: [{ cidr }]. The one named
//   "default" is the cluster's; "node.<name>" ones are per node.
// - IPPool spec: cidr, blockSize (26 for IPv4, 122 for IPv6), ipipMode, vxlanMode, disabled,
//   disableBGPExport, nodeSelector.
// - BGPPeer spec: node, nodeSelector, peerIP ("IP", "IPv4:port" or "[IPv6]:port"), asNumber (may be
//   asdot), localASNumber, peerSelector, keepOriginalNextHop, password.secretKeyRef { name, key }.
// - Node: metadata.labels; spec.bgp { ipv4Address ("10.0.0.1/24"), ipv6Address, asNumber,
//   routeReflectorClusterID }.

import * as z from 'zod';
import { configError, issuesToErrors, sortErrors, type ConfigError } from './errors.js';
import { val } from './schema.js';
import { addressText, asn, boolean, integer, ipAddress, networkOf, ok, parsePrefixValue, port, show, fail, type ValueParser } from './values.js';
import { readYaml, type PathSegment, type SourceDocument } from './yaml-source.js';

export interface CalicoBgpConfiguration {
  readonly name: string;
  readonly asNumber?: number;
  readonly nodeToNodeMeshEnabled?: boolean;
  readonly listenPort?: number;
  readonly serviceClusterIPs: readonly string[];
  readonly serviceExternalIPs: readonly string[];
  readonly serviceLoadBalancerIPs: readonly string[];
  readonly source: string;
}

export interface CalicoIpPool {
  readonly name: string;
  readonly cidr: string;
  readonly blockSize: number;
  readonly disabled: boolean;
  readonly disableBGPExport: boolean;
  readonly vxlanMode?: string;
  readonly ipipMode?: string;
  readonly source: string;
}

export interface CalicoBgpPeer {
  readonly name: string;
  readonly node?: string;
  readonly nodeSelector?: string;
  readonly peerSelector?: string;
  readonly peerIP?: { readonly address: string; readonly port?: number };
  readonly asNumber?: number;
  readonly localASNumber?: number;
  readonly keepOriginalNextHop?: boolean;
  /** "secret name/key" when a password is set. */
  readonly password?: string;
  readonly source: string;
}

export interface CalicoNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ipv4Address?: string;
  readonly ipv6Address?: string;
  readonly asNumber?: number;
  readonly routeReflectorClusterID?: string;
  readonly source: string;
}

export interface CalicoResources {
  readonly bgpConfigurations: readonly CalicoBgpConfiguration[];
  readonly ipPools: readonly CalicoIpPool[];
  readonly bgpPeers: readonly CalicoBgpPeer[];
  readonly nodes: readonly CalicoNode[];
  /** Resources of other kinds, by "Kind name (where)". */
  readonly ignored: readonly string[];
}

export type CalicoReadResult = { readonly ok: true; readonly resources: CalicoResources } | { readonly ok: false; readonly errors: readonly ConfigError[] };

export const CALICO_API_VERSIONS = ['projectcalico.org/v3', 'crd.projectcalico.org/v1'];

const str: ValueParser<string> = { expected: 'a string', parse: (v) => (typeof v === 'string' ? ok(v) : fail(`expected a string, got ${show(v)}`)) };

/** Calico masks host bits of the CIDRs it is given; so do we. */
const cidr: ValueParser<string> = {
  expected: 'a CIDR such as 10.244.0.0/16',
  parse: (v) => {
    const p = parsePrefixValue(v);
    if (!p) return fail(`expected a CIDR such as 10.244.0.0/16, got ${show(v)}`);
    return ok(`${addressText(networkOf(p))}/${p.length}`);
  },
};

/** "10.0.0.1", "10.0.0.1:1790", "[fd00::1]:1790", "fd00::1". */
const peerIp: ValueParser<{ address: string; port?: number }> = {
  expected: 'an IP address, IPv4:port or [IPv6]:port',
  parse: (v) => {
    if (typeof v !== 'string') return fail(`expected an IP address, IPv4:port or [IPv6]:port, got ${show(v)}`);
    const t = v.trim();
    const plain = ipAddress(t);
    if (plain) return ok({ address: addressText(plain) });
    const m = /^(?:\[([^\]]+)\]|(\d+\.\d+\.\d+\.\d+)):(\d{1,5})$/.exec(t);
    const a = m ? ipAddress(m[1] ?? m[2]) : undefined;
    const pr = m ? port.parse(Number(m[3])) : undefined;
    if (!a || !pr?.ok) return fail(`expected an IP address, IPv4:port or [IPv6]:port, got ${show(v)}`);
    return ok({ address: addressText(a), port: pr.value });
  },
};

/** A node's address with its subnet length ("10.20.1.81/23"), or a bare address. */
const nodeAddress: ValueParser<string> = {
  expected: 'an address with its subnet length, such as 10.0.0.1/24',
  parse: (v) => {
    const a = typeof v === 'string' ? ipAddress(v.split('/')[0]) : undefined;
    return a ? ok(addressText(a)) : fail(`expected an address with its subnet length, such as 10.0.0.1/24, got ${show(v)}`);
  },
};

const cidrBlocks = z.array(z.looseObject({ cidr: val(cidr) })).optional();
const metadata = z.looseObject({ name: val(str).optional(), labels: z.record(z.string(), z.unknown()).optional() }).optional();

const bgpConfigurationSpec = z.looseObject({
  asNumber: val(asn).optional(),
  nodeToNodeMeshEnabled: val(boolean).optional(),
  listenPort: val(port).optional(),
  serviceClusterIPs: cidrBlocks,
  serviceExternalIPs: cidrBlocks,
  serviceLoadBalancerIPs: cidrBlocks,
});

const ipPoolSpec = z.looseObject({
  cidr: val(cidr),
  blockSize: val(integer(20, 128, 'a block size: 20..32 (IPv4) or 116..128 (IPv6)')).optional(),
  disabled: val(boolean).optional(),
  disableBGPExport: val(boolean).optional(),
  ipipMode: val(str).optional(),
  vxlanMode: val(str).optional(),
});

const bgpPeerSpec = z.looseObject({
  node: val(str).optional(),
  nodeSelector: val(str).optional(),
  peerSelector: val(str).optional(),
  peerIP: val(peerIp).optional(),
  asNumber: val(asn).optional(),
  localASNumber: val(asn).optional(),
  keepOriginalNextHop: val(boolean).optional(),
  password: z.looseObject({ secretKeyRef: z.looseObject({ name: val(str).optional(), key: val(str).optional() }).optional() }).optional(),
});

const nodeSpec = z.looseObject({
  bgp: z
    .looseObject({
      ipv4Address: val(nodeAddress).optional(),
      ipv6Address: val(nodeAddress).optional(),
      asNumber: val(asn).optional(),
      routeReflectorClusterID: val(str).optional(),
    })
    .optional(),
});

interface Collected {
  bgpConfigurations: CalicoBgpConfiguration[];
  ipPools: CalicoIpPool[];
  bgpPeers: CalicoBgpPeer[];
  nodes: CalicoNode[];
  ignored: string[];
}

/** Reads the Calico resources of one file. */
export function readCalico(text: string, fileName: string): CalicoReadResult {
  const yaml = readYaml(text);
  if (yaml.errors.length > 0) return { ok: false, errors: sortErrors(yaml.errors.map((e) => configError(fileName, e.pos, '', e.message))) };
  const out: Collected = { bgpConfigurations: [], ipPools: [], bgpPeers: [], nodes: [], ignored: [] };
  const errors: ConfigError[] = [];
  for (const doc of yaml.documents) {
    if (doc.value === null) continue;
    readResource(doc.value, doc, [], fileName, out, errors, 0);
  }
  return errors.length > 0 ? { ok: false, errors: sortErrors(errors) } : { ok: true, resources: out };
}

function readResource(value: unknown, doc: SourceDocument, at: PathSegment[], file: string, out: Collected, errors: ConfigError[], depth: number): void {
  const err = (path: PathSegment[], message: string) => errors.push(configError(file, doc.at(path), path, message));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    err(at, `expected a Calico resource (apiVersion, kind, metadata, spec), got ${show(value)}`);
    return;
  }
  const r = value as Record<string, unknown>;
  const kind = r.kind;
  if (typeof kind !== 'string') {
    err([...at, 'kind'], `expected the kind of a Calico resource (BGPConfiguration, IPPool, BGPPeer, Node, List), got ${show(kind)}`);
    return;
  }
  if (typeof r.apiVersion === 'string' && r.apiVersion !== 'v1' && !CALICO_API_VERSIONS.includes(r.apiVersion)) {
    err([...at, 'apiVersion'], `expected ${CALICO_API_VERSIONS.join(' or ')}, got ${show(r.apiVersion)}`);
    return;
  }
  if (kind === 'List' || kind.endsWith('List')) {
    if (!Array.isArray(r.items)) {
      if (r.items !== undefined && r.items !== null) err([...at, 'items'], `expected a list of resources, got ${show(r.items)}`);
      return;
    }
    if (depth > 4) return;
    r.items.forEach((item, i) => readResource(item, doc, [...at, 'items', i], file, out, errors, depth + 1));
    return;
  }
  const meta = metadata.safeParse(r.metadata, { reportInput: true });
  if (!meta.success) {
    errors.push(...issuesToErrors(meta.error.issues, doc, file, [...at, 'metadata']));
    return;
  }
  const name = meta.data?.name ?? '(unnamed)';
  const where = `${file}:${doc.at(at).line}`;
  const spec = <S extends z.ZodType>(schema: S): z.output<S> | undefined => {
    const s = schema.safeParse(r.spec ?? {}, { reportInput: true });
    if (s.success) return s.data;
    errors.push(...issuesToErrors(s.error.issues, doc, file, [...at, 'spec']));
    return undefined;
  };
  const cidrsOf = (blocks: readonly { cidr: string }[] | undefined) => (blocks ?? []).map((b) => b.cidr);
  switch (kind) {
    case 'BGPConfiguration': {
      const s = spec(bgpConfigurationSpec);
      if (s) {
        out.bgpConfigurations.push(
          withoutUndefined({
            name,
            asNumber: s.asNumber,
            nodeToNodeMeshEnabled: s.nodeToNodeMeshEnabled,
            listenPort: s.listenPort,
            serviceClusterIPs: cidrsOf(s.serviceClusterIPs),
            serviceExternalIPs: cidrsOf(s.serviceExternalIPs),
            serviceLoadBalancerIPs: cidrsOf(s.serviceLoadBalancerIPs),
            source: where,
          }),
        );
      }
      return;
    }
    case 'IPPool': {
      const s = spec(ipPoolSpec);
      if (!s) return;
      const v6 = s.cidr.includes(':');
      const blockSize = s.blockSize ?? (v6 ? 122 : 26);
      if (v6 ? blockSize < 116 : blockSize > 32) {
        err([...at, 'spec', 'blockSize'], `expected a block size ${v6 ? '116..128 for an IPv6 pool' : '20..32 for an IPv4 pool'}, got ${blockSize}`);
        return;
      }
      out.ipPools.push(
        withoutUndefined({
          name,
          cidr: s.cidr,
          blockSize,
          disabled: s.disabled ?? false,
          disableBGPExport: s.disableBGPExport ?? false,
          ipipMode: s.ipipMode,
          vxlanMode: s.vxlanMode,
          source: where,
        }),
      );
      return;
    }
    case 'BGPPeer': {
      const s = spec(bgpPeerSpec);
      if (!s) return;
      const ref = s.password?.secretKeyRef;
      out.bgpPeers.push(
        withoutUndefined({
          name,
          node: s.node,
          nodeSelector: s.nodeSelector,
          peerSelector: s.peerSelector,
          peerIP: s.peerIP,
          asNumber: s.asNumber,
          localASNumber: s.localASNumber,
          keepOriginalNextHop: s.keepOriginalNextHop,
          password: s.password ? `${ref?.name ?? '?'}/${ref?.key ?? '?'}` : undefined,
          source: where,
        }),
      );
      return;
    }
    case 'Node': {
      const s = spec(nodeSpec);
      if (!s) return;
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(meta.data?.labels ?? {})) if (typeof v === 'string') labels[k] = v;
      out.nodes.push(
        withoutUndefined({
          name,
          labels,
          ipv4Address: s.bgp?.ipv4Address,
          ipv6Address: s.bgp?.ipv6Address,
          asNumber: s.bgp?.asNumber,
          routeReflectorClusterID: s.bgp?.routeReflectorClusterID,
          source: where,
        }),
      );
      return;
    }
    default:
      out.ignored.push(`${kind} ${name} (${where})`);
  }
}

/** All resources of several files together. */
export function mergeCalico(list: readonly CalicoResources[]): CalicoResources {
  return {
    bgpConfigurations: list.flatMap((r) => r.bgpConfigurations),
    ipPools: list.flatMap((r) => r.ipPools),
    bgpPeers: list.flatMap((r) => r.bgpPeers),
    nodes: list.flatMap((r) => r.nodes),
    ignored: list.flatMap((r) => r.ignored),
  };
}

function withoutUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
