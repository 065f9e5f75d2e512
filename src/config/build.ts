// The checks that span several fields, and the final shape of the configuration. Runs once every
// field has passed its own check (schema.ts), so that it reasons about valid values only.

import type * as z from 'zod';
import { AnnouncementError, toAttributes } from '../api/announcements.js';
import type { PolicyDecl } from '../policy/index.js';
import type { PolicyField, RawConfig, RawPeer } from './schema.js';
import { nearest } from './suggest.js';
import type { AnnouncementSpec, DynamicPeerSpec, PasswordRef, PeerCommon, PeerSpec, StaticPeerSpec, WrenConfig } from './types.js';
import { ipAddress, parsePrefixValue } from './values.js';
import type { PathSegment } from './yaml-source.js';

type Ctx = z.RefinementCtx;

const POLICY_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

export function buildConfig(raw: RawConfig, ctx: Ctx): WrenConfig {
  const issue = (path: readonly PathSegment[], message: string) => ctx.addIssue({ code: 'custom', path: [...path], message });

  const policies: Record<string, PolicyDecl> = {};
  // About the name: reported at the key (params.at).
  const nameIssue = (name: string, message: string) => ctx.addIssue({ code: 'custom', path: ['policies', name], message, params: { at: 'key' } });
  for (const [name, field] of Object.entries(raw.policies)) {
    if (!POLICY_NAME.test(name)) nameIssue(name, `a policy name starts with a letter and has letters, digits, ".", "_" and "-" only, got ${JSON.stringify(name)}`);
    else if (name === 'accept' || name === 'reject') nameIssue(name, `"${name}" is a policy already; choose another name`);
    else if ('decl' in field) policies[name] = field.decl;
  }

  const peers: PeerSpec[] = [];
  const seen = new Map<string, number>();
  const listening = raw.listen.enabled;
  raw.peers.forEach((p, i) => {
    const spec = buildPeer(p, ['peers', i], policies, issue);
    if (!spec) return;
    const key = spec.kind === 'static' ? spec.address : spec.listenRange;
    const other = seen.get(key);
    if (other !== undefined) {
      issue(['peers', i, spec.kind === 'static' ? 'address' : 'listenRange'], `${key} is also ${spec.kind === 'static' ? 'the address' : 'the listen range'} of peers[${other}]`);
    } else {
      seen.set(key, i);
    }
    if (!listening && (spec.kind === 'dynamic' || spec.passive)) {
      issue(['peers', i, spec.kind === 'dynamic' ? 'listenRange' : 'passive'], `${spec.kind === 'dynamic' ? 'dynamic neighbors need' : 'a passive peer needs'} the listener, and listen is false`);
    }
    peers.push(spec);
  });

  const announcements: AnnouncementSpec[] = [];
  const announced = new Map<string, number>();
  raw.announcements.forEach((a, i) => {
    const other = announced.get(a.prefix);
    if (other !== undefined) issue(['announcements', i, 'prefix'], `${a.prefix} is also announced by announcements[${other}]`);
    announced.set(a.prefix, i);
    const afi = parsePrefixValue(a.prefix)?.afi;
    if (a.nextHop !== undefined && a.nextHop !== 'self' && afi === 2 && ipAddress(a.nextHop)?.afi === 1) {
      issue(['announcements', i, 'nextHop'], `an IPv6 prefix needs an IPv6 next hop (or self), got ${a.nextHop}`);
      return;
    }
    const spec = compact<AnnouncementSpec>({ ...a });
    try {
      // What the speaker will do with it: nothing here may throw there.
      toAttributes(spec, raw.localAsn);
    } catch (e) {
      if (!(e instanceof AnnouncementError)) throw e;
      issue(['announcements', i], e.message);
      return;
    }
    announcements.push(spec);
  });

  const f = raw.fib;
  return {
    localAsn: raw.localAsn,
    routerId: raw.routerId,
    ...(raw.clusterId !== undefined ? { clusterId: raw.clusterId } : {}),
    listen: raw.listen.enabled ? { address: raw.listen.address, port: raw.listen.port } : false,
    holdTime: raw.holdTime,
    connectRetryTime: raw.connectRetryTime,
    idleHoldTime: raw.idleHoldTime,
    ecmp: { maxPaths: { ibgp: raw.ecmp.maxPaths.ibgp, ebgp: raw.ecmp.maxPaths.ebgp }, multipathRelax: raw.ecmp.multipathRelax },
    alwaysCompareMed: raw.alwaysCompareMed,
    gracefulRestart: { ...raw.gracefulRestart },
    policies,
    peers,
    announcements,
    fib: compact({
      backend: f.backend,
      transport: f.transport,
      table: f.table,
      metric: f.metric,
      protocol: f.protocol,
      onlink: f.onlink,
      allowedPrefixes: f.allowedPrefixes,
      maxRoutes: f.maxRoutes,
      hostAddresses: f.hostAddresses,
      connectedSubnets: f.connectedSubnets,
      refuseSupernets: f.refuseSupernets,
      keepOnExit: f.keepOnExit,
      foreignChanges: f.foreignChanges,
      syncDelayMs: f.syncDelay,
      maxBatch: f.maxBatch,
      delayMs: f.delay,
    }),
    api: { socket: raw.api.socket, mode: raw.api.mode },
    metrics: raw.metrics.enabled && raw.metrics.listen ? { ...raw.metrics.listen } : raw.metrics.enabled ? { address: '127.0.0.1', port: 9179 } : false,
    log: { level: raw.log.level, format: raw.log.format },
  };
}

type Issue = (path: readonly PathSegment[], message: string) => void;

function buildPeer(p: RawPeer, at: readonly PathSegment[], policies: Readonly<Record<string, PolicyDecl>>, issue: Issue): PeerSpec | undefined {
  const errorsBefore = { n: 0 };
  const fail = (key: string, message: string) => {
    errorsBefore.n++;
    issue([...at, key], message);
  };
  if (p.address === undefined && p.listenRange === undefined) {
    errorsBefore.n++;
    issue(at, 'expected address (a peer) or listenRange (dynamic neighbors: peers accepted from a range)');
  }
  if (p.address !== undefined && p.listenRange !== undefined) fail('listenRange', 'a peer has an address or a listenRange, not both');
  if (p.passwordFile !== undefined && p.passwordEnv !== undefined) fail('passwordEnv', 'give passwordFile or passwordEnv, not both');
  if (p.families && p.addPathReceive) {
    for (const f of p.addPathReceive) if (!p.families.includes(f)) fail('addPathReceive', `${f} is not in families (${p.families.join(', ')})`);
  }
  if (p.families && p.addPathSend) {
    for (const f of p.addPathSend) if (!p.families.includes(f)) fail('addPathSend', `${f} is not in families (${p.families.join(', ')})`);
  }
  if (p.addPathSendMode !== undefined && !p.addPathSend?.length) fail('addPathSendMode', 'only with addPathSend');
  const importPolicy = resolvePolicy(p.import, [...at, 'import'], policies, issue, errorsBefore);
  const exportPolicy = resolvePolicy(p.export, [...at, 'export'], policies, issue, errorsBefore);
  const password: PasswordRef | undefined = p.passwordFile !== undefined ? { file: p.passwordFile } : p.passwordEnv !== undefined ? { env: p.passwordEnv } : undefined;
  const common = compact<Omit<PeerCommon, 'remoteAsn'>>({
    holdTime: p.holdTime,
    families: p.families ? [...new Set(p.families)] : undefined,
    routeReflectorClient: p.routeReflectorClient,
    import: importPolicy?.decl,
    importName: importPolicy?.name,
    export: exportPolicy?.decl,
    exportName: exportPolicy?.name,
    maxPrefix: p.maxPrefix,
    nextHopSelf: p.nextHopSelf,
    nextHopV6: p.nextHopV6,
    addPathReceive: p.addPathReceive ? [...new Set(p.addPathReceive)] : undefined,
    addPathSend: p.addPathSend ? [...new Set(p.addPathSend)] : undefined,
    addPathSendMode: p.addPathSendMode,
    allowAsIn: p.allowAsIn,
    description: p.description,
    role: p.role,
    strictRole: p.strictRole,
    multihop: p.multihop,
    password,
  });
  if (p.listenRange !== undefined && p.address === undefined) {
    for (const key of ['port', 'localAddress', 'localPort'] as const) {
      if (p[key] !== undefined) fail(key, 'not for dynamic neighbors (listenRange): they connect to us');
    }
    if (p.passive === false) fail('passive', 'dynamic neighbors are always passive: they connect to us');
    if (errorsBefore.n > 0) return undefined;
    const spec: DynamicPeerSpec = { kind: 'dynamic', listenRange: p.listenRange, remoteAsn: p.remoteAsn, ...common };
    return spec;
  }
  if (p.address === undefined) return undefined;
  if (p.remoteAsn === 'any') fail('remoteAsn', 'any is only for dynamic neighbors (listenRange); a peer with an address needs its AS number');
  if (p.localAddress !== undefined && ipAddress(p.localAddress)?.afi !== ipAddress(p.address)?.afi) {
    fail('localAddress', `${p.localAddress} and the peer address ${p.address} are of different families`);
  }
  if (errorsBefore.n > 0 || p.remoteAsn === 'any') return undefined;
  const spec: StaticPeerSpec = {
    kind: 'static',
    address: p.address,
    remoteAsn: p.remoteAsn,
    ...compact({ port: p.port, localAddress: p.localAddress, localPort: p.localPort, passive: p.passive }),
    ...common,
  };
  return spec;
}

function resolvePolicy(
  field: PolicyField | undefined,
  at: readonly PathSegment[],
  policies: Readonly<Record<string, PolicyDecl>>,
  issue: Issue,
  errors: { n: number },
): { decl: PolicyDecl; name?: string } | undefined {
  if (field === undefined) return undefined;
  if ('decl' in field) return { decl: field.decl };
  const decl = policies[field.ref];
  if (decl !== undefined && Object.hasOwn(policies, field.ref)) return { decl, name: field.ref };
  const names = Object.keys(policies);
  const near = nearest(field.ref, names);
  errors.n++;
  issue(
    at,
    `no policy named ${JSON.stringify(field.ref)}${near ? ` (did you mean ${near}?)` : ''}; expected accept, reject, a policy, or the name of one under policies:${
      names.length ? ` (${names.join(', ')})` : ''
    }`,
  );
  return undefined;
}

/** The object without its undefined fields (configs compare and print cleanly). */
export function compact<T extends object>(o: { [K in keyof T]?: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
