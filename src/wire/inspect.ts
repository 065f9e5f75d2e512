// Helpers for reading decoded messages, and for decoding bytes whose session context is unknown
// (a capture that starts after the OPENs). Sessions never guess; readers of captures must.

import { readU16 } from './bytes.js';
import { AttrFlag, AttrType, familyKey, IPV4_UNICAST, type FamilyKey } from './constants.js';
import { decodeSegments } from './attrs/path.js';
import { isIpFamily } from './attrs/mp.js';
import { decodePrefixes } from './prefix.js';
import { openCapabilities } from './open.js';
import type { AttrKind, AttrOf, CodecContext, OpenMessage, UpdateMessage } from './types.js';

/** The first attribute of a kind, typed. */
export function findAttribute<K extends AttrKind>(m: UpdateMessage, kind: K): AttrOf<K> | undefined {
  for (const a of m.attributes) if (a.type === kind) return a as AttrOf<K>;
  return undefined;
}

/**
 * The context for messages sent by `sender` to `receiver` (RFC 6793 s4, RFC 7911 s5, RFC 8654 s3):
 * 4-octet ASNs when both announce the capability; path ids for a family when the sender can send
 * and the receiver can receive them; extended messages when both announce it.
 */
export function negotiateContext(sender: OpenMessage, receiver: OpenMessage): CodecContext {
  const s = openCapabilities(sender);
  const r = openCapabilities(receiver);
  const has = (caps: typeof s, type: string) => caps.some((c) => c.type === type);
  const addPath = new Set<FamilyKey>();
  const modes = (caps: typeof s) => {
    const m = new Map<FamilyKey, number>();
    for (const c of caps) if (c.type === 'add-path') for (const f of c.families) m.set(familyKey(f.afi, f.safi), f.sendReceive);
    return m;
  };
  const sendModes = modes(s);
  const recvModes = modes(r);
  for (const [fam, mode] of sendModes) if (mode & 2 && (recvModes.get(fam) ?? 0) & 1) addPath.add(fam);
  return {
    asn4: has(s, 'four-octet-as') && has(r, 'four-octet-as'),
    addPath,
    extendedMessage: has(s, 'extended-message') && has(r, 'extended-message'),
  };
}

interface RawAttr {
  code: number;
  start: number;
  end: number;
}

function walkAttributes(b: Uint8Array, start: number, end: number): RawAttr[] | null {
  const out: RawAttr[] = [];
  let o = start;
  while (o < end) {
    if (o + 3 > end) return null;
    const flags = b[o]!;
    const code = b[o + 1]!;
    const ext = (flags & AttrFlag.EXTENDED_LENGTH) !== 0;
    if (ext && o + 4 > end) return null;
    const len = ext ? readU16(b, o + 2) : b[o + 2]!;
    const vs = o + (ext ? 4 : 3);
    if (vs + len > end) return null;
    out.push({ code, start: vs, end: vs + len });
    o = vs + len;
  }
  return out;
}

/** Guesses whether AS_PATH holds 2- or 4-octet ASNs; null when the bytes do not say. */
function guessAsn4(b: Uint8Array, a: RawAttr): boolean | null {
  const four = decodeSegments(b, a.start, a.end, 4);
  const two = decodeSegments(b, a.start, a.end, 2);
  const ok4 = typeof four !== 'string';
  const ok2 = typeof two !== 'string';
  if (ok4 !== ok2) return ok4;
  if (!ok4 || typeof four === 'string') return null;
  // Both parse: 4-octet paths of ordinary ASNs have zero high halves, which read as AS 0 in 2-octet form.
  return four.every((s) => s.asns.every((x) => x !== 0)) && typeof two !== 'string' && two.some((s) => s.asns.some((x) => x === 0));
}

/** Guesses ADD-PATH for one NLRI field; null when both readings (or neither) are valid. */
function guessAddPath(b: Uint8Array, start: number, end: number, afi: 1 | 2): boolean | null {
  if (start === end) return null;
  const plain = decodePrefixes(b, start, end, afi, false) !== null;
  const withIds = decodePrefixes(b, start, end, afi, true) !== null;
  return plain === withIds ? null : withIds;
}

/**
 * Adjusts `ctx` to what the UPDATE's bytes show (4-octet ASNs, ADD-PATH per family), for readers
 * of captures that did not see the OPENs. `msg` is a whole message with its header.
 */
export function inferUpdateContext(msg: Uint8Array, ctx: CodecContext): CodecContext {
  const s = 19;
  if (msg.length < s + 4) return ctx;
  const wl = readU16(msg, s);
  if (s + 2 + wl + 2 > msg.length) return ctx;
  const al = readU16(msg, s + 2 + wl);
  const as = s + 4 + wl;
  if (as + al > msg.length) return ctx;
  let asn4 = ctx.asn4;
  const addPath = new Set(ctx.addPath);
  const setAddPath = (fam: FamilyKey, v: boolean | null) => {
    if (v === true) addPath.add(fam);
    else if (v === false) addPath.delete(fam);
  };
  const v4 = guessAddPath(msg, s + 2, s + 2 + wl, 1) ?? guessAddPath(msg, as + al, msg.length, 1);
  setAddPath(IPV4_UNICAST, v4);
  for (const a of walkAttributes(msg, as, as + al) ?? []) {
    if (a.code === AttrType.AS_PATH) asn4 = guessAsn4(msg, a) ?? asn4;
    if ((a.code === AttrType.MP_REACH_NLRI || a.code === AttrType.MP_UNREACH_NLRI) && a.end - a.start >= 3) {
      const afi = readU16(msg, a.start);
      const safi = msg[a.start + 2]!;
      if (!isIpFamily(afi, safi)) continue;
      let nlriStart = a.start + 3;
      if (a.code === AttrType.MP_REACH_NLRI) {
        if (a.end - a.start < 5) continue;
        nlriStart = a.start + 4 + msg[a.start + 3]! + 1;
        if (nlriStart > a.end) continue;
      }
      setAddPath(familyKey(afi, safi), guessAddPath(msg, nlriStart, a.end, afi));
    }
  }
  return { ...ctx, asn4, addPath };
}
