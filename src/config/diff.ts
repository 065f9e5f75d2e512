// What a reload changes (SIGHUP): the daemon applies the difference between the running
// configuration and the new one, and leaves untouched sessions alone. Pure.
//
// - Peers are matched by address (dynamic neighbors by their range). A changed peer says which
//   fields changed and what that takes: `reset` when the session must be re-established (what
//   the OPEN or the TCP connection carry: AS, hold time, families, ADD-PATH, role, port, local
//   address, passive, multihop, password; and route-reflector client, which changes what is
//   reflected to it); `softIn` when routes received must be filtered again (import policy,
//   allowAsIn: a ROUTE-REFRESH, RFC 2918, or the Adj-RIB-In); `softOut` when routes sent must be
//   re-exported (export policy, next-hop-self, IPv6 next hop). maxPrefix and description take
//   effect as they are.
// - Announcements are matched by prefix; the route or only the health check may have changed.
// - Global settings the running speaker cannot change (local AS, router id, cluster id, listen,
//   timers, ECMP, graceful restart, the FIB, the API socket, the metrics listener) are listed under
//   `restart`; the log level and format under `live`.
// A peer's hold time falls back to the global one, so a change of the global hold time shows as
// a change of every peer that does not set its own.

import type { AnnouncementSpec, PeerSpec, WrenConfig } from './types.js';

export interface FieldChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface PeerChange {
  /** The address, or the listen range of dynamic neighbors. */
  readonly key: string;
  readonly before: PeerSpec;
  readonly after: PeerSpec;
  readonly fields: readonly string[];
  readonly reset: boolean;
  readonly softIn: boolean;
  readonly softOut: boolean;
  readonly importChanged: boolean;
  readonly exportChanged: boolean;
}

export interface AnnouncementChange {
  readonly prefix: string;
  readonly before: AnnouncementSpec;
  readonly after: AnnouncementSpec;
  /** The route itself (attributes, next hop) changed: it is announced again. */
  readonly routeChanged: boolean;
  readonly healthCheckChanged: boolean;
}

export interface ConfigDiff {
  readonly restart: readonly FieldChange[];
  readonly live: readonly FieldChange[];
  readonly peers: {
    readonly added: readonly PeerSpec[];
    readonly removed: readonly PeerSpec[];
    readonly changed: readonly PeerChange[];
    readonly unchanged: readonly string[];
  };
  readonly announcements: {
    readonly added: readonly AnnouncementSpec[];
    readonly removed: readonly AnnouncementSpec[];
    readonly changed: readonly AnnouncementChange[];
  };
  /** Named policies whose declaration changed, was added or removed (their peers are in peers.changed). */
  readonly policies: readonly string[];
}

const RESTART_FIELDS = ['localAsn', 'routerId', 'clusterId', 'listen', 'connectRetryTime', 'idleHoldTime', 'ecmp', 'alwaysCompareMed', 'gracefulRestart', 'fib', 'api', 'metrics'] as const;
const LIVE_FIELDS = ['log'] as const;

const RESET = new Set(['remoteAsn', 'port', 'localAddress', 'localPort', 'passive', 'holdTime', 'families', 'addPathReceive', 'addPathSend', 'addPathSendMode', 'role', 'strictRole', 'multihop', 'password', 'routeReflectorClient']);
const SOFT_IN = new Set(['import', 'allowAsIn']);
const SOFT_OUT = new Set(['export', 'nextHopSelf', 'nextHopV6']);
/** Compared through the declarations they name, not by name. */
const IGNORED = new Set(['kind', 'address', 'listenRange', 'importName', 'exportName']);

export function peerKey(p: PeerSpec): string {
  return p.kind === 'static' ? p.address : p.listenRange;
}

export function diffConfig(before: WrenConfig, after: WrenConfig): ConfigDiff {
  const restart: FieldChange[] = [];
  for (const f of RESTART_FIELDS) if (!same(before[f], after[f])) restart.push({ path: f, before: before[f], after: after[f] });
  const live: FieldChange[] = [];
  for (const f of LIVE_FIELDS) if (!same(before[f], after[f])) live.push({ path: f, before: before[f], after: after[f] });

  const effective = (c: WrenConfig, p: PeerSpec): PeerSpec => ({ ...p, holdTime: p.holdTime ?? c.holdTime });
  const old = new Map(before.peers.map((p) => [peerKey(p), p]));
  const now = new Map(after.peers.map((p) => [peerKey(p), p]));
  const added: PeerSpec[] = [];
  const changed: PeerChange[] = [];
  const unchanged: string[] = [];
  for (const [key, p] of now) {
    const q = old.get(key);
    if (!q || q.kind !== p.kind) {
      added.push(p);
      continue;
    }
    const a = effective(before, q) as unknown as Record<string, unknown>;
    const b = effective(after, p) as unknown as Record<string, unknown>;
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !IGNORED.has(k) && !same(a[k], b[k])).sort();
    if (fields.length === 0) {
      unchanged.push(key);
      continue;
    }
    changed.push({
      key,
      before: q,
      after: p,
      fields,
      reset: fields.some((f) => RESET.has(f)),
      softIn: fields.some((f) => SOFT_IN.has(f)),
      softOut: fields.some((f) => SOFT_OUT.has(f)),
      importChanged: fields.includes('import'),
      exportChanged: fields.includes('export'),
    });
  }
  const removed = [...old].filter(([key, q]) => now.get(key)?.kind !== q.kind).map(([, q]) => q);

  const oldA = new Map(before.announcements.map((a) => [a.prefix, a]));
  const nowA = new Map(after.announcements.map((a) => [a.prefix, a]));
  const aAdded: AnnouncementSpec[] = [];
  const aChanged: AnnouncementChange[] = [];
  for (const [prefix, a] of nowA) {
    const q = oldA.get(prefix);
    if (!q) {
      aAdded.push(a);
      continue;
    }
    const { healthCheck: hq, ...rq } = q;
    const { healthCheck: ha, ...ra } = a;
    const routeChanged = !same(routeOf(rq), routeOf(ra));
    const healthCheckChanged = !same(hq, ha);
    if (routeChanged || healthCheckChanged) aChanged.push({ prefix, before: q, after: a, routeChanged, healthCheckChanged });
  }
  const aRemoved = [...oldA].filter(([prefix]) => !nowA.has(prefix)).map(([, a]) => a);

  const names = new Set([...Object.keys(before.policies), ...Object.keys(after.policies)]);
  const policies = [...names].filter((n) => !same(before.policies[n], after.policies[n])).sort();

  return {
    restart,
    live,
    peers: { added, removed, changed, unchanged },
    announcements: { added: aAdded, removed: aRemoved, changed: aChanged },
    policies,
  };
}

export function isEmptyDiff(d: ConfigDiff): boolean {
  return (
    d.restart.length === 0 &&
    d.live.length === 0 &&
    d.peers.added.length === 0 &&
    d.peers.removed.length === 0 &&
    d.peers.changed.length === 0 &&
    d.announcements.added.length === 0 &&
    d.announcements.removed.length === 0 &&
    d.announcements.changed.length === 0 &&
    d.policies.length === 0
  );
}

/** One line per change, for the log. Names only settings, never values of passwords (there are none: only references). */
export function describeDiff(d: ConfigDiff): string[] {
  const out: string[] = [];
  for (const c of d.restart) out.push(`${c.path} changed: takes effect after a restart`);
  for (const c of d.live) out.push(`${c.path} changed`);
  for (const p of d.peers.added) out.push(`peer ${peerKey(p)} added`);
  for (const p of d.peers.removed) out.push(`peer ${peerKey(p)} removed`);
  for (const c of d.peers.changed) {
    const how = c.reset ? 'session reset' : [c.softIn ? 'import again' : '', c.softOut ? 'export again' : ''].filter(Boolean).join(', ') || 'no reset';
    out.push(`peer ${c.key} changed (${c.fields.join(', ')}): ${how}`);
  }
  for (const a of d.announcements.added) out.push(`announcement ${a.prefix} added`);
  for (const a of d.announcements.removed) out.push(`announcement ${a.prefix} withdrawn`);
  for (const c of d.announcements.changed) out.push(`announcement ${c.prefix} changed (${[c.routeChanged ? 'route' : '', c.healthCheckChanged ? 'health check' : ''].filter(Boolean).join(', ')})`);
  for (const n of d.policies) out.push(`policy ${n} changed`);
  return out;
}

/** The route part of an announcement with the speaker's defaults filled in (self, igp, ...). */
function routeOf(a: Omit<AnnouncementSpec, 'healthCheck'>): unknown {
  return [a.nextHop ?? 'self', a.communities ?? [], a.largeCommunities ?? [], a.med ?? null, a.localPref ?? null, a.asPathPrepend ?? 0, a.origin ?? 'igp'];
}

/** Deep equality of JSON-like values; object key order does not matter. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same(ra[k], rb[k]));
}
