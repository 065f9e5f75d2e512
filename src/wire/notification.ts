// NOTIFICATION (RFC 4271 s4.5) and the shutdown communication of RFC 8203 / RFC 9003.

import { decodeUtf8, encodeUtf8 } from './bytes.js';
import { CeaseSubcode, ErrorCode, notificationName, type BgpError } from './errors.js';
import type { NotificationMessage } from './types.js';

export function decodeNotificationBody(b: Uint8Array): NotificationMessage {
  // The header check guarantees at least 2 body bytes (minimum NOTIFICATION length 21).
  return { type: 'notification', code: b[0]!, subcode: b[1]!, data: b.slice(2) };
}

export function encodeNotificationBody(m: NotificationMessage): Uint8Array {
  const out = new Uint8Array(2 + m.data.length);
  out[0] = m.code;
  out[1] = m.subcode;
  out.set(m.data, 2);
  return out;
}

/** The NOTIFICATION to send for a codec error. */
export function notificationFor(e: BgpError): NotificationMessage {
  return { type: 'notification', code: e.code, subcode: e.subcode, data: e.data };
}

/** RFC 9003 s2: up to 255 octets of UTF-8 (RFC 8203 allowed 128). */
export const MAX_SHUTDOWN_COMMUNICATION = 255;

function carriesCommunication(m: NotificationMessage): boolean {
  return m.code === ErrorCode.CEASE && (m.subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN || m.subcode === CeaseSubcode.ADMINISTRATIVE_RESET);
}

/**
 * The shutdown communication of a Cease / Administrative Shutdown or Reset (RFC 9003 s2): a length
 * octet then UTF-8. Returns undefined when there is none, or when the data does not follow the RFC
 * (then it is only data).
 */
export function shutdownCommunication(m: NotificationMessage): string | undefined {
  // RFC 8538: a Hard Reset carrying an Administrative Shutdown carries its communication too.
  const cause = hardResetCause(m);
  if (cause) return shutdownCommunication(cause);
  if (!carriesCommunication(m) || m.data.length === 0) return undefined;
  const len = m.data[0]!;
  if (len === 0 || len + 1 > m.data.length) return undefined;
  return decodeUtf8(m.data.subarray(1, 1 + len)) ?? undefined;
}

/** Cease NOTIFICATION carrying a shutdown communication, truncated on a UTF-8 boundary to 255 octets. */
export function ceaseNotification(subcode: number, communication?: string): NotificationMessage {
  if (!communication) return { type: 'notification', code: ErrorCode.CEASE, subcode, data: new Uint8Array(0) };
  let text = encodeUtf8(communication);
  if (text.length > MAX_SHUTDOWN_COMMUNICATION) {
    let cut = MAX_SHUTDOWN_COMMUNICATION;
    while (cut > 0 && (text[cut]! & 0xc0) === 0x80) cut--; // do not split a UTF-8 sequence
    text = text.slice(0, cut);
  }
  const data = new Uint8Array(1 + text.length);
  data[0] = text.length;
  data.set(text, 1);
  return { type: 'notification', code: ErrorCode.CEASE, subcode, data };
}

/**
 * RFC 8538 s3: a Cease / Hard Reset carries the NOTIFICATION that caused it (code, subcode,
 * data) in its data. Returns it, or undefined when this is not a Hard Reset or the data is short.
 */
export function hardResetCause(m: NotificationMessage): NotificationMessage | undefined {
  if (m.code !== ErrorCode.CEASE || m.subcode !== CeaseSubcode.HARD_RESET || m.data.length < 2) return undefined;
  return { type: 'notification', code: m.data[0]!, subcode: m.data[1]!, data: m.data.slice(2) };
}

/** "Cease / Administrative Shutdown: "maintenance"", "Cease / Hard Reset (Hold Timer Expired / Unspecific)" */
export function describeNotification(m: NotificationMessage): string {
  const name = notificationName(m.code, m.subcode);
  const cause = hardResetCause(m);
  if (cause) return `${name} (${describeNotification(cause)})`;
  const text = shutdownCommunication(m);
  return text === undefined ? name : `${name}: ${JSON.stringify(text)}`;
}
