// IP fragment reassembly (RFC 791 s3.2, RFC 8200 s4.5): fragments are held until their datagram
// is complete, then it is decoded. Bounded in datagrams, bytes, fragments and time (see
// IpReassemblyOptions); a datagram given up is reported and decoded as far as its bytes reach from
// the start, like a segment cut by the snaplen.

import { ipv6Payload, type Fragment, type FragmentSink } from './capture-ip.js';
import { decodeTcp } from './capture-tcp.js';
import { issue, type CaptureIssue, type CapturedPacket, type Origin } from './capture-types.js';

/**
 * IP reassembly holds fragments until their datagram is complete. These bounds keep a capture full
 * of stray or hostile fragments from holding memory: past them, the oldest datagram is given up.
 */
export interface IpReassemblyOptions {
  /** Datagrams being reassembled at once. Default 256. */
  readonly maxDatagrams?: number;
  /** Fragment bytes held over all pending datagrams. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
  /** Fragments of one datagram (8-byte pieces of 64 KiB would be 8192). Default 1024. */
  readonly maxFragments?: number;
  /** Capture seconds after its first fragment that a datagram is given up (Linux ipfrag_time). Default 30. */
  readonly timeoutSeconds?: number;
}

export const DEFAULT_IP_REASSEMBLY: Required<IpReassemblyOptions> = {
  maxDatagrams: 256,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxFragments: 1024,
  timeoutSeconds: 30,
};

/** Largest reassembled payload: the IPv4 total length and IPv6 payload length are 16 bits. */
const MAX_DATAGRAM_PAYLOAD = 65535;

/** A run of bytes held for a datagram; a datagram's pieces are disjoint and sorted by offset. */
interface Piece {
  offset: number;
  data: Uint8Array;
}

interface Datagram {
  v6: boolean;
  src: string;
  dst: string;
  next: number;
  firstTs: number;
  pieces: Piece[];
  /** Bytes held in pieces. */
  bytes: number;
  frames: number[];
  /** Payload length, known once the last fragment (MF clear) arrived. */
  total: number | undefined;
  /** Largest end any fragment announced (bytes are known to exist up to here). */
  extent: number;
  /** Overlapping fragments disagreed (reported once). */
  conflict: boolean;
  last: { frame: number; ts: number; where: number };
}

export class IpReassembler implements FragmentSink {
  private readonly pending = new Map<string, Datagram>();
  private buffered = 0;
  private readonly limits: Required<IpReassemblyOptions>;

  constructor(options: IpReassemblyOptions = {}) {
    this.limits = { ...DEFAULT_IP_REASSEMBLY, ...options };
  }

  *add(o: Origin, f: Fragment): Generator<CapturedPacket | CaptureIssue> {
    const label = f.v6 ? 'IPv6' : 'IPv4';
    if (f.offset + f.length > MAX_DATAGRAM_PAYLOAD) {
      yield issue(o.frame, f.where, `${label} fragment at offset ${f.offset} (${f.length} bytes) ends beyond the largest datagram; skipped`);
      return;
    }
    let g = this.pending.get(f.key);
    if (!g) {
      while (this.pending.size >= Math.max(1, this.limits.maxDatagrams)) yield* this.giveUpOldest('too many datagrams in reassembly');
      g = { v6: f.v6, src: f.src, dst: f.dst, next: f.next, firstTs: o.ts, pieces: [], bytes: 0, frames: [], total: undefined, extent: 0, conflict: false, last: { frame: o.frame, ts: o.ts, where: f.where } };
      this.pending.set(f.key, g);
    }
    g.frames.push(o.frame);
    g.last = { frame: o.frame, ts: o.ts, where: f.where };
    g.extent = Math.max(g.extent, f.offset + f.length);
    if (!f.more) {
      const total = f.offset + f.length;
      if (g.total === undefined) g.total = total;
      else if (g.total !== total) yield issue(o.frame, f.where, `${label} fragments disagree on the datagram's length (${g.total} or ${total}); the first is kept`);
    }
    if (f.v6 && f.offset === 0) g.next = f.next; // the first fragment's next header is the one that counts
    // Where fragments overlap, the bytes that arrived first are kept (and a disagreement reported):
    // a deterministic rule, though receivers differ and RFC 8200 s4.5 discards such datagrams.
    const added = insertPiece(g, f.offset, f.data);
    this.buffered += added.bytes;
    if (added.conflict && !g.conflict) {
      g.conflict = true;
      yield issue(o.frame, f.where, `overlapping ${label} fragments carry different bytes; the bytes received first are kept`);
    }
    if (g.total !== undefined && contiguous(g) >= g.total) {
      this.drop(f.key, g);
      yield* deliver(g, true, '');
      return;
    }
    if (g.frames.length > this.limits.maxFragments) {
      this.drop(f.key, g);
      yield* deliver(g, false, `more than ${this.limits.maxFragments} fragments`);
      return;
    }
    while (this.buffered > this.limits.maxBufferedBytes && this.pending.size > 0) yield* this.giveUpOldest('reassembly buffer full');
  }

  /** Gives up datagrams whose first fragment is older than the timeout (oldest first). */
  *expire(now: number): Generator<CapturedPacket | CaptureIssue> {
    for (const [key, g] of this.pending) {
      if (!(now - g.firstTs > this.limits.timeoutSeconds)) break;
      this.drop(key, g);
      yield* deliver(g, false, `not completed within ${this.limits.timeoutSeconds} s`);
    }
  }

  /** End of capture: gives up every incomplete datagram. */
  *flush(): Generator<CapturedPacket | CaptureIssue> {
    for (const [key, g] of this.pending) {
      this.drop(key, g);
      yield* deliver(g, false, 'the capture ends before its other fragments');
    }
  }

  private *giveUpOldest(why: string): Generator<CapturedPacket | CaptureIssue> {
    const first = this.pending.entries().next();
    if (first.done) return;
    const [key, g] = first.value;
    this.drop(key, g);
    yield* deliver(g, false, why);
  }

  private drop(key: string, g: Datagram): void {
    this.pending.delete(key);
    this.buffered -= g.bytes;
  }
}

/**
 * Adds the bytes of [offset, offset + data.length) that no piece holds yet, as views of `data`.
 * Returns how many bytes were added and whether the overlapping part differs from what is held.
 */
function insertPiece(g: Datagram, offset: number, data: Uint8Array): { bytes: number; conflict: boolean } {
  const end = offset + data.length;
  const old = g.pieces;
  const merged: Piece[] = [];
  let bytes = 0;
  let conflict = false;
  let at = offset; // first byte of the new data not yet placed or compared
  let i = 0;
  for (; i < old.length; i++) {
    const p = old[i] as Piece;
    const pEnd = p.offset + p.data.length;
    if (at < end && p.offset > at) {
      // A hole before p: fill what of it the new data covers.
      const stop = Math.min(end, p.offset);
      merged.push({ offset: at, data: data.subarray(at - offset, stop - offset) });
      bytes += stop - at;
      at = stop;
    }
    if (at < end && p.offset <= at && pEnd > at) {
      const stop = Math.min(end, pEnd);
      for (let k = at; k < stop && !conflict; k++) if (data[k - offset] !== p.data[k - p.offset]) conflict = true;
      at = stop;
    }
    merged.push(p);
  }
  if (at < end) {
    merged.push({ offset: at, data: data.subarray(at - offset) });
    bytes += end - at;
  }
  g.pieces = merged;
  g.bytes += bytes;
  return { bytes, conflict };
}

/** Length of the gap-free run of bytes from offset 0. */
function contiguous(g: Datagram): number {
  let n = 0;
  for (const p of g.pieces) {
    if (p.offset > n) break;
    n = Math.max(n, p.offset + p.data.length);
  }
  return n;
}

/**
 * Decodes a datagram: a complete one whole, an incomplete one as far as its bytes reach from offset
 * 0 (a segment cut short, like one cut by the snaplen), after an issue saying why.
 */
function* deliver(g: Datagram, complete: boolean, why: string): Generator<CapturedPacket | CaptureIssue> {
  const end = g.total ?? g.extent;
  const have = Math.min(contiguous(g), end);
  if (!complete) {
    const size = g.total === undefined ? `at least ${g.extent}` : `${g.total}`;
    const label = g.v6 ? 'IPv6' : 'IPv4';
    const tail = have > 0 ? `decoding its first ${have} bytes` : 'its first bytes are missing, so it is skipped';
    yield issue(g.last.frame, g.last.where, `${label} datagram incomplete (${why}): ${g.frames.length} fragment(s) hold ${g.bytes} of ${size} bytes; ${tail}`);
    if (have === 0) return;
  }
  // One copy per datagram: the pieces are views into their frames.
  const buf = new Uint8Array(have);
  for (const p of g.pieces) {
    if (p.offset >= have) break;
    buf.set(p.data.subarray(0, have - p.offset), p.offset);
  }
  const o: Origin = {
    frame: g.last.frame,
    ts: g.last.ts,
    base: undefined,
    anchor: g.last.where,
    cut: 'incomplete IP datagram',
    fragments: g.frames,
    incomplete: !complete,
  };
  if (g.v6) yield* ipv6Payload(o, buf, 0, end, g.next, g.src, g.dst, undefined);
  else yield* decodeTcp(o, buf, 0, end, g.src, g.dst);
}
