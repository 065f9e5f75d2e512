// Route attributes (struct rtattr, include/uapi/linux/rtnetlink.h): { u16 len; u16 type } then the
// value, the next one at RTA_ALIGN(len). Reading checks every length against its container, so a
// bad length is a NetlinkError, never a read past the message.

import { ByteWriter, HOST_LITTLE_ENDIAN } from './bytes.js';
import { RTA_HDRLEN, align4 } from './constants.js';
import { NetlinkError } from './errors.js';

/** An attribute kept as it came: types the codec does not interpret round-trip as bytes. */
export interface RawAttribute {
  readonly type: number;
  readonly data: Uint8Array;
}

/** Calls `visit(type, valueStart, valueLength)` for each attribute in bytes[start, end). */
export function readAttributes(dv: DataView, start: number, end: number, visit: (type: number, at: number, length: number) => void): void {
  let at = start;
  while (at < end) {
    if (end - at < RTA_HDRLEN) throw new NetlinkError('truncated', `${end - at} bytes left, an attribute header needs ${RTA_HDRLEN}`, at);
    const len = dv.getUint16(at, HOST_LITTLE_ENDIAN);
    const type = dv.getUint16(at + 2, HOST_LITTLE_ENDIAN);
    if (len < RTA_HDRLEN || at + len > end) throw new NetlinkError('bad-length', `attribute ${type} of length ${len} in ${end - at} bytes`, at);
    visit(type, at + RTA_HDRLEN, len - RTA_HDRLEN);
    at += align4(len);
  }
}

export function u32Value(dv: DataView, type: number, at: number, length: number): number {
  if (length !== 4) throw new NetlinkError('bad-attribute', `attribute ${type} must hold 4 bytes, holds ${length}`, at);
  return dv.getUint32(at, HOST_LITTLE_ENDIAN);
}

/**
 * A view, not a copy: a dump decodes several per route, and small copies cost more than the rest of
 * decoding. Decoded messages therefore keep their receive buffer alive while they live; consumers
 * turn them into FIB routes and drop them.
 */
export function bytesValue(bytes: Uint8Array, at: number, length: number): Uint8Array {
  return bytes.subarray(at, at + length);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

/** A NUL-terminated string (IFLA_IFNAME, NLMSGERR_ATTR_MSG); the terminator is not required. */
export function stringValue(bytes: Uint8Array, at: number, length: number): string {
  let end = at;
  while (end < at + length && bytes[end] !== 0) end++;
  return utf8.decode(bytes.subarray(at, end));
}

export function putAttribute(w: ByteWriter, type: number, data: Uint8Array): void {
  if (RTA_HDRLEN + data.length > 0xffff) throw new RangeError(`attribute ${type} of ${data.length} bytes does not fit a u16 length`);
  const at = w.reserve(align4(RTA_HDRLEN + data.length));
  w.u16(at, RTA_HDRLEN + data.length);
  w.u16(at + 2, type);
  w.set(at + RTA_HDRLEN, data);
}

export function putU32(w: ByteWriter, type: number, value: number): void {
  const at = w.reserve(RTA_HDRLEN + 4);
  w.u16(at, RTA_HDRLEN + 4);
  w.u16(at + 2, type);
  w.u32(at + RTA_HDRLEN, value);
}

export function putString(w: ByteWriter, type: number, text: string): void {
  const encoded = utf8Encoder.encode(text);
  const data = new Uint8Array(encoded.length + 1);
  data.set(encoded);
  putAttribute(w, type, data);
}

/** Starts a nested attribute (RTA_MULTIPATH); endNested() writes its length. */
export function beginNested(w: ByteWriter, type: number): number {
  const at = w.reserve(RTA_HDRLEN);
  w.u16(at + 2, type);
  return at;
}

export function endNested(w: ByteWriter, at: number): void {
  const len = w.length - at;
  if (len > 0xffff) throw new RangeError(`nested attribute of ${len} bytes does not fit a u16 length`);
  w.u16(at, len);
}

export function putRaw(w: ByteWriter, attributes: readonly RawAttribute[]): void {
  for (const a of attributes) putAttribute(w, a.type, a.data);
}
