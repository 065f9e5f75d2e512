// One family's routes: a prefix trie whose values are the prefix's paths. Every peer's
// Adj-RIB-In and the Loc-RIB share it: a prefix holds its candidate paths (one per peer and
// ADD-PATH id), the best one first. What a prefix stores, smallest first:
// - one path: the PathRef itself (no array, no object of its own): a full table from one peer;
// - several paths, no multipath: an exact-size array, best path at index 0;
// - several paths and a multipath set of two or more: a Dest, which adds the set's next hops.

import { infoOf, makeRef, pathIdOf, type PathInfo, type PathRef } from './path.js';
import { PrefixTrie } from './trie.js';
import { multipathSet, nextHopsOf, selectBest, type SelectionOptions } from './select.js';
import { sameAttributes } from './attributes.js';
import { maskWord } from './prefix-key.js';

export class Dest {
  constructor(
    readonly paths: readonly PathRef[],
    readonly hops: readonly string[],
  ) {}
}

export type Slot = PathRef | readonly PathRef[] | Dest;

/** What the last change did to its prefix; filled by upsert/remove/transform (no allocation per call). */
export interface LastChange {
  oldBest: PathRef | null;
  newBest: PathRef | null;
  oldHops: readonly string[];
  newHops: readonly string[];
  /** The path of the same peer and id that the change replaced or removed, null for a new path. */
  previous: PathRef | null;
  /**
   * The prefix's paths changed, whether or not its best path and next hops did (a path beside
   * the best came, went or changed): what ADD-PATH send, which advertises more than the best
   * path, needs to know. Set by every upsert/remove/transform/refresh.
   */
  touched: boolean;
  /** The prefix changed: its length and masked address words. */
  len: number;
  readonly words: Uint32Array;
}

const NONE: readonly string[] = Object.freeze([]);

export function singleHops(p: PathInfo): readonly string[] {
  return p.local || p.nextHop === '' ? NONE : [p.nextHop];
}

export function pathsOf(slot: Slot): readonly PathRef[] {
  if (slot instanceof Dest) return slot.paths;
  return Array.isArray(slot) ? (slot as readonly PathRef[]) : [slot as PathRef];
}

export function bestOf(slot: Slot): PathRef {
  if (slot instanceof Dest) return slot.paths[0]!;
  return Array.isArray(slot) ? (slot as readonly PathRef[])[0]! : (slot as PathRef);
}

export function hopsOf(slot: Slot): readonly string[] {
  return slot instanceof Dest ? slot.hops : singleHops(infoOf(bestOf(slot)));
}

export class RouteTable {
  readonly trie: PrefixTrie<Slot>;
  readonly last: LastChange = { oldBest: null, newBest: null, oldHops: NONE, newHops: NONE, previous: null, touched: false, len: 0, words: new Uint32Array(4) };
  /** Paths stored, all peers. */
  paths = 0;
  private readonly scratch: Uint32Array;

  constructor(
    readonly afi: 1 | 2,
    private readonly options: SelectionOptions,
  ) {
    this.trie = new PrefixTrie<Slot>(afi, 1024);
    this.scratch = new Uint32Array(afi === 1 ? 1 : 4);
  }

  get prefixes(): number {
    return this.trie.size;
  }

  /**
   * Adds or replaces (same peer, same path id) a path of a prefix. Returns true when the best
   * path or the next hops changed (this.last says how). An equal path (same peer, stale state,
   * weight and attributes) leaves everything as it was.
   */
  upsert(words: ArrayLike<number>, base: number, len: number, ref: PathRef): boolean {
    const info = infoOf(ref);
    const id = pathIdOf(ref);
    this.last.previous = null;
    this.last.touched = true;
    const node = this.trie.find(words, base, len);
    const slot = node < 0 ? null : this.trie.valueAt(node);
    if (slot === null) {
      this.trie.setValue(node < 0 ? this.trie.ensure(words, base, len) : node, ref);
      this.paths++;
      return this.changed(words, base, len, null, NONE, ref, singleHops(info));
    }
    const paths = pathsOf(slot);
    const oldBest = bestOf(slot);
    const i = indexOf(paths, info.source.id, id);
    if (i >= 0) {
      const old = paths[i]!;
      this.last.previous = old;
      if (equivalent(infoOf(old), info)) {
        this.last.touched = false;
        return false;
      }
      if (paths.length === 1) {
        this.trie.setValue(node, ref);
        return this.changed(words, base, len, old, singleHops(infoOf(old)), ref, singleHops(info));
      }
    } else {
      this.paths++;
    }
    // A replaced path goes last, as the newest (what arrival order means without deterministic MED).
    return this.reselect(node, words, base, len, oldBest, hopsOf(slot), copyWith(paths, i, ref));
  }

  /** Removes the path of a peer and id from a prefix. Returns true when best or next hops changed. */
  remove(words: ArrayLike<number>, base: number, len: number, peerId: string, pathId: number): boolean {
    this.last.previous = null;
    this.last.touched = false;
    const node = this.trie.find(words, base, len);
    const slot = node < 0 ? null : this.trie.valueAt(node);
    if (slot === null) return false;
    const paths = pathsOf(slot);
    const i = indexOf(paths, peerId, pathId);
    if (i < 0) return false;
    this.last.previous = paths[i]!;
    this.last.touched = true;
    this.paths--;
    return this.reselect(node, words, base, len, bestOf(slot), hopsOf(slot), copyWith(paths, i, null));
  }

  /**
   * Applies `fn` to every path of one peer at one prefix node: undefined keeps the path, null
   * removes it, a PathInfo replaces it (same path id). Returns true when best or next hops
   * changed; removed paths are counted in `removed`.
   */
  transform(node: number, peerId: string, fn: (p: PathInfo) => PathInfo | null | undefined, removed: { n: number }): boolean {
    this.last.touched = false;
    const slot = this.trie.valueAt(node);
    if (slot === null) return false;
    const paths = pathsOf(slot);
    let kept: PathRef[] | null = null;
    for (let i = 0; i < paths.length; i++) {
      const ref = paths[i]!;
      const info = infoOf(ref);
      const r = info.source.id === peerId ? fn(info) : undefined;
      if (r === undefined) {
        kept?.push(ref);
        continue;
      }
      kept ??= paths.slice(0, i);
      if (r === null) {
        removed.n++;
        this.paths--;
      } else {
        kept.push(makeRef(r, pathIdOf(ref)));
      }
    }
    if (kept === null) return false;
    this.last.touched = true;
    const len = this.trie.keyAt(node, this.scratch);
    return this.reselect(node, this.scratch, 0, len, bestOf(slot), hopsOf(slot), kept);
  }

  /** Chooses again (after an IGP metric change, say). Returns true when best or next hops changed. */
  refresh(node: number): boolean {
    this.last.touched = false;
    const slot = this.trie.valueAt(node);
    if (slot === null) return false;
    const paths = pathsOf(slot);
    if (paths.length < 2) return false;
    this.last.touched = true;
    const len = this.trie.keyAt(node, this.scratch);
    return this.reselect(node, this.scratch, 0, len, bestOf(slot), hopsOf(slot), paths.slice());
  }

  /** The paths of the prefix at a node, best first. */
  pathsAt(node: number): readonly PathRef[] {
    const slot = this.trie.valueAt(node);
    return slot === null ? [] : pathsOf(slot);
  }

  bestAt(node: number): PathRef | null {
    const slot = this.trie.valueAt(node);
    return slot === null ? null : bestOf(slot);
  }

  /** The prefix has a multipath set of two paths or more (else the best path is the set). */
  multipathAt(node: number): boolean {
    return this.trie.valueAt(node) instanceof Dest;
  }

  hopsAt(node: number): readonly string[] {
    const slot = this.trie.valueAt(node);
    return slot === null ? NONE : hopsOf(slot);
  }

  /** Stores `paths` (owned by the table from now on) for the prefix, best first, and records the change. */
  private reselect(
    node: number,
    words: ArrayLike<number>,
    base: number,
    len: number,
    oldBest: PathRef,
    oldHops: readonly string[],
    paths: PathRef[],
  ): boolean {
    if (paths.length === 0) {
      this.trie.delete(words, base, len);
      return this.changed(words, base, len, oldBest, oldHops, null, NONE);
    }
    if (paths.length === 1) {
      const only = paths[0]!;
      this.trie.setValue(node, only);
      return this.changed(words, base, len, oldBest, oldHops, only, singleHops(infoOf(only)));
    }
    const b = selectBest(paths, this.options);
    const best = paths[b]!;
    // Best first, the others keep their order.
    for (let k = b; k > 0; k--) paths[k] = paths[k - 1]!;
    paths[0] = best;
    const set = multipathSet(paths, 0, this.options);
    if (set.length === 1) {
      this.trie.setValue(node, paths);
      return this.changed(words, base, len, oldBest, oldHops, best, singleHops(infoOf(best)));
    }
    const found = nextHopsOf(paths, set);
    const hops = sameHops(oldHops, found) ? oldHops : found;
    this.trie.setValue(node, new Dest(paths, hops));
    return this.changed(words, base, len, oldBest, oldHops, best, hops);
  }

  private changed(
    words: ArrayLike<number>,
    base: number,
    len: number,
    oldBest: PathRef | null,
    oldHops: readonly string[],
    newBest: PathRef | null,
    newHops: readonly string[],
  ): boolean {
    if (oldBest === newBest && sameHops(oldHops, newHops)) return false;
    const last = this.last;
    last.len = len;
    for (let k = 0; k < this.scratch.length; k++) last.words[k] = maskWord(words[base + k]!, len - 32 * k);
    last.oldBest = oldBest;
    last.newBest = newBest;
    last.oldHops = oldHops;
    last.newHops = newHops;
    return true;
  }
}

function indexOf(paths: readonly PathRef[], peerId: string, pathId: number): number {
  for (let i = 0; i < paths.length; i++) {
    const r = paths[i]!;
    if (infoOf(r).source.id === peerId && pathIdOf(r) === pathId) return i;
  }
  return -1;
}

/** An exact-size copy of `paths` without index `skip` (-1: none) and with `add` (when not null) at the end. */
function copyWith(paths: readonly PathRef[], skip: number, add: PathRef | null): PathRef[] {
  const n = paths.length - (skip >= 0 ? 1 : 0) + (add ? 1 : 0);
  const out = new Array<PathRef>(n);
  let k = 0;
  for (let i = 0; i < paths.length; i++) if (i !== skip) out[k++] = paths[i]!;
  if (add) out[k] = add;
  return out;
}

/** A re-advertisement that changes nothing: keep the stored path (and emit nothing). */
function equivalent(a: PathInfo, b: PathInfo): boolean {
  if (a === b) return true;
  return (
    a.source === b.source && a.stale === b.stale && a.retained === b.retained && a.weight === b.weight && sameAttributes(a.attributes, b.attributes)
  );
}

/** Same next hops, in any order. */
export function sameHops(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (const x of a) if (!b.includes(x)) return false;
  return true;
}
