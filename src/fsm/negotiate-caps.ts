// What two OPENs have in common, capability by capability. Both ends compute the same answers
// from the same two OPENs, so nothing here depends on local configuration.

import { familyKey, IPV4_UNICAST, type Capability, type FamilyKey } from '../wire/index.js';
import type { NegotiatedGracefulRestart } from './negotiated.js';

export type Caps = readonly Capability[];

export function hasCap(caps: Caps, type: Capability['type']): boolean {
  return caps.some((c) => c.type === type);
}

function lastCap<T extends Capability['type']>(caps: Caps, type: T): Extract<Capability, { type: T }> | undefined {
  let found: Extract<Capability, { type: T }> | undefined;
  for (const c of caps) if (c.type === type) found = c as Extract<Capability, { type: T }>;
  return found;
}

/**
 * The families one side announced. RFC 4760 s8 / RFC 5492: a speaker that sends no multiprotocol
 * capability speaks IPv4 unicast only, so when neither side sends one, IPv4 unicast is negotiated.
 */
function announcedFamilies(caps: Caps): Set<FamilyKey> {
  const out = new Set<FamilyKey>();
  for (const c of caps) if (c.type === 'multiprotocol') out.add(familyKey(c.afi, c.safi));
  if (out.size === 0) out.add(IPV4_UNICAST);
  return out;
}

export function commonFamilies(local: Caps, remote: Caps): Set<FamilyKey> {
  const theirs = announcedFamilies(remote);
  return new Set([...announcedFamilies(local)].filter((f) => theirs.has(f)));
}

/** RFC 2918 s3: route refresh is code 2; many speakers also send the pre-standard code 128. */
export function announcesRouteRefresh(caps: Caps): boolean {
  return hasCap(caps, 'route-refresh') || hasCap(caps, 'route-refresh-cisco');
}

/** RFC 4724 s3 flag bits (the 4 high bits of the first octet, as decoded by wire/). */
const GR_RESTART_STATE = 0x8;
/** RFC 8538 s2: Notification bit. */
const GR_NOTIFICATION = 0x4;
/** RFC 4724 s3: Forwarding State bit of a family's flags. */
const GR_FORWARDING_STATE = 0x80;

/**
 * RFC 4724 s3: graceful restart applies when both sides announced the capability (a side that
 * preserves no family still announces it to say it can act as receiving speaker). What the peer
 * asks of us is in its capability; when it repeats the capability, the last instance counts.
 */
export function gracefulRestart(local: Caps, remote: Caps, families: ReadonlySet<FamilyKey>): NegotiatedGracefulRestart | undefined {
  const ours = lastCap(local, 'graceful-restart');
  const theirs = lastCap(remote, 'graceful-restart');
  if (!ours || !theirs) return undefined;
  const perFamily = new Map<FamilyKey, { forwardingState: boolean }>();
  for (const f of theirs.families) {
    const key = familyKey(f.afi, f.safi);
    if (families.has(key)) perFamily.set(key, { forwardingState: (f.flags & GR_FORWARDING_STATE) !== 0 });
  }
  return {
    restartTime: theirs.restartTime,
    restartState: (theirs.flags & GR_RESTART_STATE) !== 0,
    families: perFamily,
    // RFC 8538 s2: the NOTIFICATION procedures apply only when both sides set the N bit.
    notification: (ours.flags & GR_NOTIFICATION) !== 0 && (theirs.flags & GR_NOTIFICATION) !== 0,
  };
}

/**
 * RFC 9494 s4.1: the LLGR capability is disregarded unless the graceful restart capability comes
 * with it; like GR, it is in effect when both sides announced it. Stale times are the peer's.
 */
export function longLivedGracefulRestart(local: Caps, remote: Caps, families: ReadonlySet<FamilyKey>): Map<FamilyKey, number> | undefined {
  const both = (t: Capability['type']) => hasCap(local, t) && hasCap(remote, t);
  if (!both('graceful-restart') || !both('long-lived-graceful-restart')) return undefined;
  const out = new Map<FamilyKey, number>();
  for (const c of remote) {
    if (c.type !== 'long-lived-graceful-restart') continue;
    for (const f of c.families) {
      const key = familyKey(f.afi, f.safi);
      if (families.has(key)) out.set(key, f.staleTime);
    }
  }
  return out;
}

function nextHopTriples(caps: Caps): Set<string> {
  const out = new Set<string>();
  for (const c of caps) if (c.type === 'extended-next-hop') for (const e of c.entries) out.add(`${e.afi}/${e.safi}/${e.nextHopAfi}`);
  return out;
}

/** RFC 8950 s4: a next hop of another family may be used for a triple both sides announced. */
export function extendedNextHop(local: Caps, remote: Caps): Set<string> {
  const theirs = nextHopTriples(remote);
  return new Set([...nextHopTriples(local)].filter((t) => theirs.has(t)));
}
