// `wren replay`: an MRT update stream or table dump, replayed into a BGP peer over a real session.
//
// The file is read once to learn its families (they go into our OPEN), then streamed: each
// recorded UPDATE is decoded with its record's context and encoded again with the negotiated one
// (or, with `raw`, sent as recorded when the two agree); a table becomes one route per prefix,
// grouped into UPDATEs by identical attributes. Writing follows the socket (PeerSession.writable /
// onWritable), so neither the socket nor this process ever holds more than a bounded backlog.
// End-of-RIB per family follows, then the session is held, or closed with a Cease once the peer
// has had its chance to read everything.

import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Negotiated } from '../fsm/index.js';
import {
  BgpError,
  decodeMessage,
  encodeMessage,
  endOfRib,
  maxMessageLength,
  parseIpv6,
  ipv4ToU32,
  type FamilyKey,
  type UpdateMessage,
} from '../wire/index.js';
import { FAMILY_BY_NAME, familyBitsOf, familyKeysOf, familyName, scanUpdate, type ReplayFamily } from './scan.js';
import { ReplaySession } from './session.js';
import { addIssue, newCounts, openReplayFile, readItems, ReplayError, surveyFile, type RecordedUpdate, type Selection, type SourceCounts, type TableRoute } from './source.js';
import { TableBatcher, type TableLimits } from './table.js';
import { adaptUpdate, type Target } from './transform.js';

export interface ReplayOptions {
  /** The MRT file (plain, .gz or .bz2). */
  readonly file: string;
  /** Its bytes, when already read (tests); otherwise `file` is read. */
  readonly data?: Uint8Array;
  /** The peer's address. */
  readonly peer: string;
  /** TCP port of the peer (active) or to listen on (passive, unless `listen` names one); 179. */
  readonly port?: number;
  /** Connect from this address. */
  readonly localAddress?: string;
  /** Wait for the peer to connect instead of connecting. */
  readonly passive?: boolean;
  /** Where to listen when passive: all addresses and `port` by default. */
  readonly listen?: { readonly address?: string; readonly port?: number };
  readonly localAsn: number;
  /** The peer's AS; our own (iBGP) by default. */
  readonly peerAsn?: number;
  readonly routerId: string;
  /** Hold time we offer, seconds (90). */
  readonly holdTime?: number;
  /** Families to negotiate; by default those the file holds. */
  readonly families?: readonly ReplayFamily[];
  /** Send recorded UPDATEs byte for byte when the contexts agree (no decoding). */
  readonly raw?: boolean;
  /** At most this many UPDATEs per second. */
  readonly rate?: number;
  /** Follow the recorded timestamps, this many times faster (1: real time). Update streams only. */
  readonly speed?: number;
  /** Replace next hops: 'self' (our address on the session), an IPv4 and/or an IPv6 address. */
  readonly nextHop?: readonly string[];
  /** Table dumps: the RIB entry of this peer (PEER_INDEX_TABLE index) for each prefix. */
  readonly peerIndex?: number;
  /** Only what this recorded peer sent (update streams) or its table entries. */
  readonly recordedPeer?: string;
  /** After End-of-RIB: 'exit' closes the session once the peer has read everything; 'hold' keeps it. */
  readonly after?: 'hold' | 'exit';
  /** With 'hold': close after this many seconds (default: until interrupted). */
  readonly holdSeconds?: number;
  /** Seconds to get the session Established (60). */
  readonly connectTimeout?: number;
  /** Seconds between connection attempts (5). */
  readonly connectRetry?: number;
  /** Interrupts the replay (Ctrl-C): the session is closed with a Cease. */
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** Bounds of the table grouping (tests). */
  readonly table?: TableLimits;
  /** Bytes queued in the socket above which writing pauses (1 MiB). */
  readonly highWaterMark?: number;
  /** How far the file has been replayed: bytes of the decompressed data, and MRT records. */
  readonly onProgress?: (position: number, total: number, records: number) => void;
  /** What the replay is doing, for a person watching. */
  readonly onEvent?: (event: ReplayEvent) => void;
}

export type ReplayEvent =
  | { readonly type: 'read'; readonly file: string; readonly kind: ReplayKind; readonly families: readonly string[]; readonly updates: number; readonly routes: number; readonly truncated?: string }
  | { readonly type: 'connecting' | 'listening'; readonly address: string; readonly port: number }
  | { readonly type: 'established'; readonly session: SessionSummary }
  | { readonly type: 'sent'; readonly updates: number; readonly prefixes: number; readonly elapsedMs: number }
  | { readonly type: 'holding'; readonly seconds?: number }
  | { readonly type: 'closing' };

export type ReplayKind = 'updates' | 'table' | 'mixed' | 'empty';

export interface SessionSummary {
  readonly peer: string;
  readonly port: number;
  readonly localAddress: string;
  readonly peerAsn: number;
  readonly peerRouterId: string;
  readonly ibgp: boolean;
  readonly asn4: boolean;
  readonly extendedMessage: boolean;
  readonly holdTime: number;
  readonly families: readonly string[];
  /** Families we send ADD-PATH path identifiers for (never, as we do not announce the capability). */
  readonly addPath: readonly string[];
}

export interface ReplayReport {
  readonly file: string;
  readonly compression: string;
  readonly kind: ReplayKind;
  readonly truncated?: string;
  readonly session?: SessionSummary;
  /** MRT records read. */
  readonly records: number;
  readonly sent: {
    /** UPDATEs with routes, End-of-RIB markers not counted. */
    readonly updates: number;
    readonly announced: number;
    readonly withdrawn: number;
    readonly endOfRib: number;
    /** Bytes written, End-of-RIB included. */
    readonly bytes: number;
    /** UPDATEs sent byte for byte as recorded (raw). */
    readonly raw: number;
  };
  readonly skipped: {
    readonly nonUpdateMessages: number;
    readonly localMessages: number;
    readonly otherRecords: number;
    readonly otherPeers: number;
    readonly otherEntries: number;
    readonly otherFamilyRecords: number;
    /** Recorded End-of-RIB markers and UPDATEs left empty (we send our own End-of-RIB). */
    readonly emptyUpdates: number;
    /** Prefixes of families the session does not carry. */
    readonly prefixesOfOtherFamilies: number;
    readonly noNextHop: number;
    readonly badAttributes: number;
    /** Damaged records and UPDATEs that do not decode. */
    readonly errors: number;
  };
  readonly issues: readonly string[];
  /** From the first UPDATE written until the last byte (End-of-RIB included) was taken by the socket. */
  readonly elapsedMs: number;
  readonly updatesPerSecond: number;
  readonly prefixesPerSecond: number;
  /** Everything was sent, End-of-RIB included. */
  readonly complete: boolean;
  readonly ended: 'exit' | 'hold' | 'interrupted' | 'peer-down';
  /** Why the session went down, when the peer ended it. */
  readonly down?: string;
  /**
   * `exit`: how we knew the peer had read everything before the Cease: 'refresh' (its BoRR
   * answered our ROUTE-REFRESH, RFC 7313), 'keepalive' (a message from it after ours), 'none'.
   */
  readonly roundTrip?: 'refresh' | 'keepalive' | 'none';
  /** With roundTrip 'refresh': from the first UPDATE written until the peer's BoRR came. */
  readonly readByPeerMs?: number;
  readonly received: { readonly updates: number; readonly keepalives: number; readonly routeRefresh: number; readonly other: number };
}

/** Bytes gathered before a socket write. */
const CHUNK = 1 << 16;
/** The longest stretch of work between two turns of the event loop (timers, the peer's messages). */
const SLICE_MS = 20;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves --next-hop values once the session's local address is known. */
function nextHops(values: readonly string[], local: string): { v4?: string; v6?: string } {
  const out: { v4?: string; v6?: string } = {};
  for (const v of values) {
    if (v === 'self') continue;
    if (ipv4ToU32(v) >= 0) out.v4 = v;
    else if (parseIpv6(v)) out.v6 = v;
    else throw new ReplayError(`--next-hop ${v}: not "self" or an address`);
  }
  if (values.includes('self')) {
    if (local.includes(':')) out.v6 ??= local;
    else {
      out.v4 ??= local;
      // IPv6 routes over an IPv4 session: our IPv4 address, IPv4-mapped (RFC 4291 s2.5.5.2).
      out.v6 ??= `::ffff:${local}`;
    }
  }
  return out;
}

function summary(n: Negotiated, peer: string, port: number, localAddress: string): SessionSummary {
  return {
    peer,
    port,
    localAddress,
    peerAsn: n.peerAsn,
    peerRouterId: n.peerRouterId,
    ibgp: n.ibgp,
    asn4: n.asn4,
    extendedMessage: n.extendedMessage,
    holdTime: n.holdTime,
    families: [...n.families].map(familyName),
    addPath: [...n.addPathSend].map(familyName),
  };
}

/** Paces UPDATEs: --rate (UPDATEs per second) and --speed (recorded time, accelerated). */
class Pacer {
  private t0 = -1;
  /** The first recorded timestamp, and when we met it. */
  private ts0 = -1;
  private tsWall = 0;
  constructor(
    private readonly rate: number | undefined,
    private readonly speed: number | undefined,
  ) {}

  /** Milliseconds to wait before going on, after `sent` UPDATEs, the last recorded at `ts`. */
  delay(sent: number, ts: number | undefined): number {
    const now = performance.now();
    if (this.t0 < 0) this.t0 = now;
    let until = now;
    if (this.rate) until = Math.max(until, this.t0 + (sent * 1000) / this.rate);
    if (this.speed && ts !== undefined) {
      if (this.ts0 < 0) {
        this.ts0 = ts;
        this.tsWall = now;
      }
      until = Math.max(until, this.tsWall + ((ts - this.ts0) * 1000) / this.speed);
    }
    return until - now;
  }
}

export async function replay(o: ReplayOptions): Promise<ReplayReport> {
  const bytes = o.data ?? readFileSync(o.file);
  const file = openReplayFile(bytes);
  const selection: Selection = {
    ...(o.peerIndex === undefined ? {} : { peerIndex: o.peerIndex }),
    ...(o.recordedPeer === undefined ? {} : { recordedPeer: o.recordedPeer }),
  };
  const survey = surveyFile(file.data, selection);
  const kind: ReplayKind = survey.updates && survey.routes ? 'mixed' : survey.updates ? 'updates' : survey.routes ? 'table' : 'empty';
  const families: FamilyKey[] = o.families?.length ? o.families.map((f) => FAMILY_BY_NAME[f]) : familyKeysOf(survey.families);
  if (kind === 'empty') throw new ReplayError(`no UPDATEs or table entries to replay${selection.recordedPeer || selection.peerIndex !== undefined ? ' from the chosen peer' : ''}`);
  if (families.length === 0) throw new ReplayError('no IPv4 or IPv6 unicast routes to replay (only other families)');
  o.onEvent?.({
    type: 'read',
    file: o.file,
    kind,
    families: families.map(familyName),
    updates: survey.updates,
    routes: survey.routes,
    ...(file.truncated ? { truncated: file.truncated } : {}),
  });

  const port = o.port ?? 179;
  const rs = new ReplaySession({
    peer: o.peer,
    port,
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    passive: o.passive ?? false,
    ...(o.listen ? { listen: o.listen } : {}),
    localAsn: o.localAsn,
    peerAsn: o.peerAsn ?? o.localAsn,
    routerId: o.routerId,
    holdTime: o.holdTime ?? 90,
    families,
    connectTimeout: o.connectTimeout ?? 60,
    connectRetry: o.connectRetry ?? 5,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.highWaterMark ? { highWaterMark: o.highWaterMark } : {}),
    onWaiting: (w) => o.onEvent?.({ type: w.mode, address: w.address, port: w.port }),
  });

  let negotiated: Negotiated;
  try {
    negotiated = await rs.open();
  } catch (e) {
    await rs.destroy();
    throw e;
  }
  const session = summary(negotiated, o.peer, port, rs.localAddress);
  o.onEvent?.({ type: 'established', session });

  let target: Target;
  try {
    const nh = nextHops(o.nextHop ?? [], rs.localAddress);
    target = {
      ctx: negotiated.codecOut,
      families: negotiated.families,
      ...(nh.v4 ? { nextHopV4: nh.v4 } : {}),
      ...(nh.v6 ? { nextHopV6: nh.v6 } : {}),
      ...(negotiated.ibgp ? {} : { ebgp: { localAsn: o.localAsn } }),
    };
  } catch (e) {
    await rs.close('wren replay: bad options');
    throw e;
  }

  const counts = newCounts();
  const sender = new Sender(rs, target, o, counts);
  const total = file.data.length;
  const onRecord = o.onProgress ? (offset: number) => o.onProgress!(offset, total, counts.records) : undefined;
  const t0 = performance.now();
  const complete = await sender.run(readItems(file.data, selection, counts, onRecord), negotiated);
  o.onProgress?.(total, total, counts.records);
  const elapsedMs = sender.finishedAt > 0 ? sender.finishedAt - t0 : performance.now() - t0;
  o.onEvent?.({ type: 'sent', updates: sender.updates, prefixes: sender.announced + sender.withdrawn, elapsedMs });

  let ended: ReplayReport['ended'];
  let roundTrip: ReplayReport['roundTrip'];
  let readByPeerMs: number | undefined;
  if (rs.down) ended = 'peer-down';
  else if (rs.aborted) ended = 'interrupted';
  else if (o.after === 'exit') {
    roundTrip = await rs.roundTrip();
    if (roundTrip === 'refresh') readByPeerMs = performance.now() - t0;
    ended = rs.down ? 'peer-down' : rs.aborted ? 'interrupted' : 'exit';
  } else {
    o.onEvent?.({ type: 'holding', ...(o.holdSeconds === undefined ? {} : { seconds: o.holdSeconds }) });
    await rs.hold(o.holdSeconds);
    ended = rs.down ? 'peer-down' : 'hold';
  }
  const down = rs.down;
  if (!down) {
    o.onEvent?.({ type: 'closing' });
    await rs.close(complete ? 'wren replay finished' : 'wren replay interrupted');
  } else {
    await rs.destroy();
  }

  const seconds = elapsedMs / 1000;
  const prefixes = sender.announced + sender.withdrawn;
  return {
    file: o.file,
    compression: file.compression,
    kind,
    ...(file.truncated ? { truncated: file.truncated } : {}),
    session,
    records: counts.records,
    sent: { updates: sender.updates, announced: sender.announced, withdrawn: sender.withdrawn, endOfRib: sender.endOfRib, bytes: sender.bytes, raw: sender.raw },
    skipped: {
      nonUpdateMessages: counts.nonUpdateMessages,
      localMessages: counts.localMessages,
      otherRecords: counts.otherRecords,
      otherPeers: counts.otherPeers,
      otherEntries: counts.otherEntries,
      otherFamilyRecords: counts.otherFamilyRecords,
      emptyUpdates: sender.empty,
      prefixesOfOtherFamilies: sender.dropped,
      noNextHop: sender.table?.counts.noNextHop ?? 0,
      badAttributes: sender.table?.counts.badAttributes ?? 0,
      errors: counts.errors,
    },
    issues: counts.issues,
    elapsedMs,
    updatesPerSecond: seconds > 0 ? sender.updates / seconds : 0,
    prefixesPerSecond: seconds > 0 ? prefixes / seconds : 0,
    complete,
    ended,
    ...(down ? { down } : {}),
    ...(roundTrip === undefined ? {} : { roundTrip }),
    ...(readByPeerMs === undefined ? {} : { readByPeerMs }),
    received: { updates: rs.received.updates, keepalives: rs.received.keepalives, routeRefresh: rs.received.routeRefresh, other: rs.received.other + rs.received.notifications },
  };
}

/** Writes the items of the file on the session, in order, at the pace the socket (and options) allow. */
class Sender {
  updates = 0;
  announced = 0;
  withdrawn = 0;
  endOfRib = 0;
  bytes = 0;
  raw = 0;
  empty = 0;
  dropped = 0;
  /** performance.now() when the last byte was taken by the socket (0: not finished). */
  finishedAt = 0;
  table: TableBatcher | null = null;
  private parts: Uint8Array[] = [];
  private size = 0;
  private readonly pacer: Pacer | null;
  private readonly max: number;
  private readonly negotiatedBits: number;
  private readonly rawAllowed: boolean;

  constructor(
    private readonly rs: ReplaySession,
    private readonly target: Target,
    private readonly o: ReplayOptions,
    private readonly counts: SourceCounts,
  ) {
    this.pacer = o.rate || o.speed ? new Pacer(o.rate, o.speed) : null;
    this.max = maxMessageLength(target.ctx);
    this.negotiatedBits = familyBitsOf(target.families);
    this.rawAllowed = o.raw === true && !target.ebgp && target.nextHopV4 === undefined && target.nextHopV6 === undefined && target.ctx.addPath.size === 0;
  }

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
    if (this.size >= CHUNK) this.flush();
  }

  private flush(): void {
    if (this.size === 0) return;
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.rs.sendBytes(buf);
    this.bytes += this.size;
    this.parts = [];
    this.size = 0;
  }

  private stopped(): boolean {
    return this.rs.down !== null || this.rs.aborted || this.rs.session.state !== 'Established';
  }

  private sendUpdate(u: UpdateMessage, prefixes: number): void {
    this.push(encodeMessage(u, this.target.ctx));
    this.updates++;
    this.announced += prefixes;
  }

  /** Returns true when everything, End-of-RIB included, was written and taken by the socket. */
  async run(items: Iterable<RecordedUpdate | TableRoute>, n: Negotiated): Promise<boolean> {
    let slice = performance.now();
    let lastTs: number | undefined;
    for (const item of items) {
      if (this.stopped()) return false;
      if (item.kind === 'update') {
        this.update(item);
        lastTs = item.ts;
      } else {
        this.table ??= new TableBatcher(this.target, (u, prefixes) => this.sendUpdate(u, prefixes), this.counts, this.o.table);
        this.table.add(item);
      }
      if (this.pacer) {
        const wait = this.pacer.delay(this.updates, item.kind === 'update' ? lastTs : undefined);
        if (wait >= 1) {
          this.flush();
          await sleep(wait);
          slice = performance.now();
        }
      }
      if (!this.rs.writable) {
        this.flush();
        await this.rs.waitWritable();
        slice = performance.now();
      } else if (performance.now() - slice > SLICE_MS) {
        // Let timers (our KEEPALIVEs) and the peer's messages in.
        this.flush();
        await new Promise<void>((r) => setImmediate(r));
        slice = performance.now();
      }
    }
    if (this.stopped()) return false;
    this.table?.flush();
    // RFC 4724 s2: End-of-RIB per family, once the "initial" update is through.
    for (const f of n.families) {
      this.push(encodeMessage(endOfRib(f >> 8, f & 255), this.target.ctx));
      this.endOfRib++;
    }
    this.flush();
    await this.rs.drain();
    if (this.stopped()) return false;
    this.finishedAt = performance.now();
    return true;
  }

  private update(item: RecordedUpdate): void {
    const b = item.bytes;
    if (this.rawAllowed && !item.addPath && item.context.asn4 === this.target.ctx.asn4 && b.length <= this.max && ((b[16]! << 8) | b[17]!) === b.length) {
      const scan = scanUpdate(b);
      if (!scan.malformed && (scan.families & ~this.negotiatedBits) === 0) {
        if (scan.announced + scan.withdrawn === 0) {
          this.empty++;
          return;
        }
        this.push(b);
        this.updates++;
        this.raw++;
        this.announced += scan.announced;
        this.withdrawn += scan.withdrawn;
        return;
      }
    }
    let m: UpdateMessage;
    try {
      const d = decodeMessage(b, item.context);
      if (d.message.type !== 'update') return;
      m = d.message;
    } catch (e) {
      if (!(e instanceof BgpError)) throw e;
      addIssue(this.counts, `record ${item.record}: UPDATE does not decode (${e.message}); skipped`);
      return;
    }
    const a = adaptUpdate(m, item.context, this.target);
    this.dropped += a.dropped;
    if (a.messages.length === 0) {
      if (a.dropped === 0) this.empty++;
      return;
    }
    for (const u of a.messages) this.push(encodeMessage(u, this.target.ctx));
    this.updates += a.messages.length;
    this.announced += a.announced;
    this.withdrawn += a.withdrawn;
  }
}
