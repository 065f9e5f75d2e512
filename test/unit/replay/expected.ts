// What a receiver of a replay should end up with, computed from the MRT file with readMrt and the
// wire codec only (never with src/replay), so the tests check the replayer against the recording.
import { readFileSync } from 'node:fs';
import { decompress, readMrt } from '../../../src/formats/index.js';
import { prefixKeyFromList, prefixKeyFromText, prefixKeyToText } from '../../../src/rib/prefix-key.js';
import {
  AS_TRANS,
  decodeMessage,
  decodePathAttributes,
  effectiveAsPath,
  familyKey,
  isTreatAsWithdraw,
  type AsPathSegment,
  type CodecContext,
  type PathAttribute,
  type PrefixList,
} from '../../../src/wire/index.js';

export interface ExpectedRoute {
  readonly asPath: readonly AsPathSegment[];
}

const ALL = new Set([familyKey(1, 1), familyKey(1, 2), familyKey(2, 1), familyKey(2, 2)]);
const ctxOf = (as4: boolean, addPath: boolean): CodecContext => ({ asn4: as4, addPath: addPath ? ALL : new Set(), extendedMessage: true });

const files = new Map<string, Uint8Array>();

/** The decompressed bytes of a fixture (kept: several tests read the same files). */
export function fileData(path: string): Uint8Array {
  let data = files.get(path);
  if (!data) {
    data = decompress(readFileSync(path)).data;
    files.set(path, data);
  }
  return data;
}

function keys(list: PrefixList): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.count; i++) out.push(prefixKeyToText(prefixKeyFromList(list, i)));
  return out;
}

export interface StreamOptions {
  /** Families kept (the session's); others are ignored. */
  readonly afis: readonly (1 | 2)[];
  /** A receiver drops paths with its own AS in them (RFC 4271 s9.1.2) and withdraws the prefix. */
  readonly receiverAsn?: number;
  readonly recordedPeer?: string;
  /**
   * The receiver is a 2-octet (OLD) speaker: where the route has an AGGREGATOR with a 2-octet
   * ASN other than AS_TRANS, it ignores AS4_PATH (RFC 6793 s4.2.3) and keeps AS_TRANS.
   */
  readonly oldReceiver?: boolean;
  /** An eBGP session from this AS: it is in front of every path (RFC 4271 s5.1.2). */
  readonly prepend?: number;
}

function hasAs(path: readonly AsPathSegment[], asn: number | undefined): boolean {
  return asn !== undefined && path.some((s) => (s.type === 1 || s.type === 2) && s.asns.includes(asn));
}

/** Applies every received UPDATE of the stream in order, as one peer's session would. */
export function expectedFromStream(path: string, o: StreamOptions): Map<string, ExpectedRoute> {
  const rib = new Map<string, ExpectedRoute>();
  for (const r of readMrt(fileData(path))) {
    if (r.kind !== 'bgp4mp-message' || r.local || r.message[18] !== 2) continue;
    if (o.recordedPeer !== undefined && r.peerIp !== o.recordedPeer) continue;
    let m;
    try {
      m = decodeMessage(r.message, ctxOf(r.as4, r.addPath)).message;
    } catch {
      continue;
    }
    if (m.type !== 'update') continue;
    const withdrawn: string[] = [];
    const announced: string[] = [];
    if (o.afis.includes(1)) {
      withdrawn.push(...keys(m.withdrawn));
      announced.push(...keys(m.nlri));
    }
    for (const a of m.attributes) {
      if (a.type === 'mp-unreach' && a.withdrawn && a.safi === 1 && o.afis.includes(a.afi as 1 | 2)) withdrawn.push(...keys(a.withdrawn));
      if (a.type === 'mp-reach' && a.nlri && a.safi === 1 && o.afis.includes(a.afi as 1 | 2)) announced.push(...keys(a.nlri));
    }
    for (const p of withdrawn) rib.delete(p);
    const eff = effectiveAsPath(m.attributes, r.as4);
    let asPath = eff.segments;
    if (o.prepend !== undefined) {
      const first = asPath[0];
      asPath = first?.type === 2 ? [{ type: 2, asns: [o.prepend, ...first.asns] }, ...asPath.slice(1)] : [{ type: 2, asns: [o.prepend] }, ...asPath];
    }
    if (o.oldReceiver && eff.aggregator && eff.aggregator.asn <= 0xffff && eff.aggregator.asn !== AS_TRANS) {
      asPath = asPath.map((s) => ({ type: s.type, asns: s.asns.map((a) => (a > 0xffff ? AS_TRANS : a)) }));
    }
    const drop = isTreatAsWithdraw(m) || hasAs(asPath, o.receiverAsn);
    for (const p of announced) {
      if (drop) rib.delete(p);
      else rib.set(p, { asPath });
    }
  }
  return rib;
}

/**
 * One route per prefix of a TABLE_DUMP_V2 file: the first entry, or the entry of `peerIndex`.
 * Entries without a next hop count only when one is given (`nextHop`).
 */
export function expectedFromTable(path: string, peerIndex?: number, nextHop = false): Map<string, ExpectedRoute & { attributes: PathAttribute[] }> {
  const rib = new Map<string, ExpectedRoute & { attributes: PathAttribute[] }>();
  for (const r of readMrt(fileData(path))) {
    if (r.kind !== 'rib' || r.safi !== 1) continue;
    const e = peerIndex === undefined ? r.entries[0] : r.entries.find((x) => x.peerIndex === peerIndex);
    if (!e) continue;
    const ctx: CodecContext = { ...ctxOf(true, false), mrtRibEntry: { afi: r.afi, safi: r.safi } };
    const { attributes } = decodePathAttributes(e.attributes, 0, e.attributes.length, ctx);
    const asPath = attributes.find((a) => a.type === 'as-path');
    if (!nextHop && !attributes.some((a) => a.type === 'next-hop' || a.type === 'mp-reach')) continue;
    rib.set(prefixKeyToText(prefixKeyFromText(r.prefix)!), { asPath: asPath?.type === 'as-path' ? asPath.segments : [], attributes });
  }
  return rib;
}

/** The first `records` MRT records of (decompressed) data, by their header lengths. */
export function mrtSlice(data: Uint8Array, records: number): Uint8Array {
  let p = 0;
  for (let i = 0; i < records && p + 12 <= data.length; i++) {
    const len = ((data[p + 8]! << 24) | (data[p + 9]! << 16) | (data[p + 10]! << 8) | data[p + 11]!) >>> 0;
    p += 12 + len;
  }
  return data.subarray(0, Math.min(p, data.length));
}

/** TABLE_DUMP (v1): the first entry of each prefix (entries of a prefix are consecutive records). */
export function expectedFromTableV1(data: Uint8Array): Map<string, ExpectedRoute> {
  const rib = new Map<string, ExpectedRoute>();
  let last = '';
  for (const r of readMrt(data)) {
    if (r.kind !== 'table-dump' || r.prefix === last) continue;
    last = r.prefix;
    const { attributes } = decodePathAttributes(r.attributes, 0, r.attributes.length, ctxOf(false, false));
    rib.set(prefixKeyToText(prefixKeyFromText(r.prefix)!), { asPath: effectiveAsPath(attributes, false).segments });
  }
  return rib;
}
