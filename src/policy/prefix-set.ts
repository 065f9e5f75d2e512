// A prefix list with length ranges (Cisco "ge/le", Junos "prefix-length-range"), as a binary
// trie of the listed prefixes. A route matches an entry when its first `entry.length` bits equal
// the entry's and its own length lies in [ge, le]. Lookup walks the route's bits once, checking
// the entries stored on the way: at most 33 (IPv4) or 129 (IPv6) nodes, whatever the list's size.

export interface PrefixEntry {
  readonly afi: 1 | 2;
  /** Address words, host bits clear (4 words; IPv4 uses the first). */
  readonly words: Uint32Array;
  readonly length: number;
  readonly ge: number;
  readonly le: number;
}

interface TrieNode {
  zero: TrieNode | undefined;
  one: TrieNode | undefined;
  /** Pairs (ge, le) of the entries whose prefix ends at this node. */
  ranges: number[] | undefined;
}

const newNode = (): TrieNode => ({ zero: undefined, one: undefined, ranges: undefined });

function bitAt(words: Uint32Array, depth: number): number {
  return (words[depth >>> 5]! >>> (31 - (depth & 31))) & 1;
}

export class PrefixSet {
  private readonly v4 = newNode();
  private readonly v6 = newNode();

  constructor(readonly entries: readonly PrefixEntry[]) {
    for (const e of entries) {
      let node = e.afi === 1 ? this.v4 : this.v6;
      for (let depth = 0; depth < e.length; depth++) {
        if (bitAt(e.words, depth)) node = node.one ??= newNode();
        else node = node.zero ??= newNode();
      }
      (node.ranges ??= []).push(e.ge, e.le);
    }
  }

  /** Whether the prefix (afi, words, length) matches an entry. Host bits of words are ignored. */
  has(afi: number, words: Uint32Array, length: number): boolean {
    let node: TrieNode | undefined = afi === 1 ? this.v4 : this.v6;
    for (let depth = 0; node; depth++) {
      const ranges = node.ranges;
      if (ranges) {
        for (let i = 0; i < ranges.length; i += 2) if (length >= ranges[i]! && length <= ranges[i + 1]!) return true;
      }
      // Entries longer than the route cannot match: their ge is at least their own length.
      if (depth === length) return false;
      node = bitAt(words, depth) ? node.one : node.zero;
    }
    return false;
  }
}

