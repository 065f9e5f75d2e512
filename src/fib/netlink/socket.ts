// One NETLINK_ROUTE socket over the shim: transactions (send requests, read replies until the
// caller has what it waits for) one at a time in call order, and multicast listening.
//
// Never hangs: a transaction that hears nothing for `timeoutMs` ends incomplete and its caller
// reports the unanswered requests as EIO. If the shim itself does not come back (a send stuck
// behind the kernel's rtnl lock), the socket is abandoned: it takes no more transactions, and its
// descriptor is closed only once the pool thread has let go of it, so that the number cannot be
// reused under a send in flight.

import { NetlinkError } from './errors.js';
import { readMessages, type NetlinkMessage } from './message.js';
import type { NetlinkShim, Received, ShimSocket } from './shim.js';

export interface NetlinkSocketOptions {
  /** Open the socket in this named network namespace (/var/run/netns/NAME). */
  readonly netns?: string;
  /** Multicast groups (RTNLGRP_*) for a listening socket. */
  readonly groups?: readonly number[];
  /** SO_RCVBUF / SO_SNDBUF; 8 MiB by default. */
  readonly bufferBytes?: number;
  /** Silence after which a transaction gives up; 5000 ms by default. */
  readonly timeoutMs?: number;
}

export interface TransactionResult {
  /** The handler saw what it waited for. */
  readonly complete: boolean;
  /** The kernel dropped replies (ENOBUFS) or a datagram was too large: some answers are missing. */
  readonly overrun: boolean;
  /** Why the transaction ended before it was complete. */
  readonly failure: string | null;
}

const DEFAULT_BUFFER = 8 << 20;
const DEFAULT_TIMEOUT_MS = 5000;
/** Bytes of replies taken per exchange with the shim; the rest waits for the next one. */
const EXCHANGE_BYTES = 4 << 20;
/** Longest single wait on the pool thread, so that a wait never holds it for long. */
const POLL_SLICE_MS = 250;

export class NetlinkSocket {
  readonly info: ShimSocket;
  readonly timeoutMs: number;
  private fd: number | null;
  private seq: number;
  private queue: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  private state: 'open' | 'abandoned' | 'closed' = 'open';
  private watchHandle: unknown = null;

  private constructor(
    private readonly shim: NetlinkShim,
    options: NetlinkSocketOptions,
  ) {
    this.info = shim.open({
      ...(options.netns !== undefined ? { netns: options.netns } : {}),
      groups: options.groups ?? [],
      extAck: true,
      capAck: true,
      strictCheck: true,
      bufferBytes: options.bufferBytes ?? DEFAULT_BUFFER,
    });
    this.fd = this.info.fd;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // A random start, so that replies meant for an earlier socket's requests are not mistaken.
    this.seq = 1 + Math.floor(Math.random() * 0x7fffffff);
  }

  /** Opens the socket; throws the shim's error (code: 'ENOENT' for a missing netns, 'EPERM'...). */
  static open(shim: NetlinkShim, options: NetlinkSocketOptions = {}): NetlinkSocket {
    return new NetlinkSocket(shim, options);
  }

  /** False once the socket was abandoned or closed: open a new one. */
  get usable(): boolean {
    return this.state === 'open';
  }

  /** The next sequence number (u32, never 0). */
  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  /**
   * Sends `request` (whole messages; null to only listen) and feeds every reply to `onMessage`
   * until it returns true. Transactions run one after another in call order.
   */
  transact(request: Uint8Array | null, onMessage: (m: NetlinkMessage) => boolean, timeoutMs = this.timeoutMs): Promise<TransactionResult> {
    const run = this.queue.then(() => this.run(request, onMessage, timeoutMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(request: Uint8Array | null, onMessage: (m: NetlinkMessage) => boolean, timeoutMs: number): Promise<TransactionResult> {
    if (this.state !== 'open') return { complete: false, overrun: false, failure: `netlink socket ${this.state}` };
    let overrun = false;
    let done = false;
    let first = true;
    let quietUntil = Date.now() + timeoutMs;
    while (!done) {
      // After an overrun nothing is worth waiting for: what was not dropped is queued already.
      const wait = first || overrun ? 0 : Math.max(0, Math.min(POLL_SLICE_MS, quietUntil - Date.now()));
      let r: Received;
      try {
        r = await this.exchange(first ? request : null, wait, timeoutMs);
      } catch (err) {
        return { complete: false, overrun, failure: (err as Error).message };
      }
      first = false;
      if (r.overrun || r.truncated > 0) overrun = true;
      if (r.data.length > 0) {
        quietUntil = Date.now() + timeoutMs;
        try {
          readMessages(r.data, (m) => {
            if (!done && onMessage(m)) done = true;
          });
        } catch (err) {
          if (!(err instanceof NetlinkError)) throw err;
          return { complete: false, overrun, failure: err.message };
        }
      } else if (overrun) {
        // The kernel answers a batch inside sendmsg(): when nothing is queued, nothing more comes.
        return { complete: false, overrun, failure: 'the kernel dropped replies (ENOBUFS: receive buffer full)' };
      } else if (Date.now() >= quietUntil) {
        return { complete: false, overrun, failure: `no answer from the kernel within ${timeoutMs} ms` };
      }
    }
    return { complete: true, overrun, failure: null };
  }

  private exchange(data: Uint8Array | null, waitMs: number, timeoutMs: number): Promise<Received> {
    const fd = this.fd;
    if (fd === null) return Promise.reject(new Error(`netlink socket ${this.state}`));
    return new Promise((resolve, reject) => {
      let settled = false;
      this.inFlight++;
      const timer = setTimeout(() => {
        settled = true;
        this.abandon();
        reject(new Error(`the kernel did not take the requests within ${waitMs + timeoutMs} ms (socket abandoned)`));
      }, waitMs + timeoutMs);
      this.shim.exchange(fd, data, waitMs, EXCHANGE_BYTES, (err, received) => {
        this.inFlight--;
        clearTimeout(timer);
        this.releaseIfIdle();
        if (settled) return;
        settled = true;
        if (err || !received) reject(err ?? new Error('netlink exchange returned nothing'));
        else resolve(received);
      });
    });
  }

  /**
   * Calls `onMessage` for everything the socket receives (multicast notifications), read as soon
   * as it is readable. `onTrouble` hears of lost messages (ENOBUFS) and undecodable ones.
   */
  listen(onMessage: (m: NetlinkMessage) => void, onTrouble: (what: { readonly overrun: boolean; readonly error?: Error }) => void, ref = true): void {
    const fd = this.fd;
    if (fd === null || this.watchHandle !== null) throw new Error('netlink socket closed or already listening');
    this.watchHandle = this.shim.watch(
      fd,
      (error) => {
        if (error !== null) return onTrouble({ overrun: false, error: new Error(`netlink poll: ${error}`) });
        if (this.fd === null) return undefined;
        let r: Received;
        try {
          r = this.shim.receive(this.fd, EXCHANGE_BYTES);
        } catch (err) {
          return onTrouble({ overrun: false, error: err as Error });
        }
        if (r.overrun || r.truncated > 0) onTrouble({ overrun: true });
        try {
          readMessages(r.data, onMessage);
        } catch (err) {
          if (!(err instanceof NetlinkError)) throw err;
          onTrouble({ overrun: false, error: err });
        }
        return undefined;
      },
      ref,
    );
  }

  /** Waits for the transactions already asked for, then closes. */
  async close(): Promise<void> {
    await this.queue;
    this.stopListening();
    if (this.state === 'open') this.state = 'closed';
    this.releaseIfIdle();
  }

  private stopListening(): void {
    if (this.watchHandle === null) return;
    this.shim.unwatch(this.watchHandle);
    this.watchHandle = null;
  }

  private abandon(): void {
    this.stopListening();
    this.state = 'abandoned';
  }

  /** Closes the descriptor once it is no longer wanted and no pool thread holds it. */
  private releaseIfIdle(): void {
    if (this.state === 'open' || this.inFlight > 0 || this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    this.shim.close(fd);
  }
}
