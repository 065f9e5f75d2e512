// OPEN (RFC 4271 s4.2) with optional parameters (RFC 5492) and the RFC 9072 extended form.

import { ipv4ToString, readU16, writeIpv4, writeU16 } from './bytes.js';
import { decodeCapability, encodeCapability } from './capabilities.js';
import { BGP_VERSION } from './constants.js';
import { BgpError, ErrorCode, OpenSubcode } from './errors.js';
import type { Capability, OpenMessage, OptionalParameter } from './types.js';

const CAPABILITIES_PARAM = 2;
/** RFC 9072 s2: Non-Ext OP Len = 255 and Non-Ext OP Type = 255 announce the extended form. */
const EXTENDED_MARK = 255;

function openError(subcode: number, detail: string, data?: Uint8Array): BgpError {
  return new BgpError(ErrorCode.OPEN_MESSAGE, subcode, detail, data ? { data } : {});
}

/** Decodes an OPEN body (the bytes after the 19-byte header). */
export function decodeOpenBody(b: Uint8Array): OpenMessage {
  // The header check guarantees >= 10 body bytes (minimum OPEN length 29).
  const version = b[0]!;
  if (version !== BGP_VERSION) {
    // RFC 4271 s6.2: data is the largest locally supported version number (2 octets).
    throw openError(OpenSubcode.UNSUPPORTED_VERSION_NUMBER, `version ${version}, only 4 is supported`, Uint8Array.of(0, BGP_VERSION));
  }
  const myAsn = readU16(b, 1);
  const holdTime = readU16(b, 3);
  // RFC 4271 s6.2: the Hold Time MUST be zero or at least three seconds.
  if (holdTime === 1 || holdTime === 2) throw openError(OpenSubcode.UNACCEPTABLE_HOLD_TIME, `hold time ${holdTime}`);
  const bgpId = ipv4ToString(b, 5);
  // RFC 6286 s2.2: the BGP Identifier is a non-zero 4-octet number.
  if (bgpId === '0.0.0.0') throw openError(OpenSubcode.BAD_BGP_IDENTIFIER, 'BGP identifier is 0.0.0.0', b.slice(5, 9));

  let paramLen = b[9]!;
  let o = 10;
  let extendedParams = false;
  if (paramLen === EXTENDED_MARK && b.length > 10 && b[10] === EXTENDED_MARK) {
    if (b.length < 13) throw openError(OpenSubcode.UNSPECIFIC, 'truncated extended optional parameters length');
    extendedParams = true;
    paramLen = readU16(b, 11);
    o = 13;
  }
  if (o + paramLen !== b.length) {
    throw openError(OpenSubcode.UNSPECIFIC, `optional parameters length ${paramLen} does not match the ${b.length - o} bytes present`);
  }
  const params: OptionalParameter[] = [];
  const end = o + paramLen;
  const hdr = extendedParams ? 3 : 2;
  while (o < end) {
    if (o + hdr > end) throw openError(OpenSubcode.UNSPECIFIC, 'truncated optional parameter header');
    const type = b[o]!;
    const len = extendedParams ? readU16(b, o + 1) : b[o + 1]!;
    o += hdr;
    if (o + len > end) throw openError(OpenSubcode.UNSPECIFIC, `optional parameter ${type} length ${len} overruns the parameters`);
    const value = b.subarray(o, o + len);
    o += len;
    if (type === CAPABILITIES_PARAM) params.push({ type: CAPABILITIES_PARAM, capabilities: decodeCapabilities(value) });
    else params.push({ type, value: value.slice() });
  }
  return { type: 'open', version, myAsn, holdTime, bgpId, params, extendedParams };
}

function decodeCapabilities(v: Uint8Array): Capability[] {
  const caps: Capability[] = [];
  let o = 0;
  while (o < v.length) {
    if (o + 2 > v.length) throw openError(OpenSubcode.UNSPECIFIC, 'truncated capability header');
    const code = v[o]!;
    const len = v[o + 1]!;
    if (o + 2 + len > v.length) throw openError(OpenSubcode.UNSPECIFIC, `capability ${code} length ${len} overruns its parameter`);
    caps.push(decodeCapability(code, v.subarray(o + 2, o + 2 + len)));
    o += 2 + len;
  }
  return caps;
}

function paramValue(p: OptionalParameter): Uint8Array {
  if ('capabilities' in p) {
    const parts = p.capabilities.map(encodeCapability);
    const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
    let o = 0;
    for (const x of parts) {
      out.set(x, o);
      o += x.length;
    }
    return out;
  }
  return p.value;
}

export function encodeOpenBody(m: OpenMessage): Uint8Array {
  const values = m.params.map(paramValue);
  const hdr = m.extendedParams ? 3 : 2;
  const paramLen = values.reduce((n, v) => n + hdr + v.length, 0);
  const extended = m.extendedParams || paramLen > 255;
  if (extended !== m.extendedParams) return encodeOpenBody({ ...m, extendedParams: true });
  const out = new Uint8Array(10 + (extended ? 3 : 0) + paramLen);
  out[0] = m.version;
  writeU16(out, 1, m.myAsn);
  writeU16(out, 3, m.holdTime);
  writeIpv4(out, 5, m.bgpId);
  let o: number;
  if (extended) {
    out[9] = EXTENDED_MARK;
    out[10] = EXTENDED_MARK;
    writeU16(out, 11, paramLen);
    o = 13;
  } else {
    out[9] = paramLen;
    o = 10;
  }
  m.params.forEach((p, i) => {
    const v = values[i]!;
    out[o] = p.type;
    if (extended) writeU16(out, o + 1, v.length);
    else out[o + 1] = v.length;
    out.set(v, o + hdr);
    o += hdr + v.length;
  });
  return out;
}

/** All capabilities of an OPEN, in order, whatever parameters they came in. */
export function openCapabilities(m: OpenMessage): Capability[] {
  const out: Capability[] = [];
  for (const p of m.params) if ('capabilities' in p) out.push(...p.capabilities);
  return out;
}

/** The speaker's real AS: the four-octet AS capability when present, else My Autonomous System. */
export function openAsn(m: OpenMessage): number {
  for (const c of openCapabilities(m)) if (c.type === 'four-octet-as') return c.asn;
  return m.myAsn;
}
