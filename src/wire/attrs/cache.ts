// Interning of decoded path attributes. A peer sends the same NEXT_HOP, ORIGIN, MED, LOCAL_PREF,
// COMMUNITIES and often AS_PATH bytes in thousands of UPDATEs; decoding them once and sharing the
// (immutable) result saves both time and RIB memory. The cache belongs to whoever passes it in the
// codec context (a session, a reader of one file): the codec keeps no state of its own.

import type { PathAttribute } from '../types.js';

interface Entry {
  /** The attribute's bytes as a latin1 string: compact on the heap, unlike a small Uint8Array. */
  readonly bytes: string;
  readonly attr: PathAttribute;
  /** AS_PATH and AGGREGATOR read differently with 2- and 4-octet ASNs. */
  readonly asn4: boolean;
  next: Entry | undefined;
}

export class AttributeCache {
  private table = new Map<number, Entry>();
  private size = 0;
  hits = 0;
  misses = 0;

  /** @param maxEntries the cache is emptied when it grows past this (a crude but O(1) bound). */
  constructor(private readonly maxEntries = 200_000) {}

  /** FNV-1a over the whole attribute, header included (flags and code take part in equality). */
  static hash(b: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    return h & 0x3fffffff; // stays a small integer: cheap Map keys
  }

  lookup(b: Uint8Array, start: number, end: number, hash: number, asn4: boolean): PathAttribute | undefined {
    const len = end - start;
    for (let e = this.table.get(hash); e; e = e.next) {
      const x = e.bytes;
      if (x.length !== len || e.asn4 !== asn4) continue;
      let i = 0;
      while (i < len && x.charCodeAt(i) === b[start + i]) i++;
      if (i === len) {
        this.hits++;
        return e.attr;
      }
    }
    this.misses++;
    return undefined;
  }

  store(b: Uint8Array, start: number, end: number, hash: number, asn4: boolean, attr: PathAttribute): void {
    if (this.size >= this.maxEntries) this.clear();
    // One flat string (concatenating char by char would leave a rope of small pieces).
    const bytes = String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
    this.table.set(hash, { bytes, attr, asn4, next: this.table.get(hash) });
    this.size++;
  }

  clear(): void {
    this.table = new Map();
    this.size = 0;
  }

  get entries(): number {
    return this.size;
  }
}
