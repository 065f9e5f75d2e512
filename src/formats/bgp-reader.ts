// Any file that carries BGP (pcap, pcapng, MRT, hex; plain, gzip or bzip2) as a stream of decoded
// records. The capture path tracks each session's OPENs so later UPDATEs decode with the
// negotiated context; where the OPENs were not captured it infers the context from the bytes.

import {
  BgpError,
  decodeMessage,
  decodePathAttributes,
  familyKey,
  fromHex,
  inferUpdateContext,
  makeContext,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MessageFramer,
  negotiateContext,
  openCapabilities,
  type BgpMessage,
  type CodecContext,
  type Decoded,
  type OpenMessage,
  type PathAttribute,
} from '../wire/index.js';
import { decompress, type CompressionFormat } from './decompress.js';
import { readMrt } from './mrt.js';
import type { MrtPeer } from './mrt-types.js';
import { readFrames } from './pcap.js';
import { tcpStreams, type FlowKey } from './tcp.js';

export type FileFormat = 'pcap' | 'pcapng' | 'mrt' | 'hex';

/** Where a record came from: frame (captures), record (MRT) or line (hex); byte offset within it. */
export interface RecordOrigin {
  readonly frame?: number;
  readonly record?: number;
  readonly line?: number;
  /** MRT RIB records: 0-based number of the RIB entry within the record. */
  readonly entry?: number;
  /** Byte offset: of the MRT record in the uncompressed file, or of the problem inside the message. */
  readonly offset?: number;
}

export interface FlowInfo {
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
}

export interface PeerInfo {
  readonly ip: string;
  readonly asn: number;
  readonly bgpId?: string;
}

export interface MessageRecord extends RecordOrigin {
  readonly kind: 'message';
  readonly ts?: number;
  readonly flow?: FlowInfo;
  /** Captures: client-to-server / server-to-client (server = the BGP port); MRT: received / sent. */
  readonly direction?: 'client-to-server' | 'server-to-client' | 'received' | 'sent';
  readonly peer?: PeerInfo;
  readonly local?: PeerInfo;
  readonly length: number;
  readonly message: BgpMessage;
  /** The message as it was on the wire (a view; header included). */
  readonly bytes: Uint8Array;
  /** The context it was decoded with: encodeMessage(message, context) gives `bytes` back. */
  readonly context: CodecContext;
}

export interface RibEntryRecord extends RecordOrigin {
  readonly kind: 'rib-entry';
  readonly ts: number;
  readonly prefix: string;
  readonly afi: number;
  readonly safi: number;
  readonly peer: PeerInfo;
  readonly pathId?: number;
  readonly originatedTime: number;
  readonly attributes: PathAttribute[];
  readonly errors?: BgpError[];
  /** The raw path attributes of the entry and the context they were decoded with. */
  readonly attributeBytes: Uint8Array;
  readonly context: CodecContext;
}

export interface StateRecord extends RecordOrigin {
  readonly kind: 'state';
  readonly ts: number;
  readonly peer: PeerInfo;
  readonly local: PeerInfo;
  readonly oldState: number;
  readonly newState: number;
}

export interface ErrorRecord extends RecordOrigin {
  readonly kind: 'error';
  readonly ts?: number;
  readonly flow?: FlowInfo;
  /** A codec error (with its NOTIFICATION), or a problem of the container (capture, MRT, hex). */
  readonly error: BgpError | { readonly message: string };
}

export interface GapRecord extends RecordOrigin {
  readonly kind: 'gap';
  readonly flow: FlowInfo;
  readonly missing: number;
}

export type BgpRecord = MessageRecord | RibEntryRecord | StateRecord | ErrorRecord | GapRecord;

export interface ReadOptions {
  /** TCP ports that carry BGP in captures; 179 always included. */
  readonly ports?: readonly number[];
  /**
   * Told how far reading has got, as a byte offset in `data` (the decompressed bytes): for a
   * progress bar. Called often (per record, line or capture event), never backwards, and with
   * data.length once the records are exhausted.
   */
  readonly onPosition?: (offset: number) => void;
}

export interface OpenedFile {
  readonly format: FileFormat;
  readonly compression: CompressionFormat;
  /** Set when decompression stopped early: what was decodable is still read. */
  readonly truncated?: string;
  /** The decompressed bytes the records are read from. */
  readonly data: Uint8Array;
  readonly records: Iterable<BgpRecord>;
}

/** Detects the container format of (decompressed) bytes. */
export function detectFormat(b: Uint8Array): FileFormat {
  if (b.length >= 4) {
    const m = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
    if (m === 0x0a0d0d0a) return 'pcapng';
  }
  if (looksLikeHex(b.subarray(0, 1024))) return 'hex';
  return 'mrt';
}

/** Printable text whose lines, without '#' comments and '0x' prefixes, are only hex digits, ':' and blanks. */
function looksLikeHex(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const c of head) if (c !== 0x09 && c !== 0x0a && c !== 0x0d && (c < 0x20 || c > 0x7e)) return false;
  const text = new TextDecoder().decode(head).replace(/#[^\n]*/g, '').replace(/0x/gi, '');
  return /[0-9a-f]/i.test(text) && /^[0-9a-fA-F:\s]*$/.test(text);
}

export function openBgpFile(bytes: Uint8Array, options: ReadOptions = {}): OpenedFile {
  const d = decompress(bytes);
  const format = detectFormat(d.data);
  const truncated = d.truncated ? (d.error ?? 'compressed stream ends early') : undefined;
  let records: Iterable<BgpRecord>;
  switch (format) {
    case 'pcap':
    case 'pcapng':
      records = readCaptureRecords(d.data, options);
      break;
    case 'hex':
      records = readHexRecords(d.data, options.onPosition);
      break;
    default:
      records = readMrtRecords(d.data, options.onPosition);
  }
  return { format, compression: d.format, ...(truncated ? { truncated } : {}), data: d.data, records };
}

const ALL_IP_FAMILIES = new Set([familyKey(1, 1), familyKey(1, 2), familyKey(2, 1), familyKey(2, 2)]);
const NO_FAMILIES = new Set<number>();
/** BGP4MP subtypes say 2/4-octet ASNs and ADD-PATH (RFC 8050): index as4 + 2 * addPath. */
const MRT_CONTEXTS: readonly CodecContext[] = [false, true, false, true].map((asn4, i) => ({
  asn4,
  addPath: i >= 2 ? ALL_IP_FAMILIES : NO_FAMILIES,
  extendedMessage: true,
}));

// ---------------------------------------------------------------------------------------------
// Captures

interface Direction {
  readonly framer: MessageFramer;
  /** The flow and the frame of its last data, for reporting what the capture leaves unfinished. */
  flow?: FlowInfo;
  lastFrame?: number;
  open?: OpenMessage;
  resyncing: boolean;
  /** Event count when the current TCP stream of this direction began. */
  begun: number;
  /** Event count when it ended (FIN, RST, or a new SYN on the 4-tuple); its next bytes are a new session. */
  endedAt?: number;
}

function* readCaptureRecords(data: Uint8Array, options: ReadOptions): Generator<BgpRecord> {
  const ports = new Set([179, ...(options.ports ?? [])]);
  const directions = new Map<string, Direction>();
  const reverseId = (f: FlowKey) => `${f.dst.includes(':') ? `[${f.dst}]` : f.dst}:${f.dstPort}>${f.src.includes(':') ? `[${f.src}]` : f.src}:${f.srcPort}`;
  let tick = 0;
  const { onPosition } = options;
  const reportFrame = onPosition ? frameReporter(data, onPosition) : undefined;
  for (const ev of tcpStreams(data)) {
    tick++;
    reportFrame?.(ev.frame);
    if (ev.kind === 'issue') {
      yield { kind: 'error', frame: ev.frame, offset: ev.offset, error: { message: ev.message } };
      continue;
    }
    const f = ev.flow;
    if (!ports.has(f.srcPort) && !ports.has(f.dstPort)) continue;
    const flow: FlowInfo = { src: f.src, srcPort: f.srcPort, dst: f.dst, dstPort: f.dstPort };
    let dir = directions.get(f.id);
    if (ev.kind === 'end') {
      if (!dir || dir.endedAt !== undefined) continue;
      // The session's stream is over: bytes buffered now can never complete a message, and must not
      // be joined to the next stream on this 4-tuple (a new session that starts with its OPEN).
      if (dir.framer.buffered > 0 && !dir.resyncing) {
        const reason = ev.reason === 'fin' ? 'FIN' : ev.reason === 'rst' ? 'RST' : 'a new SYN';
        yield { kind: 'error', frame: ev.frame, flow, error: { message: `stream ended by ${reason} inside a message: ${dir.framer.buffered} bytes dropped` } };
      }
      dir.framer.reset();
      dir.resyncing = false;
      // The OPEN stays for the reverse direction's last messages of the same session (see below).
      dir.endedAt = tick;
      continue;
    }
    if (!dir) {
      dir = { framer: new MessageFramer({ maxLength: MAX_EXTENDED_MESSAGE_LENGTH }), resyncing: false, begun: tick };
      directions.set(f.id, dir);
    } else if (dir.endedAt !== undefined) {
      // A new stream after the end of the last: a new session, which negotiates afresh.
      dir.framer.reset();
      dir.resyncing = false;
      dir.open = undefined;
      dir.endedAt = undefined;
      dir.begun = tick;
    }
    if (ev.kind === 'gap') {
      // Bytes are missing: what is buffered cannot be completed. Start again at the next marker.
      dir.framer.reset();
      dir.resyncing = true;
      if (ev.missing > 0) yield { kind: 'gap', frame: ev.frame, flow, missing: ev.missing };
      continue;
    }
    dir.framer.push(ev.data);
    const direction = ports.has(f.dstPort) ? 'client-to-server' : 'server-to-client';
    for (;;) {
      let msg: Uint8Array | null;
      try {
        msg = dir.framer.next();
      } catch (e) {
        const skipped = dir.framer.resync();
        if (!dir.resyncing) yield { kind: 'error', frame: ev.frame, ts: ev.ts, flow, error: e as BgpError };
        dir.resyncing = true;
        if (skipped === 0) break;
        continue;
      }
      if (!msg) break;
      dir.resyncing = false;
      // The peer's OPEN counts if it belongs to this session: its stream has not ended, or ended
      // after this one began (the same connection, closing).
      const reverse = directions.get(reverseId(f));
      const peerOpen = reverse && (reverse.endedAt === undefined || reverse.endedAt > dir.begun) ? reverse.open : undefined;
      const ctx = captureContext(msg, dir.open, peerOpen);
      try {
        const { message, length } = decodeMessage(msg, ctx);
        if (message.type === 'open') dir.open = message;
        yield { kind: 'message', frame: ev.frame, ts: ev.ts, flow, direction, length, message, bytes: msg, context: ctx };
      } catch (e) {
        if (!(e instanceof BgpError)) throw e;
        yield { kind: 'error', frame: ev.frame, ts: ev.ts, flow, ...(e.offset === undefined ? {} : { offset: e.offset }), error: e };
      }
    }
    dir.flow = flow;
    dir.lastFrame = ev.frame;
  }
  // The capture ends inside a message: say so, rather than dropping its bytes silently.
  for (const dir of directions.values()) {
    if (dir.framer.buffered === 0 || !dir.flow) continue;
    yield {
      kind: 'error',
      ...(dir.lastFrame === undefined ? {} : { frame: dir.lastFrame }),
      flow: dir.flow,
      error: { message: `the capture ends inside a message: ${dir.framer.buffered} bytes of it captured` },
    };
  }
  onPosition?.(data.length);
}

/**
 * Reports where frame N ends in the file. Stream events carry frame numbers, not offsets, so a
 * second walk over the container (headers only, cheap next to decoding) keeps step with the
 * decoder. Only made when a caller asked for positions.
 */
function frameReporter(data: Uint8Array, onPosition: (offset: number) => void): (frame: number) => void {
  const frames = readFrames(data);
  let next = frames.next();
  let pos = 0;
  return (frame) => {
    while (!next.done && next.value.frame <= frame) {
      const f = next.value;
      pos = Math.max(pos, f.kind === 'frame' ? f.offset + f.data.length : f.offset);
      next = frames.next();
    }
    onPosition(pos);
  };
}

const INFER_BASE: CodecContext = { asn4: true, addPath: NO_FAMILIES, extendedMessage: true };

/** Negotiated context when both OPENs were captured; otherwise what the bytes show. */
function captureContext(msg: Uint8Array, sender: OpenMessage | undefined, receiver: OpenMessage | undefined): CodecContext {
  if (sender && receiver) return { ...negotiateContext(sender, receiver), extendedMessage: true };
  if (msg[18] !== 2) return INFER_BASE;
  // One OPEN seen: a sender without the four-octet AS capability settles asn4 (RFC 6793 s4).
  const base =
    sender && !openCapabilities(sender).some((c) => c.type === 'four-octet-as') ? { ...INFER_BASE, asn4: false } : INFER_BASE;
  const inferred = inferUpdateContext(msg, base);
  return base.asn4 ? inferred : { ...inferred, asn4: false };
}

// ---------------------------------------------------------------------------------------------
// MRT

function* readMrtRecords(data: Uint8Array, onPosition?: (offset: number) => void): Generator<BgpRecord> {
  let peers: MrtPeer[] = [];
  for (const r of readMrt(data)) {
    onPosition?.(r.offset);
    switch (r.kind) {
      case 'issue':
        yield { kind: 'error', record: r.index, offset: r.offset, error: { message: r.message } };
        break;
      case 'bgp4mp-message': {
        // The hot path of large update dumps: no closures or nested generators per message.
        const ctx = MRT_CONTEXTS[(r.as4 ? 1 : 0) + (r.addPath ? 2 : 0)]!;
        let decoded: Decoded;
        try {
          decoded = decodeMessage(r.message, ctx);
        } catch (e) {
          if (!(e instanceof BgpError)) throw e;
          yield { kind: 'error', record: r.index, ts: r.timestamp, ...(e.offset === undefined ? {} : { offset: e.offset }), error: e };
          break;
        }
        yield {
          kind: 'message',
          record: r.index,
          offset: r.offset,
          ts: r.timestamp,
          direction: r.local ? 'sent' : 'received',
          peer: { ip: r.peerIp, asn: r.peerAsn },
          local: { ip: r.localIp, asn: r.localAsn },
          length: decoded.length,
          message: decoded.message,
          bytes: r.message,
          context: ctx,
        };
        if (decoded.length < r.message.length) {
          yield { kind: 'error', record: r.index, ts: r.timestamp, offset: decoded.length, error: { message: `${r.message.length - decoded.length} bytes after the BGP message` } };
        }
        break;
      }
      case 'bgp4mp-state':
        yield {
          kind: 'state',
          record: r.index,
          offset: r.offset,
          ts: r.timestamp,
          peer: { ip: r.peerIp, asn: r.peerAsn },
          local: { ip: r.localIp, asn: r.localAsn },
          oldState: r.oldState,
          newState: r.newState,
        };
        break;
      case 'peer-index-table':
        peers = r.peers;
        break;
      case 'table-dump': {
        const afi = r.prefix.includes(':') ? 2 : 1;
        yield ribEntry(r.index, r.offset, r.timestamp, r.prefix, afi, 1, { ip: r.peerIp, asn: r.peerAsn }, r.originatedTime, undefined, r.attributes, {
          asn4: false,
          addPath: NO_FAMILIES,
          extendedMessage: true,
        });
        break;
      }
      case 'rib': {
        const ctx: CodecContext = { asn4: true, addPath: NO_FAMILIES, extendedMessage: true, mrtRibEntry: { afi: r.afi, safi: r.safi } };
        for (let i = 0; i < r.entries.length; i++) {
          const e = r.entries[i]!;
          const p = peers[e.peerIndex];
          if (!p) {
            yield { kind: 'error', record: r.index, entry: i, offset: r.offset, error: { message: `RIB entry names peer index ${e.peerIndex}, but the peer index table has ${peers.length} peers` } };
            continue;
          }
          const rec = ribEntry(r.index, r.offset, r.timestamp, r.prefix, r.afi, r.safi, { ip: p.ip, asn: p.asn, bgpId: p.bgpId }, e.originatedTime, e.pathId, e.attributes, ctx);
          yield rec.kind === 'error' ? { ...rec, entry: i } : rec;
        }
        break;
      }
      case 'bgp-legacy': {
        if (r.bgpType === undefined || !r.bgpBody) break;
        // These records leave out the 19-byte header: put one back so the codec sees a message.
        const msg = new Uint8Array(19 + r.bgpBody.length);
        msg.fill(0xff, 0, 16);
        msg[16] = msg.length >> 8;
        msg[17] = msg.length & 255;
        msg[18] = r.bgpType;
        msg.set(r.bgpBody, 19);
        const peer = { ip: r.peerIp ?? '', asn: r.peerAsn ?? 0 };
        const local = { ip: r.localIp ?? '', asn: r.localAsn ?? 0 };
        const ctx: CodecContext = { asn4: false, addPath: NO_FAMILIES, extendedMessage: true };
        yield* decodeOne(msg, ctx, { record: r.index, ts: r.timestamp }, (message, length, bytes, context) => ({
          kind: 'message',
          record: r.index,
          offset: r.offset,
          ts: r.timestamp,
          direction: 'received',
          peer,
          local,
          length,
          message,
          bytes,
          context,
        }));
        break;
      }
      default:
        break;
    }
  }
  onPosition?.(data.length);
}

function ribEntry(
  record: number,
  offset: number,
  ts: number,
  prefix: string,
  afi: number,
  safi: number,
  peer: PeerInfo,
  originatedTime: number,
  pathId: number | undefined,
  attrs: Uint8Array,
  ctx: CodecContext,
): BgpRecord {
  try {
    const { attributes, errors } = decodePathAttributes(attrs, 0, attrs.length, ctx);
    return {
      kind: 'rib-entry',
      record,
      offset,
      ts,
      prefix,
      afi,
      safi,
      peer,
      originatedTime,
      attributes,
      attributeBytes: attrs,
      context: ctx,
      ...(pathId === undefined ? {} : { pathId }),
      ...(errors.length ? { errors } : {}),
    };
  } catch (e) {
    if (!(e instanceof BgpError)) throw e;
    return { kind: 'error', record, offset, ts, error: e };
  }
}

/** Decodes one message; errors carry `where` (record or line, time) plus the offset in the message. */
function* decodeOne(
  msg: Uint8Array,
  ctx: CodecContext,
  where: { record?: number; line?: number; ts?: number },
  wrap: (m: BgpMessage, length: number, bytes: Uint8Array, context: CodecContext) => MessageRecord,
): Generator<BgpRecord> {
  try {
    const { message, length } = decodeMessage(msg, ctx);
    yield wrap(message, length, msg.subarray(0, length), ctx);
    if (length < msg.length) {
      yield { kind: 'error', ...where, offset: length, error: { message: `${msg.length - length} bytes after the BGP message` } };
    }
  } catch (e) {
    if (!(e instanceof BgpError)) throw e;
    yield { kind: 'error', ...where, ...(e.offset === undefined ? {} : { offset: e.offset }), error: e };
  }
}

// ---------------------------------------------------------------------------------------------
// Hex: one or more messages as hex digits; whitespace, ':' separators and '#' comments allowed.

function* readHexRecords(data: Uint8Array, onPosition?: (offset: number) => void): Generator<BgpRecord> {
  const text = new TextDecoder().decode(data);
  const framer = new MessageFramer({ maxLength: MAX_EXTENDED_MESSAGE_LENGTH });
  const ctx = makeContext({ extendedMessage: true });
  const lines = text.split('\n');
  // Characters, not bytes: the same for the ASCII a hex file is; close enough for progress otherwise.
  let pos = 0;
  for (let i = 0; i < lines.length; i++) {
    onPosition?.(Math.min(pos, data.length));
    pos += lines[i]!.length + 1;
    const line = lines[i]!.replace(/#.*/, '').replace(/0x/gi, '').replace(/[\s:]/g, '');
    if (!line) continue;
    let bytes: Uint8Array;
    try {
      bytes = fromHex(line);
    } catch {
      yield { kind: 'error', line: i + 1, error: { message: 'not hex digits' } };
      continue;
    }
    framer.push(bytes);
    for (;;) {
      let msg: Uint8Array | null;
      try {
        msg = framer.next();
      } catch (e) {
        yield { kind: 'error', line: i + 1, error: e as BgpError };
        if (framer.resync() === 0) break;
        continue;
      }
      if (!msg) break;
      yield* decodeOne(msg.slice(), inferUpdateContext(msg, ctx), { line: i + 1 }, (message, length, bytes, context) => ({ kind: 'message', line: i + 1, length, message, bytes, context }));
    }
  }
  if (framer.buffered > 0) yield { kind: 'error', line: lines.length, error: { message: `${framer.buffered} bytes left over: an incomplete message` } };
  onPosition?.(data.length);
}
