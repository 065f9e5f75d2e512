// ADD-PATH send (RFC 7911): the part of a peer's Adj-RIB-Out that has to be stored. Without
// ADD-PATH what a peer is advertised for a prefix is a function of the Loc-RIB (adj-rib-out.ts).
// With it a prefix goes out as several paths, each under a Path Identifier that the peer keys on
// (RFC 7911 s2: a path is identified "by the combination of the address prefix and the Path
// Identifier", which the re-advertising speaker "MUST generate" itself), and a path is replaced or
// withdrawn by that identifier only. So what was sent is kept, per prefix, as a short
// list: which Loc-RIB path (source peer, received path id), under which identifier, with which
// attributes. Identifiers are stable: a path keeps its identifier for as long as it is advertised,
// whatever happens to the other paths of the prefix; one that leaves frees its identifier.

import { IPV4_UNICAST, IPV6_UNICAST, type FamilyKey, type PathAttribute } from '../wire/index.js';
import type { OutRoute } from './adj-rib-out.js';
import { sameAttributes } from './attributes.js';
import type { PathRef } from './path.js';
import { prefixKeyAfi, prefixKeyToText, type PrefixKey } from './prefix-key.js';
import { compareRefs, multipathSet, type SelectionOptions } from './select.js';

/**
 * Which paths of a prefix a peer with ADD-PATH send is offered (the outbound rules and the export
 * filter then apply to each):
 * - 'ecmp': the best path and the other paths of its multipath set (maxPaths, multipathRelax):
 *   what this speaker itself would spread traffic over. The default.
 * - 'all': every candidate path of the Loc-RIB.
 * - { best: n }: the n most preferred paths that pass the export rules, in decision order.
 */
export type AddPathSendMode = 'all' | 'ecmp' | { readonly best: number };

/** A path to advertise for a prefix: which Loc-RIB path, and its attributes for this peer. */
export interface AdvertisedPath {
  /** The peer the path came from (LOCAL_PEER_ID for ours). */
  readonly peerId: string;
  /** The path id it was received with (0 without ADD-PATH receive). */
  readonly rxPathId: number;
  readonly attributes: readonly PathAttribute[];
}

interface SentPath extends AdvertisedPath {
  /** The Path Identifier it went out with. */
  readonly pathId: number;
}

/** What a prefix keeps: its one path as it is (the common case), several in an exact-size array. */
type Sent = SentPath | readonly SentPath[];

const NO_PATHS: readonly SentPath[] = Object.freeze([]);

function pathsOf(sent: Sent | undefined): readonly SentPath[] {
  if (sent === undefined) return NO_PATHS;
  return Array.isArray(sent) ? (sent as readonly SentPath[]) : [sent as SentPath];
}

/**
 * The paths of a prefix (best first, as the table keeps them) that `mode` offers, most preferred
 * first. `multipath`: the table holds a multipath set of two or more for the prefix.
 */
export function offeredPaths(paths: readonly PathRef[], multipath: boolean, mode: AddPathSendMode, o: SelectionOptions): readonly PathRef[] {
  if (paths.length <= 1 || mode === 'all') return paths;
  if (mode === 'ecmp') {
    if (!multipath) return paths.slice(0, 1);
    const set = multipathSet(paths, 0, o);
    return set.length === 1 ? paths.slice(0, 1) : set.map((i) => paths[i]!);
  }
  // The best path stays first: with deterministic MED it need not win every pairwise comparison.
  return [paths[0]!, ...paths.slice(1).sort((a, b) => compareRefs(a, b, o))];
}

export class AddPathOut {
  /** Bit 1: IPv4 unicast, bit 2: IPv6 unicast (the afi values). */
  private readonly afis: number;
  private readonly sent = new Map<PrefixKey, Sent>();

  constructor(
    families: ReadonlySet<FamilyKey>,
    readonly mode: AddPathSendMode,
  ) {
    this.afis = (families.has(IPV4_UNICAST) ? 1 : 0) | (families.has(IPV6_UNICAST) ? 2 : 0);
  }

  /** ADD-PATH send was negotiated for this family (IPv4 or IPv6 unicast). */
  sends(afi: 1 | 2): boolean {
    return (this.afis & afi) !== 0;
  }

  /** The identifier a path of a prefix was sent with; undefined when it was not (yet) sent. */
  pathIdOf(key: PrefixKey, peerId: string, rxPathId: number): number | undefined {
    return find(pathsOf(this.sent.get(key)), peerId, rxPathId)?.pathId;
  }

  /** Prefixes with at least one path sent. */
  get prefixCount(): number {
    return this.sent.size;
  }

  /**
   * Brings one prefix from what was sent to `desired`, appending the UPDATE entries needed:
   * - a path still advertised keeps its identifier, and is sent again only when its attributes
   *   changed (an announcement of the same (prefix, identifier) replaces the path: the implicit
   *   withdraw of RFC 4271 s3.1, keyed as RFC 7911 s2 keys paths);
   * - a new path takes the lowest free identifier: one freed by a path that left in the same
   *   change is taken over (an implicit withdraw, no separate withdrawal);
   * - an identifier left unused is withdrawn by (prefix, identifier).
   * `resend`: announce every desired path even when unchanged (route refresh).
   */
  update(key: PrefixKey, prefix: string, afi: 1 | 2, desired: readonly AdvertisedPath[], out: OutRoute[], resend = false): void {
    const before = pathsOf(this.sent.get(key));
    if (before.length === 0 && desired.length === 0) return;
    const after: SentPath[] = [];
    let fresh: AdvertisedPath[] | null = null;
    for (const d of desired) {
      const old = find(before, d.peerId, d.rxPathId);
      if (!old) {
        (fresh ??= []).push(d);
        continue;
      }
      const unchanged = old.attributes === d.attributes || sameAttributes(old.attributes, d.attributes);
      // Keep the newest array: the next comparison is then most likely an identity.
      after.push(old.attributes === d.attributes ? old : { peerId: d.peerId, rxPathId: d.rxPathId, attributes: d.attributes, pathId: old.pathId });
      if (!unchanged || resend) out.push({ key, prefix, afi, pathId: old.pathId, attributes: d.attributes });
    }
    if (fresh) {
      let next = 1;
      for (const d of fresh) {
        while (holds(after, next)) next++;
        after.push({ peerId: d.peerId, rxPathId: d.rxPathId, attributes: d.attributes, pathId: next });
        out.push({ key, prefix, afi, pathId: next, attributes: d.attributes });
      }
    }
    for (const b of before) if (!holds(after, b.pathId)) out.push({ key, prefix, afi, pathId: b.pathId, attributes: null });
    // Exact size: an array grown by push() keeps room for 17 entries, 70 bytes a prefix for nothing.
    if (after.length === 0) this.sent.delete(key);
    else this.sent.set(key, after.length === 1 ? after[0]! : after.slice());
  }

  /** Withdraws every path of the prefixes that `keep` does not hold (what a full pass did not visit is gone). */
  withdrawExcept(keep: ReadonlySet<PrefixKey>, out: OutRoute[]): void {
    for (const [key, sent] of this.sent) {
      if (keep.has(key)) continue;
      const prefix = prefixKeyToText(key);
      const afi = prefixKeyAfi(key);
      for (const p of pathsOf(sent)) out.push({ key, prefix, afi, pathId: p.pathId, attributes: null });
      this.sent.delete(key);
    }
  }
}

function find(paths: readonly SentPath[], peerId: string, rxPathId: number): SentPath | undefined {
  for (const p of paths) if (p.rxPathId === rxPathId && p.peerId === peerId) return p;
  return undefined;
}

function holds(paths: readonly SentPath[], pathId: number): boolean {
  for (const p of paths) if (p.pathId === pathId) return true;
  return false;
}
