// The BGP session a replay writes into: a PeerSession (the full RFC 4271 FSM) over a TCP
// connection this module opens (active, the default) or accepts (passive). Owning the socket lets
// the replay see what the peer sends (its KEEPALIVEs, for the round trip before closing) and when
// the peer has closed after our Cease. Writes go through a small batcher; back-pressure comes from
// PeerSession.writable / onWritable.

import { connect, type Socket } from 'node:net';
import pino, { type Logger } from 'pino';
import { buildLocalOpen, type Negotiated, type PeerExpectations } from '../fsm/index.js';
import { systemClock } from '../session/clock.js';
import { BgpListener } from '../session/listener.js';
import { PeerSession, type PeerDownInfo } from '../session/peer.js';
import { describeNotification, MAX_EXTENDED_MESSAGE_LENGTH, MessageFramer, type FamilyKey } from '../wire/index.js';
import { canonicalAddress, ReplayError } from './source.js';

export interface SessionOptions {
  readonly peer: string;
  readonly port: number;
  readonly localAddress?: string;
  readonly passive: boolean;
  readonly listen?: { readonly address?: string; readonly port?: number };
  readonly localAsn: number;
  readonly peerAsn: number;
  readonly routerId: string;
  readonly holdTime: number;
  readonly families: readonly FamilyKey[];
  /** Give up when not Established after this many seconds. */
  readonly connectTimeout: number;
  /** Seconds between connection attempts (active). */
  readonly connectRetry: number;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** Bytes queued in the socket above which we stop writing (back-pressure). */
  readonly highWaterMark?: number;
  /** Told when we start connecting or listening. */
  readonly onWaiting?: (what: { readonly mode: 'connecting' | 'listening'; readonly address: string; readonly port: number }) => void;
}

export interface Received {
  updates: number;
  keepalives: number;
  notifications: number;
  /** ROUTE-REFRESH messages, BoRR / EoRR (RFC 7313) included. */
  routeRefresh: number;
  /** Beginning-of-RIB-Refresh markers: the answer to our ROUTE-REFRESH request. */
  borr: number;
  other: number;
}

export class ReplaySession {
  readonly session: PeerSession;
  readonly received: Received = { updates: 0, keepalives: 0, notifications: 0, routeRefresh: 0, borr: 0, other: 0 };
  private socket: Socket | null = null;
  private listener: BgpListener | null = null;
  private downInfo: PeerDownInfo | null = null;
  private established: Negotiated | null = null;
  /** Woken on Established, session down, drain, a message from the peer, socket close, abort. */
  private wakers: (() => void)[] = [];
  private socketClosed = false;
  private lastFailure = '';

  constructor(private readonly o: SessionOptions) {
    const expectations: PeerExpectations = {
      localAsn: o.localAsn,
      peerAsn: o.peerAsn,
      localRouterId: o.routerId,
      families: o.families,
      holdTime: o.holdTime,
    };
    this.session = new PeerSession({
      // Extended messages (RFC 8654) when the peer has them too: recorded UPDATEs of up to 65535
      // bytes then go as they are.
      // Enhanced route refresh (RFC 7313): a ROUTE-REFRESH request is answered with a BoRR, our
      // proof that the peer has read everything before it (see roundTrip).
      localOpen: buildLocalOpen(expectations, { extendedMessage: true, enhancedRouteRefresh: true }),
      // The FSM never connects by itself: we hand it the connection (acceptSocket).
      transport: { address: o.peer, port: o.port, passive: true },
      expectations,
      fsm: { automaticRestart: false, idleHoldTime: 1 },
      clock: systemClock,
      logger: o.logger ?? pino({ level: 'silent' }),
      ...(o.highWaterMark === undefined ? {} : { highWaterMark: o.highWaterMark }),
      hooks: {
        onEstablished: (_s, n) => {
          this.established = n;
          this.wake();
        },
        onStateChange: (_s, from, to) => {
          if ((from === 'OpenSent' || from === 'OpenConfirm') && to !== 'Established') {
            this.lastFailure = this.session.info || `session failed in ${from}`;
            this.wake();
          }
        },
        onUpdate: () => {
          this.received.updates++;
        },
        onDown: (_s, info) => {
          if (info.wasEstablished) this.downInfo = info;
          else if (info.notification) this.lastFailure = `${info.notification.direction} ${describeNotification(info.notification.message)}`;
          this.wake();
        },
        onWritable: () => this.wake(),
      },
    });
    o.signal?.addEventListener('abort', () => this.wake(), { once: true });
  }

  get negotiated(): Negotiated | null {
    return this.established;
  }

  /** Why the Established session ended, or null while it is up. */
  get down(): string | null {
    if (!this.downInfo) return null;
    const n = this.downInfo.notification;
    return n ? `${n.direction} ${describeNotification(n.message)}` : this.downInfo.reason === 'TcpConnectionFails' ? 'the peer closed the connection' : this.downInfo.reason;
  }

  get aborted(): boolean {
    return this.o.signal?.aborted === true;
  }

  get localAddress(): string {
    return this.session.localAddress;
  }

  private wake(): void {
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }

  /** Resolves on the next wake-up, or after `ms`. */
  wait(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let t: NodeJS.Timeout | undefined;
      const done = () => {
        if (t) clearTimeout(t);
        resolve();
      };
      this.wakers.push(done);
      if (ms !== undefined) t = setTimeout(() => {
        this.wakers = this.wakers.filter((f) => f !== done);
        resolve();
      }, ms);
    });
  }

  /** Connects (or waits for the peer) until the session is Established. */
  async open(): Promise<Negotiated> {
    const deadline = Date.now() + this.o.connectTimeout * 1000;
    let lastAttempt = -Infinity;
    if (this.o.passive) await this.listen();
    for (;;) {
      if (this.established) return this.established;
      if (this.aborted) throw new ReplayError('interrupted before the session was established');
      if (Date.now() > deadline) {
        throw new ReplayError(`no session with ${this.o.peer} within ${this.o.connectTimeout} s${this.lastFailure ? `: ${this.lastFailure}` : ''}`);
      }
      if (this.session.state === 'Idle') {
        // Refused by the peer (a NOTIFICATION about our OPEN): waiting will not change its mind.
        if (/OPEN Message Error/i.test(this.lastFailure)) throw new ReplayError(`${this.o.peer} refused the session: ${this.lastFailure}`);
        this.session.start();
      }
      if (this.o.passive) {
        await this.wait(Math.max(0, Math.min(1000, deadline - Date.now())));
        continue;
      }
      if (this.session.state === 'Active' && !this.socket) {
        // One attempt per connectRetry seconds, also when the last one failed after connecting.
        const next = lastAttempt + this.o.connectRetry * 1000;
        if (Date.now() < next) {
          await this.wait(Math.max(1, Math.min(next, deadline) - Date.now()));
          continue;
        }
        lastAttempt = Date.now();
        try {
          this.adopt(await this.connectOnce(Math.max(1, deadline - Date.now())));
        } catch (e) {
          this.lastFailure = `connect: ${(e as Error).message}`;
          continue;
        }
      }
      await this.wait(Math.max(0, Math.min(1000, deadline - Date.now())));
    }
  }

  private async listen(): Promise<void> {
    const wanted = canonicalAddress(this.o.peer);
    this.listener = new BgpListener((socket, remote) => {
      if (canonicalAddress(remote) !== wanted || this.established || this.session.state !== 'Active') return false;
      this.adopt(socket);
      return true;
    });
    const bound = await this.listener.listen({ address: this.o.listen?.address ?? '::', port: this.o.listen?.port ?? this.o.port });
    this.o.onWaiting?.({ mode: 'listening', address: bound.address, port: bound.port });
  }

  private connectOnce(timeoutMs: number): Promise<Socket> {
    this.o.onWaiting?.({ mode: 'connecting', address: this.o.peer, port: this.o.port });
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.o.peer, port: this.o.port, noDelay: true, ...(this.o.localAddress ? { localAddress: this.o.localAddress } : {}) });
      const onAbort = () => fail(new Error('interrupted'));
      const fail = (e: Error) => {
        this.o.signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(e);
      };
      this.o.signal?.addEventListener('abort', onAbort, { once: true });
      socket.setTimeout(Math.min(timeoutMs, 30_000), () => fail(new Error('timed out')));
      socket.once('error', fail);
      socket.once('connect', () => {
        this.o.signal?.removeEventListener('abort', onAbort);
        socket.setTimeout(0);
        socket.off('error', fail);
        resolve(socket);
      });
    });
  }

  /** Hands a connected socket to the FSM, and watches what the peer sends on it. */
  private adopt(socket: Socket): void {
    this.socket = socket;
    this.socketClosed = false;
    const framer = new MessageFramer({ maxLength: MAX_EXTENDED_MESSAGE_LENGTH });
    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk);
      try {
        for (let m = framer.next(); m; m = framer.next()) {
          const type = m[18];
          if (type === 4) this.received.keepalives++;
          else if (type === 3) this.received.notifications++;
          else if (type === 5) {
            this.received.routeRefresh++;
            if (m.length >= 23 && m[21] === 1) this.received.borr++;
          } else if (type !== 2) this.received.other++;
        }
      } catch {
        // The session's own framer reports it; we only count.
      }
      this.wake();
    });
    socket.on('close', () => {
      if (this.socket === socket) {
        this.socket = null;
        this.socketClosed = true;
      }
      this.wake();
    });
    this.session.acceptSocket(socket);
  }

  /** Messages the peer sent (UPDATEs counted by the FSM, the rest by us). */
  get receivedTotal(): number {
    const r = this.received;
    return r.updates + r.keepalives + r.notifications + r.routeRefresh + r.other;
  }

  get writable(): boolean {
    return this.session.writable;
  }

  get queuedBytes(): number {
    return this.session.queuedBytes;
  }

  /** Waits until the socket takes more, the session ends, or the replay is interrupted. */
  async waitWritable(): Promise<void> {
    while (!this.session.writable && !this.downInfo && !this.aborted && this.session.state === 'Established') await this.wait(50);
  }

  /** Waits until every byte we wrote has been handed to the kernel. */
  async drain(): Promise<void> {
    while (this.session.queuedBytes > 0 && !this.downInfo && !this.aborted && this.session.state === 'Established') await this.wait(5);
  }

  /**
   * Waits until the peer has read what we sent, as far as BGP lets us know. With enhanced route
   * refresh (RFC 7313) negotiated, a ROUTE-REFRESH request is answered with a BoRR, which the peer
   * can only send after reading everything before the request: 'refresh'. Otherwise we send a
   * KEEPALIVE and wait for the next message from the peer, at most a keepalive interval and a
   * margin: 'keepalive', or 'none' when nothing came.
   */
  async roundTrip(refreshTimeoutMs = 600_000): Promise<'refresh' | 'keepalive' | 'none'> {
    const n = this.established;
    if (!n || this.session.state !== 'Established') return 'none';
    const going = () => !this.downInfo && !this.aborted && this.session.state === 'Established';
    if (n.enhancedRouteRefresh && n.families.size > 0) {
      const f = [...n.families][0]!;
      const seen = this.received.borr;
      this.session.send({ type: 'route-refresh', afi: f >> 8, subtype: 0, safi: f & 255, data: new Uint8Array(0) });
      const deadline = Date.now() + refreshTimeoutMs;
      while (this.received.borr === seen && going() && Date.now() < deadline) await this.wait(Math.max(1, Math.min(60_000, deadline - Date.now())));
      if (this.received.borr > seen) return 'refresh';
    }
    const seen = this.receivedTotal;
    this.session.send({ type: 'keepalive' });
    const deadline = Date.now() + (n.keepaliveTime > 0 ? n.keepaliveTime * 1000 + 2000 : 1000);
    while (this.receivedTotal === seen && going() && Date.now() < deadline) await this.wait(Math.max(1, deadline - Date.now()));
    return this.receivedTotal > seen ? 'keepalive' : 'none';
  }

  /** Holds the session for `seconds` (forever when undefined), until interrupted or down. */
  async hold(seconds?: number): Promise<void> {
    const deadline = seconds === undefined ? Infinity : Date.now() + seconds * 1000;
    while (!this.downInfo && !this.aborted && Date.now() < deadline && this.session.state === 'Established') {
      await this.wait(Number.isFinite(deadline) ? Math.max(1, deadline - Date.now()) : 60_000);
    }
  }

  /**
   * Cease / Administrative Shutdown with a shutdown communication (RFC 9003), then waits (briefly)
   * for the peer to close: it reads the NOTIFICATION only after everything we sent before it.
   */
  async close(communication: string): Promise<void> {
    if (this.session.state !== 'Idle') this.session.stop(communication);
    const deadline = Date.now() + 5000;
    while (this.socket && !this.socketClosed && Date.now() < deadline) await this.wait(Math.max(1, deadline - Date.now()));
    this.session.destroy();
    await this.listener?.close();
    this.listener = null;
  }

  /** Tears everything down at once (errors). */
  async destroy(): Promise<void> {
    this.session.destroy();
    this.socket?.destroy();
    await this.listener?.close();
    this.listener = null;
  }

  /** Writes bytes on the session (dropped unless Established). */
  sendBytes(bytes: Uint8Array): void {
    this.session.sendBytes(bytes);
  }
}
