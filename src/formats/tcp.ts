// TCP stream reassembly, one byte stream per direction of a connection.
//
// Captures lose, duplicate and reorder segments, so the stream a BGP decoder sees is rebuilt from
// sequence numbers, not from capture order. What the capture never had is reported as a 'gap'
// event and skipped: bytes are never invented, so a consumer knows where it must resynchronise
// (for BGP: look for the next 16-byte marker).
//
// A hole is given up (gap event, then whatever was buffered behind it) when the peer acknowledges
// data beyond it, when the out-of-order buffer exceeds its bound, when the direction ends (RST,
// or a new SYN on the 4-tuple), or at flush. A stream picked up without its SYN starts with a gap
// of unknown size (missing: 0) so consumers know its first byte may be mid-message.
//
// A stream ends with an 'end' event: at its FIN (once everything before it was delivered), at an
// RST (which aborts both directions of the connection), or when a new SYN reuses the 4-tuple. A
// later stream on the same 4-tuple is a new session: consumers must not join its bytes to the old
// one's. A new stream also starts when data arrives on an ended direction beyond where it ended
// (or before where it began): the capture missed the new connection's SYN.

import { readPackets, TcpFlags, type CaptureIssue, type CapturedPacket } from './pcap.js';

export interface FlowKey {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** `${src}:${srcPort}>${dst}:${dstPort}`, IPv6 addresses in brackets. */
  id: string;
}

/** Contiguous in-order bytes of one direction; frame/ts of the packet that completed them. */
export interface TcpDataEvent {
  kind: 'data';
  flow: FlowKey;
  frame: number;
  ts: number;
  data: Uint8Array;
}

/** Bytes the capture does not have; the stream continues after them. `missing` 0 = unknown. */
export interface TcpGapEvent {
  kind: 'gap';
  flow: FlowKey;
  frame: number;
  missing: number;
}

/**
 * The direction's stream ended; what follows on this flow (if anything) is a new stream. Emitted
 * after the stream's last data or gap event. `frame` is the packet that ended it.
 */
export interface TcpEndEvent {
  kind: 'end';
  flow: FlowKey;
  frame: number;
  reason: 'fin' | 'rst' | 'syn';
}

export type TcpEvent = TcpDataEvent | TcpGapEvent | TcpEndEvent;

export interface TcpReassemblerOptions {
  /** Out-of-order bytes buffered per direction before the hole in front of them is given up. */
  maxBufferedBytes?: number;
  /** Out-of-order segments buffered per direction, likewise (bounds the cost of keeping them sorted). */
  maxBufferedSegments?: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_BUFFERED_SEGMENTS = 16384;

export function flowId(src: string, srcPort: number, dst: string, dstPort: number): string {
  const host = (a: string): string => (a.includes(':') ? `[${a}]` : a);
  return `${host(src)}:${srcPort}>${host(dst)}:${dstPort}`;
}

/** Signed distance a - b between 32-bit sequence numbers (RFC 793 modular comparison). */
const seqDiff = (a: number, b: number): number => (a - b) | 0;
const seqAdd = (a: number, n: number): number => (a + n) >>> 0;

interface Segment {
  seq: number;
  data: Uint8Array;
  /** Bytes that followed `data` on the wire but are not in the capture (truncated packet). */
  skip: number;
  frame: number;
  ts: number;
}

interface Direction {
  flow: FlowKey;
  /** Initial sequence number from the SYN, when one was seen. */
  isn: number | undefined;
  /** Sequence number of the stream's first byte (ISN + 1, or the first segment's). */
  start: number;
  /** Next sequence number to deliver. */
  next: number;
  /** Stream picked up mid-way: what precedes its first byte is unknown. */
  unsyncedStart: boolean;
  /** Sequence number of the FIN, once seen; the direction ends when `next` reaches it. */
  fin: { seq: number; frame: number } | undefined;
  closed: boolean;
  /** The end event was emitted (closed, and consumers told). */
  ended: boolean;
  endReason: TcpEndEvent['reason'] | undefined;
  /** Out-of-order segments, ascending by sequence number (all ahead of `next`). */
  pending: Segment[];
  pendingBytes: number;
}

/** Accumulates delivered chunks so one packet produces one data event per contiguous run. */
class Run {
  private chunks: Uint8Array[] = [];
  private frame = 0;
  private ts = 0;

  constructor(private readonly flow: FlowKey, private readonly out: TcpEvent[]) {}

  add(data: Uint8Array, frame: number, ts: number): void {
    this.chunks.push(data);
    this.frame = frame;
    this.ts = ts;
  }

  gap(missing: number, frame: number): void {
    this.emit();
    this.out.push({ kind: 'gap', flow: this.flow, frame, missing });
  }

  /** Ends the run; `by` overrides which packet is credited with completing it. */
  emit(by?: { frame: number; ts: number }): void {
    if (this.chunks.length === 0) return;
    const data = this.chunks.length === 1 ? (this.chunks[0] as Uint8Array) : concat(this.chunks);
    this.out.push({ kind: 'data', flow: this.flow, frame: by?.frame ?? this.frame, ts: by?.ts ?? this.ts, data });
    this.chunks = [];
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

export class TcpReassembler {
  private readonly dirs = new Map<string, Direction>();
  private readonly maxBuffered: number;
  private readonly maxSegments: number;

  constructor(options: TcpReassemblerOptions = {}) {
    this.maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.maxSegments = options.maxBufferedSegments ?? DEFAULT_MAX_BUFFERED_SEGMENTS;
  }

  push(p: CapturedPacket): TcpEvent[] {
    const out: TcpEvent[] = [];
    this.segment(p, out);
    // Also on closed directions: a side that sent its FIN still acknowledges the other's data.
    if (p.flags & TcpFlags.ACK) this.acknowledged(flowId(p.dst, p.dstPort, p.src, p.srcPort), p, out);
    return out;
  }

  private segment(p: CapturedPacket, out: TcpEvent[]): void {
    const id = flowId(p.src, p.srcPort, p.dst, p.dstPort);
    let dir = this.dirs.get(id);
    const syn = (p.flags & TcpFlags.SYN) !== 0;
    // A SYN with a new initial sequence number starts a new stream on this 4-tuple (a session
    // reset and reconnected); a SYN with the known one is a retransmission.
    if (syn && (!dir || dir.isn !== p.seq)) {
      const flow = dir?.flow ?? { src: p.src, dst: p.dst, srcPort: p.srcPort, dstPort: p.dstPort, id };
      if (dir) this.end(dir, 'syn', p.frame, out);
      dir = newDirection(flow, p.seq, seqAdd(p.seq, 1), false);
      this.dirs.set(id, dir);
    } else if (!dir) {
      // No SYN: the capture started mid-stream. Start at the first segment seen.
      dir = newDirection({ src: p.src, dst: p.dst, srcPort: p.srcPort, dstPort: p.dstPort, id }, undefined, p.seq, true);
      this.dirs.set(id, dir);
    } else if (dir.closed && !syn && p.wireLength > 0 && !withinEnded(dir, p.seq)) {
      // Data on an ended direction that is no retransmission of its bytes: a new connection on
      // the 4-tuple whose SYN the capture missed (after FIN nothing follows in sequence space).
      dir = newDirection(dir.flow, undefined, p.seq, true);
      this.dirs.set(id, dir);
    }
    if (dir.closed) return; // retransmissions after FIN/RST; only new data or a new SYN reopens

    const dataSeq = syn ? seqAdd(p.seq, 1) : p.seq; // SYN occupies one sequence number
    if (p.wireLength > 0) {
      const seg: Segment = { seq: dataSeq, data: p.payload, skip: p.wireLength - p.payload.length, frame: p.frame, ts: p.ts };
      this.accept(dir, seg, out, p);
    }
    if (p.flags & TcpFlags.RST) {
      // An RST aborts the connection: neither side takes more data of it (RFC 793 s3.4).
      this.end(dir, 'rst', p.frame, out);
      const reverse = this.dirs.get(flowId(p.dst, p.dstPort, p.src, p.srcPort));
      if (reverse) this.end(reverse, 'rst', p.frame, out);
      return;
    }
    if (p.flags & TcpFlags.FIN && !dir.fin) {
      dir.fin = { seq: seqAdd(dataSeq, p.wireLength), frame: p.frame };
      dropBeyondFin(dir);
    }
    closeAtFin(dir, p.frame, out);
  }

  /** End of capture: gives up every hole still open, delivering what was buffered behind it. */
  flush(): TcpEvent[] {
    const out: TcpEvent[] = [];
    for (const dir of this.dirs.values()) this.finish(dir, out);
    this.dirs.clear();
    return out;
  }

  private accept(dir: Direction, seg: Segment, out: TcpEvent[], p: CapturedPacket): void {
    const run = new Run(dir.flow, out);
    if (seqDiff(seg.seq, dir.next) <= 0) {
      deliver(dir, seg, run);
      drain(dir, run);
      run.emit(p);
      return;
    }
    if (dir.fin && seqDiff(seg.seq, dir.fin.seq) >= 0) return; // past the FIN: not stream data
    insertPending(dir, seg);
    // Bound the buffer: past the limit the hole in front is evidently never coming.
    while ((dir.pendingBytes > this.maxBuffered || dir.pending.length > this.maxSegments) && dir.pending[0]) {
      skipHoles(dir, run, seqAdd(dir.pending[0].seq, 1));
    }
    run.emit(p);
  }

  /**
   * The peer acknowledged `ack`. If that lies beyond the start of buffered data, the receiver has
   * the bytes of the hole in front of it, so they will not be retransmitted: the capture missed
   * them. Giving up now, rather than at flush, keeps events in capture order.
   */
  private acknowledged(reverseId: string, p: CapturedPacket, out: TcpEvent[]): void {
    const dir = this.dirs.get(reverseId);
    const first = dir?.pending[0];
    if (!dir || dir.closed || !first || seqDiff(p.ack, first.seq) <= 0) return;
    const run = new Run(dir.flow, out);
    skipHoles(dir, run, p.ack);
    run.emit();
    closeAtFin(dir, p.frame, out);
  }

  /** Ends the direction's stream (once): gives up its holes, then tells consumers. */
  private end(dir: Direction, reason: TcpEndEvent['reason'], frame: number, out: TcpEvent[]): void {
    if (dir.ended) return;
    this.finish(dir, out);
    dir.closed = true;
    dir.ended = true;
    dir.endReason = reason;
    out.push({ kind: 'end', flow: dir.flow, frame, reason });
  }

  /** Gives up on every hole of the direction and delivers what lies behind them. */
  private finish(dir: Direction, out: TcpEvent[]): void {
    const run = new Run(dir.flow, out);
    skipHoles(dir, run, undefined);
    if (dir.fin && seqDiff(dir.fin.seq, dir.next) > 0) {
      run.gap(seqDiff(dir.fin.seq, dir.next), dir.fin.frame);
      dir.next = dir.fin.seq;
    }
    run.emit();
    dir.fin = undefined;
  }
}

/** Skips the holes in front of buffered segments that start before `until` (all if undefined). */
function skipHoles(dir: Direction, run: Run, until: number | undefined): void {
  for (let first = dir.pending[0]; first; first = dir.pending[0]) {
    if (until !== undefined && seqDiff(until, first.seq) <= 0) break;
    const hole = seqDiff(first.seq, dir.next);
    if (hole > 0) {
      run.gap(hole, first.frame);
      dir.unsyncedStart = false;
      dir.next = first.seq;
    }
    drain(dir, run);
  }
}

/** Nothing follows a FIN in sequence space: buffered segments past it are not stream data. */
function dropBeyondFin(dir: Direction): void {
  const fin = dir.fin;
  if (!fin) return;
  dir.pending = dir.pending.filter((s) => seqDiff(s.seq, fin.seq) < 0);
  dir.pendingBytes = dir.pending.reduce((n, s) => n + s.data.length, 0);
}

/** Ends the direction once everything up to its FIN has been delivered. */
function closeAtFin(dir: Direction, frame: number, out: TcpEvent[]): void {
  if (dir.closed || !dir.fin || dir.next !== dir.fin.seq) return;
  dir.closed = true;
  dir.ended = true;
  dir.endReason = 'fin';
  out.push({ kind: 'end', flow: dir.flow, frame, reason: 'fin' });
}

/**
 * Whether a segment at `seq` on an ended direction can still belong to the ended stream: a
 * retransmission of its bytes, or (after an RST) data that was in flight when the RST was sent,
 * which continues where the stream ended, within one unscaled window. After a FIN nothing can.
 */
function withinEnded(dir: Direction, seq: number): boolean {
  if (seqDiff(seq, dir.start) < 0) return false;
  return dir.endReason === 'rst' ? seqDiff(seq, dir.next) <= IN_FLIGHT_WINDOW : seqDiff(seq, dir.next) < 0;
}

const IN_FLIGHT_WINDOW = 65535;

function newDirection(flow: FlowKey, isn: number | undefined, next: number, unsyncedStart: boolean): Direction {
  return { flow, isn, start: next, next, unsyncedStart, fin: undefined, closed: false, ended: false, endReason: undefined, pending: [], pendingBytes: 0 };
}

/** Delivers the not-yet-delivered part of a segment that starts at or before `next`. */
function deliver(dir: Direction, seg: Segment, run: Run): void {
  const already = seqDiff(dir.next, seg.seq);
  if (already < seg.data.length) {
    if (dir.unsyncedStart) {
      run.gap(0, seg.frame);
      dir.unsyncedStart = false;
    }
    run.add(already > 0 ? seg.data.subarray(already) : seg.data, seg.frame, seg.ts);
    dir.next = seqAdd(seg.seq, seg.data.length);
  }
  if (seg.skip > 0) {
    const end = seqAdd(seg.seq, seg.data.length + seg.skip);
    const missing = seqDiff(end, dir.next);
    if (missing > 0) {
      run.gap(missing, seg.frame);
      dir.unsyncedStart = false;
      dir.next = end;
    }
  }
}

/** Delivers buffered segments while they touch `next`. */
function drain(dir: Direction, run: Run): void {
  const list = dir.pending;
  let i = 0;
  for (let first = list[0]; first && seqDiff(first.seq, dir.next) <= 0; first = list[++i]) {
    dir.pendingBytes -= first.data.length;
    deliver(dir, first, run);
  }
  // One splice for the whole run: shifting per segment would make draining quadratic.
  if (i > 0) list.splice(0, i);
}

function insertPending(dir: Direction, seg: Segment): void {
  const list = dir.pending;
  // Binary search for the first segment that starts after seg (the list is sorted and all of it
  // lies within 2^31 of `next`, so modular comparison orders it): i = insertion point.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seqDiff((list[mid] as Segment).seq, seg.seq) > 0) hi = mid;
    else lo = mid + 1;
  }
  const i = lo;
  const prev = list[i - 1];
  if (prev && prev.seq === seg.seq) {
    // Same start: keep whichever covers more (a retransmission may carry more than the original).
    if (seg.data.length + seg.skip <= prev.data.length + prev.skip) return;
    dir.pendingBytes -= prev.data.length;
    list[i - 1] = seg;
  } else {
    list.splice(i, 0, seg);
  }
  dir.pendingBytes += seg.data.length;
}

/** readPackets + reassembly: stream events (and capture issues) in capture order. */
export function* tcpStreams(bytes: Uint8Array): Generator<TcpEvent | CaptureIssue> {
  const reassembler = new TcpReassembler();
  for (const item of readPackets(bytes)) {
    if (item.kind === 'issue') yield item;
    else yield* reassembler.push(item);
  }
  yield* reassembler.flush();
}
