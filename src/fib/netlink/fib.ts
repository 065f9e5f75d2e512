// The kernel FIB through rtnetlink: routes encoded in TypeScript, many requests per sendmsg() on
// one NETLINK_ROUTE socket of the native shim. Same options and the same outcomes as Iproute2Fib
// (the compliance suite holds both to it), without a process or text in between.
//
// Each request carries its own sequence number; the kernel answers a failed one with an
// NLMSG_ERROR of that number, so every change gets its own outcome and a failure never fails the
// batch. By default only each batch's last request asks for an ACK (the kernel reports failures
// anyway): its ACK says every request before it was handled, silently meaning success. A reply
// the kernel had to drop (ENOBUFS) or an answer that never comes makes the changes without an
// answer EIO - unknown, left to the next reconcile - never a guess.

import { checkChange, validDevName } from '../route.js';
import { resolveTableOptions, type FibBackend, type FibChange, type FibOutcome, type FibResult, type FibRoute, type FibTableOptions, type ResolvedTableOptions } from '../types.js';
import { ByteWriter } from './bytes.js';
import { AF_INET, AF_INET6, NLM_F_ACK } from './constants.js';
import { dump } from './dump.js';
import { errnoName, errnoText, fibErrorCode } from './errors.js';
import { LinkIndex } from './links.js';
import { writeChangeRequest } from './change-request.js';
import { writeRouteDump } from './requests.js';
import type { NetlinkMessage } from './message.js';
import type { RouteMessage } from './route-message.js';
import { loadNetlinkShim, type NetlinkShim } from './shim.js';
import { NetlinkSocket, type TransactionResult } from './socket.js';
import { fibRouteOf, isOurs, routeIfindexes } from './translate.js';

export interface NetlinkFibOptions extends FibTableOptions {
  /** Work inside this named network namespace (/var/run/netns/NAME, as `ip -n NAME`). */
  readonly netns?: string;
  /** Silence after which a batch's unanswered changes are EIO; 5000 ms by default. */
  readonly timeoutMs?: number;
  /** Requests per sendmsg(); 1024 by default. */
  readonly batchSize?: number;
  /** SO_RCVBUF / SO_SNDBUF of the socket; 8 MiB by default (forced past net.core.*mem_max as root). */
  readonly bufferBytes?: number;
  /** ACK every request instead of each batch's last one only (slower; the outcomes are the same). */
  readonly ackEach?: boolean;
  /** The native shim; loadNetlinkShim()'s by default (tests pass their own). */
  readonly shim?: NetlinkShim;
}

const DEFAULT_BATCH = 1024;
/**
 * An apply() starts with a short batch, so that the kernel starts while the rest is encoded: the
 * FIB writer flushes ~1000 changes at a time, which would otherwise be encoded, then written, with
 * nothing overlapping.
 */
const FIRST_BATCH = 128;
/** Bytes per request a batch starts with: an IPv6 route with four next hops is ~140. */
const BYTES_PER_REQUEST = 96;

interface Batch {
  readonly bytes: Uint8Array;
  /** Change index by sequence number. */
  readonly changeOf: Map<number, number>;
  readonly lastSeq: number;
}

export class NetlinkFib implements FibBackend {
  private readonly options: ResolvedTableOptions;
  private readonly shim: NetlinkShim;
  private readonly links: LinkIndex;
  private readonly batchSize: number;
  private readonly ackEach: boolean;
  private socket: NetlinkSocket;
  /** apply() calls queue their batches one call after another, so that they run in call order. */
  private turn: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly indexOf = (name: string): number | undefined => this.links.indexOf(name);

  /** Throws when the shim is not there or the socket cannot be opened (no such netns...). */
  constructor(private readonly settings: NetlinkFibOptions = {}) {
    this.options = resolveTableOptions(settings);
    const batchSize = settings.batchSize ?? DEFAULT_BATCH;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError(`batchSize must be a positive integer: ${batchSize}`);
    this.batchSize = batchSize;
    this.ackEach = settings.ackEach ?? false;
    if (settings.shim) this.shim = settings.shim;
    else {
      const loaded = loadNetlinkShim();
      if (!loaded.ok) throw new Error(`rtnetlink unavailable: ${loaded.reason}`);
      this.shim = loaded.shim;
    }
    this.socket = this.openSocket();
    this.links = new LinkIndex(() => this.current());
  }

  /** A backend that has been seen to list its table. */
  static async open(options: NetlinkFibOptions = {}): Promise<NetlinkFib> {
    const fib = new NetlinkFib(options);
    try {
      await fib.list();
    } catch (err) {
      await fib.close();
      throw err;
    }
    return fib;
  }

  private openSocket(): NetlinkSocket {
    return NetlinkSocket.open(this.shim, {
      ...(this.settings.netns !== undefined ? { netns: this.settings.netns } : {}),
      ...(this.settings.timeoutMs !== undefined ? { timeoutMs: this.settings.timeoutMs } : {}),
      ...(this.settings.bufferBytes !== undefined ? { bufferBytes: this.settings.bufferBytes } : {}),
    });
  }

  /** The socket, a new one if the last was abandoned (the kernel did not take a batch in time). */
  private current(): NetlinkSocket {
    if (!this.socket.usable && !this.closed) this.socket = this.openSocket();
    return this.socket;
  }

  async apply(changes: readonly FibChange[]): Promise<FibResult> {
    const outcomes: FibOutcome[] = new Array<FibOutcome>(changes.length);
    let release!: () => void;
    const previous = this.turn;
    this.turn = new Promise((resolve) => (release = resolve));
    await previous;
    const sent: Promise<void>[] = [];
    try {
      const linkTrouble = await this.resolveDevs(changes);
      let i = 0;
      while (i < changes.length) {
        const socket = this.current();
        const [batch, next] = this.encode(socket, changes, i, i === 0 ? Math.min(FIRST_BATCH, this.batchSize) : this.batchSize, outcomes, linkTrouble);
        i = next;
        if (batch) sent.push(socket.transact(batch.bytes, (m) => this.answer(m, batch, changes, outcomes)).then((r) => this.settle(batch, r, changes, outcomes)));
        // The kernel works on this batch on the pool thread while the next one is checked and
        // encoded; yielding lets the completions of earlier batches in.
        if (i < changes.length) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      release();
    }
    await Promise.all(sent);
    return { outcomes, failed: outcomes.reduce((n, o) => n + (o.ok ? 0 : 1), 0) };
  }

  /** Loads the interface table when a change names one it does not know; returns why it could not. */
  private async resolveDevs(changes: readonly FibChange[]): Promise<string | null> {
    const devs = new Set<string>();
    for (const change of changes) {
      if (change.op !== 'replace') continue;
      for (const h of change.route.nextHops) if (typeof h.dev === 'string' && validDevName(h.dev)) devs.add(h.dev);
    }
    if (devs.size === 0) return null;
    try {
      await this.links.ensure(devs);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Checks and encodes changes from `start` into one batch (null when none of them needs a request). */
  private encode(socket: NetlinkSocket, changes: readonly FibChange[], start: number, size: number, outcomes: FibOutcome[], linkTrouble: string | null): [Batch | null, number] {
    const w = new ByteWriter(Math.min(size, changes.length - start) * BYTES_PER_REQUEST + 64);
    const changeOf = new Map<number, number>();
    const byteLimit = socket.info.sendBuffer - 1024;
    let lastAt = -1;
    let lastSeq = 0;
    let i = start;
    for (; i < changes.length && changeOf.size < size; i++) {
      const change = changes[i]!;
      const check = checkChange(change);
      if (!check.ok) {
        outcomes[i] = { ok: false, change, code: 'EINVAL', message: check.message };
        continue;
      }
      const seq = socket.nextSeq();
      const at = w.length;
      const missing = writeChangeRequest(w, check.checked, change.op, this.options, seq, this.ackEach, this.indexOf);
      if (missing !== null) {
        outcomes[i] = linkTrouble
          ? { ok: false, change, code: 'EIO', message: `interface ${missing} not resolved: ${linkTrouble}` }
          : { ok: false, change, code: 'ENODEV', message: `Cannot find device "${missing}"` };
        continue;
      }
      // One sendmsg() must fit the send buffer (netlink_sendmsg(): EMSGSIZE past sk_sndbuf - 32):
      // a request that does not goes first in the next batch.
      if (w.length > byteLimit && changeOf.size > 0) {
        w.truncate(at);
        break;
      }
      lastSeq = seq;
      lastAt = at;
      changeOf.set(seq, i);
    }
    if (lastAt < 0) return [null, i];
    // The last request always asks for an ACK: when it comes, every request before it was answered.
    w.u16(lastAt + 6, w.getU16(lastAt + 6) | NLM_F_ACK);
    return [{ bytes: w.finish(), changeOf, lastSeq }, i];
  }

  private answer(m: NetlinkMessage, batch: Batch, changes: readonly FibChange[], outcomes: FibOutcome[]): boolean {
    if (m.kind !== 'error') return false;
    const i = batch.changeOf.get(m.header.seq);
    if (i === undefined) return false;
    const change = changes[i]!;
    outcomes[i] = m.errno === 0 ? { ok: true, change } : { ok: false, change, code: fibErrorCode(m.errno), message: this.failureText(m.errno, m.text) };
    return m.header.seq === batch.lastSeq;
  }

  private failureText(errno: number, text: string | undefined): string {
    const words = text ?? errnoText(errno);
    // The errno name is in `code` already, except where code stands for several (EINVAL, EIO).
    const code = fibErrorCode(errno);
    return code === errnoName(errno) ? words : `${words} (${errnoName(errno)})`;
  }

  private settle(batch: Batch, r: TransactionResult, changes: readonly FibChange[], outcomes: FibOutcome[]): void {
    // Silence means success only when the closing ACK came and no reply was dropped.
    const silenceIsSuccess = r.complete && !r.overrun && !this.ackEach;
    const why = r.failure ?? (r.overrun ? 'the kernel dropped replies (ENOBUFS)' : 'no answer');
    for (const i of batch.changeOf.values()) {
      if (outcomes[i] !== undefined) continue;
      const change = changes[i]!;
      outcomes[i] = silenceIsSuccess ? { ok: true, change } : { ok: false, change, code: 'EIO', message: `outcome unknown: ${why}` };
    }
  }

  async list(): Promise<FibRoute[]> {
    const socket = this.current();
    // Routes become FibRoutes as they are read (the dump's buffers can go); those naming an
    // interface the table does not know yet wait for it to be read again.
    const name = (index: number): string | undefined => this.links.nameOf(index);
    const known = (m: RouteMessage): boolean => routeIfindexes(m).every((i) => name(i) !== undefined);
    if (this.links.empty) await this.links.refresh().catch(() => undefined);
    const listed: (FibRoute | RouteMessage)[] = [];
    for (const family of [AF_INET, AF_INET6]) {
      const part = await dump(
        socket,
        'route',
        (w, seq) => writeRouteDump(w, seq, family, { table: this.options.table, protocol: this.options.protocol }),
        (m) => (m.kind !== 'route' || !isOurs(m.route, this.options) ? null : known(m.route) ? fibRouteOf(m.route, name) : m.route),
        // IPv4 creates a table with its first route: no table yet means no routes yet.
        { emptyOn: (errno) => errnoName(errno) === 'ENOENT' },
      );
      for (const r of part) listed.push(r);
    }
    const waiting = listed.filter((r): r is RouteMessage => !('prefix' in r));
    if (waiting.length > 0) await this.links.ensure([], waiting.flatMap(routeIfindexes)).catch(() => undefined);
    // Without a name a next hop is listed without its `dev`.
    const out: FibRoute[] = [];
    for (const r of listed) {
      const route = 'prefix' in r ? r : fibRouteOf(r, name);
      if (route) out.push(route);
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.turn;
    await this.socket.close();
  }
}
