// Framing of a TCP byte stream into BGP messages (RFC 4271 s4.1, s6.1). Framing is separate from
// decoding: the framer checks only what it needs to find message boundaries (marker, length) and
// hands out whole messages, header included.

import { HEADER_LENGTH, MARKER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH } from './constants.js';
import { BgpError, ErrorCode, HeaderSubcode } from './errors.js';

/**
 * Checks the fixed header at b[o..o+19). Returns the message length, or throws the RFC 4271 s6.1
 * NOTIFICATION: Connection Not Synchronized for a bad marker, Bad Message Length (data: the
 * erroneous length field) for a length outside 19..max.
 */
export function checkHeader(b: Uint8Array, o: number, maxLength: number): number {
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (b[o + i] !== 0xff) {
      throw new BgpError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED, 'marker is not all ones', {
        offset: o + i,
      });
    }
  }
  const length = (b[o + 16]! << 8) | b[o + 17]!;
  if (length < HEADER_LENGTH || length > maxLength) {
    throw new BgpError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, `length ${length} outside ${HEADER_LENGTH}..${maxLength}`, {
      data: b.slice(o + 16, o + 18),
      offset: o + 16,
    });
  }
  return length;
}

export interface FramerOptions {
  /** Largest message accepted: 4096, or 65535 once extended messages are negotiated (RFC 8654). */
  readonly maxLength?: number;
}

/**
 * Incremental framer: push() arbitrary chunks, next() returns whole messages until it needs more
 * bytes. A chunk may hold many messages or a fraction of one. Memory held is at most one partial
 * message plus the unread part of the last chunk.
 */
export class MessageFramer {
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;
  /** buf is our own copy (so bytes may be appended to it), not a chunk the caller passed in. */
  private owned = false;
  private maxLength: number;

  constructor(options: FramerOptions = {}) {
    this.maxLength = options.maxLength ?? MAX_MESSAGE_LENGTH;
  }

  /** Call after the extended message capability is negotiated (or reverted). */
  setMaxLength(maxLength: number): void {
    this.maxLength = Math.min(Math.max(maxLength, HEADER_LENGTH), MAX_EXTENDED_MESSAGE_LENGTH);
  }

  /** Bytes received and not yet returned as messages. */
  get buffered(): number {
    return this.end - this.start;
  }

  /**
   * Appends a chunk. Chunk-aligned messages are never copied; a message split over chunks is
   * gathered in a buffer that grows by doubling, so each byte is copied a bounded number of times.
   * Views returned by next() stay valid: bytes are only ever appended past them.
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const rest = this.end - this.start;
    if (rest === 0) {
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    if (this.owned && this.end + chunk.length <= this.buf.length) {
      this.buf.set(chunk, this.end);
      this.end += chunk.length;
      return;
    }
    const joined = new Uint8Array(Math.max(2 * (rest + chunk.length), 4096));
    joined.set(this.buf.subarray(this.start, this.end));
    joined.set(chunk, rest);
    this.buf = joined;
    this.start = 0;
    this.end = rest + chunk.length;
    this.owned = true;
  }

  /**
   * The next whole message (a view into the buffered bytes), or null when more bytes are needed.
   * Throws BgpError on a bad header; the bytes stay buffered, so a reader of captures can call
   * resync() and go on.
   */
  next(): Uint8Array | null {
    const avail = this.end - this.start;
    if (avail < HEADER_LENGTH) {
      // A marker that is already wrong does not get better with more bytes.
      for (let i = 0; i < Math.min(avail, MARKER_LENGTH); i++) {
        if (this.buf[this.start + i] !== 0xff) checkHeader(this.buf, this.start, this.maxLength);
      }
      return null;
    }
    const length = checkHeader(this.buf, this.start, this.maxLength);
    if (avail < length) return null;
    const msg = this.buf.subarray(this.start, this.start + length);
    this.start += length;
    return msg;
  }

  /**
   * After a header error: drop bytes up to the next plausible header (16 x 0xff then a sane
   * length) and return how many were dropped. For captures with gaps, never for live sessions
   * (RFC 4271 requires closing the connection there).
   */
  resync(): number {
    const b = this.buf;
    const end = this.end;
    const from = this.start;
    let i = this.start + 1;
    for (; i + HEADER_LENGTH <= end; i++) {
      let ok = true;
      for (let k = 0; k < MARKER_LENGTH; k++) {
        if (b[i + k] !== 0xff) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      // Runs of 0xff longer than a marker: the header starts at the last 16 of them.
      while (i + HEADER_LENGTH < end && b[i + MARKER_LENGTH] === 0xff) i++;
      const length = (b[i + 16]! << 8) | b[i + 17]!;
      if (length >= HEADER_LENGTH && length <= this.maxLength) break;
    }
    if (i + HEADER_LENGTH > end) {
      // Keep a possible partial marker at the end.
      i = Math.max(this.start + 1, end - (HEADER_LENGTH - 1));
    }
    this.start = Math.min(i, end);
    return this.start - from;
  }

  /** Forget everything buffered (after a gap in a capture, or when a session restarts). */
  reset(): void {
    this.buf = new Uint8Array(0);
    this.start = 0;
    this.end = 0;
    this.owned = false;
  }
}
