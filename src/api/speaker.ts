// The library facade: a BGP speaker with peers, a RIB with best path and ECMP, local
// announcements, typed events and an async iterator of RIB changes. Wires src/session (I/O),
// src/fsm, src/rib and src/policy together; holds no protocol logic of its own.

import { EventEmitter } from 'node:events';
import { channel } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import pino, { type Logger } from 'pino';
import { buildLocalOpen, type AddPathMode, type Negotiated, type PeerExpectations, type State } from '../fsm/index.js';
import { compilePolicyOrThrow, evaluate, type CompiledPolicy, type PolicyDecl } from '../policy/index.js';
import { Rib, maxPrefixNotification, prefixKeyToText, type AddPathSendMode, type PrefixKey, type ExportRoute, type PeerInfo, type PrefixLimit, type RibDelta, type Route, type Explanation, type Path } from '../rib/index.js';
import { systemClock, type Clock, type TimerHandle } from '../session/clock.js';
import { BgpListener, type ListenOptions } from '../session/listener.js';
import { PeerSession, type PeerDownInfo } from '../session/peer.js';
import { sockoptUnavailable } from '../session/sockopt.js';
import {
  CeaseSubcode,
  ceaseNotification,
  endOfRibFamily,
  familyKey,
  IPV4_UNICAST,
  IPV6_UNICAST,
  ipv6ToString,
  parseIpv6,
  parsePrefix,
  type FamilyKey,
  type PathAttribute,
  type RouteRefreshMessage,
  type UpdateMessage,
} from '../wire/index.js';
import { FibSync, type SpeakerFibOptions } from './fib-sync.js';
import { announcementKey, canonicalAnnouncementPrefix, checkAnnouncement, toAttributes, type Announcement } from './announcements.js';
import { ExportCache, type ExportSession } from './export.js';
import { otcIngress, ROLE_CODES, type RoleName } from './roles.js';
import { PeerSender } from './sender.js';

export type FamilyName = 'ipv4-unicast' | 'ipv6-unicast';
const FAMILY_KEYS: Record<FamilyName, FamilyKey> = { 'ipv4-unicast': IPV4_UNICAST, 'ipv6-unicast': IPV6_UNICAST };

export interface PeerConfig {
  /** The peer's address (IPv4 or IPv6). */
  readonly address: string;
  /** The peer's AS; 'any' only for dynamic neighbors, whose AS is learnt from their OPEN. */
  readonly remoteAsn: number | 'any';
  /** TCP port of the peer (179). */
  readonly port?: number;
  /** Connect from this address (and port). */
  readonly localAddress?: string;
  readonly localPort?: number;
  /** Only wait for the peer to connect. */
  readonly passive?: boolean;
  /** Hold time we offer, seconds (90). */
  readonly holdTime?: number;
  /** Families to negotiate (IPv4 unicast; IPv6 unicast too when the peer address is IPv6). */
  readonly families?: readonly FamilyName[];
  /** The peer is our route-reflector client (we act as the reflector, RFC 4456). */
  readonly routeReflectorClient?: boolean;
  /** Import / export policy (docs/policy.md) or a compiled one. Default: accept all. */
  readonly import?: PolicyDecl | CompiledPolicy;
  readonly export?: PolicyDecl | CompiledPolicy;
  /** Max prefixes accepted per family; exceeding it closes the session with Cease/1 (RFC 4486). */
  readonly maxPrefix?: number;
  /** Advertise ourselves as next hop to this iBGP peer too. */
  readonly nextHopSelf?: boolean;
  /** Our IPv6 next hop for IPv6 routes when the session runs over IPv4. */
  readonly nextHopV6?: string;
  /** RFC 7911 ADD-PATH receive per family. */
  readonly addPathReceive?: readonly FamilyName[];
  /**
   * RFC 7911 ADD-PATH send per family: announced in our OPEN ("send", or "both" with
   * addPathReceive); used for a family only when the peer said it can receive (s4, s5). The peer is
   * then advertised several paths per prefix, chosen by addPathSendMode (docs/addpath.md).
   */
  readonly addPathSend?: readonly FamilyName[];
  /**
   * Which paths go out under ADD-PATH send, each through the usual outbound rules and export
   * policy. 'ecmp' (default): the best path and the rest of its multipath set, so this needs
   * maxPaths above 1 to send more than one; 'all': every candidate path; { best: n }: the n most
   * preferred paths.
   */
  readonly addPathSendMode?: AddPathSendMode;
  /** Accept our own AS in AS_PATH this many times. */
  readonly allowAsIn?: number;
  /** Free text, shown by status. */
  readonly description?: string;
  /** RFC 9234: our role on this session; route leaks are then prevented with OTC. */
  readonly role?: RoleName;
  /** RFC 9234 s4.2: refuse a peer that announces no role (Role Mismatch). */
  readonly strictRole?: boolean;
  /**
   * TTL of the session's packets, 1-255 (eBGP multihop). Absent: the system default (64 on
   * Linux). Needs the native shim; without it a warning is logged and the default stays.
   */
  readonly multihop?: number;
  /**
   * TCP-MD5 key (RFC 2385), the secret itself (at most 80 bytes), on our connections and on the
   * listener for this peer's address. Needs the native shim: addPeer throws without it.
   */
  readonly password?: string;
}

export interface SpeakerOptions {
  readonly localAsn: number;
  readonly routerId: string;
  /** Listen for peers; false: only active peers. Default: all addresses, port 179. */
  readonly listen?: ListenOptions | false;
  /** RFC 4456 cluster id when we reflect routes (default: the router id). */
  readonly clusterId?: string;
  /** ECMP: paths per prefix (1 = best path only). */
  readonly maxPaths?: { readonly ebgp?: number; readonly ibgp?: number };
  /** eBGP multipath across neighbour ASes whose AS paths have equal length. */
  readonly multipathRelax?: boolean;
  readonly alwaysCompareMed?: boolean;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Default hold time for peers (90 s). */
  readonly holdTime?: number;
  /** Seconds before a failed session is retried (5). */
  readonly idleHoldTime?: number;
  /** Seconds between connection attempts (ConnectRetryTime; 30 by default here, RFC suggests 120). */
  readonly connectRetryTime?: number;
  /**
   * Graceful restart (RFC 4724), receiving side, and long-lived GR (RFC 9494): announced to every
   * peer, so that a GR-capable peer's routes are kept (stale) while it restarts. `restartTime`
   * is what we ask peers to wait for us (120 s). False: not announced.
   */
  readonly gracefulRestart?: { readonly restartTime?: number; readonly llgrStaleTime?: number } | false;
  /** Accept peers from address ranges (passive; removed again when their session ends). */
  readonly dynamicNeighbors?: readonly DynamicNeighbors[];
  /**
   * Keep the Loc-RIB in a forwarding table (docs/fib.md): a MemoryFib, or the kernel backend.
   * Routes are deleted on stop unless the stop is a graceful restart or `keepOnStop` is set.
   */
  readonly fib?: SpeakerFibOptions;
}

/** Peers accepted from a range of addresses (Calico nodes, a fleet of hosts): passive only. */
export interface DynamicNeighbors extends Omit<PeerConfig, 'address' | 'remoteAsn' | 'passive' | 'port' | 'localAddress' | 'localPort' | 'password'> {
  /** "10.0.0.0/24": connections from these addresses are accepted. */
  readonly prefix: string;
  /** Required AS, or 'any'. */
  readonly remoteAsn: number | 'any';
}

export interface PeerState {
  readonly address: string;
  readonly remoteAsn: number;
  /** Accepted from a dynamic-neighbor range. */
  readonly dynamic?: boolean;
  readonly description?: string;
  readonly type: 'ibgp' | 'ebgp';
  readonly state: State;
  /** Milliseconds (clock) since the state changed. */
  readonly sinceMs: number;
  /** What went wrong last, empty when nothing did. */
  readonly info: string;
  readonly routerId?: string;
  readonly holdTime?: number;
  readonly prefixesReceived: number;
  readonly families: readonly FamilyName[];
  /** Families whose End-of-RIB the peer has sent in this session. */
  readonly endOfRibReceived: readonly FamilyName[];
  /** Messages since the peer was added (over all its sessions). */
  readonly stats: PeerStats;
}

export interface PeerStats {
  readonly updatesReceived: number;
  readonly updatesSent: number;
  readonly routeRefreshReceived: number;
  readonly routeRefreshSent: number;
  /** Times the session reached Established. */
  readonly established: number;
  /** NOTIFICATIONs by "code/subcode" (e.g. "6/2": Cease / Administrative Shutdown). */
  readonly notificationsSent: Readonly<Record<string, number>>;
  readonly notificationsReceived: Readonly<Record<string, number>>;
}

export interface SpeakerEvents {
  peerState: [peer: PeerState, from: State, to: State];
  established: [peer: PeerState, negotiated: Negotiated];
  peerDown: [peer: PeerState, info: PeerDownInfo];
  /** Best-path / ECMP changes, in batches (one per UPDATE or local change). */
  routes: [deltas: readonly RibDelta[]];
  /** The peer has sent all its routes of a family (RFC 4724 s2 End-of-RIB). */
  endOfRib: [peer: PeerState, family: FamilyName];
}

/** diagnostics_channel names: subscribe without holding a Speaker reference. */
export const CHANNELS = { peer: 'wren:peer', routes: 'wren:routes' } as const;
const peerChannel = channel(CHANNELS.peer);
const routesChannel = channel(CHANNELS.routes);

interface PeerEntry {
  readonly id: string;
  readonly dynamic: boolean;
  config: PeerConfig;
  readonly session: PeerSession;
  readonly sender: PeerSender;
  readonly families: ReadonlySet<FamilyKey>;
  importPolicy?: CompiledPolicy;
  exportPolicy?: CompiledPolicy;
  info?: PeerInfo;
  exportSession?: ExportSession;
  /** What the last session negotiated: still known when it went down (the FSM forgot it). */
  negotiated?: Negotiated;
  /** Families whose End-of-RIB arrived in this session. */
  readonly endOfRib: Set<FamilyKey>;
  readonly counts: { updatesReceived: number; routeRefreshReceived: number; routeRefreshSent: number; established: number; notificationsSent: Record<string, number>; notificationsReceived: Record<string, number> };
}

export class Speaker extends EventEmitter<SpeakerEvents> {
  readonly rib: Rib;
  private readonly peers = new Map<string, PeerEntry>();
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly listener: BgpListener;
  private listening: { address: string; port: number } | null = null;
  private readonly announced = new Map<string, Announcement>();
  private exportCache = new ExportCache();
  private running = false;
  private readonly iterators = new Set<ChangeQueue>();
  /** The forwarding table kept in step with the Loc-RIB, when `options.fib` is given. */
  readonly fib: FibSync | null;

  constructor(readonly options: SpeakerOptions) {
    super();
    this.log = options.logger ?? pino({ level: 'silent' });
    this.clock = options.clock ?? systemClock;
    this.fib = options.fib
      ? new FibSync(
          {
            on: (ev, fn) => this.on(ev, fn),
            off: (ev, fn) => this.off(ev, fn),
            initialSyncDone: () => this.initialSyncDone(),
            wantedRoutes: () => this.wantedRoutes(),
          },
          options.fib,
          this.clock,
          this.log.child({ component: 'fib' }),
        )
      : null;
    this.rib = new Rib({
      localAsn: options.localAsn,
      routerId: options.routerId,
      ...(options.clusterId ? { clusterId: options.clusterId } : {}),
      ...(options.maxPaths ? { maxPaths: options.maxPaths } : {}),
      ...(options.multipathRelax !== undefined ? { multipathRelax: options.multipathRelax } : {}),
      ...(options.alwaysCompareMed !== undefined ? { alwaysCompareMed: options.alwaysCompareMed } : {}),
      importFilter: (route, peer) => {
        const entry = this.peers.get(peer.id);
        let attributes = route.attributes;
        const role = entry?.negotiated?.role;
        if (role) {
          const checked = otcIngress(attributes, role.local, peer.asn);
          if (!checked) return null;
          attributes = checked;
        }
        if (!entry?.importPolicy) return attributes;
        return evaluateImport(entry.importPolicy, route.key, route.afi, attributes, peer, options);
      },
      exportFilter: (route, peer) => this.exportFor(route, peer),
    });
    this.listener = new BgpListener((socket, remote) => this.incoming(socket, remote));
    this.dynamicRanges = (options.dynamicNeighbors ?? []).map((config) => {
      checkAddPathSendMode(config.addPathSendMode, config.prefix);
      return { config, matches: rangeMatcher(config.prefix) };
    });
  }

  /** Starts listening (unless disabled) and every configured peer. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.fib?.start();
      if (this.options.listen !== false) this.listening = await this.listener.listen(this.options.listen ?? {});
    } catch (err) {
      this.running = false;
      await this.fib?.stop(true).catch(() => undefined);
      throw err;
    }
    for (const p of this.peers.values()) p.session.start();
  }

  /**
   * True when every configured peer (dynamic neighbors aside) is Established and has sent
   * End-of-RIB for each family it negotiated: the Loc-RIB holds what the peers have.
   */
  initialSyncDone(): boolean {
    let configured = 0;
    for (const e of this.peers.values()) {
      if (e.dynamic) continue;
      configured++;
      if (e.session.state !== 'Established' || !e.negotiated) return false;
      for (const f of e.negotiated.families) if (!e.endOfRib.has(f)) return false;
    }
    // With no peer configured (yet: peers may be added after start), or only ranges whose peers
    // are unknown until they connect, only the delay can tell.
    return configured > 0;
  }

  /** The Loc-RIB as forwarding-table routes: every prefix with next hops (not our own). */
  private wantedRoutes(): { prefix: string; nextHops: { address: string }[] }[] {
    const out: { prefix: string; nextHops: { address: string }[] }[] = [];
    for (const r of this.rib.routes({})) if (r.nextHops.length > 0) out.push({ prefix: r.prefix, nextHops: r.nextHops.map((address) => ({ address })) });
    return out;
  }

  /** The address and port the listener is bound to (after start). */
  get listenAddress(): { address: string; port: number } | null {
    return this.listening;
  }

  /**
   * Stops every session with Cease / Administrative Shutdown (and the RFC 9003 communication),
   * waits briefly for the NOTIFICATIONs to leave, and closes the listener.
   */
  async stop(communication = 'Wren shutting down', options: { gracefulRestart?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    // The table first: detached before the sessions close, so that their withdrawals do not
    // empty it when the routes are to stay (graceful restart).
    await this.fib?.stop(options.gracefulRestart ?? false).catch((err: unknown) => this.log.error({ err }, 'FIB cleanup failed'));
    for (const t of this.staleTimers.values()) t.cancel();
    this.staleTimers.clear();
    // RFC 4724 s4.1: a restarting speaker closes without a NOTIFICATION, so that GR-capable peers
    // keep its routes until it is back.
    if (!options.gracefulRestart) for (const p of this.peers.values()) p.session.stop(communication);
    await this.listener.close();
    await new Promise((r) => setTimeout(r, 50));
    for (const p of this.peers.values()) p.session.destroy();
    for (const q of this.iterators) q.close();
  }

  addPeer(config: PeerConfig): void {
    if (config.remoteAsn === 'any') throw new Error(`peer ${config.address}: remoteAsn 'any' is only for dynamic neighbors`);
    this.createPeer(config, false);
  }

  private createPeer(given: PeerConfig, dynamic: boolean): PeerEntry {
    // One spelling per address (RFC 5952 for IPv6): incoming connections are matched by it.
    const config = { ...given, address: canonicalAddress(given.address) };
    const id = config.address;
    if (this.peers.has(id)) throw new Error(`peer ${id} exists already`);
    if (!parsePrefix(config.address) || config.address.includes('/')) throw new Error(`peer address "${config.address}" is not an address`);
    const v6 = config.address.includes(':');
    const familyNames = config.families ?? (v6 ? ['ipv6-unicast'] : ['ipv4-unicast']);
    const families = new Set(familyNames.map((f) => FAMILY_KEYS[f]));
    const addPath = new Map<FamilyKey, AddPathMode>();
    for (const f of config.addPathReceive ?? []) addPath.set(FAMILY_KEYS[f], 'receive');
    for (const f of config.addPathSend ?? []) addPath.set(FAMILY_KEYS[f], addPath.has(FAMILY_KEYS[f]) ? 'both' : 'send');
    checkAddPathSendMode(config.addPathSendMode, id);
    const expectations: PeerExpectations = {
      localAsn: this.options.localAsn,
      peerAsn: config.remoteAsn,
      localRouterId: this.options.routerId,
      families: [...families],
      holdTime: config.holdTime ?? this.options.holdTime ?? 90,
      ...(addPath.size ? { addPath } : {}),
      ...(config.role ? { role: ROLE_CODES[config.role], ...(config.strictRole ? { strictRole: true } : {}) } : {}),
    };
    const log = this.log.child({ peer: config.address, asn: config.remoteAsn });
    const ttl = this.peerTtl(config, log);
    if (config.password) {
      const why = sockoptUnavailable();
      if (why) throw new Error(`peer ${id}: a TCP-MD5 password needs the native shim: ${why}`);
      if (Buffer.byteLength(config.password) > 80) throw new Error(`peer ${id}: a TCP-MD5 password is at most 80 bytes`);
      this.listener.setPeerKey(id, config.password);
    }
    if (config.addPathSend?.length && (config.addPathSendMode ?? 'ecmp') === 'ecmp' && (this.options.maxPaths?.ebgp ?? 1) <= 1 && (this.options.maxPaths?.ibgp ?? 1) <= 1) {
      log.warn("ADD-PATH send in mode 'ecmp' with maxPaths 1: one path per prefix goes out (set maxPaths, or addPathSendMode 'all')");
    }
    // The session's hooks need the entry, and the entry needs the session: declared first,
    // assigned once below, read only by hooks that run after that.
    // eslint-disable-next-line prefer-const
    let entry!: PeerEntry;
    const gr = this.options.gracefulRestart === false ? undefined : (this.options.gracefulRestart ?? {});
    const localOpen = buildLocalOpen(expectations, {
      ...(gr
        ? {
            gracefulRestart: { restartTime: gr.restartTime ?? 120, notification: true, families: [...families].map((family) => ({ family, forwardingState: false })) },
            ...(gr.llgrStaleTime ? { llgr: [...families].map((family) => ({ family, staleTime: gr.llgrStaleTime! })) } : {}),
          }
        : {}),
    });
    const session = new PeerSession({
      localOpen,
      transport: {
        address: config.address,
        ...(config.port ? { port: config.port } : {}),
        ...(config.localAddress ? { localAddress: config.localAddress } : {}),
        ...(config.localPort ? { localPort: config.localPort } : {}),
        ...(config.passive ? { passive: true } : {}),
        ...(ttl !== undefined ? { ttl } : {}),
        ...(config.password ? { md5Key: config.password } : {}),
      },
      expectations,
      fsm: {
        idleHoldTime: this.options.idleHoldTime ?? 5,
        connectRetryTime: this.options.connectRetryTime ?? 30,
        dampPeerOscillations: true,
      },
      clock: this.clock,
      logger: log,
      hooks: {
        onStateChange: (_s, from, to) => {
          const st = this.peerState(entry);
          this.emit('peerState', st, from, to);
          if (peerChannel.hasSubscribers) peerChannel.publish({ peer: st, from, to });
        },
        onEstablished: (_s, negotiated) => this.onEstablished(entry, negotiated),
        onUpdate: (_s, update) => this.onUpdate(entry, update),
        onRouteRefresh: (_s, refresh) => this.onRouteRefresh(entry, refresh),
        onDown: (_s, info) => this.onDown(entry, info),
        onWritable: () => entry.sender.flush(),
      },
    });
    entry = {
      id,
      dynamic,
      config,
      session,
      sender: new PeerSender(session, this.rib, id, log),
      families,
      endOfRib: new Set(),
      counts: { updatesReceived: 0, routeRefreshReceived: 0, routeRefreshSent: 0, established: 0, notificationsSent: {}, notificationsReceived: {} },
      ...(config.import !== undefined ? { importPolicy: compile(config.import, `peers[${id}].import`) } : {}),
      ...(config.export !== undefined ? { exportPolicy: compile(config.export, `peers[${id}].export`) } : {}),
    };
    this.peers.set(id, entry);
    if (this.running) session.start();
    return entry;
  }

  /** Stops the session (Cease / Peer De-configured) and forgets the peer and its routes. */
  removePeer(address: string): void {
    const entry = this.peers.get(canonicalAddress(address));
    if (!entry) return;
    entry.session.stop('peer removed from configuration');
    entry.session.destroy();
    this.peers.delete(entry.id);
    if (entry.config.password) this.listener.setPeerKey(entry.id, undefined);
    this.publish(this.rib.removePeer(entry.id));
    this.fib?.check();
  }

  /**
   * Resets a peer. Hard: Cease / Administrative Reset (RFC 4486, with the RFC 9003 communication),
   * its routes are withdrawn, and the session starts again. Soft: asks the peer to send its routes
   * again with ROUTE-REFRESH (RFC 2918) and sends ours again, without touching the session; only
   * when the session negotiated route refresh. Returns what was done.
   */
  resetPeer(address: string, options: { soft?: boolean; communication?: string } = {}): 'hard' | 'soft' {
    const entry = this.peers.get(canonicalAddress(address));
    if (!entry) throw new Error(`no peer ${address}`);
    if (options.soft) {
      const n = entry.session.negotiated;
      if (entry.session.state !== 'Established' || !n) throw new Error(`peer ${entry.id} is not established`);
      if (!n.routeRefresh) throw new Error(`peer ${entry.id} did not negotiate route refresh: only a hard reset is possible`);
      for (const f of n.families) {
        entry.session.send({ type: 'route-refresh', afi: f >> 8, safi: f & 255, subtype: 0, data: new Uint8Array(0) });
        entry.counts.routeRefreshSent++;
      }
      this.rib.refreshAdjRibOut(entry.id);
      entry.sender.flush();
      return 'soft';
    }
    const note = ceaseNotification(CeaseSubcode.ADMINISTRATIVE_RESET, options.communication ?? 'reset by the operator');
    entry.session.cease(CeaseSubcode.ADMINISTRATIVE_RESET, note.data);
    if (this.running && this.peers.get(entry.id) === entry) entry.session.start();
    return 'hard';
  }

  /**
   * Changes a peer's import and/or export policy without resetting its session (undefined: keep
   * that one; null: accept all). Export: routes the new policy refuses are withdrawn from the
   * peer and the rest sent again. Import: the peer is asked for its routes again (ROUTE-REFRESH,
   * RFC 2918), and they go through the new policy; a peer without route refresh is reset.
   */
  setPeerPolicy(address: string, change: { import?: PolicyDecl | CompiledPolicy | null; export?: PolicyDecl | CompiledPolicy | null }): { import: 'unchanged' | 'refresh' | 'reset' | 'applied'; export: 'unchanged' | 'resent' | 'applied' } {
    const e = this.peers.get(canonicalAddress(address));
    if (!e) throw new Error(`no peer ${address}`);
    const imp = change.import === undefined ? undefined : change.import === null ? null : compile(change.import, `peers[${e.id}].import`);
    const exp = change.export === undefined ? undefined : change.export === null ? null : compile(change.export, `peers[${e.id}].export`);
    const up = e.session.state === 'Established' && e.negotiated !== undefined && e.exportSession !== undefined;
    let exportResult: 'unchanged' | 'resent' | 'applied' = 'unchanged';
    if (exp !== undefined) {
      const before = up ? new Set([...this.rib.adjRibOut(e.id)].map((r) => r.prefix)) : null;
      if (exp) e.exportPolicy = exp;
      else delete e.exportPolicy;
      e.config = { ...e.config, ...(exp ? { export: exp } : {}) };
      if (!exp) delete (e.config as { export?: unknown }).export;
      this.exportCache = new ExportCache();
      if (up && before) {
        const { policy: _old, ...session } = e.exportSession!;
        e.exportSession = { ...session, ...(exp ? { policy: exp } : {}) };
        const after = new Set<string>();
        for (const r of this.rib.adjRibOut(e.id)) after.add(r.prefix);
        const gone = [...before].filter((p) => !after.has(p));
        e.sender.withdraw(gone);
        this.rib.refreshAdjRibOut(e.id);
        e.sender.flush();
        exportResult = 'resent';
      } else exportResult = 'applied';
    }
    let importResult: 'unchanged' | 'refresh' | 'reset' | 'applied' = 'unchanged';
    if (imp !== undefined) {
      if (imp) e.importPolicy = imp;
      else delete e.importPolicy;
      e.config = { ...e.config, ...(imp ? { import: imp } : {}) };
      if (!imp) delete (e.config as { import?: unknown }).import;
      if (!up) importResult = 'applied';
      else if (e.negotiated!.routeRefresh) {
        for (const f of e.negotiated!.families) {
          e.session.send({ type: 'route-refresh', afi: f >> 8, safi: f & 255, subtype: 0, data: new Uint8Array(0) });
          e.counts.routeRefreshSent++;
        }
        importResult = 'refresh';
      } else {
        this.resetPeer(e.id, { communication: 'import policy changed' });
        importResult = 'reset';
      }
    }
    return { import: importResult, export: exportResult };
  }

  /** The configuration a peer was added with (null for an unknown address). */
  peerConfig(address: string): PeerConfig | null {
    return this.peers.get(canonicalAddress(address))?.config ?? null;
  }

  // --- announcements ---------------------------------------------------------------------------

  /** Announces a locally originated route (replacing an earlier announcement of the prefix). */
  announce(a: Announcement): void {
    const { prefix } = checkAnnouncement(a);
    a = { ...a, prefix };
    this.announced.set(prefix, a);
    this.publish(this.rib.announceLocal(prefix, toAttributes(a, this.options.localAsn)));
    this.flushAll();
  }

  withdraw(prefix: string): void {
    prefix = canonicalAnnouncementPrefix(prefix) ?? prefix;
    if (!this.announced.delete(prefix)) return;
    this.publish(this.rib.withdrawLocal(prefix));
    this.flushAll();
  }

  /** Declarative form: announce exactly `desired`; only the difference goes out (MetalLB-style). */
  setAnnouncements(desired: readonly Announcement[]): void {
    const want = new Map(
      desired.map((a) => {
        const { prefix } = checkAnnouncement(a);
        return [prefix, { ...a, prefix }];
      }),
    );
    for (const prefix of [...this.announced.keys()]) if (!want.has(prefix)) this.withdraw(prefix);
    for (const [prefix, a] of want) {
      const cur = this.announced.get(prefix);
      if (!cur || announcementKey(cur) !== announcementKey(a)) this.announce(a);
    }
  }

  get announcements(): readonly Announcement[] {
    return [...this.announced.values()];
  }

  // --- queries ---------------------------------------------------------------------------------

  peerStates(): PeerState[] {
    return [...this.peers.values()].map((e) => this.peerState(e));
  }

  routes(filter?: { afi?: 1 | 2; peer?: string }): Route[] {
    return [...this.rib.routes({ ...(filter?.afi ? { afi: filter.afi } : {}), ...(filter?.peer ? { peerId: filter.peer } : {}) })];
  }

  route(prefix: string): Route | null {
    return this.rib.route(prefix);
  }

  bestPath(prefix: string): Path | null {
    return this.rib.bestPath(prefix);
  }

  /** Every candidate path of a prefix, ranked, with the step of the decision process that decided. */
  explain(prefix: string): Explanation | null {
    return this.rib.explain(prefix);
  }

  /** Longest-prefix match of an address in the Loc-RIB. */
  lookup(address: string): Route | null {
    return this.rib.lookup(address);
  }

  /**
   * Best-path and ECMP changes as an async iterator. Changes to one prefix coalesce while the
   * consumer is behind (it sees the latest state), so a slow consumer costs at most one pending
   * delta per prefix.
   */
  changes(): AsyncIterableIterator<RibDelta> {
    const q = new ChangeQueue(() => this.iterators.delete(q));
    this.iterators.add(q);
    return q;
  }

  // --- internals -------------------------------------------------------------------------------

  private peerState(e: PeerEntry): PeerState {
    const n = e.session.negotiated;
    return {
      address: e.config.address,
      remoteAsn: n?.peerAsn ?? (e.config.remoteAsn === 'any' ? 0 : e.config.remoteAsn),
      ...(e.dynamic ? { dynamic: true } : {}),
      ...(e.config.description ? { description: e.config.description } : {}),
      type: (n?.ibgp ?? e.config.remoteAsn === this.options.localAsn) ? 'ibgp' : 'ebgp',
      state: e.session.state,
      sinceMs: this.clock.now() - e.session.since,
      info: e.session.info,
      ...(n ? { routerId: n.peerRouterId, holdTime: n.holdTime } : {}),
      prefixesReceived: [...e.families].reduce((sum, f) => sum + this.rib.prefixCount(e.id, f), 0),
      families: (Object.keys(FAMILY_KEYS) as FamilyName[]).filter((f) => e.families.has(FAMILY_KEYS[f])),
      endOfRibReceived: (Object.keys(FAMILY_KEYS) as FamilyName[]).filter((f) => e.endOfRib.has(FAMILY_KEYS[f])),
      stats: {
        updatesReceived: e.counts.updatesReceived,
        updatesSent: e.sender.totalUpdatesSent,
        routeRefreshReceived: e.counts.routeRefreshReceived,
        routeRefreshSent: e.counts.routeRefreshSent,
        established: e.counts.established,
        notificationsSent: { ...e.counts.notificationsSent },
        notificationsReceived: { ...e.counts.notificationsReceived },
      },
    };
  }

  private incoming(socket: Socket, remote: string): boolean {
    let entry = this.peers.get(remote);
    if (!entry) {
      const range = this.dynamicRanges.find((r) => r.matches(remote));
      if (!range) {
        this.log.warn({ remote }, 'connection from an address that is not a peer refused');
        return false;
      }
      const { prefix: _prefix, ...rest } = range.config;
      entry = this.createPeer({ ...rest, address: remote, passive: true }, true);
      this.log.info({ remote, range: range.config.prefix }, 'dynamic neighbor');
    }
    entry.session.acceptSocket(socket);
    return true;
  }

  private readonly dynamicRanges: { config: DynamicNeighbors; matches: (address: string) => boolean }[];

  private onEstablished(e: PeerEntry, n: Negotiated): void {
    const conn = e.session;
    e.negotiated = n;
    e.endOfRib.clear();
    e.counts.established++;
    const limits: PrefixLimit[] = e.config.maxPrefix ? [...n.families].map((f) => ({ afi: f >> 8, safi: f & 255, limit: e.config.maxPrefix! })) : [];
    e.info = {
      id: e.id,
      address: e.config.address,
      asn: n.peerAsn,
      routerId: n.peerRouterId,
      ibgp: n.ibgp,
      localAsn: this.options.localAsn,
      asn4: n.asn4,
      addPath: n.addPathReceive,
      ...(n.addPathSend.size ? { addPathSend: n.addPathSend, ...(e.config.addPathSendMode ? { addPathSendMode: e.config.addPathSendMode } : {}) } : {}),
      ...(e.config.routeReflectorClient ? { rrClient: true } : {}),
      ...(e.config.allowAsIn ? { allowAsIn: e.config.allowAsIn } : {}),
      ...(limits.length ? { maxPrefix: limits } : {}),
    };
    const localAddress = conn.localAddress;
    const localV6 = localAddress.includes(':') ? localAddress : e.config.nextHopV6;
    const localV4 = localAddress.includes(':') ? undefined : localAddress;
    e.exportSession = {
      ibgp: n.ibgp,
      localAsn: this.options.localAsn,
      routerId: this.options.routerId,
      ...(localV4 ? { localV4 } : {}),
      ...(localV6 ? { localV6 } : {}),
      nextHopSelf: e.config.nextHopSelf ?? false,
      asn4: n.asn4,
      ...(e.exportPolicy ? { policy: e.exportPolicy } : {}),
      ...(n.role ? { role: n.role.local } : {}),
    };
    // The local address may differ from the last session's: exported next hops change.
    this.exportCache = new ExportCache();
    this.rib.addPeer(e.info);
    e.sender.start(n);
    this.emit('established', this.peerState(e), n);
  }

  private onUpdate(e: PeerEntry, update: UpdateMessage): void {
    e.counts.updatesReceived++;
    const deltas = this.rib.applyUpdate(e.id, update, { asn4: e.info?.asn4 ?? true });
    const limit = this.rib.checkPrefixLimits(e.id);
    if (limit?.kind === 'exceeded') {
      this.log.warn({ count: limit.count, limit: limit.limit }, 'maximum number of prefixes reached');
      const n = limit.notification ?? maxPrefixNotification(limit.afi, limit.safi, limit.limit);
      e.session.cease(CeaseSubcode.MAXIMUM_PREFIXES_REACHED, n.data);
    } else if (limit?.kind === 'warning') {
      this.log.warn({ count: limit.count, limit: limit.limit }, 'approaching the maximum number of prefixes');
    }
    this.publish(deltas);
    this.flushAll();
    const eor = endOfRibFamily(update);
    if (eor !== null && !e.endOfRib.has(eor)) {
      e.endOfRib.add(eor);
      const name = (Object.keys(FAMILY_KEYS) as FamilyName[]).find((f) => FAMILY_KEYS[f] === eor);
      if (name) this.emit('endOfRib', this.peerState(e), name);
      this.fib?.check();
    }
  }

  private onRouteRefresh(e: PeerEntry, refresh: RouteRefreshMessage): void {
    e.counts.routeRefreshReceived++;
    if (refresh.subtype !== 0) return;
    // RFC 2918 s4: re-advertise the Adj-RIB-Out of the family.
    this.rib.refreshAdjRibOut(e.id);
    e.sender.flush();
  }

  private onDown(e: PeerEntry, info: PeerDownInfo): void {
    e.sender.stop();
    if (info.notification) {
      const m = info.notification.message;
      const key = `${m.code}/${m.subcode}`;
      const counts = info.notification.direction === 'sent' ? e.counts.notificationsSent : e.counts.notificationsReceived;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    if (info.wasEstablished) {
      const n = e.negotiated;
      const gr = n?.gracefulRestart;
      const note = info.notification?.message;
      // RFC 4724 s4.2 / RFC 8538: routes are kept across a restart; after a NOTIFICATION only when
      // both sides set the N bit, and never after a Hard Reset (Cease / 9).
      const hardReset = note?.code === 6 && note.subcode === 9;
      const keep = gr && gr.families.size > 0 && (!note || (gr.notification && !hardReset));
      let deltas: RibDelta[];
      if (keep) {
        const families = [...gr.families.keys()];
        deltas = this.rib.peerDown(e.id, { gracefulRestart: { families, restartTime: gr.restartTime }, ...(n?.llgr ? { llgr: n.llgr } : {}) });
        for (const f of families) this.staleTimer(e, f, gr.restartTime, n?.llgr?.get(f) ?? 0);
        this.log.info({ peer: e.id, restartTime: gr.restartTime }, 'peer restarting: its routes are kept stale');
      } else {
        deltas = this.rib.peerDown(e.id);
      }
      this.publish(deltas);
      this.flushAll();
    }
    this.emit('peerDown', this.peerState(e), info);
    if (e.dynamic) {
      // A dynamic neighbor exists only while connected; it may come back from the same range.
      e.session.destroy();
      this.peers.delete(e.id);
    }
  }

  private readonly staleTimers = new Map<string, TimerHandle>();

  /** RFC 4724 s4.2 restart timer, then the RFC 9494 long-lived stale timer, per peer and family. */
  private staleTimer(e: PeerEntry, family: FamilyKey, seconds: number, llgrSeconds: number): void {
    const key = `${e.id}|${family}`;
    this.staleTimers.get(key)?.cancel();
    this.staleTimers.set(
      key,
      this.clock.setTimer(seconds * 1000, () => {
        this.staleTimers.delete(key);
        this.publish(this.rib.staleTimerExpired(e.id, family));
        this.flushAll();
        if (llgrSeconds > 0) this.staleTimer(e, family, llgrSeconds, 0);
      }),
    );
  }

  private exportFor(route: ExportRoute, peer: PeerInfo) {
    const e = this.peers.get(peer.id);
    if (!e?.exportSession || !e.negotiated) return null;
    // Only families the session negotiated (RFC 4760 s6); LLGR-stale routes only to peers that
    // speak LLGR (RFC 9494 s4.3).
    if (!e.negotiated.families.has(familyKey(route.path.afi, 1))) return null;
    if (route.path.stale === 'llgr' && !e.negotiated.llgr) return null;
    return this.exportCache.get(route, peer, e.exportSession, e.exportPolicy !== undefined);
  }

  private flushAll(): void {
    for (const e of this.peers.values()) e.sender.schedule();
  }

  private publish(deltas: readonly RibDelta[]): void {
    if (deltas.length === 0) return;
    this.emit('routes', deltas);
    if (routesChannel.hasSubscribers) routesChannel.publish(deltas);
    for (const q of this.iterators) q.push(deltas);
  }

  /** PeerConfig.multihop checked; undefined (with a warning) when the shim cannot set it. */
  private peerTtl(config: PeerConfig, log: Logger): number | undefined {
    const ttl = config.multihop;
    if (ttl === undefined) return undefined;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) throw new Error(`peer ${config.address}: multihop must be a whole number from 1 to 255 (got ${String(ttl)})`);
    const why = sockoptUnavailable();
    if (why === null) return ttl;
    log.warn({ multihop: ttl, reason: why }, 'multihop not applied: sessions use the system default TTL');
    return undefined;
  }
}

/** { best: n } needs a whole n >= 1. */
function checkAddPathSendMode(mode: AddPathSendMode | undefined, peer: string): void {
  if (mode === undefined || mode === 'all' || mode === 'ecmp') return;
  if (typeof mode === 'object' && mode !== null && Number.isInteger(mode.best) && mode.best >= 1) return;
  throw new Error(`peer ${peer}: addPathSendMode must be 'all', 'ecmp' or { best: n } with n >= 1`);
}

/** The canonical text of an address ("2001:DB8:0::01" -> "2001:db8::1"); the input if it is none. */
function canonicalAddress(address: string): string {
  if (!address.includes(':')) return address;
  const b = parseIpv6(address);
  return b ? ipv6ToString(b, 0) : address;
}

/** A matcher for "10.0.0.0/24" / "fd00::/64" against textual addresses. */
function rangeMatcher(prefix: string): (address: string) => boolean {
  const p = parsePrefix(prefix);
  if (!p || !prefix.includes('/')) throw new Error(`dynamic neighbor range "${prefix}" is not a prefix`);
  return (address) => {
    const a = parsePrefix(address);
    if (!a || a.afi !== p.afi) return false;
    for (let bit = 0, w = 0; bit < p.length; w++, bit += 32) {
      const n = Math.min(32, p.length - bit);
      const mask = n === 32 ? 0xffffffff : ~(0xffffffff >>> n) >>> 0;
      if (((a.words[w]! ^ p.words[w]!) & mask) >>> 0 !== 0) return false;
    }
    return true;
  };
}

function compile(p: PolicyDecl | CompiledPolicy, path: string): CompiledPolicy {
  return typeof p === 'object' && p !== null && 'runners' in p ? (p as CompiledPolicy) : compilePolicyOrThrow(p, path);
}


function evaluateImport(policy: CompiledPolicy, key: PrefixKey, afi: 1 | 2, attributes: readonly PathAttribute[], peer: PeerInfo, o: SpeakerOptions) {
  const r = evaluate(policy, {
    prefix: prefixKeyToText(key),
    afi,
    attributes,
    peer: { address: peer.address, asn: peer.asn, ibgp: peer.ibgp, routerId: peer.routerId },
    local: { asn: o.localAsn, routerId: o.routerId },
  });
  if (!r.accept) return null;
  return r.weight === undefined ? r.attributes : { attributes: r.attributes, weight: r.weight };
}

/** Coalescing queue behind Speaker.changes(). */
class ChangeQueue implements AsyncIterableIterator<RibDelta> {
  private readonly pending = new Map<string, RibDelta>();
  private waiting: ((r: IteratorResult<RibDelta>) => void) | null = null;
  private done = false;

  constructor(private readonly onClose: () => void) {}

  push(deltas: readonly RibDelta[]): void {
    for (const d of deltas) {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w({ value: d, done: false });
      } else {
        this.pending.delete(d.prefix); // re-insert: keep arrival order of the latest change
        this.pending.set(d.prefix, d);
      }
    }
  }

  next(): Promise<IteratorResult<RibDelta>> {
    const first = this.pending.entries().next();
    if (!first.done) {
      this.pending.delete(first.value[0]);
      return Promise.resolve({ value: first.value[1], done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<RibDelta>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.onClose();
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<RibDelta> {
    return this;
  }
}

