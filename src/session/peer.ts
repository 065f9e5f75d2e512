// One BGP peer: drives the pure FSM (src/fsm) with events from TCP, timers and messages, and
// carries out the actions it returns. Owns at most one established connection, plus, during a
// connection collision (RFC 4271 s6.8), an incoming connection held until its OPEN shows which
// of the two to keep.

import { connect, type Socket } from 'node:net';
import type { Logger } from 'pino';
import {
  buildLocalOpen,
  errorEvent,
  initialFsm,
  messageEvent,
  resolveCollision,
  step,
  type FsmAction,
  type FsmConfig,
  type FsmData,
  type FsmEvent,
  type Negotiated,
  type PeerExpectations,
  type State,
  type TimerName,
} from '../fsm/index.js';
import {
  AttributeCache,
  type BgpError,
  ceaseNotification,
  CeaseSubcode,
  describeNotification,
  makeContext,
  type BgpMessage,
  type NotificationMessage,
  type OpenMessage,
  type RouteRefreshMessage,
  type UpdateMessage,
} from '../wire/index.js';
import type { Clock, TimerHandle } from './clock.js';
import { BgpConnection } from './connection.js';
import { preparedSocket, setTtl } from './sockopt.js';

export interface PeerTransport {
  /** Remote address and port to connect to (port 179 by default). */
  readonly address: string;
  readonly port?: number;
  /** Local address (and port) to connect from. */
  readonly localAddress?: string;
  readonly localPort?: number;
  /** Never connect; wait for the peer (RFC 4271 s8.1.1 PassiveTcpEstablishment). */
  readonly passive?: boolean;
  /** Seconds to wait for a TCP connection before ConnectRetry handling takes over. */
  readonly connectTimeout?: number;
  /** TTL of what we send (eBGP multihop); the system default when absent. Needs the native shim. */
  readonly ttl?: number;
  /**
   * TCP-MD5 key (RFC 2385) for our own connections; needs the native shim. Incoming connections
   * get it from the listener (BgpListener.setPeerKey), which the owner of the listener sets.
   */
  readonly md5Key?: string;
}

export interface PeerDownInfo {
  readonly reason: string;
  readonly wasEstablished: boolean;
  readonly notification?: { readonly direction: 'sent' | 'received'; readonly message: NotificationMessage };
}

/** What the speaker is told about a peer. All calls are synchronous, from the event loop. */
export interface PeerHooks {
  onStateChange?(peer: PeerSession, from: State, to: State): void;
  onEstablished(peer: PeerSession, negotiated: Negotiated): void;
  onUpdate(peer: PeerSession, update: UpdateMessage): void;
  onRouteRefresh?(peer: PeerSession, refresh: RouteRefreshMessage): void;
  onDown(peer: PeerSession, info: PeerDownInfo): void;
  /** The send buffer drained: the speaker may send more UPDATEs. */
  onWritable?(peer: PeerSession): void;
}

export interface PeerSessionOptions {
  readonly transport: PeerTransport;
  readonly expectations: PeerExpectations;
  readonly fsm?: Omit<FsmConfig, 'localOpen' | 'expectations' | 'passive'>;
  /** The OPEN we send; by default built from the expectations. */
  readonly localOpen?: OpenMessage;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hooks: PeerHooks;
  /** Bytes queued for sending above which the peer is not writable (back-pressure). */
  readonly highWaterMark?: number;
}

/** An incoming connection held during a collision until its OPEN arrives. */
interface HeldConnection {
  readonly connection: BgpConnection;
  open?: OpenMessage;
  readonly buffered: BgpMessage[];
}

export class PeerSession {
  private fsm: FsmData;
  private readonly config: FsmConfig;
  private readonly timers = new Map<TimerName, { handle: TimerHandle; deadline: number }>();
  private connection: BgpConnection | null = null;
  /** A connection we initiated and that is not established yet. */
  private connecting: Socket | null = null;
  /** An incoming connection waiting for the FSM's acceptConnection. */
  private incoming: BgpConnection | null = null;
  private held: HeldConnection | null = null;
  private listening = false;
  private lastEvent = '';
  private lastError = '';
  private stateSince: number;
  private processing = false;
  private readonly queue: FsmEvent[] = [];

  constructor(private readonly options: PeerSessionOptions) {
    const localOpen = options.localOpen ?? buildLocalOpen(options.expectations);
    this.config = {
      ...options.fsm,
      localOpen,
      expectations: options.expectations,
      passive: options.transport.passive ?? false,
    };
    this.fsm = initialFsm(this.config);
    this.stateSince = options.clock.now();
  }

  get state(): State {
    return this.fsm.state;
  }

  get address(): string {
    return this.options.transport.address;
  }

  get negotiated(): Negotiated | undefined {
    return this.fsm.negotiated;
  }

  /** Milliseconds (clock time) of the last state change. */
  get since(): number {
    return this.stateSince;
  }

  /** The last thing that went wrong, for `wren status`'s Info column. */
  get info(): string {
    return this.lastError;
  }

  get writable(): boolean {
    return this.fsm.state === 'Established' && this.connection !== null && this.connection.writable;
  }

  get queuedBytes(): number {
    return this.connection?.queuedBytes ?? 0;
  }

  /** Our address on the current connection ('' without one): our next hop towards this peer. */
  get localAddress(): string {
    return this.connection?.localAddress ?? '';
  }

  start(): void {
    this.dispatch({ type: this.config.passive ? 'ManualStart_with_PassiveTcpEstablishment' : 'ManualStart', now: this.now() });
  }

  /**
   * ManualStop: Cease / Administrative Shutdown with an optional RFC 9003 communication. When the
   * session negotiated the N bit of graceful restart (RFC 8538), the Cease goes inside a Hard
   * Reset: a stop is not a restart, and the peer must not keep our routes.
   */
  stop(communication?: string): void {
    const hardReset = this.fsm.negotiated?.gracefulRestart?.notification === true;
    this.dispatch({ type: 'ManualStop', now: this.now(), ...(communication === undefined ? {} : { communication }), ...(hardReset ? { hardReset } : {}) });
  }

  /** AutomaticStop with a Cease subcode, e.g. Maximum Number of Prefixes Reached (RFC 4486). */
  cease(subcode: number, data?: Uint8Array): void {
    this.dispatch({ type: 'AutomaticStop', now: this.now(), subcode, ...(data ? { data } : {}) });
  }

  /** Sends an UPDATE (or any message) on the established session. */
  send(message: BgpMessage): void {
    if (this.fsm.state !== 'Established' || !this.connection) return;
    this.connection.send(message);
    if (message.type === 'update') this.restartKeepalive();
  }

  /** Sends encoded UPDATEs. */
  sendBytes(bytes: Uint8Array): void {
    if (this.fsm.state !== 'Established' || !this.connection) return;
    this.connection.sendBytes(bytes);
    this.restartKeepalive();
  }

  /** RFC 4271 s10: each KEEPALIVE or UPDATE sent restarts the KeepaliveTimer (the FSM sees neither). */
  private restartKeepalive(): void {
    const t = this.fsm.negotiated?.keepaliveTime ?? 0;
    if (t > 0 && this.timers.has('keepalive')) this.perform({ type: 'startTimer', timer: 'keepalive', seconds: t });
  }

  /**
   * The listener hands us a connection from our peer's address. RFC 4271 s8.2.1.1 / s6.8 decide:
   * taken as the session's connection, held for collision detection, or refused.
   */
  acceptSocket(socket: Socket): void {
    const ttl = this.options.transport.ttl;
    if (ttl !== undefined) {
      try {
        setTtl(socket, this.options.transport.address, ttl);
      } catch (err) {
        this.options.logger.warn({ err: (err as Error).message }, 'could not set the TTL of an incoming connection');
      }
    }
    const conn = this.newConnection(socket, 'incoming');
    const s = this.fsm.state;
    if (s === 'Idle' || !this.listening) {
      conn.destroy();
      return;
    }
    if ((s === 'Connect' || s === 'Active') && !this.connecting) {
      // No connection of ours in flight: take this one. The kernel has completed the handshake
      // already: TcpConnectionConfirmed (Event 17).
      this.connection = conn;
      this.dispatch({ type: 'TcpConnectionConfirmed', now: this.now() });
      return;
    }
    if (s === 'Established' && !this.config.collisionDetectEstablishedState) {
      // s6.8: with an established session, a new connection is refused.
      conn.close(ceaseNotification(CeaseSubcode.CONNECTION_REJECTED));
      return;
    }
    // Our own attempt is in flight, or OPENs are being exchanged on it: hold this connection
    // until its OPEN names the peer's BGP Identifier (s6.8). Both sides send their OPEN as soon
    // as a connection is up (without DelayOpen), so the peer sends its OPEN on this one too.
    if (this.held) this.held.connection.destroy();
    this.held = { connection: conn, buffered: [] };
    conn.send(this.config.localOpen);
  }

  private newConnection(socket: Socket, role: 'incoming' | 'outgoing'): BgpConnection {
    const conn: BgpConnection = new BgpConnection(
      socket,
      makeContext({ asn4: true }),
      {
        onMessage: (m) => this.onMessage(conn, m),
        onError: (e) => this.onConnError(conn, e),
        onClose: () => this.onConnClose(conn),
        onDrain: () => {
          if (conn === this.connection) this.options.hooks.onWritable?.(this);
        },
      },
      this.options.highWaterMark === undefined ? {} : { highWaterMark: this.options.highWaterMark },
    );
    this.options.logger.debug({ role, remote: `${conn.remoteAddress}:${conn.remotePort}` }, 'connection');
    return conn;
  }

  private onMessage(conn: BgpConnection, m: BgpMessage): void {
    if (this.held && conn === this.held.connection) {
      this.onHeldMessage(m);
      return;
    }
    if (conn !== this.connection) return;
    this.dispatch(messageEvent(m, this.now()));
  }

  private onConnError(conn: BgpConnection, e: BgpError): void {
    if (this.held && conn === this.held.connection) {
      conn.close({ type: 'notification', code: e.code, subcode: e.subcode, data: e.data });
      this.held = null;
      return;
    }
    if (conn !== this.connection) return;
    this.lastError = e.message;
    this.dispatch(errorEvent(e, this.now()));
  }

  private onConnClose(conn: BgpConnection): void {
    if (this.held && conn === this.held.connection) {
      this.held = null;
      return;
    }
    if (conn === this.incoming) this.incoming = null;
    if (conn !== this.connection) return;
    this.connection = null;
    this.dispatch({ type: 'TcpConnectionFails', now: this.now() });
  }

  /** RFC 4271 s6.8: the held connection's OPEN names its BGP Identifier; keep one connection. */
  private onHeldMessage(m: BgpMessage): void {
    const held = this.held!;
    if (held.open) {
      held.buffered.push(m);
      return;
    }
    if (m.type !== 'open') {
      held.connection.close();
      this.held = null;
      return;
    }
    held.open = m;
    // While our own connection attempt is undecided, wait for it (openConnection resolves then).
    if (!this.connecting) this.resolveHeld();
  }

  /** RFC 4271 s6.8, once both connections are known: keep one, close the other with Cease/7. */
  private resolveHeld(): void {
    const held = this.held;
    if (!held?.open) return;
    const s = this.fsm.state;
    const keep =
      s === 'OpenSent' || s === 'OpenConfirm' || s === 'Established'
        ? resolveCollision(this.options.expectations.localRouterId, held.open.bgpId, {
            existing: s,
            existingInitiatedLocally: this.initiatedLocally,
            localAsn: this.options.expectations.localAsn,
            remoteAsn: held.open.myAsn,
            ...(this.config.collisionDetectEstablishedState ? { collisionDetectEstablishedState: true } : {}),
          })
        : 'keep-new';
    if (keep === 'keep-existing') {
      held.connection.close(ceaseNotification(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION));
      this.held = null;
      return;
    }
    this.adopt(held);
  }

  /** Runs the FSM on a held connection (whose OPEN we sent already), dumping the current one. */
  private adopt(held: HeldConnection): void {
    this.held = null;
    if (this.fsm.state !== 'Idle' && this.fsm.state !== 'Connect' && this.fsm.state !== 'Active') {
      // Dump ours: Cease / Connection Collision Resolution, then start over on the held one.
      this.dispatch({ type: 'OpenCollisionDump', now: this.now() });
      this.clearTimers();
      this.fsm = initialFsm(this.config);
      this.listening = true;
      this.dispatch({ type: 'AutomaticStart_with_PassiveTcpEstablishment', now: this.now() });
    }
    this.abandonConnect();
    this.connection = held.connection;
    this.initiatedLocally = false;
    this.adopting = held;
    this.dispatch({ type: 'TcpConnectionConfirmed', now: this.now() });
  }

  /** The session's connection was initiated by us (for collision resolution). */
  private initiatedLocally = false;

  /** A held connection being adopted: its OPEN (already received) is replayed after ours is "sent". */
  private adopting: HeldConnection | null = null;

  private dispatch(event: FsmEvent): void {
    this.queue.push(event);
    if (this.processing) return;
    this.processing = true;
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) this.apply(e);
    } finally {
      this.processing = false;
    }
  }

  private apply(event: FsmEvent): void {
    const before = this.fsm.state;
    const { fsm, actions } = step(this.fsm, event, this.config);
    this.fsm = fsm;
    this.lastEvent = event.type;
    if (fsm.state !== before) {
      this.stateSince = this.now();
      this.options.logger.info({ from: before, to: fsm.state, event: event.type }, 'state');
      this.options.hooks.onStateChange?.(this, before, fsm.state);
    }
    for (const a of actions) this.perform(a);
  }

  private perform(a: FsmAction): void {
    switch (a.type) {
      case 'startTimer': {
        // The hold and keepalive timers restart on nearly every message: moving the deadline of
        // a running timer is cheaper than a new system timer each time (a full table is ~100k
        // UPDATEs). The timer re-arms itself for the remaining time when it fires early.
        const deadline = this.now() + a.seconds * 1000;
        const running = this.timers.get(a.timer);
        if (running && running.deadline <= deadline) {
          running.deadline = deadline;
          return;
        }
        running?.handle.cancel();
        this.armTimer(a.timer, deadline);
        return;
      }
      case 'stopTimer':
        this.timers.get(a.timer)?.handle.cancel();
        this.timers.delete(a.timer);
        return;
      case 'connect':
        this.openConnection();
        return;
      case 'listen':
        this.listening = true;
        return;
      case 'acceptConnection':
        if (this.incoming) {
          this.connection = this.incoming;
          this.incoming = null;
        }
        return;
      case 'rejectConnection':
        this.incoming?.destroy();
        this.incoming = null;
        return;
      case 'dropConnection':
        this.abandonConnect();
        this.connection?.close();
        this.connection = null;
        return;
      case 'sendOpen': {
        const adopting = this.adopting;
        if (adopting) {
          // Our OPEN already went out on this connection when it was held; deliver what came.
          this.adopting = null;
          if (adopting.open) this.dispatch({ type: 'BGPOpen', open: adopting.open, now: this.now() });
          for (const m of adopting.buffered) this.dispatch(messageEvent(m, this.now()));
          return;
        }
        this.connection?.send(a.open);
        return;
      }
      case 'sendKeepalive':
        this.connection?.send({ type: 'keepalive' });
        return;
      case 'sendNotification':
        this.lastError = `sent ${describeNotification(a.notification)}`;
        this.options.logger.warn({ notification: describeNotification(a.notification) }, 'NOTIFICATION sent');
        this.connection?.close(a.notification);
        return;
      case 'established':
        // Identical attributes in the peer's UPDATEs decode to one shared object: the RIB then
        // holds one copy of each (a full table repeats NEXT_HOP, ORIGIN, LOCAL_PREF... endlessly).
        this.connection?.setContexts({ ...a.negotiated.codecIn, attributeCache: new AttributeCache() }, a.negotiated.codecOut);
        this.lastError = '';
        this.options.hooks.onEstablished(this, a.negotiated);
        return;
      case 'processUpdate':
        this.options.hooks.onUpdate(this, a.update);
        return;
      case 'processRouteRefresh':
        this.options.hooks.onRouteRefresh?.(this, a.refresh);
        return;
      case 'releaseResources':
        this.listening = false;
        this.clearTimers();
        return;
      case 'sessionDown':
        if (a.notification) {
          const text = describeNotification(a.notification.message);
          this.lastError = `${a.notification.direction} ${text}`;
          if (a.notification.direction === 'received') this.options.logger.warn({ notification: text }, 'NOTIFICATION received');
        }
        this.options.hooks.onDown(this, {
          reason: a.reason,
          wasEstablished: a.wasEstablished,
          ...(a.notification ? { notification: a.notification } : {}),
        });
        return;
    }
  }

  private openConnection(): void {
    const t = this.options.transport;
    if (this.connecting) return;
    const target = {
      host: t.address,
      port: t.port ?? 179,
      ...(t.localAddress ? { localAddress: t.localAddress } : {}),
      ...(t.localPort ? { localPort: t.localPort } : {}),
      noDelay: true,
    };
    let socket: Socket;
    if (t.ttl === undefined && !t.md5Key) {
      socket = connect(target);
    } else {
      // TTL and MD5 key go on the socket before its SYN (src/session/sockopt.ts).
      try {
        socket = preparedSocket({ peer: t.address, ...(t.ttl !== undefined ? { ttl: t.ttl } : {}), ...(t.md5Key ? { md5Key: t.md5Key } : {}) });
      } catch (err) {
        this.lastError = `connect: ${(err as Error).message}`;
        // Queued behind the event being handled (dispatch does not re-enter).
        this.dispatch({ type: 'TcpConnectionFails', now: this.now() });
        return;
      }
      socket.connect(target);
    }
    this.connecting = socket;
    const fail = (err?: Error) => {
      if (this.connecting !== socket) return;
      this.connecting = null;
      socket.destroy();
      if (this.held) {
        // The peer reached us while our attempt failed: use its connection.
        this.adopt(this.held);
        return;
      }
      this.lastError = err ? `connect: ${err.message}` : 'connect: timed out';
      this.dispatch({ type: 'TcpConnectionFails', now: this.now() });
    };
    socket.setTimeout((t.connectTimeout ?? 30) * 1000, () => fail());
    socket.once('error', fail);
    socket.once('connect', () => {
      if (this.connecting !== socket) return;
      this.connecting = null;
      socket.setTimeout(0);
      socket.off('error', fail);
      this.connection = this.newConnection(socket, 'outgoing');
      this.initiatedLocally = true;
      this.dispatch({ type: 'Tcp_CR_Acked', now: this.now() });
      // A connection from the peer that arrived meanwhile can be decided now.
      this.resolveHeld();
    });
  }

  private abandonConnect(): void {
    if (!this.connecting) return;
    const s = this.connecting;
    this.connecting = null;
    s.destroy();
  }

  private clearTimers(): void {
    for (const t of this.timers.values()) t.handle.cancel();
    this.timers.clear();
  }

  private armTimer(timer: TimerName, deadline: number): void {
    const entry = { deadline, handle: null as unknown as TimerHandle };
    entry.handle = this.options.clock.setTimer(Math.max(0, deadline - this.now()), () => {
      if (this.timers.get(timer) !== entry) return;
      // Fired before a deadline that moved: wait the rest. A remainder under a millisecond is
      // rounding (timers have millisecond resolution; time + (deadline - time) need not equal
      // deadline in floating point), and re-arming for it could spin forever.
      if (entry.deadline - this.now() >= 1) {
        this.armTimer(timer, entry.deadline);
        return;
      }
      this.timers.delete(timer);
      this.dispatch({ type: TIMER_EVENTS[timer], now: this.now() } as FsmEvent);
    });
    this.timers.set(timer, entry);
  }

  /** Tears everything down without any protocol exchange (process exit). */
  destroy(): void {
    this.clearTimers();
    this.abandonConnect();
    this.connection?.destroy();
    this.incoming?.destroy();
    this.held?.connection.destroy();
    this.connection = null;
  }

  private now(): number {
    return this.options.clock.now();
  }

  /** The last event the FSM handled (for diagnostics). */
  get lastFsmEvent(): string {
    return this.lastEvent;
  }
}

const TIMER_EVENTS: Record<TimerName, FsmEvent['type']> = {
  connectRetry: 'ConnectRetryTimer_Expires',
  hold: 'HoldTimer_Expires',
  keepalive: 'KeepaliveTimer_Expires',
  delayOpen: 'DelayOpenTimer_Expires',
  idleHold: 'IdleHoldTimer_Expires',
};
