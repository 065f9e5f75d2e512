// Netlink messages (include/uapi/linux/netlink.h): a struct nlmsghdr, then the body, each message
// at NLMSG_ALIGN of the previous one's end. One datagram holds many messages both ways: a batch of
// requests in one sendmsg(), a part of a dump in one recvmsg().
//
//   struct nlmsghdr { u32 nlmsg_len; u16 nlmsg_type; u16 nlmsg_flags; u32 nlmsg_seq; u32 nlmsg_pid; }
//
// NLMSG_ERROR: "struct nlmsgerr { int error; struct nlmsghdr msg; }" - error 0 is an ACK, else a
// negative errno. "msg: original netlink message (or header only if NETLINK_CAP_ACK is set)",
// followed by "message length is aligned with NLMSG_ALIGN()" TLVs when NLM_F_ACK_TLVS is set
// (NETLINK_EXT_ACK): NLMSGERR_ATTR_MSG, "error message string (string)"; NLMSGERR_ATTR_OFFS,
// "offset of the invalid attribute in the original message" (u32).

import { ByteWriter, HOST_LITTLE_ENDIAN, view } from './bytes.js';
import { bytesValue, putRaw, putString, putU32, readAttributes, stringValue, u32Value, type RawAttribute } from './attributes.js';
import { readAddressBody, writeAddressBody, type AddressMessage } from './address-message.js';
import {
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  RTM_DELADDR,
  RTM_DELLINK,
  RTM_DELROUTE,
  RTM_GETROUTE,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWROUTE,
  align4,
} from './constants.js';
import { NetlinkError } from './errors.js';
import { readLinkBody, writeLinkBody, type LinkMessage } from './link-message.js';
import { readRouteBody, writeRouteBody, type RouteMessage } from './route-message.js';

export interface NetlinkHeader {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  /** Port id: 0 to the kernel; the kernel sets ours in its replies. */
  readonly pid: number;
}

/** The header a NLMSG_ERROR echoes, with the length the request had. */
export interface EchoedHeader extends NetlinkHeader {
  readonly length: number;
}

export type NetlinkMessage =
  | {
      readonly kind: 'error';
      readonly header: NetlinkHeader;
      /** 0: an ACK; else the (positive) errno the request failed with. */
      readonly errno: number;
      readonly request: EchoedHeader;
      /** The request's body, echoed unless NETLINK_CAP_ACK (NLM_F_CAPPED); empty when capped. */
      readonly requestBody: Uint8Array;
      /** NLMSGERR_ATTR_MSG: the kernel's words (NETLINK_EXT_ACK). */
      readonly text?: string;
      /** NLMSGERR_ATTR_OFFS. */
      readonly attributeOffset?: number;
      /** Other extended-ACK TLVs (cookie, policy...). */
      readonly tlvs: readonly RawAttribute[];
    }
  | {
      readonly kind: 'done';
      readonly header: NetlinkHeader;
      /** 0, or the errno that ended a dump. */
      readonly errno: number;
      /** NLMSGERR_ATTR_MSG after it (NLM_F_ACK_TLVS): why the dump ended. */
      readonly text?: string;
    }
  /** RTM_NEWROUTE, RTM_DELROUTE (notifications) and RTM_GETROUTE (requests): header.type tells. */
  | { readonly kind: 'route'; readonly header: NetlinkHeader; readonly route: RouteMessage }
  | { readonly kind: 'address'; readonly header: NetlinkHeader; readonly address: AddressMessage }
  | { readonly kind: 'link'; readonly header: NetlinkHeader; readonly link: LinkMessage }
  | { readonly kind: 'other'; readonly header: NetlinkHeader; readonly body: Uint8Array };

function u16(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${what} must be 0..65535: ${v}`);
  return v;
}

/** Appends one message to `w`. */
export function writeMessage(w: ByteWriter, m: NetlinkMessage): void {
  const at = w.reserve(NLMSG_HDRLEN);
  w.u16(at + 4, u16(m.header.type, 'nlmsg_type'));
  w.u16(at + 6, u16(m.header.flags, 'nlmsg_flags'));
  w.u32(at + 8, m.header.seq);
  w.u32(at + 12, m.header.pid);
  switch (m.kind) {
    case 'error': {
      const body = w.reserve(4 + NLMSG_HDRLEN);
      w.i32(body, -m.errno);
      w.u32(body + 4, m.request.length);
      w.u16(body + 8, u16(m.request.type, 'nlmsg_type'));
      w.u16(body + 10, u16(m.request.flags, 'nlmsg_flags'));
      w.u32(body + 12, m.request.seq);
      w.u32(body + 16, m.request.pid);
      w.set(w.reserve(align4(m.requestBody.length)), m.requestBody);
      if (m.text !== undefined) putString(w, NLMSGERR_ATTR_MSG, m.text);
      if (m.attributeOffset !== undefined) putU32(w, NLMSGERR_ATTR_OFFS, m.attributeOffset);
      putRaw(w, m.tlvs);
      break;
    }
    case 'done':
      w.i32(w.reserve(4), -m.errno);
      if (m.text !== undefined) putString(w, NLMSGERR_ATTR_MSG, m.text);
      break;
    case 'route':
      writeRouteBody(w, m.route);
      break;
    case 'address':
      writeAddressBody(w, m.address);
      break;
    case 'link':
      writeLinkBody(w, m.link);
      break;
    case 'other':
      w.set(w.reserve(align4(m.body.length)), m.body);
      break;
  }
  // nlmsg_len counts the last attribute's padding: the kernel's nla_put() does the same.
  w.u32(at, w.length - at);
}

export function encodeMessages(messages: readonly NetlinkMessage[]): Uint8Array {
  const w = new ByteWriter(256);
  for (const m of messages) writeMessage(w, m);
  return w.finish().slice();
}

function readError(bytes: Uint8Array, dv: DataView, header: NetlinkHeader, start: number, end: number): NetlinkMessage {
  if (end - start < 4 + NLMSG_HDRLEN) throw new NetlinkError('truncated', `nlmsgerr needs ${4 + NLMSG_HDRLEN} bytes, has ${end - start}`, start);
  const errno = 0 - dv.getInt32(start, HOST_LITTLE_ENDIAN);
  const request: EchoedHeader = {
    length: dv.getUint32(start + 4, HOST_LITTLE_ENDIAN),
    type: dv.getUint16(start + 8, HOST_LITTLE_ENDIAN),
    flags: dv.getUint16(start + 10, HOST_LITTLE_ENDIAN),
    seq: dv.getUint32(start + 12, HOST_LITTLE_ENDIAN),
    pid: dv.getUint32(start + 16, HOST_LITTLE_ENDIAN),
  };
  if (errno < 0) throw new NetlinkError('bad-value', `NLMSG_ERROR with a positive error ${-errno}`, start);
  let at = start + 4 + NLMSG_HDRLEN;
  let requestBody: Uint8Array = new Uint8Array(0);
  if ((header.flags & NLM_F_CAPPED) === 0) {
    if (request.length < NLMSG_HDRLEN || at + request.length - NLMSG_HDRLEN > end) {
      throw new NetlinkError('bad-length', `echoed request of length ${request.length} in ${end - at + NLMSG_HDRLEN} bytes`, start + 4);
    }
    requestBody = bytesValue(bytes, at, request.length - NLMSG_HDRLEN);
    at += align4(request.length - NLMSG_HDRLEN);
  }
  let text: string | undefined;
  let attributeOffset: number | undefined;
  const tlvs: RawAttribute[] = [];
  if ((header.flags & NLM_F_ACK_TLVS) !== 0 && at < end) {
    readAttributes(dv, at, end, (type, a, l) => {
      if (type === NLMSGERR_ATTR_MSG) text = stringValue(bytes, a, l);
      else if (type === NLMSGERR_ATTR_OFFS) attributeOffset = u32Value(dv, type, a, l);
      else tlvs.push({ type, data: bytesValue(bytes, a, l) });
    });
  }
  return {
    kind: 'error',
    header,
    errno,
    request,
    requestBody,
    ...(text !== undefined ? { text } : {}),
    ...(attributeOffset !== undefined ? { attributeOffset } : {}),
    tlvs,
  };
}

function readDone(bytes: Uint8Array, dv: DataView, header: NetlinkHeader, start: number, end: number): NetlinkMessage {
  // A dump's end carries an int: 0, or the error that stopped it; with NLM_F_ACK_TLVS, its words.
  if (end - start < 4) throw new NetlinkError('truncated', `NLMSG_DONE needs 4 bytes, has ${end - start}`, start);
  let text: string | undefined;
  if ((header.flags & NLM_F_ACK_TLVS) !== 0) {
    readAttributes(dv, start + 4, end, (type, a, l) => {
      if (type === NLMSGERR_ATTR_MSG) text = stringValue(bytes, a, l);
    });
  }
  return { kind: 'done', header, errno: 0 - dv.getInt32(start, HOST_LITTLE_ENDIAN), ...(text !== undefined ? { text } : {}) };
}

function readBody(bytes: Uint8Array, dv: DataView, header: NetlinkHeader, start: number, end: number): NetlinkMessage {
  switch (header.type) {
    case NLMSG_ERROR:
      return readError(bytes, dv, header, start, end);
    case NLMSG_DONE:
      return readDone(bytes, dv, header, start, end);
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
    case RTM_GETROUTE:
      return { kind: 'route', header, route: readRouteBody(bytes, dv, start, end) };
    case RTM_NEWADDR:
    case RTM_DELADDR:
      return { kind: 'address', header, address: readAddressBody(bytes, dv, start, end) };
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return { kind: 'link', header, link: readLinkBody(bytes, dv, start, end) };
    default:
      return { kind: 'other', header, body: bytesValue(bytes, start, end - start) };
  }
}

/**
 * Calls `visit` for each message in a buffer of whole datagrams (what the shim receives). Throws
 * NetlinkError at the first message that does not decode; the ones before it have been visited.
 */
export function readMessages(bytes: Uint8Array, visit: (m: NetlinkMessage) => void): void {
  const dv = view(bytes);
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < NLMSG_HDRLEN) {
      // Datagrams are padded to 4 bytes; zeros after the last message are padding, not a message.
      if (bytes.subarray(at).every((b) => b === 0)) return;
      throw new NetlinkError('truncated', `${bytes.length - at} bytes left, nlmsghdr needs ${NLMSG_HDRLEN}`, at);
    }
    const length = dv.getUint32(at, HOST_LITTLE_ENDIAN);
    if (length < NLMSG_HDRLEN || length > bytes.length - at) throw new NetlinkError('bad-length', `nlmsg_len ${length} with ${bytes.length - at} bytes left`, at);
    const header: NetlinkHeader = {
      type: dv.getUint16(at + 4, HOST_LITTLE_ENDIAN),
      flags: dv.getUint16(at + 6, HOST_LITTLE_ENDIAN),
      seq: dv.getUint32(at + 8, HOST_LITTLE_ENDIAN),
      pid: dv.getUint32(at + 12, HOST_LITTLE_ENDIAN),
    };
    visit(readBody(bytes, dv, header, at + NLMSG_HDRLEN, at + length));
    at += align4(length);
  }
}

export function decodeMessages(bytes: Uint8Array): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  readMessages(bytes, (m) => out.push(m));
  return out;
}
