// A path-compressed binary trie of prefixes (one per address family), stored as parallel typed
// arrays rather than one object per node: a full table is a million prefixes, and an object per
// node would cost more than the rest of the RIB. Per node: the masked key (4 or 16 bytes), the
// length (1), two child indexes (8) and a value slot (8 bytes in a JS array).
//
// Node 0 is the root, the zero-length prefix, and always exists. Every other node either holds a
// value or is a "glue" node with exactly two children (where two keys part ways). Keys are
// passed as (words, base, length): big-endian 32-bit words as in a wire PrefixList, so NLRI are
// inserted without being copied or converted.

import { maskWord } from './prefix-key.js';

const FREE = 255;
/**
 * Capacity grows by a quarter: the arrays are most of the trie's memory, and doubling would
 * leave up to half of them unused. compact() gives back what a bulk load left over.
 */
const GROWTH = 1.25;

export class PrefixTrie<T> {
  /** 1 word per key for IPv4, 4 for IPv6. */
  readonly width: 1 | 4;
  readonly maxLength: 32 | 128;
  private keys: Uint32Array;
  private lens: Uint8Array;
  /** kids[2n] and kids[2n + 1]: the children of node n (bit 0, bit 1), -1 for none. */
  private kids: Int32Array;
  private vals: (T | null)[];
  private used = 0;
  private freeList = -1;
  private count = 0;

  constructor(afi: 1 | 2, initialCapacity = 64) {
    this.width = afi === 1 ? 1 : 4;
    this.maxLength = afi === 1 ? 32 : 128;
    const cap = Math.max(initialCapacity, 4);
    this.keys = new Uint32Array(cap * this.width);
    this.lens = new Uint8Array(cap);
    this.kids = new Int32Array(cap * 2);
    this.vals = new Array<T | null>(cap).fill(null);
    this.alloc(null, 0, 0);
  }

  /** Number of prefixes holding a value. */
  get size(): number {
    return this.count;
  }

  /** Nodes in use, glue included (for memory accounting). */
  get nodes(): number {
    return this.used;
  }

  get(words: ArrayLike<number>, base: number, len: number): T | null {
    const n = this.find(words, base, len);
    return n < 0 ? null : this.vals[n]!;
  }

  set(words: ArrayLike<number>, base: number, len: number, value: T): void {
    this.setValue(this.ensure(words, base, len), value);
  }

  /** The node holding exactly this prefix (with or without a value), or -1. */
  find(words: ArrayLike<number>, base: number, len: number): number {
    const { kids, lens } = this;
    let n = 0;
    while (lens[n]! < len) {
      n = kids[2 * n + bitOf(words, base, lens[n]!)]!;
      if (n < 0) return -1;
    }
    return lens[n] === len && this.common(n, words, base, len) >= len ? n : -1;
  }

  /** The node for this prefix, created (without a value) when missing. */
  ensure(words: ArrayLike<number>, base: number, len: number): number {
    let n = 0;
    while (true) {
      const ln = this.lens[n]!;
      if (ln === len) return n;
      const slot = 2 * n + bitOf(words, base, ln);
      const c = this.kids[slot]!;
      if (c < 0) {
        const x = this.alloc(words, base, len);
        this.kids[slot] = x;
        return x;
      }
      const lc = this.lens[c]!;
      const cp = this.common(c, words, base, Math.min(lc, len));
      if (cp === lc) {
        n = c;
        continue;
      }
      if (cp === len) {
        // The new prefix sits between n and c.
        const x = this.alloc(words, base, len);
        this.kids[2 * x + this.nodeBit(c, len)] = c;
        this.kids[slot] = x;
        return x;
      }
      // n's child and the new prefix part ways at bit cp: a glue node holds both.
      const g = this.alloc(words, base, cp);
      const x = this.alloc(words, base, len);
      this.kids[2 * g + this.nodeBit(c, cp)] = c;
      this.kids[2 * g + bitOf(words, base, cp)] = x;
      this.kids[slot] = g;
      return x;
    }
  }

  valueAt(node: number): T | null {
    return this.vals[node] ?? null;
  }

  /**
   * Sets the value of a node returned by find()/ensure(). A node made by ensure() must be given
   * a value; values are removed with delete(), which also removes the nodes no longer needed.
   */
  setValue(node: number, value: T): void {
    if (this.vals[node] === null) this.count++;
    this.vals[node] = value;
  }

  /** Removes a prefix and any node it no longer needs. Returns the value it held. */
  delete(words: ArrayLike<number>, base: number, len: number): T | null {
    const { lens } = this;
    let n = 0;
    let parent = -1;
    let grand = -1;
    while (lens[n]! < len) {
      const c = this.kids[2 * n + bitOf(words, base, lens[n]!)]!;
      if (c < 0) return null;
      grand = parent;
      parent = n;
      n = c;
    }
    if (lens[n] !== len || this.common(n, words, base, len) < len) return null;
    const value = this.vals[n]!;
    if (value === null) return null;
    this.vals[n] = null;
    this.count--;
    if (n !== 0) this.prune(n, parent, grand);
    return value;
  }

  /** The node of the longest prefix holding a value that covers the address, or -1. */
  longestMatch(words: ArrayLike<number>, base: number): number {
    const { lens, kids, vals } = this;
    let n = 0;
    let best = -1;
    while (n >= 0) {
      const ln = lens[n]!;
      if (this.common(n, words, base, ln) < ln) break;
      if (vals[n] !== null) best = n;
      if (ln === this.maxLength) break;
      n = kids[2 * n + bitOf(words, base, ln)]!;
    }
    return best;
  }

  /** Nodes holding a value, in prefix order (address, then shorter first). Do not change the trie meanwhile. */
  *nodesInOrder(): Generator<number> {
    const stack = [0];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (this.vals[n] !== null) yield n;
      const c1 = this.kids[2 * n + 1]!;
      const c0 = this.kids[2 * n]!;
      if (c1 >= 0) stack.push(c1);
      if (c0 >= 0) stack.push(c0);
    }
  }

  /**
   * Nodes holding a value, in storage order: cheaper than nodesInOrder, and safe while values
   * are replaced or prefixes deleted (a deleted node is skipped, no node moves).
   */
  *nodesAnyOrder(): Generator<number> {
    for (let n = 0; n < this.used; n++) {
      if (this.lens[n] !== FREE && this.vals[n] !== null) yield n;
    }
  }

  /** The prefix length of a node. */
  lengthAt(node: number): number {
    return this.lens[node]!;
  }

  /** Copies the (masked) key words of a node into out[0..width). */
  keyAt(node: number, out: Uint32Array): number {
    const w = this.width;
    for (let k = 0; k < w; k++) out[k] = this.keys[node * w + k]!;
    return this.lens[node]!;
  }

  /** Bytes held by the node arrays, the value slots included (not what the values point to). */
  get byteLength(): number {
    return this.keys.byteLength + this.lens.byteLength + this.kids.byteLength + 8 * this.vals.length;
  }

  /**
   * Shrinks the arrays to what is used (plus 1/16 for what comes next), renumbering nodes so
   * that freed ones are squeezed out. Node numbers from before are invalid afterwards.
   */
  compact(): void {
    const live = this.used - this.freeCount();
    const target = Math.max(64, Math.ceil(live * 1.0625));
    // Not worth a pass over every node for less than an eighth of the arrays.
    if (this.lens.length - live < this.lens.length / 8) return;
    // Renumber live nodes in storage order; the root stays 0.
    const map = new Int32Array(this.used).fill(-1);
    let next = 0;
    for (let n = 0; n < this.used; n++) if (this.lens[n] !== FREE) map[n] = next++;
    const w = this.width;
    for (let n = 0; n < this.used; n++) {
      const m = map[n]!;
      if (m < 0) continue;
      for (let k = 0; k < w; k++) this.keys[m * w + k] = this.keys[n * w + k]!;
      this.lens[m] = this.lens[n]!;
      const c0 = this.kids[2 * n]!;
      const c1 = this.kids[2 * n + 1]!;
      this.kids[2 * m] = c0 < 0 ? -1 : map[c0]!;
      this.kids[2 * m + 1] = c1 < 0 ? -1 : map[c1]!;
      this.vals[m] = this.vals[n] ?? null;
    }
    for (let n = next; n < this.used; n++) this.vals[n] = null;
    this.used = next;
    this.freeList = -1;
    this.resize(Math.max(target, next));
  }

  /** Capacity in nodes (for memory accounting). */
  get capacity(): number {
    return this.lens.length;
  }

  // -------------------------------------------------------------------------------------------

  private freeCount(): number {
    let k = 0;
    for (let n = this.freeList; n >= 0; n = this.kids[2 * n]!) k++;
    return k;
  }

  /** After node n lost its value: unlink it if it has fewer than two children, and its parent if that leaves a one-child glue. */
  private prune(n: number, parent: number, grand: number): void {
    const kids = this.kids;
    const c0 = kids[2 * n]!;
    const c1 = kids[2 * n + 1]!;
    if (c0 >= 0 && c1 >= 0) return; // stays, as glue
    const side = kids[2 * parent] === n ? 0 : 1;
    if (c0 >= 0 || c1 >= 0) {
      kids[2 * parent + side] = c0 >= 0 ? c0 : c1;
      this.release(n);
      return;
    }
    kids[2 * parent + side] = -1;
    this.release(n);
    if (parent !== 0 && this.vals[parent] === null) {
      // A glue node always has two children; it just lost one, so the other takes its place.
      const other = kids[2 * parent + 1 - side]!;
      const pside = kids[2 * grand] === parent ? 0 : 1;
      kids[2 * grand + pside] = other;
      this.release(parent);
    }
  }

  /** Length of the common prefix of node n's key and the given key, at most `max` bits. */
  private common(n: number, words: ArrayLike<number>, base: number, max: number): number {
    const w = this.width;
    const keys = this.keys;
    for (let k = 0; k * 32 < max; k++) {
      const x = (keys[n * w + k]! ^ words[base + k]!) >>> 0;
      if (x !== 0) return Math.min(max, k * 32 + Math.clz32(x));
    }
    return max;
  }

  private nodeBit(n: number, pos: number): number {
    return (this.keys[n * this.width + (pos >>> 5)]! >>> (31 - (pos & 31))) & 1;
  }

  private alloc(words: ArrayLike<number> | null, base: number, len: number): number {
    let n = this.freeList;
    if (n >= 0) {
      this.freeList = this.kids[2 * n]!;
    } else {
      if (this.used === this.lens.length) this.resize(Math.ceil(this.lens.length * GROWTH));
      n = this.used++;
    }
    const w = this.width;
    for (let k = 0; k < w; k++) this.keys[n * w + k] = words ? maskWord(words[base + k]!, len - 32 * k) : 0;
    this.lens[n] = len;
    this.kids[2 * n] = -1;
    this.kids[2 * n + 1] = -1;
    this.vals[n] = null;
    return n;
  }

  private release(n: number): void {
    this.lens[n] = FREE;
    this.vals[n] = null;
    this.kids[2 * n] = this.freeList;
    this.kids[2 * n + 1] = -1;
    this.freeList = n;
  }

  private resize(cap: number): void {
    const keys = new Uint32Array(cap * this.width);
    keys.set(this.keys.subarray(0, Math.min(this.keys.length, keys.length)));
    const lens = new Uint8Array(cap);
    lens.set(this.lens.subarray(0, Math.min(this.lens.length, cap)));
    const kids = new Int32Array(cap * 2);
    kids.set(this.kids.subarray(0, Math.min(this.kids.length, kids.length)));
    const vals = new Array<T | null>(cap);
    const n = Math.min(this.vals.length, cap);
    for (let i = 0; i < n; i++) vals[i] = this.vals[i] ?? null;
    vals.fill(null, n);
    this.keys = keys;
    this.lens = lens;
    this.kids = kids;
    this.vals = vals;
  }
}

function bitOf(words: ArrayLike<number>, base: number, pos: number): number {
  return (words[base + (pos >>> 5)]! >>> (31 - (pos & 31))) & 1;
}
