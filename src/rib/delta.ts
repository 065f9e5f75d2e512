// What a change to the Loc-RIB looks like to its consumers (the FIB, the API): one delta per
// prefix whose best path or multipath next hops changed.

import type { Path } from './path.js';
import type { PrefixKey } from './prefix-key.js';

export interface RibDelta {
  readonly prefix: string;
  readonly key: PrefixKey;
  readonly afi: 1 | 2;
  /** The new best path; null when the prefix is gone. */
  readonly best: Path | null;
  /** The next hops of the new multipath (ECMP) set; empty when gone or locally originated. */
  readonly nextHops: readonly string[];
  /** Next hops in the new set and not in the old one. */
  readonly added: readonly string[];
  /** Next hops in the old set and not in the new one. */
  readonly removed: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

export function hopDifference(from: readonly string[], to: readonly string[]): readonly string[] {
  if (from.length === 0) return to;
  let out: string[] | null = null;
  for (const h of to) {
    if (from.includes(h)) continue;
    (out ??= []).push(h);
  }
  return out ?? NONE;
}
