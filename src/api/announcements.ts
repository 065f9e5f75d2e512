// Routes this speaker originates: the host's /32, an anycast VIP, any prefix. An Announcement is
// plain data; toAttributes() turns it into the path attributes the RIB stores for it.

import { parsePrefix, prefixList, prefixToString, type LargeCommunity, type PathAttribute } from '../wire/index.js';

export interface Announcement {
  /** "10.96.0.10/32", "2001:db8::/64". */
  readonly prefix: string;
  /** 'self' (default): the local address of each session; or an address. */
  readonly nextHop?: string;
  /** Standard communities as "65000:100" or numbers. */
  readonly communities?: readonly (string | number)[];
  /** Large communities as "64512:1:2". */
  readonly largeCommunities?: readonly string[];
  readonly med?: number;
  /** LOCAL_PREF sent to iBGP peers (default 100). */
  readonly localPref?: number;
  /** Our AS prepended this many extra times towards eBGP peers (0 by default). */
  readonly asPathPrepend?: number;
  readonly origin?: 'igp' | 'egp' | 'incomplete';
}

/** The placeholder next hops of 'self': replaced by each session's local address on export. */
export const SELF_V4 = '0.0.0.0';
export const SELF_V6 = '::';

export class AnnouncementError extends Error {
  override readonly name = 'AnnouncementError';
}

function parseCommunity(c: string | number): number {
  if (typeof c === 'number') {
    if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) throw new AnnouncementError(`community ${c} is not a 32-bit number`);
    return c;
  }
  const named: Record<string, number> = { 'no-export': 0xffffff01, 'no-advertise': 0xffffff02, 'no-export-subconfed': 0xffffff03, blackhole: 0xffff029a };
  const n = named[c];
  if (n !== undefined) return n;
  const m = /^(\d+):(\d+)$/.exec(c);
  if (!m || Number(m[1]) > 0xffff || Number(m[2]) > 0xffff) throw new AnnouncementError(`community "${c}" is not ASN:VALUE (16 bits each)`);
  return Number(m[1]) * 65536 + Number(m[2]);
}

function parseLarge(c: string): LargeCommunity {
  const m = /^(\d+):(\d+):(\d+)$/.exec(c);
  const parts = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || parts.some((x) => x > 0xffffffff)) throw new AnnouncementError(`large community "${c}" is not GA:LD1:LD2 (32 bits each)`);
  return [parts[0]!, parts[1]!, parts[2]!];
}

/** Validates an announcement; returns its canonical prefix text and family. */
export function checkAnnouncement(a: Announcement): { prefix: string; afi: 1 | 2 } {
  const p = parsePrefix(a.prefix);
  if (!p || !a.prefix.includes('/')) throw new AnnouncementError(`"${a.prefix}" is not a prefix (address/length)`);
  if (a.nextHop !== undefined && a.nextHop !== 'self' && parsePrefix(a.nextHop)?.afi === undefined) {
    throw new AnnouncementError(`next hop "${a.nextHop}" is not an address`);
  }
  if (a.med !== undefined && (!Number.isInteger(a.med) || a.med < 0 || a.med > 0xffffffff)) throw new AnnouncementError(`MED ${a.med} is not a 32-bit number`);
  if (a.localPref !== undefined && (!Number.isInteger(a.localPref) || a.localPref < 0 || a.localPref > 0xffffffff)) {
    throw new AnnouncementError(`local preference ${a.localPref} is not a 32-bit number`);
  }
  if (a.asPathPrepend !== undefined && (!Number.isInteger(a.asPathPrepend) || a.asPathPrepend < 0 || a.asPathPrepend > 32)) {
    throw new AnnouncementError(`asPathPrepend ${a.asPathPrepend} is not 0..32`);
  }
  const prefix = prefixToString(prefixList(p.afi, [a.prefix]), 0);
  if (parsePrefix(prefix)!.words.some((w, i) => w !== p.words[i])) throw new AnnouncementError(`"${a.prefix}" has host bits set (the prefix is ${prefix})`);
  // One spelling per prefix (RFC 5952 for IPv6), so that announce and withdraw always meet.
  return { prefix, afi: p.afi };
}

/** The canonical text of a prefix ("2001:DB8::/32" -> "2001:db8::/32"); null when it is none. */
export function canonicalAnnouncementPrefix(text: string): string | null {
  const p = parsePrefix(text);
  return p && text.includes('/') ? prefixToString(prefixList(p.afi, [text]), 0) : null;
}

/**
 * The attributes of a locally originated route (RFC 4271 s5.1: ORIGIN, an empty AS_PATH, which
 * eBGP export prepends our AS to, and NEXT_HOP or MP_REACH_NLRI next hop).
 */
export function toAttributes(a: Announcement, localAsn: number): PathAttribute[] {
  const { afi } = checkAnnouncement(a);
  const origin = a.origin === 'egp' ? 1 : a.origin === 'incomplete' ? 2 : 0;
  const prepend = a.asPathPrepend ?? 0;
  const attrs: PathAttribute[] = [
    { type: 'origin', flags: 0x40, origin },
    // Extra copies of our AS for prepending; the eBGP export adds the one every route gets.
    { type: 'as-path', flags: 0x40, segments: prepend > 0 ? [{ type: 2, asns: new Array<number>(prepend).fill(localAsn) }] : [] },
  ];
  const nextHop = a.nextHop === undefined || a.nextHop === 'self' ? (afi === 1 ? SELF_V4 : SELF_V6) : a.nextHop;
  if (afi === 1 && !nextHop.includes(':')) attrs.push({ type: 'next-hop', flags: 0x40, nextHop });
  else {
    attrs.push({ type: 'mp-reach', flags: 0x90, afi, safi: 1, nextHops: [nextHop], nextHopBytes: null, reserved: 0, nlri: null, nlriBytes: null });
  }
  if (a.med !== undefined) attrs.push({ type: 'med', flags: 0x80, med: a.med });
  if (a.localPref !== undefined) attrs.push({ type: 'local-pref', flags: 0x40, localPref: a.localPref });
  if (a.communities?.length) attrs.push({ type: 'communities', flags: 0xc0, communities: a.communities.map(parseCommunity) });
  if (a.largeCommunities?.length) attrs.push({ type: 'large-communities', flags: 0xc0, communities: a.largeCommunities.map(parseLarge) });
  return attrs;
}

/** A stable identity for comparing desired and current announcements. */
export function announcementKey(a: Announcement): string {
  return JSON.stringify([a.prefix, a.nextHop ?? 'self', a.communities ?? [], a.largeCommunities ?? [], a.med ?? null, a.localPref ?? null, a.asPathPrepend ?? 0, a.origin ?? 'igp']);
}
