// The sender of bench/ingest.ts: loads the UPDATEs of an MRT update stream once (outside any
// timing), and replays them over raw TCP (node:net) into one BGP receiver, as an iBGP peer that
// negotiated IPv4 unicast, four-octet AS and route refresh. Everything it writes is prepared
// beforehand: the UPDATE bytes are concatenated into a few large chunks, so the socket, not this
// process, sets the pace.

import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { decompress } from '../src/formats/decompress.js';
import { readMrt } from '../src/formats/mrt.js';
import {
  decodeMessage,
  describeNotification,
  emptyUpdate,
  encodeMessage,
  makeContext,
  type BgpMessage,
  type OpenMessage,
} from '../src/wire/index.js';
import { nowUs } from './ingest-common.js';

export interface LoadedStream {
  readonly file: string;
  readonly updates: number;
  readonly updateBytes: number;
  /** Prefixes in NLRI (announcements) and withdrawn routes, over all UPDATEs. */
  readonly announcements: number;
  readonly withdrawals: number;
  /** Distinct prefixes ever announced. */
  readonly uniqueAnnounced: number;
  /** Loc-RIB size of a receiver that applied every UPDATE, and the largest size on the way. */
  readonly finalCount: number;
  readonly peakCount: number;
  /**
   * The same for a receiver that drops routes whose AS_PATH holds its own AS even from iBGP
   * peers (BIRD does; RFC 4271 s9.1.2 loop detection), and the announcements concerned.
   */
  readonly loopFree: { readonly asn: number; readonly finalCount: number; readonly peakCount: number; readonly announcements: number };
  /** UPDATEs without NLRI, withdrawals or attributes: End-of-RIB markers already in the stream. */
  readonly endOfRibsInStream: number;
  readonly originatorIds: ReadonlySet<string>;
  readonly clusterIds: ReadonlySet<string>;
  readonly nextHops: number;
  /** The UPDATE bytes, whole messages back to back, cut into chunks of about `chunkSize`. */
  readonly chunks: readonly Buffer[];
  readonly recordsSkipped: number;
}

/** Host bits cleared, so that "10.0.0.1/8" and "10.0.0.0/8" are one prefix. */
function v4Key(word: number, len: number): number {
  const net = len === 0 ? 0 : (word & (0xffffffff << (32 - len))) >>> 0;
  return net * 64 + len;
}

/** Reads the stream, keeps its UPDATEs (they must use 4-octet ASNs), and works out what a receiver should end up with. */
export function loadStream(file: string, ownAsn: number, chunkSize = 1 << 20): LoadedStream {
  const { data, truncated, error } = decompress(readFileSync(file));
  if (truncated) throw new Error(`${file}: ${error ?? 'truncated'}`);
  const messages: Uint8Array[] = [];
  let skipped = 0;
  for (const r of readMrt(data)) {
    if (r.kind !== 'bgp4mp-message' || r.local || r.message[18] !== 2) {
      skipped++;
      continue;
    }
    if (!r.as4 || r.addPath) throw new Error(`${file}: record ${r.index} is not a plain BGP4MP MESSAGE_AS4 UPDATE`);
    messages.push(r.message);
  }
  const ctx = makeContext({ asn4: true });
  const rib = new Set<number>();
  const loopFreeRib = new Set<number>();
  let loopFreePeak = 0;
  let loopAnnouncements = 0;
  const ever = new Set<number>();
  const originatorIds = new Set<string>();
  const clusterIds = new Set<string>();
  const nextHops = new Set<string>();
  let announcements = 0;
  let withdrawals = 0;
  let peak = 0;
  let eors = 0;
  let bytes = 0;
  for (const bytesOfMsg of messages) {
    bytes += bytesOfMsg.length;
    const m = decodeMessage(bytesOfMsg, ctx).message;
    if (m.type !== 'update') continue;
    if (m.nlri.count === 0 && m.withdrawn.count === 0 && m.attributes.length === 0) eors++;
    for (let i = 0; i < m.withdrawn.count; i++) {
      const k = v4Key(m.withdrawn.words[i]!, m.withdrawn.lengths[i]!);
      rib.delete(k);
      loopFreeRib.delete(k);
    }
    withdrawals += m.withdrawn.count;
    const loop = m.attributes.some((a) => a.type === 'as-path' && a.segments.some((seg) => seg.asns.includes(ownAsn)));
    if (loop) loopAnnouncements += m.nlri.count;
    for (let i = 0; i < m.nlri.count; i++) {
      const k = v4Key(m.nlri.words[i]!, m.nlri.lengths[i]!);
      rib.add(k);
      ever.add(k);
      // A looped announcement replaces (withdraws) what the peer sent before for the prefix.
      if (loop) loopFreeRib.delete(k);
      else loopFreeRib.add(k);
    }
    announcements += m.nlri.count;
    if (rib.size > peak) peak = rib.size;
    if (loopFreeRib.size > loopFreePeak) loopFreePeak = loopFreeRib.size;
    for (const a of m.attributes) {
      if (a.type === 'originator-id') originatorIds.add(a.originatorId);
      else if (a.type === 'cluster-list') for (const c of a.clusterIds) clusterIds.add(c);
      else if (a.type === 'next-hop') nextHops.add(a.nextHop);
      else if (a.type === 'mp-reach' || a.type === 'mp-unreach') throw new Error(`${file}: MP_REACH/MP_UNREACH in the stream; this benchmark replays IPv4 NLRI only`);
    }
  }
  // Chunks of whole messages (not needed by TCP, but it keeps each write a clean message run).
  const chunks: Buffer[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for (const m of messages) {
    if (pendingBytes + m.length > chunkSize && pending.length > 0) {
      chunks.push(Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    }
    pending.push(m);
    pendingBytes += m.length;
  }
  if (pending.length > 0) chunks.push(Buffer.concat(pending, pendingBytes));
  return {
    file,
    updates: messages.length,
    updateBytes: bytes,
    announcements,
    withdrawals,
    uniqueAnnounced: ever.size,
    finalCount: rib.size,
    peakCount: peak,
    loopFree: { asn: ownAsn, finalCount: loopFreeRib.size, peakCount: loopFreePeak, announcements: loopAnnouncements },
    endOfRibsInStream: eors,
    originatorIds,
    clusterIds,
    nextHops: nextHops.size,
    chunks,
    recordsSkipped: skipped,
  };
}

// ---------------------------------------------------------------------------------------------

export interface ReplayerOptions {
  readonly host: string;
  readonly port: number;
  readonly localAddress: string;
  readonly asn: number;
  readonly routerId: string;
  readonly holdTime: number;
  /** Give up on the OPEN / KEEPALIVE exchange after this long. */
  readonly handshakeTimeoutMs?: number;
}

export interface SendResult {
  /** nowUs() just before the first UPDATE byte was written. */
  readonly startUs: number;
  /** nowUs() when the kernel had taken the last UPDATE byte (the End-of-RIB is written next). */
  readonly writtenUs: number;
  /** Our own CPU time while writing, milliseconds (user + system). */
  readonly cpuMs: number;
  readonly writes: number;
  /** write() returned false this many times (we waited for 'drain'). */
  readonly drains: number;
}

const HEADER = 19;
const ctx4 = makeContext({ asn4: true });
const KEEPALIVE = Buffer.from(encodeMessage({ type: 'keepalive' }, ctx4));
/** IPv4 unicast End-of-RIB (RFC 4724 s2): an UPDATE with nothing in it. */
const END_OF_RIB = Buffer.from(encodeMessage(emptyUpdate(), ctx4));

export function buildOpen(asn: number, routerId: string, holdTime: number): Buffer {
  const open: OpenMessage = {
    type: 'open',
    version: 4,
    myAsn: asn > 0xffff ? 23456 : asn,
    holdTime,
    bgpId: routerId,
    params: [
      {
        type: 2,
        capabilities: [
          { type: 'multiprotocol', afi: 1, safi: 1, reserved: 0 },
          { type: 'four-octet-as', asn },
          { type: 'route-refresh' },
        ],
      },
    ],
    extendedParams: false,
  };
  return Buffer.from(encodeMessage(open, ctx4));
}

/** One BGP session from the replayer to a receiver. */
export class Replayer {
  peerOpen: OpenMessage | null = null;
  /** What the peer sent after the handshake (KEEPALIVEs; UPDATEs would be a surprise). */
  readonly received = { keepalives: 0, updates: 0, other: 0 };
  private inbox: Buffer = Buffer.alloc(0);
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private onFailure: ((e: Error) => void) | null = null;
  private closedByUs = false;

  private constructor(private readonly socket: Socket) {}

  /** Connects, exchanges OPENs, waits for the peer's KEEPALIVE, then sends ours: Established. */
  static connect(o: ReplayerOptions): Promise<Replayer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: o.host, port: o.port, localAddress: o.localAddress });
      const r = new Replayer(socket);
      let gotOpen = false;
      let settled = false;
      const timer = setTimeout(() => fail(new Error(`no OPEN/KEEPALIVE from ${o.host}:${o.port} within ${o.handshakeTimeoutMs ?? 15_000} ms`)), o.handshakeTimeoutMs ?? 15_000);
      const fail = (e: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(e);
      };
      r.onFailure = fail;
      socket.on('connect', () => socket.write(buildOpen(o.asn, o.routerId, o.holdTime)));
      socket.on('error', (e) => r.fail(new Error(`replayer socket to ${o.host}:${o.port}: ${e.message}`)));
      socket.on('close', () => {
        if (!r.closedByUs) r.fail(new Error(`${o.host}:${o.port} closed the session`));
      });
      socket.on('data', (chunk: Buffer) => {
        r.inbox = r.inbox.length === 0 ? chunk : Buffer.concat([r.inbox, chunk]);
        while (r.inbox.length >= HEADER) {
          const len = r.inbox.readUInt16BE(16);
          if (len < HEADER) return r.fail(new Error(`bad BGP header from ${o.host}:${o.port}`));
          if (r.inbox.length < len) break;
          const msg = r.inbox.subarray(0, len);
          r.inbox = r.inbox.subarray(len);
          let m: BgpMessage;
          try {
            m = decodeMessage(msg, ctx4).message;
          } catch (e) {
            return r.fail(new Error(`undecodable message from ${o.host}:${o.port}: ${(e as Error).message}`));
          }
          if (m.type === 'notification') return r.fail(new Error(`NOTIFICATION from ${o.host}:${o.port}: ${describeNotification(m)}`));
          if (m.type === 'open' && !gotOpen) {
            gotOpen = true;
            r.peerOpen = m;
          } else if (m.type === 'keepalive' && gotOpen && !settled) {
            settled = true;
            clearTimeout(timer);
            r.onFailure = null;
            socket.write(KEEPALIVE);
            // Hold time 90 on both sides: a KEEPALIVE every 30 s keeps the session (RFC 4271 s10).
            r.keepaliveTimer = setInterval(() => socket.write(KEEPALIVE), 30_000);
            resolve(r);
          } else if (m.type === 'keepalive') r.received.keepalives++;
          else if (m.type === 'update') r.received.updates++;
          else r.received.other++;
        }
      });
    });
  }

  /** The first failure after the handshake (NOTIFICATION, close, socket error), if any. */
  get error(): Error | null {
    return this.failure;
  }

  /** Rejects when the session fails (for racing against waits). */
  failed(): Promise<never> {
    return new Promise((_resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.onFailure = reject;
    });
  }

  /**
   * Writes every chunk as fast as the socket takes it (waiting for 'drain' whenever write()
   * says the buffer is full), then an End-of-RIB.
   */
  send(chunks: readonly Buffer[]): Promise<SendResult> {
    const socket = this.socket;
    return new Promise((resolve, reject) => {
      let i = 0;
      let drains = 0;
      const cpu0 = process.cpuUsage();
      const startUs = nowUs();
      const pump = (): void => {
        if (this.failure) return reject(this.failure);
        while (i < chunks.length) {
          const last = i === chunks.length - 1;
          const ok = socket.write(chunks[i++]!, last ? finished : undefined);
          if (!ok && !last) {
            drains++;
            socket.once('drain', pump);
            return;
          }
        }
      };
      const finished = (err?: Error | null): void => {
        if (err) return reject(err);
        const writtenUs = nowUs();
        const cpu = process.cpuUsage(cpu0);
        socket.write(END_OF_RIB);
        resolve({ startUs, writtenUs, cpuMs: (cpu.user + cpu.system) / 1000, writes: chunks.length, drains });
      };
      pump();
    });
  }

  close(): void {
    this.closedByUs = true;
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
    this.socket.destroy();
  }

  private fail(e: Error): void {
    if (this.closedByUs) return;
    this.failure ??= e;
    const f = this.onFailure;
    this.onFailure = null;
    f?.(e);
  }
}

/**
 * The replayer into a TCP sink that reads and discards: how fast this process can push the
 * stream over loopback when the receiver costs nothing. (No BGP: the bytes are only counted.)
 */
export async function replayIntoSink(chunks: readonly Buffer[], address: string): Promise<{ ms: number; bytes: number }> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let got = 0;
  let doneAt = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const server = createServer((s) => {
    s.on('data', (c: Buffer) => {
      got += c.length;
      if (got >= total && doneAt === 0) {
        doneAt = nowUs();
        resolveDone();
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen({ host: address, port: 0 }, () => res());
  });
  const port = (server.address() as { port: number }).port;
  const socket = connect({ host: address, port });
  await new Promise<void>((res, rej) => {
    socket.once('connect', () => res());
    socket.once('error', rej);
  });
  const t0 = nowUs();
  let i = 0;
  await new Promise<void>((res) => {
    const pump = (): void => {
      while (i < chunks.length) {
        if (!socket.write(chunks[i++]!)) {
          socket.once('drain', pump);
          return;
        }
      }
      res();
    };
    pump();
  });
  await done;
  socket.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return { ms: (doneAt - t0) / 1000, bytes: got };
}
