// The RIB: Adj-RIB-In per peer, the Loc-RIB with best path and multipath set per prefix, and
// Adj-RIB-Out per peer (RFC 4271 s3.2). Values in, values out: every change returns the deltas
// it caused; nothing here reads a clock or does I/O.

import {
  IPV4_UNICAST,
  IPV6_UNICAST,
  effectiveAsPath,
  endOfRibFamily,
  ipv4ToU32,
  isTreatAsWithdraw,
  parseIpv6,
  parsePrefix,
  readU32,
  type FamilyKey,
  type PathAttribute,
  type PrefixList,
  type UpdateMessage,
} from '../wire/index.js';
import { AddPathOut, offeredPaths, type AddPathSendMode, type AdvertisedPath } from './add-path-out.js';
import { AdjRibOut, type OutRoute } from './adj-rib-out.js';
import { sameAttributes, storedAttributes, withoutTypes } from './attributes.js';
import { DEFAULT_DECISION_OPTIONS } from './decision.js';
import { hopDifference, type RibDelta } from './delta.js';
import type { ExportFilter, ImportFilter } from './filters.js';
import type { Explanation, PeerStatus, RibOptions, Route, RouteFilter, UpdateContext } from './rib-types.js';
import {
  llgrStaleTime,
  markLlgrStale,
  markStale,
  markStaleThenLlgr,
  removeAll,
  removeRetained,
  type PeerDownOptions,
} from './graceful-restart.js';
import { inboundCheck, type InboundRejection, type LocalIdentity } from './inbound.js';
import { OutboundAttributes, mayAdvertise } from './outbound.js';
import { PathInfo, infoOf, makeRef, pathIdOf, toPath, type Path, type PathRef } from './path.js';
import { PeerState, type FamilyState, type PeerInfo } from './peer.js';
import { checkPrefixLimits, type PrefixLimitReport } from './prefix-limit.js';
import { ipv4Key, ipv6Key, prefixKeyAfi, prefixKeyFromList, prefixKeyToText, prefixKeyWords, wordsToText, type PrefixKey } from './prefix-key.js';
import type { SelectionOptions } from './select.js';
import { explainPaths } from './explain.js';
import { RouteTable } from './table.js';

export const LOCAL_PEER_ID = 'local';

const FAMILIES: readonly FamilyKey[] = [IPV4_UNICAST, IPV6_UNICAST];
const NO_PATHS: readonly AdvertisedPath[] = Object.freeze([]);
const REJECTION_COUNTER: Record<InboundRejection, 'originatorId' | 'clusterList' | 'asLoop'> = {
  'originator-id': 'originatorId',
  'cluster-list': 'clusterList',
  'as-loop': 'asLoop',
};

export class Rib {
  private readonly peers = new Map<string, PeerState>();
  private readonly out = new Map<string, AdjRibOut>();
  /** The peers of `out` with ADD-PATH send: a change beside the best path concerns them too. */
  private readonly addPathOut = new Map<string, AdjRibOut>();
  private readonly v4: RouteTable;
  private readonly v6: RouteTable;
  private readonly selection: SelectionOptions;
  private readonly self: LocalIdentity;
  private readonly localPeer: PeerInfo;
  private readonly outbound: OutboundAttributes;
  private readonly importFilter: ImportFilter | undefined;
  private readonly exportFilter: ExportFilter | undefined;

  constructor(options: RibOptions) {
    const d = DEFAULT_DECISION_OPTIONS;
    this.selection = {
      alwaysCompareMed: options.alwaysCompareMed ?? d.alwaysCompareMed,
      deterministicMed: options.deterministicMed ?? d.deterministicMed,
      medMissingAsWorst: options.medMissingAsWorst ?? d.medMissingAsWorst,
      igpMetric: options.igpMetric ?? d.igpMetric,
      maxPaths: { ebgp: options.maxPaths?.ebgp ?? 1, ibgp: options.maxPaths?.ibgp ?? 1 },
      multipathRelax: options.multipathRelax ?? false,
    };
    const clusterId = options.clusterId ?? options.routerId;
    this.self = { routerId: options.routerId, clusterId, localAsn: options.localAsn };
    this.localPeer = Object.freeze({
      id: LOCAL_PEER_ID,
      address: '0.0.0.0',
      asn: options.localAsn,
      routerId: options.routerId,
      ibgp: false,
      localAsn: options.localAsn,
    });
    this.outbound = new OutboundAttributes(clusterId);
    this.importFilter = options.importFilter;
    this.exportFilter = options.exportFilter;
    this.v4 = new RouteTable(1, this.selection);
    this.v6 = new RouteTable(2, this.selection);
  }

  // --- peers ---------------------------------------------------------------------------------

  /**
   * A session reached Established. Known peers (graceful restart) keep their retained paths
   * until End-of-RIB. The first drainAdjRibOut() gives the whole Adj-RIB-Out to announce.
   */
  addPeer(info: PeerInfo): void {
    if (info.id === LOCAL_PEER_ID) throw new Error(`peer id "${LOCAL_PEER_ID}" is reserved for local routes`);
    const existing = this.peers.get(info.id);
    if (existing) {
      existing.info = info;
      existing.up = true;
    } else {
      this.peers.set(info.id, new PeerState(info));
    }
    const adj = new AdjRibOut(addPathOutFor(info));
    this.out.set(info.id, adj);
    if (adj.addPath) this.addPathOut.set(info.id, adj);
    else this.addPathOut.delete(info.id);
  }

  /** Everything is to be sent to the peer again at the next drain (route refresh, RFC 2918). */
  refreshAdjRibOut(peerId: string): void {
    const adj = this.out.get(peerId);
    if (adj) adj.full = true;
  }

  /**
   * The session went down. Without options every path of the peer is removed. With graceful
   * restart the paths of the listed families are kept and marked stale (RFC 4724 s4.2); with
   * LLGR and no GR for a family they become long-lived stale at once (RFC 9494). The caller
   * runs the timers and calls staleTimerExpired() / the peer's End-of-RIB ends the phase.
   */
  peerDown(peerId: string, options: PeerDownOptions = {}): RibDelta[] {
    const peer = this.peers.get(peerId);
    if (!peer) return [];
    peer.up = false;
    this.out.delete(peerId);
    this.addPathOut.delete(peerId);
    const out: RibDelta[] = [];
    for (const family of FAMILIES) {
      const f = peer.family(family);
      const llgr = llgrStaleTime(options, family);
      f.llgrStaleTime = llgr;
      if (options.gracefulRestart?.families.includes(family)) {
        f.phase = 'gr';
        this.sweep(peer, family, markStale(), out);
      } else if (llgr > 0) {
        f.phase = 'llgr';
        this.sweep(peer, family, markStaleThenLlgr(), out);
      } else {
        f.phase = 'none';
        this.sweep(peer, family, removeAll, out);
      }
    }
    return out;
  }

  /** The peer is deconfigured: every path it gave is removed and it is forgotten. */
  removePeer(peerId: string): RibDelta[] {
    const peer = this.peers.get(peerId);
    if (!peer) return [];
    const out: RibDelta[] = [];
    this.out.delete(peerId);
    this.addPathOut.delete(peerId);
    for (const family of FAMILIES) this.sweep(peer, family, removeAll, out);
    this.peers.delete(peerId);
    return out;
  }

  /**
   * RFC 4724 s4.2: "Once the End-of-RIB marker for an address family is received from the peer,
   * it MUST immediately remove any routes from the peer that are still marked as stale for that
   * address family." (applyUpdate() calls this when the UPDATE is an End-of-RIB.)
   */
  endOfRib(peerId: string, family: FamilyKey): RibDelta[] {
    const peer = this.peers.get(peerId);
    const f = peer?.families.get(family);
    const out: RibDelta[] = [];
    if (!peer || !f || f.phase === 'none') return out;
    f.phase = 'none';
    this.sweep(peer, family, removeRetained, out);
    return out;
  }

  /**
   * The caller's timer for the current phase expired: the restart time in the GR phase (then the
   * paths become LLGR-stale if LLGR was agreed for the family, RFC 9494 s4.2, else they go), or
   * the long-lived stale time in the LLGR phase (they go).
   */
  staleTimerExpired(peerId: string, family: FamilyKey): RibDelta[] {
    const peer = this.peers.get(peerId);
    const f = peer?.families.get(family);
    const out: RibDelta[] = [];
    if (!peer || !f || f.phase === 'none') return out;
    if (f.phase === 'gr' && f.llgrStaleTime > 0) {
      f.phase = 'llgr';
      this.sweep(peer, family, markLlgrStale(), out);
    } else {
      f.phase = 'none';
      this.sweep(peer, family, removeRetained, out);
    }
    return out;
  }

  // --- input ---------------------------------------------------------------------------------

  /**
   * Applies an UPDATE from an established peer: withdrawn routes, MP_UNREACH_NLRI, NLRI and
   * MP_REACH_NLRI (IPv4/IPv6 unicast; other families are ignored), ADD-PATH identifiers as the
   * decoder found them, RFC 7606 treat-as-withdraw, and End-of-RIB (RFC 4724).
   */
  applyUpdate(peerId: string, update: UpdateMessage, context: UpdateContext = {}): RibDelta[] {
    const peer = this.peers.get(peerId);
    if (!peer?.up) throw new Error(`applyUpdate: peer ${peerId} is not established`);
    const eor = endOfRibFamily(update);
    if (eor !== null) {
      // The initial table load is over: a good moment to give back what growing left unused.
      this.compact();
      return this.endOfRib(peerId, eor);
    }
    const out: RibDelta[] = [];
    const asn4 = context.asn4 ?? peer.info.asn4 ?? true;
    // RFC 7606 s2: "treat-as-withdraw": "the UPDATE message containing the path attribute in
    // question MUST be treated as though all contained routes had been withdrawn".
    const withdrawAll = isTreatAsWithdraw(update);
    this.withdraw(peer, update.withdrawn, out);
    for (const a of update.attributes) {
      if (a.type === 'mp-unreach' && a.safi === 1 && a.withdrawn) this.withdraw(peer, a.withdrawn, out);
    }
    if (update.nlri.count > 0) {
      if (withdrawAll) this.withdraw(peer, update.nlri, out);
      else this.announce(peer, update.nlri, update.attributes, false, asn4, out);
    }
    for (const a of update.attributes) {
      if (a.type !== 'mp-reach' || a.safi !== 1 || !a.nlri || a.nlri.count === 0) continue;
      if (withdrawAll) this.withdraw(peer, a.nlri, out);
      else this.announce(peer, a.nlri, update.attributes, true, asn4, out);
    }
    return out;
  }

  /**
   * Originates a route ("10.0.0.0/24"). ORIGIN IGP and an empty AS_PATH are added when missing.
   * Locally originated paths win over learned ones with the same weight and LOCAL_PREF.
   */
  announceLocal(prefix: string, attributes: readonly PathAttribute[], options: { weight?: number } = {}): RibDelta[] {
    const p = parseOrThrow(prefix);
    let attrs = attributes;
    if (!attrs.some((a) => a.type === 'origin')) attrs = [{ type: 'origin', flags: 0x40, origin: 0 }, ...attrs];
    if (!attrs.some((a) => a.type === 'as-path')) attrs = [...attrs, { type: 'as-path', flags: 0x40, segments: [] }];
    const info = new PathInfo(this.localPeer, p.afi, attrs, true, options.weight ?? 0, 'none', true, false);
    const table = this.table(p.afi);
    const out: RibDelta[] = [];
    if (table.upsert(p.words, 0, p.length, info)) this.emit(table, out);
    else this.touched(table, p.words, 0, p.length);
    return out;
  }

  withdrawLocal(prefix: string): RibDelta[] {
    const p = parseOrThrow(prefix);
    const table = this.table(p.afi);
    const out: RibDelta[] = [];
    if (table.remove(p.words, 0, p.length, LOCAL_PEER_ID, 0)) this.emit(table, out);
    else this.touched(table, p.words, 0, p.length);
    return out;
  }

  /** Shrinks the prefix tries to their contents (done at every End-of-RIB). */
  compact(): void {
    this.v4.trie.compact();
    this.v6.trie.compact();
  }

  /** Chooses again everywhere, e.g. after the IGP metrics behind `igpMetric` changed. */
  reevaluate(): RibDelta[] {
    const out: RibDelta[] = [];
    for (const table of [this.v4, this.v6]) {
      for (const node of table.trie.nodesAnyOrder()) {
        if (table.refresh(node)) this.emit(table, out);
        else this.touchedNode(table, node);
      }
    }
    return out;
  }

  // --- queries -------------------------------------------------------------------------------

  /** Longest-prefix match of an address ("192.0.2.1", "2001:db8::1"). */
  lookup(address: string): Route | null {
    const v4 = ipv4ToU32(address);
    let table: RouteTable;
    let words: number[];
    if (v4 >= 0) {
      table = this.v4;
      words = [v4];
    } else {
      const b = parseIpv6(address);
      if (!b) return null;
      table = this.v6;
      words = [0, 4, 8, 12].map((o) => readU32(b, o));
    }
    const node = table.trie.longestMatch(words, 0);
    return node < 0 ? null : this.routeAt(table, node);
  }

  /** The route of exactly this prefix, or null. */
  route(prefix: string): Route | null {
    const found = this.findPrefix(prefix);
    return found ? this.routeAt(found.table, found.node) : null;
  }

  bestPath(prefix: string): Path | null {
    return this.route(prefix)?.best ?? null;
  }

  /** Every candidate path of a prefix, the best first. */
  paths(prefix: string): Path[] {
    const found = this.findPrefix(prefix);
    if (!found) return [];
    const text = this.nodeText(found.table, found.node);
    return found.table.pathsAt(found.node).map((r) => toPath(r, text));
  }

  /** All candidate paths of a prefix, best first, each with the path it lost to and why. */
  explain(prefix: string): Explanation | null {
    const found = this.findPrefix(prefix);
    if (!found) return null;
    const { table, node } = found;
    return explainPaths(table.pathsAt(node), this.nodeText(table, node), table.hopsAt(node), this.selection);
  }

  /** The Loc-RIB in prefix order (IPv4, then IPv6). Do not change the RIB while iterating. */
  *routes(filter: RouteFilter = {}): Generator<Route> {
    for (const table of [this.v4, this.v6]) {
      if (filter.afi !== undefined && filter.afi !== table.afi) continue;
      for (const node of table.trie.nodesInOrder()) {
        if (filter.peerId !== undefined && infoOf(table.bestAt(node)!).source.id !== filter.peerId) continue;
        yield this.routeAt(table, node);
      }
    }
  }

  /** A peer's Adj-RIB-In (accepted paths, stale ones included), in prefix order. Do not change the RIB while iterating. */
  *adjRibIn(peerId: string): Generator<Path> {
    for (const table of [this.v4, this.v6]) {
      for (const node of table.trie.nodesInOrder()) {
        let text: string | null = null;
        for (const ref of table.pathsAt(node)) {
          if (infoOf(ref).source.id !== peerId) continue;
          text ??= this.nodeText(table, node);
          yield toPath(ref, text);
        }
      }
    }
  }

  /**
   * What is advertised to a peer (computed from the Loc-RIB), in prefix order. With ADD-PATH send,
   * every path of a prefix, with the identifier it was sent under (none yet for a path that the
   * next drain will send).
   */
  *adjRibOut(peerId: string): Generator<OutRoute> {
    const peer = this.peers.get(peerId);
    if (!peer?.up) return;
    const ap = this.out.get(peerId)?.addPath ?? null;
    for (const table of [this.v4, this.v6]) {
      const multi = ap?.sends(table.afi) ? ap : null;
      for (const node of table.trie.nodesInOrder()) {
        if (multi) {
          const key = this.nodeKey(table, node);
          const prefix = this.nodeText(table, node);
          for (const p of this.advertised(table, node, peer.info, multi.mode, key, prefix)) {
            const pathId = multi.pathIdOf(key, p.peerId, p.rxPathId);
            yield { key, prefix, afi: table.afi, attributes: p.attributes, ...(pathId !== undefined ? { pathId } : {}) };
          }
          continue;
        }
        const r = this.outRoute(table, node, peer.info);
        if (r.attributes) yield r;
      }
    }
  }

  /**
   * What to send to a peer since the last call: announcements (attributes) and withdrawals
   * (null). After addPeer() or refreshAdjRibOut(), the whole Adj-RIB-Out (announcements only,
   * but for ADD-PATH paths no longer there). With ADD-PATH send, entries carry their pathId.
   */
  drainAdjRibOut(peerId: string): OutRoute[] {
    const peer = this.peers.get(peerId);
    const adj = this.out.get(peerId);
    if (!peer || !adj) return [];
    const work = adj.take();
    const ap = adj.addPath;
    if (work.full) return ap ? this.fullAddPath(peer.info, ap) : [...this.adjRibOut(peerId)];
    const out: OutRoute[] = [];
    for (const key of work.keys) {
      const table = this.table(prefixKeyAfi(key));
      const len = prefixKeyWords(key, this.scratch);
      const node = table.trie.find(this.scratch, 0, len);
      const present = node >= 0 && table.trie.valueAt(node) !== null;
      if (ap?.sends(table.afi)) {
        const prefix = prefixKeyToText(key);
        ap.update(key, prefix, table.afi, present ? this.advertised(table, node, peer.info, ap.mode, key, prefix) : NO_PATHS, out);
      } else if (present) out.push(this.outRoute(table, node, peer.info));
      else out.push({ key, prefix: prefixKeyToText(key), afi: table.afi, attributes: null });
    }
    return out;
  }

  /** Paths accepted from a peer for a family (IPv4 unicast by default). */
  prefixCount(peerId: string, family: FamilyKey = IPV4_UNICAST): number {
    return this.peers.get(peerId)?.families.get(family)?.count ?? 0;
  }

  /** Call after applyUpdate(): an exceeded limit (send its Cease and close) or a new warning. */
  checkPrefixLimits(peerId: string): PrefixLimitReport | null {
    const peer = this.peers.get(peerId);
    return peer ? checkPrefixLimits(peer) : null;
  }

  peerStatus(peerId: string): PeerStatus | null {
    const peer = this.peers.get(peerId);
    if (!peer) return null;
    return {
      info: peer.info,
      up: peer.up,
      families: [...peer.families].map(([family, f]) => ({ family, paths: f.count, phase: f.phase })),
      rejected: { ...peer.rejected },
    };
  }

  get stats(): { prefixes: { ipv4: number; ipv6: number }; paths: { ipv4: number; ipv6: number }; trieBytes: number } {
    return {
      prefixes: { ipv4: this.v4.prefixes, ipv6: this.v6.prefixes },
      paths: { ipv4: this.v4.paths, ipv6: this.v6.paths },
      trieBytes: this.v4.trie.byteLength + this.v6.trie.byteLength,
    };
  }

  // --- internals -----------------------------------------------------------------------------

  private table(afi: 1 | 2): RouteTable {
    return afi === 1 ? this.v4 : this.v6;
  }

  private familyState(peer: PeerState, afi: 1 | 2): FamilyState {
    return peer.family(afi === 1 ? IPV4_UNICAST : IPV6_UNICAST);
  }

  private withdraw(peer: PeerState, list: PrefixList, out: RibDelta[]): void {
    if (list.count === 0) return;
    const table = this.table(list.afi);
    const f = this.familyState(peer, list.afi);
    const w = table.trie.width;
    const id = peer.info.id;
    for (let i = 0; i < list.count; i++) {
      const changed = table.remove(list.words, i * w, list.lengths[i]!, id, list.pathIds ? list.pathIds[i]! : 0);
      if (table.last.previous !== null) f.count--;
      if (changed) this.emit(table, out);
      else if (this.addPathOut.size !== 0) this.touched(table, list.words, i * w, list.lengths[i]!);
    }
  }

  private announce(peer: PeerState, list: PrefixList, raw: readonly PathAttribute[], mp: boolean, asn4: boolean, out: RibDelta[]): void {
    const info = peer.info;
    let attrs = storedAttributes(raw, mp);
    // RFC 4271 s5.1.5: "If it is contained in an UPDATE message that is received from an
    // external peer, then this attribute MUST be ignored by the receiving speaker".
    if (!info.ibgp) attrs = withoutTypes(attrs, ['local-pref']);
    const asPath = effectiveAsPath(raw, asn4).segments;
    const rejection = inboundCheck(info, attrs, asPath, this.self);
    if (rejection) {
      peer.rejected[REJECTION_COUNTER[rejection]] += list.count;
      this.withdraw(peer, list, out);
      return;
    }
    const afi = list.afi;
    const table = this.table(afi);
    const f = this.familyState(peer, afi);
    const w = table.trie.width;
    const weight = info.weight ?? 0;
    const shared = new PathInfo(info, afi, attrs, asn4, weight, 'none', false, false);
    const filter = this.importFilter;
    let lastFiltered: PathInfo | null = null;
    for (let i = 0; i < list.count; i++) {
      const pathId = list.pathIds ? list.pathIds[i]! : 0;
      let path = shared;
      if (filter) {
        const r = filter({ key: prefixKeyFromList(list, i), afi, pathId, attributes: attrs }, info);
        if (r === null) {
          peer.rejected.policy++;
          if (table.remove(list.words, i * w, list.lengths[i]!, info.id, pathId)) this.emit(table, out);
          else if (this.addPathOut.size !== 0) this.touched(table, list.words, i * w, list.lengths[i]!);
          if (table.last.previous !== null) f.count--;
          continue;
        }
        const fAttrs = 'attributes' in r ? r.attributes : r;
        const fWeight = 'attributes' in r ? (r.weight ?? weight) : weight;
        if (fAttrs !== attrs || fWeight !== weight) {
          // Prefixes of one UPDATE that the filter changed alike share one path again.
          if (!lastFiltered || lastFiltered.weight !== fWeight || !sameAttributes(lastFiltered.attributes, fAttrs)) {
            lastFiltered = new PathInfo(info, afi, fAttrs, asn4, fWeight, 'none', false, false);
          }
          path = lastFiltered;
        }
      }
      const changed = table.upsert(list.words, i * w, list.lengths[i]!, makeRef(path, pathId));
      if (table.last.previous === null) f.count++;
      if (changed) this.emit(table, out);
      else if (this.addPathOut.size !== 0) this.touched(table, list.words, i * w, list.lengths[i]!);
    }
  }

  /** Applies `fn` to every path of the peer in a family; emits the resulting deltas. */
  private sweep(peer: PeerState, family: FamilyKey, fn: (p: PathInfo) => PathInfo | null | undefined, out: RibDelta[]): void {
    const f = peer.families.get(family);
    if (!f || f.count === 0) return;
    const table = this.table(family === IPV4_UNICAST ? 1 : 2);
    const removed = { n: 0 };
    for (const node of table.trie.nodesAnyOrder()) {
      if (table.transform(node, peer.info.id, fn, removed)) this.emit(table, out);
      else if (this.addPathOut.size !== 0) this.touchedNode(table, node);
    }
    f.count -= removed.n;
  }

  /** Turns the table's last change into a delta, and brings the Adj-RIBs-Out up to date. */
  private emit(table: RouteTable, out: RibDelta[]): void {
    const c = table.last;
    const afi = table.afi;
    const key = afi === 1 ? ipv4Key(c.words[0]!, c.len) : ipv6Key(c.words, 0, c.len);
    const prefix = wordsToText(afi, c.words, 0, c.len);
    const best = c.newBest ? toPath(c.newBest, prefix) : null;
    out.push({
      prefix,
      key,
      afi,
      best,
      nextHops: c.newHops,
      added: hopDifference(c.oldHops, c.newHops),
      removed: hopDifference(c.newHops, c.oldHops),
    });
    if (c.newBest !== c.oldBest && this.out.size > 0) {
      const addPath = this.addPathOut.size !== 0;
      for (const [peerId, adj] of this.out) {
        if (addPath && adj.addPath?.sends(afi)) {
          adj.mark(key);
          continue;
        }
        const peer = this.peers.get(peerId)!.info;
        const before = this.exportOf(c.oldBest, peer, key, prefix, null);
        const after = this.exportOf(c.newBest, peer, key, prefix, best);
        if (before === after || (before && after && sameAttributes(before, after))) continue;
        adj.mark(key);
      }
    } else if (this.addPathOut.size !== 0) {
      this.touch(afi, key);
    }
  }

  /** After a change that left best path and next hops alone: ADD-PATH peers may see it still. */
  private touched(table: RouteTable, words: ArrayLike<number>, base: number, len: number): void {
    if (this.addPathOut.size === 0 || !table.last.touched) return;
    this.touch(table.afi, table.afi === 1 ? ipv4Key(words[base]!, len) : ipv6Key(words, base, len));
  }

  private touchedNode(table: RouteTable, node: number): void {
    if (this.addPathOut.size === 0 || !table.last.touched) return;
    this.touch(table.afi, this.nodeKey(table, node));
  }

  private touch(afi: 1 | 2, key: PrefixKey): void {
    for (const adj of this.addPathOut.values()) if (adj.addPath!.sends(afi)) adj.mark(key);
  }

  /**
   * The paths of a prefix a peer with ADD-PATH send is advertised: those its mode offers, each
   * through the outbound rules (RFC 4456 reflection, never back to its source) and the export
   * filter, as the best path is without ADD-PATH.
   */
  private advertised(table: RouteTable, node: number, peer: PeerInfo, mode: AddPathSendMode, key: PrefixKey, prefix: string): readonly AdvertisedPath[] {
    const offered = offeredPaths(table.pathsAt(node), table.multipathAt(node), mode, this.selection);
    const limit = typeof mode === 'object' ? mode.best : offered.length;
    const out: AdvertisedPath[] = [];
    for (const ref of offered) {
      if (out.length >= limit) break;
      const attributes = this.exportOf(ref, peer, key, prefix, null);
      if (attributes) out.push({ peerId: infoOf(ref).source.id, rxPathId: pathIdOf(ref), attributes });
    }
    return out;
  }

  /**
   * The whole Adj-RIB-Out of a peer with ADD-PATH send: families without it as adjRibOut() gives
   * them; those with it compared with what was sent (identifiers kept, everything announced
   * again, paths and prefixes no longer there withdrawn by identifier).
   */
  private fullAddPath(peer: PeerInfo, ap: AddPathOut): OutRoute[] {
    const out: OutRoute[] = [];
    const seen = new Set<PrefixKey>();
    for (const table of [this.v4, this.v6]) {
      const multi = ap.sends(table.afi);
      for (const node of table.trie.nodesInOrder()) {
        if (!multi) {
          const r = this.outRoute(table, node, peer);
          if (r.attributes) out.push(r);
          continue;
        }
        const key = this.nodeKey(table, node);
        const prefix = this.nodeText(table, node);
        seen.add(key);
        ap.update(key, prefix, table.afi, this.advertised(table, node, peer, ap.mode, key, prefix), out, true);
      }
    }
    ap.withdrawExcept(seen, out);
    return out;
  }

  /** What a peer is advertised for a path (the best one without ADD-PATH): the outbound rules, then the export filter. */
  private exportOf(ref: PathRef | null, peer: PeerInfo, key: PrefixKey, prefix: string, path: Path | null): readonly PathAttribute[] | null {
    if (!ref) return null;
    const info = infoOf(ref);
    if (!mayAdvertise(info, peer)) return null;
    const attrs = this.outbound.for(info, peer);
    const filter = this.exportFilter;
    return filter ? filter({ key, prefix, path: path ?? toPath(ref, prefix), attributes: attrs }, peer) : attrs;
  }

  private outRoute(table: RouteTable, node: number, peer: PeerInfo): OutRoute {
    const key = this.nodeKey(table, node);
    const prefix = this.nodeText(table, node);
    return { key, prefix, afi: table.afi, attributes: this.exportOf(table.bestAt(node), peer, key, prefix, null) };
  }

  private routeAt(table: RouteTable, node: number): Route {
    const key = this.nodeKey(table, node);
    const prefix = this.nodeText(table, node);
    return {
      prefix,
      key,
      afi: table.afi,
      best: toPath(table.bestAt(node)!, prefix),
      nextHops: table.hopsAt(node),
      pathCount: table.pathsAt(node).length,
    };
  }

  private findPrefix(prefix: string): { table: RouteTable; node: number } | null {
    const p = parsePrefix(prefix.trim());
    if (!p) return null;
    const table = this.table(p.afi);
    const node = table.trie.find(p.words, 0, p.length);
    return node >= 0 && table.trie.valueAt(node) !== null ? { table, node } : null;
  }

  private readonly scratch = new Uint32Array(4);

  private nodeKey(table: RouteTable, node: number): PrefixKey {
    const len = table.trie.keyAt(node, this.scratch);
    return table.afi === 1 ? ipv4Key(this.scratch[0]!, len) : ipv6Key(this.scratch, 0, len);
  }

  private nodeText(table: RouteTable, node: number): string {
    const len = table.trie.keyAt(node, this.scratch);
    return wordsToText(table.afi, this.scratch, 0, len);
  }
}

/** ADD-PATH send state for a peer that negotiated it for IPv4 or IPv6 unicast. */
function addPathOutFor(info: PeerInfo): AddPathOut | null {
  const families = info.addPathSend;
  if (!families || !(families.has(IPV4_UNICAST) || families.has(IPV6_UNICAST))) return null;
  return new AddPathOut(families, info.addPathSendMode ?? 'ecmp');
}

function parseOrThrow(prefix: string): { afi: 1 | 2; words: number[]; length: number } {
  const p = parsePrefix(prefix.trim());
  if (!p || !prefix.includes('/')) throw new TypeError(`not a prefix: ${prefix}`);
  return p;
}
