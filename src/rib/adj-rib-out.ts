// Adj-RIB-Out of one peer (RFC 4271 s3.2). Without ADD-PATH it is not stored: what a peer is
// advertised for a prefix is a function of the Loc-RIB's best path, the outbound rules and the
// export filter, so it is computed when asked (adjRibOut) and when sending (drain). What is kept
// per peer is only the set of prefixes whose advertisement changed since the session last drained
// it: a full table kept per peer would cost more than the Loc-RIB itself. Families with ADD-PATH
// send keep what was sent (add-path-out.ts): paths are replaced and withdrawn by identifier.

import type { PathAttribute } from '../wire/index.js';
import type { AddPathOut } from './add-path-out.js';
import type { PrefixKey } from './prefix-key.js';

export interface OutRoute {
  readonly key: PrefixKey;
  readonly prefix: string;
  readonly afi: 1 | 2;
  /** The attributes to advertise; null in a change means withdraw. */
  readonly attributes: readonly PathAttribute[] | null;
  /**
   * ADD-PATH send (RFC 7911): the Path Identifier the path goes out (or is withdrawn) with.
   * Absent for a family without ADD-PATH send, and in adjRibOut() for a path not sent yet.
   */
  readonly pathId?: number;
}

export class AdjRibOut {
  /** Everything is to be (re)sent from the Loc-RIB: a new session, or a refresh asked for. */
  full = true;
  private pending = new Set<PrefixKey>();

  /** @param addPath what was sent under ADD-PATH, when the session sends path ids for a family. */
  constructor(readonly addPath: AddPathOut | null = null) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /** The advertisement of this prefix changed. */
  mark(key: PrefixKey): void {
    if (!this.full) this.pending.add(key);
  }

  /** Takes the pending work: everything (full) or the changed prefixes. */
  take(): { full: boolean; keys: Iterable<PrefixKey> } {
    const work = { full: this.full, keys: this.pending };
    this.full = false;
    this.pending = new Set();
    return work;
  }
}
