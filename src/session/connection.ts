// One TCP connection carrying BGP: framing and decoding of what arrives, encoding and bounded
// buffering of what leaves. No protocol decisions here: the peer session reads `onMessage` and
// `onError` and decides (RFC 4271 s6 / RFC 7606) what to do.

import type { Socket } from 'node:net';
import {
  BgpError,
  decodeMessage,
  encodeMessage,
  maxMessageLength,
  MessageFramer,
  type BgpMessage,
  type CodecContext,
} from '../wire/index.js';

export interface ConnectionHandlers {
  /** A decoded message. */
  onMessage(message: BgpMessage, bytes: Uint8Array): void;
  /** A message that could not be decoded (or framed): the NOTIFICATION to send is in the error. */
  onError(error: BgpError): void;
  /** The TCP connection closed (by either side, or failed). */
  onClose(hadError: boolean, error?: Error): void;
  /** The send buffer drained below the low-water mark: more may be sent. */
  onDrain?(): void;
}

export interface ConnectionOptions {
  /** Bytes queued for sending above which `writable` turns false (back-pressure). */
  readonly highWaterMark?: number;
}

export class BgpConnection {
  private readonly framer = new MessageFramer();
  private decodeContext: CodecContext;
  private encodeContext: CodecContext;
  private closed = false;
  private readonly highWaterMark: number;
  /** Once true, the stream is no longer read (after a fatal error): remaining bytes are ignored. */
  private stopped = false;

  constructor(
    readonly socket: Socket,
    context: CodecContext,
    private readonly handlers: ConnectionHandlers,
    options: ConnectionOptions = {},
  ) {
    this.decodeContext = context;
    this.encodeContext = context;
    this.highWaterMark = options.highWaterMark ?? 1 << 20;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.handlers.onDrain?.());
    socket.on('error', () => {
      /* 'close' follows with hadError; the error is reported there */
    });
    socket.on('close', (hadError) => {
      this.closed = true;
      this.handlers.onClose(hadError);
    });
  }

  get remoteAddress(): string {
    return normaliseAddress(this.socket.remoteAddress ?? '');
  }

  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }

  get localAddress(): string {
    return normaliseAddress(this.socket.localAddress ?? '');
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  /** After OPENs are exchanged: contexts for each direction (RFC 6793, RFC 7911, RFC 8654). */
  setContexts(decode: CodecContext, encode: CodecContext): void {
    this.decodeContext = decode;
    this.encodeContext = encode;
    this.framer.setMaxLength(maxMessageLength(decode));
  }

  /** False while more than the high-water mark is queued: stop producing UPDATEs until onDrain. */
  get writable(): boolean {
    return !this.closed && this.socket.writableLength < this.highWaterMark;
  }

  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  send(message: BgpMessage): void {
    if (this.closed) return;
    this.socket.write(encodeMessage(message, this.encodeContext));
  }

  /** Sends raw, already encoded bytes (UPDATEs built in batches). */
  sendBytes(bytes: Uint8Array): void {
    if (this.closed) return;
    this.socket.write(bytes);
  }

  /** Sends `last` (a NOTIFICATION) if given, then closes once it is flushed. */
  close(last?: BgpMessage): void {
    if (this.closed) return;
    this.stopped = true;
    if (last) this.socket.end(encodeMessage(last, this.encodeContext));
    else this.socket.end();
    // A peer that never reads must not keep the connection (and us) forever.
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }

  destroy(): void {
    this.stopped = true;
    this.socket.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private receive(chunk: Uint8Array): void {
    if (this.stopped) return;
    this.framer.push(chunk);
    for (;;) {
      let msg: Uint8Array | null;
      try {
        msg = this.framer.next();
      } catch (e) {
        this.fatal(e);
        return;
      }
      if (!msg) return;
      let message: BgpMessage;
      try {
        message = decodeMessage(msg, this.decodeContext).message;
      } catch (e) {
        this.fatal(e);
        return;
      }
      this.handlers.onMessage(message, msg);
      if (this.stopped) return;
    }
  }

  private fatal(e: unknown): void {
    if (!(e instanceof BgpError)) throw e;
    this.stopped = true;
    this.handlers.onError(e);
  }
}

/** "::ffff:10.0.0.1" (IPv4 on a dual-stack socket) is 10.0.0.1. */
export function normaliseAddress(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
