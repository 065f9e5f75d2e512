// What a replay sends, read from an MRT file one record at a time: recorded UPDATEs (BGP4MP
// MESSAGE records, and the deprecated BGP/BGP4PLUS UPDATE records) and table entries (TABLE_DUMP_V2
// RIB records, TABLE_DUMP entries), one route per prefix. Nothing is decoded beyond what readMrt()
// does: messages and attributes stay views into the file's bytes, decoded by the replayer as it
// goes, so memory holds the file and a bounded amount of work, never the file decoded.

import { decompress, type CompressionFormat } from '../formats/decompress.js';
import { detectFormat } from '../formats/bgp-reader.js';
import { readMrt } from '../formats/mrt.js';
import type { MrtPeer } from '../formats/mrt-types.js';
import { familyKey, parsePrefix, type CodecContext, type FamilyKey } from '../wire/index.js';
import { familyBit, scanUpdate } from './scan.js';

const ALL_IP_FAMILIES: ReadonlySet<FamilyKey> = new Set([familyKey(1, 1), familyKey(1, 2), familyKey(2, 1), familyKey(2, 2)]);
const NO_FAMILIES: ReadonlySet<FamilyKey> = new Set();

/** BGP4MP subtypes say 2/4-octet ASNs and ADD-PATH (RFC 8050): index as4 + 2 * addPath. */
export const MESSAGE_CONTEXTS: readonly CodecContext[] = [false, true, false, true].map((asn4, i) => ({
  asn4,
  addPath: i >= 2 ? ALL_IP_FAMILIES : NO_FAMILIES,
  extendedMessage: true,
}));

/** TABLE_DUMP (v1) attributes carry 2-octet ASNs (RFC 6396 s4.2). */
const TABLE_DUMP_CONTEXT: CodecContext = { asn4: false, addPath: NO_FAMILIES, extendedMessage: true };
const RIB_CONTEXTS = new Map<FamilyKey, CodecContext>();

/** RFC 6396 s4.3.4: RIB entry attributes carry 4-octet ASNs and an abbreviated MP_REACH_NLRI. */
function ribContext(afi: number, safi: number): CodecContext {
  const key = familyKey(afi, safi);
  let ctx = RIB_CONTEXTS.get(key);
  if (!ctx) {
    ctx = { asn4: true, addPath: NO_FAMILIES, extendedMessage: true, mrtRibEntry: { afi, safi } };
    RIB_CONTEXTS.set(key, ctx);
  }
  return ctx;
}

/** A recorded UPDATE: the whole message (header included) and the context to decode it with. */
export interface RecordedUpdate {
  readonly kind: 'update';
  readonly bytes: Uint8Array;
  readonly context: CodecContext;
  /** The record is an RFC 8050 ADDPATH subtype: NLRI carry path identifiers. */
  readonly addPath: boolean;
  /** Seconds since the epoch (with microseconds for the _ET types). */
  readonly ts: number;
  readonly record: number;
}

/** One route of a table dump: a prefix and the attributes of the entry chosen for it. */
export interface TableRoute {
  readonly kind: 'route';
  readonly afi: 1 | 2;
  readonly prefix: string;
  /** Raw path attributes (a view into the file) and the context they decode with. */
  readonly attributes: Uint8Array;
  readonly context: CodecContext;
  readonly ts: number;
  readonly record: number;
}

export type ReplayItem = RecordedUpdate | TableRoute;

/** Which entries of a table, and which recorded messages, are replayed. */
export interface Selection {
  /** TABLE_DUMP_V2: the RIB entry of this peer (index in the PEER_INDEX_TABLE); default the first entry. */
  readonly peerIndex?: number;
  /** Only what this recorded peer sent (update streams) or the entries of this peer (tables). */
  readonly recordedPeer?: string;
}

/** What the walk over the file met, beyond the items it yielded. */
export interface SourceCounts {
  /** MRT records read (as readMrt numbers them). */
  records: number;
  /** BGP messages that are not UPDATEs (OPEN, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH). */
  nonUpdateMessages: number;
  /** Messages the collector itself sent (*_LOCAL subtypes): not part of what it received. */
  localMessages: number;
  /** State changes, peer index tables and other records that carry no routes. */
  otherRecords: number;
  /** Messages or entries of other recorded peers (--recorded-peer, --peer-index). */
  otherPeers: number;
  /** Further entries of a prefix already replayed (tables: one route per prefix). */
  otherEntries: number;
  /** RIB records of families replay does not speak (multicast, RIB_GENERIC). */
  otherFamilyRecords: number;
  /** Damaged records and entries that name no peer. */
  errors: number;
  /** The first few problems, for the report. */
  readonly issues: string[];
}

export const MAX_ISSUES = 20;

export function newCounts(): SourceCounts {
  return { records: 0, nonUpdateMessages: 0, localMessages: 0, otherRecords: 0, otherPeers: 0, otherEntries: 0, otherFamilyRecords: 0, errors: 0, issues: [] };
}

export function addIssue(counts: SourceCounts, text: string): void {
  counts.errors++;
  if (counts.issues.length < MAX_ISSUES) counts.issues.push(text);
}

export interface ReplayFile {
  readonly compression: CompressionFormat;
  /** The decompressed bytes (the progress total). */
  readonly data: Uint8Array;
  /** Set when decompression stopped early: what was decodable is replayed. */
  readonly truncated?: string;
}

export class ReplayError extends Error {}

/** Decompresses a file and checks that it is MRT. */
export function openReplayFile(bytes: Uint8Array): ReplayFile {
  const d = decompress(bytes);
  const format = detectFormat(d.data);
  if (format !== 'mrt') throw new ReplayError(`a ${format} file, not MRT: replay reads MRT update streams and table dumps (convert captures with a collector or bgpdump)`);
  if (d.data.length === 0) throw new ReplayError('the file is empty');
  return { compression: d.format, data: d.data, ...(d.truncated ? { truncated: d.error ?? 'compressed stream ends early' } : {}) };
}

/** Canonical text of an address, or the text itself when it is not one: for comparisons. */
export function canonicalAddress(a: string): string {
  const p = parsePrefix(a);
  if (!p || a.includes('/')) return a;
  return p.words.map((w) => w.toString(16)).join(':');
}

/**
 * The items of the file, in file order. `onRecord(offset)` is told the byte offset of each MRT
 * record as it is reached (progress). Counts go to `counts`.
 */
export function* readItems(data: Uint8Array, selection: Selection, counts: SourceCounts, onRecord?: (offset: number) => void): Generator<ReplayItem> {
  let peers: MrtPeer[] = [];
  const wanted = selection.recordedPeer === undefined ? undefined : canonicalAddress(selection.recordedPeer);
  const fromWanted = (ip: string) => wanted === undefined || canonicalAddress(ip) === wanted;
  /** TABLE_DUMP v1 writes each peer's entry of a prefix as its own record, one after the other. */
  let lastV1Prefix = '';
  let lastIndex = -1;
  for (const r of readMrt(data)) {
    if (r.index !== lastIndex) {
      lastIndex = r.index;
      counts.records++;
      onRecord?.(r.offset);
    }
    switch (r.kind) {
      case 'issue':
        addIssue(counts, `record ${r.index} (offset ${r.offset}): ${r.message}`);
        break;
      case 'bgp4mp-message': {
        if (r.local) {
          counts.localMessages++;
          break;
        }
        if (r.message.length < 19 || r.message[18] !== 2) {
          counts.nonUpdateMessages++;
          break;
        }
        if (!fromWanted(r.peerIp)) {
          counts.otherPeers++;
          break;
        }
        yield { kind: 'update', bytes: r.message, context: MESSAGE_CONTEXTS[(r.as4 ? 1 : 0) + (r.addPath ? 2 : 0)]!, addPath: r.addPath, ts: r.timestamp, record: r.index };
        break;
      }
      case 'bgp-legacy': {
        if (r.bgpType !== 2 || !r.bgpBody) {
          if (r.bgpType !== undefined) counts.nonUpdateMessages++;
          else counts.otherRecords++;
          break;
        }
        if (!fromWanted(r.peerIp ?? '')) {
          counts.otherPeers++;
          break;
        }
        // These records leave out the 19-byte header: put one back so the codec sees a message.
        const msg = new Uint8Array(19 + r.bgpBody.length);
        msg.fill(0xff, 0, 16);
        msg[16] = msg.length >> 8;
        msg[17] = msg.length & 255;
        msg[18] = 2;
        msg.set(r.bgpBody, 19);
        yield { kind: 'update', bytes: msg, context: MESSAGE_CONTEXTS[0]!, addPath: false, ts: r.timestamp, record: r.index };
        break;
      }
      case 'peer-index-table':
        peers = r.peers;
        counts.otherRecords++;
        break;
      case 'rib': {
        if (r.safi !== 1 || (r.afi !== 1 && r.afi !== 2)) {
          counts.otherFamilyRecords++;
          break;
        }
        let chosen = -1;
        for (let i = 0; i < r.entries.length; i++) {
          const e = r.entries[i]!;
          if (selection.peerIndex !== undefined && e.peerIndex !== selection.peerIndex) continue;
          if (wanted !== undefined) {
            const p = peers[e.peerIndex];
            if (!p || canonicalAddress(p.ip) !== wanted) continue;
          }
          chosen = i;
          break;
        }
        if (chosen < 0) {
          counts.otherPeers += r.entries.length;
          break;
        }
        const e = r.entries[chosen]!;
        if (e.peerIndex >= peers.length) {
          addIssue(counts, `record ${r.index} (${r.prefix}): RIB entry names peer index ${e.peerIndex}, but the peer index table has ${peers.length} peers`);
          break;
        }
        counts.otherEntries += r.entries.length - 1;
        yield { kind: 'route', afi: r.afi, prefix: r.prefix, attributes: e.attributes, context: ribContext(r.afi, r.safi), ts: r.timestamp, record: r.index };
        break;
      }
      case 'rib-generic':
        counts.otherFamilyRecords++;
        break;
      case 'table-dump': {
        if (selection.peerIndex !== undefined) throw new ReplayError('--peer-index applies to TABLE_DUMP_V2 tables; this is a TABLE_DUMP (v1) table: choose its peer with --recorded-peer');
        if (!fromWanted(r.peerIp)) {
          counts.otherPeers++;
          break;
        }
        if (r.prefix === lastV1Prefix) {
          counts.otherEntries++;
          break;
        }
        lastV1Prefix = r.prefix;
        yield { kind: 'route', afi: r.prefix.includes(':') ? 2 : 1, prefix: r.prefix, attributes: r.attributes, context: TABLE_DUMP_CONTEXT, ts: r.timestamp, record: r.index };
        break;
      }
      default:
        counts.otherRecords++;
    }
  }
}

export interface FileSurvey {
  /** FAMILY_* bits (scan.ts) of the routes the file holds. */
  readonly families: number;
  readonly updates: number;
  readonly routes: number;
}

/**
 * A first pass over the file: the families it holds (they go into our OPEN, before anything is
 * sent) and whether it is an update stream or a table. Reads record headers and UPDATE bytes only.
 */
export function surveyFile(data: Uint8Array, selection: Selection): FileSurvey {
  let families = 0;
  let updates = 0;
  let routes = 0;
  for (const item of readItems(data, selection, newCounts())) {
    if (item.kind === 'update') {
      updates++;
      families |= scanUpdate(item.bytes, item.addPath).families;
    } else {
      routes++;
      families |= familyBit(item.afi, 1);
    }
  }
  return { families, updates, routes };
}
