// UPDATE (RFC 4271 s4.3) with the error handling of RFC 4271 s6.3 as revised by RFC 7606.

import { readU16, writeU16 } from './bytes.js';
import { AttrFlag, AttrType, familyKey, IPV4_UNICAST } from './constants.js';
import { BgpError, ErrorCode, UpdateSubcode, type ErrorAction } from './errors.js';
import { isProblem, type AttrCodec } from './attrs/codec.js';
import { codecByCode, codecFor } from './attrs/registry.js';
import { AttributeCache } from './attrs/cache.js';
import { decodePrefixes, emptyPrefixList, encodePrefixes, prefixesEncodingLength } from './prefix.js';
import type { CodecContext, PathAttribute, PrefixList, UpdateMessage } from './types.js';

function updateError(subcode: number, detail: string, action: ErrorAction, data?: Uint8Array, offset?: number): BgpError {
  return new BgpError(ErrorCode.UPDATE_MESSAGE, subcode, detail, {
    action,
    ...(data ? { data } : {}),
    ...(offset === undefined ? {} : { offset }),
  });
}

export interface DecodedAttributes {
  readonly attributes: PathAttribute[];
  /** Errors handled without a session reset (attribute-discard, treat-as-withdraw). */
  readonly errors: BgpError[];
  /** True when the walk stopped early because an attribute overran the list (RFC 7606 s4). */
  readonly truncated: boolean;
}

/**
 * Walks the path attributes in b[start, end). Errors that RFC 7606 resolves by session reset or
 * AFI/SAFI disable are thrown; the others are returned in `errors`, with the attribute left out.
 * Offsets in errors are relative to `b`.
 */
export function decodePathAttributes(b: Uint8Array, start: number, end: number, ctx: CodecContext): DecodedAttributes {
  const attributes: PathAttribute[] = [];
  let errors: BgpError[] | null = null;
  let seenLo = 0; // bit i: code i (0..31) seen
  let seenHi = 0; // bit i: code 32 + i seen
  let seenOther: number[] | null = null;
  let truncated = false;
  let o = start;
  while (o < end) {
    const attrStart = o;
    if (o + 3 > end) {
      truncated = true;
      (errors ??= []).push(updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, 'truncated attribute header', 'treat-as-withdraw', undefined, o));
      break;
    }
    const flags = b[o]!;
    const code = b[o + 1]!;
    let len: number;
    if (flags & AttrFlag.EXTENDED_LENGTH) {
      if (o + 4 > end) {
        truncated = true;
        (errors ??= []).push(updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, 'truncated attribute header', 'treat-as-withdraw', undefined, o));
        break;
      }
      len = readU16(b, o + 2);
      o += 4;
    } else {
      len = b[o + 2]!;
      o += 3;
    }
    if (o + len > end) {
      // RFC 7606 s4: an attribute overrunning the attribute list.
      truncated = true;
      (errors ??= []).push(
        updateError(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR, `attribute ${code} length ${len} overruns the attribute list`, 'treat-as-withdraw', b.slice(attrStart, end), attrStart),
      );
      break;
    }
    const valueStart = o;
    o += len;

    // RFC 7606 s3(g): a repeated MP_REACH_NLRI or MP_UNREACH_NLRI resets the session; any other
    // repeated attribute is discarded after its first occurrence.
    let dup: boolean;
    if (code < 32) {
      dup = (seenLo & (1 << code)) !== 0;
      seenLo |= 1 << code;
    } else if (code < 64) {
      dup = (seenHi & (1 << (code - 32))) !== 0;
      seenHi |= 1 << (code - 32);
    } else {
      dup = (seenOther ??= []).includes(code);
      if (!dup) seenOther.push(code);
    }
    if (dup) {
      if (code === AttrType.MP_REACH_NLRI || code === AttrType.MP_UNREACH_NLRI) {
        throw updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, `attribute ${code} appears twice`, 'session-reset', undefined, attrStart);
      }
      (errors ??= []).push(updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, `attribute ${code} appears twice; the repeat is discarded`, 'attribute-discard', undefined, attrStart));
      continue;
    }

    const cache = ctx.attributeCache;
    let hash = -1;
    if (cache && code !== AttrType.MP_REACH_NLRI && code !== AttrType.MP_UNREACH_NLRI) {
      hash = AttributeCache.hash(b, attrStart, o);
      const hit = cache.lookup(b, attrStart, o, hash, ctx.asn4);
      if (hit) {
        attributes.push(hit);
        continue;
      }
    }
    const codec = codecByCode[code];
    if (!codec) {
      if ((flags & AttrFlag.OPTIONAL) === 0) {
        // RFC 4271 s6.3: an unrecognized well-known attribute.
        throw updateError(UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE, `unrecognized well-known attribute ${code}`, 'session-reset', b.slice(attrStart, o), attrStart);
      }
      attributes.push({ type: 'unknown', flags, code, value: b.slice(valueStart, o) });
      continue;
    }
    const err = checkAndDecode(codec, b, attrStart, valueStart, o, flags, ctx, attributes);
    if (err) {
      if (err.action === 'session-reset' || err.action === 'afi-safi-disable') throw err;
      (errors ??= []).push(err);
    } else if (hash >= 0) {
      cache!.store(b, attrStart, o, hash, ctx.asn4, attributes[attributes.length - 1]!);
    }
  }
  return { attributes, errors: errors ?? NO_ERRORS, truncated };
}

const NO_ERRORS: BgpError[] = [];

function checkAndDecode(
  codec: AttrCodec,
  b: Uint8Array,
  attrStart: number,
  valueStart: number,
  end: number,
  flags: number,
  ctx: CodecContext,
  out: PathAttribute[],
): BgpError | null {
  // RFC 4271 s6.3 / RFC 7606 s3(c): optional and transitive bits must match the definition.
  if ((flags & 0xc0) !== codec.flags) {
    return updateError(UpdateSubcode.ATTRIBUTE_FLAGS_ERROR, `attribute ${codec.code} flags 0x${flags.toString(16)}`, codec.onError, b.slice(attrStart, end), attrStart);
  }
  const decoded = codec.decode(b, valueStart, end, flags, ctx);
  if (isProblem(decoded)) {
    let action = codec.onError;
    // MP attributes whose AFI/SAFI cannot even be read leave no family to disable.
    if (action === 'afi-safi-disable' && end - valueStart < 3) action = 'session-reset';
    return updateError(decoded.subcode, decoded.detail, action, b.slice(attrStart, end), attrStart);
  }
  out.push(decoded);
  return null;
}

/**
 * Decodes the UPDATE in `msg`, whose body starts at `start` (19 for a whole message). Error
 * offsets are relative to `msg`.
 */
export function decodeUpdateBody(msg: Uint8Array, ctx: CodecContext, start = 0): UpdateMessage {
  const end = msg.length;
  if (end - start < 4) throw updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, 'UPDATE shorter than its length fields', 'session-reset');
  const withdrawnLen = readU16(msg, start);
  // RFC 4271 s6.3: Withdrawn Routes Length or Total Attribute Length too large.
  if (start + 2 + withdrawnLen + 2 > end) {
    throw updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, `withdrawn routes length ${withdrawnLen} overruns the message`, 'session-reset', undefined, start);
  }
  const addPathV4 = ctx.addPath.has(IPV4_UNICAST);
  const withdrawn = decodePrefixes(msg, start + 2, start + 2 + withdrawnLen, 1, addPathV4);
  // RFC 7606 s5.3: withdrawn routes that cannot be parsed leave nothing safe but a reset.
  if (!withdrawn) throw updateError(UpdateSubcode.INVALID_NETWORK_FIELD, 'malformed withdrawn routes', 'session-reset', undefined, start + 2);
  const attrLenAt = start + 2 + withdrawnLen;
  const attrLen = readU16(msg, attrLenAt);
  const attrStart = attrLenAt + 2;
  if (attrStart + attrLen > end) {
    throw updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, `total path attribute length ${attrLen} overruns the message`, 'session-reset', undefined, attrLenAt);
  }
  const nlri = decodePrefixes(msg, attrStart + attrLen, end, 1, addPathV4);
  if (!nlri) throw updateError(UpdateSubcode.INVALID_NETWORK_FIELD, 'malformed NLRI', 'session-reset', undefined, attrStart + attrLen);

  if (attrLen === 0) return { type: 'update', withdrawn, attributes: [], nlri };

  const { attributes, errors, truncated } = decodePathAttributes(msg, attrStart, attrStart + attrLen, ctx);
  let errs: BgpError[] | null = errors.length ? errors.slice() : null;
  let hasReach = false;
  let hasUnreach = false;
  let seenOrigin = false;
  let seenAsPath = false;
  let seenNextHop = false;
  for (const a of attributes) {
    if (a.type === 'mp-reach') hasReach = true;
    else if (a.type === 'mp-unreach') hasUnreach = true;
    else if (a.type === 'origin') seenOrigin = true;
    else if (a.type === 'as-path') seenAsPath = true;
    else if (a.type === 'next-hop') seenNextHop = true;
    // RFC 8205 s3: a BGPsec UPDATE carries BGPsec_PATH instead of AS_PATH.
    else if (a.type === 'unknown' && a.code === AttrType.BGPSEC_PATH) seenAsPath = true;
  }
  if (truncated && !hasReach && !hasUnreach && nlri.count === 0) {
    // RFC 7606 s5.3: the walk stopped before any NLRI could be located; withdrawing nothing
    // would silently keep routes the peer meant to change.
    throw errs![errs!.length - 1]!.withAction('session-reset');
  }
  // RFC 7606 s3(d): a missing well-known mandatory attribute is treat-as-withdraw, and is only an
  // error when there are routes to announce.
  if ((nlri.count > 0 || hasReach) && !truncated) {
    const missing = !seenOrigin ? AttrType.ORIGIN : !seenAsPath ? AttrType.AS_PATH : nlri.count > 0 && !seenNextHop ? AttrType.NEXT_HOP : 0;
    if (missing) {
      (errs ??= []).push(updateError(UpdateSubcode.MISSING_WELL_KNOWN_ATTRIBUTE, `missing well-known attribute ${missing}`, 'treat-as-withdraw', Uint8Array.of(missing)));
    }
  }
  return errs ? { type: 'update', withdrawn, attributes, nlri, errors: errs } : { type: 'update', withdrawn, attributes, nlri };
}

export function pathAttributesLength(attributes: readonly PathAttribute[], ctx: CodecContext): number {
  let n = 0;
  for (const a of attributes) {
    const len = valueLength(a, ctx);
    n += (a.flags & AttrFlag.EXTENDED_LENGTH || len > 255 ? 4 : 3) + len;
  }
  return n;
}

function valueLength(a: PathAttribute, ctx: CodecContext): number {
  if (a.type === 'unknown') return a.value.length;
  return codecFor(a)!.valueLength(a, ctx);
}

/** Writes the attributes at b[o]; returns the offset after them. */
export function encodePathAttributes(attributes: readonly PathAttribute[], b: Uint8Array, o: number, ctx: CodecContext): number {
  for (const a of attributes) {
    const len = valueLength(a, ctx);
    const extended = (a.flags & AttrFlag.EXTENDED_LENGTH) !== 0 || len > 255;
    const codec = codecFor(a);
    b[o] = extended ? a.flags | AttrFlag.EXTENDED_LENGTH : a.flags;
    b[o + 1] = codec ? codec.code : (a as { code: number }).code;
    if (extended) {
      writeU16(b, o + 2, len);
      o += 4;
    } else {
      b[o + 2] = len;
      o += 3;
    }
    if (codec) {
      o = codec.encode(a, b, o, ctx);
    } else {
      b.set((a as { value: Uint8Array }).value, o);
      o += len;
    }
  }
  return o;
}

export function updateBodyLength(m: UpdateMessage, ctx: CodecContext): number {
  return 4 + prefixesEncodingLength(m.withdrawn) + pathAttributesLength(m.attributes, ctx) + prefixesEncodingLength(m.nlri);
}

/** Writes the body at b[o]; returns the offset after it. */
export function encodeUpdateBody(m: UpdateMessage, b: Uint8Array, o: number, ctx: CodecContext): number {
  const wl = prefixesEncodingLength(m.withdrawn);
  writeU16(b, o, wl);
  o = encodePrefixes(m.withdrawn, b, o + 2);
  const al = pathAttributesLength(m.attributes, ctx);
  writeU16(b, o, al);
  o = encodePathAttributes(m.attributes, b, o + 2, ctx);
  return encodePrefixes(m.nlri, b, o);
}

/**
 * RFC 4724 s2: End-of-RIB is an UPDATE with nothing in it (IPv4 unicast), or with only an empty
 * MP_UNREACH_NLRI for the family. Returns the family key, or null when this is not an End-of-RIB.
 */
export function endOfRibFamily(m: UpdateMessage): number | null {
  if (m.withdrawn.count !== 0 || m.nlri.count !== 0) return null;
  if (m.attributes.length === 0) return IPV4_UNICAST;
  if (m.attributes.length !== 1) return null;
  const a = m.attributes[0]!;
  if (a.type !== 'mp-unreach') return null;
  const empty = a.withdrawn ? a.withdrawn.count === 0 : (a.withdrawnBytes?.length ?? 0) === 0;
  return empty ? familyKey(a.afi, a.safi) : null;
}

/** True when RFC 7606 says this UPDATE's routes are to be handled as withdrawn. */
export function isTreatAsWithdraw(m: UpdateMessage): boolean {
  return m.errors?.some((e) => e.action === 'treat-as-withdraw') ?? false;
}

export function emptyUpdate(): UpdateMessage {
  return { type: 'update', withdrawn: emptyPrefixList(1), attributes: [], nlri: emptyPrefixList(1) };
}

export type { PrefixList };
