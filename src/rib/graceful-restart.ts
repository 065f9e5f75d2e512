// Receiving side of graceful restart (RFC 4724) and long-lived graceful restart (RFC 9494): what
// happens to a peer's paths when its session goes down, when it sends End-of-RIB, and when the
// caller's timers expire. The RIB keeps no clock; these are the transformations it applies.

import type { FamilyKey } from '../wire/index.js';
import { LLGR_STALE, withCommunity } from './attributes.js';
import type { PathInfo } from './path.js';

export interface PeerDownOptions {
  /**
   * The peer's Graceful Restart capability (RFC 4724 s3) from its last OPEN: the families whose
   * forwarding state it preserves, and the restart time (seconds) the caller will time.
   */
  readonly gracefulRestart?: { readonly families: readonly FamilyKey[]; readonly restartTime: number };
  /** RFC 9494 LLGR: per family, the long-lived stale time (seconds) both sides agreed on. */
  readonly llgr?: ReadonlyMap<FamilyKey, number> | Readonly<Record<number, number>>;
}

export function llgrStaleTime(options: PeerDownOptions, family: FamilyKey): number {
  const l = options.llgr;
  if (!l) return 0;
  const t = l instanceof Map ? l.get(family) : (l as Readonly<Record<number, number>>)[family];
  return typeof t === 'number' && t > 0 ? t : 0;
}

type Transform = (p: PathInfo) => PathInfo | null | undefined;

/** Shares the replacement of one PathInfo between all the prefixes that share the PathInfo. */
function memoized(f: (p: PathInfo) => PathInfo | null): Transform {
  const memo = new Map<PathInfo, PathInfo | null>();
  return (p) => {
    let r = memo.get(p);
    if (r === undefined) {
      r = f(p);
      memo.set(p, r);
    }
    return r;
  };
}

/**
 * RFC 4724 s4.2: "If the session does not get re-established within the "Restart Time" ... the
 * receiving speaker MUST delete all the stale routes from the peer that it is retaining.
 * ... the Receiving Speaker MUST retain the routes received from the Restarting Speaker for all
 * the address families that were previously received in the Graceful Restart Capability and MUST
 * mark them as stale routing information."
 */
export function markStale(): Transform {
  const f = memoized((p) => p.retain(p.attributes, 'gr'));
  return (p) => (p.retained ? undefined : f(p));
}

/**
 * RFC 9494 s4.2/4.3: when the GR phase ends (or at once without GR), retained routes become
 * long-lived stale: the LLGR_STALE community is attached, and routes carrying NO_LLGR are
 * removed instead of being retained.
 */
export function markLlgrStale(): Transform {
  const f = memoized((p) => (p.noLlgr ? null : p.retain(withCommunity(p.attributes, LLGR_STALE), 'llgr')));
  return (p) => (p.retained && p.stale !== 'llgr' ? f(p) : undefined);
}

/** Session down without GR for the family, or End-of-RIB / stale timer: drop what was retained. */
export const removeRetained: Transform = (p) => (p.retained ? null : undefined);
export const removeAll: Transform = () => null;

/** Marks retained, then makes long-lived stale: for a family with LLGR but without GR. */
export function markStaleThenLlgr(): Transform {
  const stale = markStale();
  const llgr = markLlgrStale();
  return (p) => {
    const s = stale(p) ?? p;
    const r = llgr(s);
    return r === undefined ? (s === p ? undefined : s) : r;
  };
}
