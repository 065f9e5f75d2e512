// Whole messages: header (RFC 4271 s4.1) + body. The codec triple decodeMessage / encodeMessage /
// encodingLength, with the consumed length returned and no hidden state.

import { readU16, writeU16 } from './bytes.js';
import { HEADER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './constants.js';
import { BgpError, ErrorCode, HeaderSubcode, RouteRefreshSubcode } from './errors.js';
import { checkHeader } from './framer.js';
import { decodeNotificationBody, encodeNotificationBody } from './notification.js';
import { decodeOpenBody, encodeOpenBody } from './open.js';
import type { BgpMessage, CodecContext, RouteRefreshMessage } from './types.js';
import { decodeUpdateBody, encodeUpdateBody, updateBodyLength } from './update.js';

/** RFC 4271 s4 minimum lengths per type; KEEPALIVE is exactly 19 and ROUTE-REFRESH at least 23. */
const MIN_LENGTH: Record<number, number> = { 1: 29, 2: 23, 3: 21, 4: 19, 5: 23 };

export function maxMessageLength(ctx: CodecContext): number {
  return ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

export interface Decoded {
  readonly message: BgpMessage;
  /** Bytes consumed from the start of the input: the message length from the header. */
  readonly length: number;
}

/**
 * Decodes the message at the start of `b` (header included). Throws BgpError, and nothing else,
 * when the message is malformed in a way that RFC 4271/7606 answers with a NOTIFICATION;
 * UPDATE errors that keep the session are reported in `message.errors`.
 */
export function decodeMessage(b: Uint8Array, ctx: CodecContext): Decoded {
  if (b.length < HEADER_LENGTH) {
    throw new BgpError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, `only ${b.length} bytes, a header needs 19`);
  }
  const length = checkHeader(b, 0, maxMessageLength(ctx));
  if (length > b.length) {
    throw new BgpError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, `header says ${length} bytes, ${b.length} present`, {
      data: b.slice(16, 18),
      offset: 16,
    });
  }
  const type = b[18]!;
  const min = MIN_LENGTH[type];
  if (min === undefined) {
    throw new BgpError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_TYPE, `message type ${type}`, { data: Uint8Array.of(type), offset: 18 });
  }
  // RFC 4271 s6.1: a length too small for the type (or not 19 for KEEPALIVE) is Bad Message Length.
  if (length < min || (type === MessageType.KEEPALIVE && length !== HEADER_LENGTH)) {
    throw new BgpError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, `length ${length} is wrong for message type ${type}`, {
      data: b.slice(16, 18),
      offset: 16,
    });
  }
  const msg = length === b.length ? b : b.subarray(0, length);
  switch (type) {
    case MessageType.UPDATE:
      return { message: decodeUpdateBody(msg, ctx, HEADER_LENGTH), length };
    case MessageType.OPEN:
      return { message: decodeOpenBody(msg.subarray(HEADER_LENGTH)), length };
    case MessageType.NOTIFICATION:
      return { message: decodeNotificationBody(msg.subarray(HEADER_LENGTH)), length };
    case MessageType.KEEPALIVE:
      return { message: KEEPALIVE, length };
    default:
      return { message: decodeRouteRefreshBody(msg.subarray(HEADER_LENGTH), msg), length };
  }
}

const KEEPALIVE = Object.freeze({ type: 'keepalive' as const });

/** RFC 2918 s3 / RFC 7313 s5: AFI (2), subtype (1, reserved in RFC 2918), SAFI (1), then ORF entries. */
function decodeRouteRefreshBody(body: Uint8Array, msg: Uint8Array): RouteRefreshMessage {
  const subtype = body[2]!;
  // RFC 7313 s5: a BoRR or EoRR must be exactly 23 bytes; a request may carry ORFs (RFC 5291).
  if ((subtype === 1 || subtype === 2) && body.length !== 4) {
    throw new BgpError(ErrorCode.ROUTE_REFRESH_MESSAGE, RouteRefreshSubcode.INVALID_MESSAGE_LENGTH, `ROUTE-REFRESH subtype ${subtype} with length ${msg.length}`, {
      data: msg.slice(),
    });
  }
  return { type: 'route-refresh', afi: readU16(body, 0), subtype, safi: body[3]!, data: body.slice(4) };
}

function typeCode(m: BgpMessage): number {
  switch (m.type) {
    case 'open':
      return MessageType.OPEN;
    case 'update':
      return MessageType.UPDATE;
    case 'notification':
      return MessageType.NOTIFICATION;
    case 'keepalive':
      return MessageType.KEEPALIVE;
    case 'route-refresh':
      return MessageType.ROUTE_REFRESH;
  }
}

function bodyLength(m: BgpMessage, ctx: CodecContext): number {
  switch (m.type) {
    case 'open':
      return encodeOpenBody(m).length;
    case 'update':
      return updateBodyLength(m, ctx);
    case 'notification':
      return 2 + m.data.length;
    case 'keepalive':
      return 0;
    case 'route-refresh':
      return 4 + m.data.length;
  }
}

/** The number of bytes encodeMessage() writes for `m`. */
export function encodingLength(m: BgpMessage, ctx: CodecContext): number {
  return HEADER_LENGTH + bodyLength(m, ctx);
}

/**
 * Encodes `m` with its header. Throws RangeError when it would exceed the negotiated maximum
 * length (the caller splits UPDATEs), TypeError when a field is not encodable.
 */
export function encodeMessage(m: BgpMessage, ctx: CodecContext): Uint8Array {
  const length = encodingLength(m, ctx);
  if (length > maxMessageLength(ctx)) throw new RangeError(`${m.type} of ${length} bytes exceeds the maximum of ${maxMessageLength(ctx)}`);
  const out = new Uint8Array(length);
  out.fill(0xff, 0, 16);
  writeU16(out, 16, length);
  out[18] = typeCode(m);
  switch (m.type) {
    case 'open':
      out.set(encodeOpenBody(m), HEADER_LENGTH);
      break;
    case 'update':
      encodeUpdateBody(m, out, HEADER_LENGTH, ctx);
      break;
    case 'notification':
      out.set(encodeNotificationBody(m), HEADER_LENGTH);
      break;
    case 'keepalive':
      break;
    case 'route-refresh':
      writeU16(out, HEADER_LENGTH, m.afi);
      out[HEADER_LENGTH + 2] = m.subtype;
      out[HEADER_LENGTH + 3] = m.safi;
      out.set(m.data, HEADER_LENGTH + 4);
      break;
  }
  return out;
}
