// Lines up what tcpdump printed for a capture (tcpdump.ts) with what Wren's reader decoded from
// it, message by message, and turns both into comparable lists of facts (tcpdump-facts.ts).
//
// tcpdump dissects packet by packet; Wren reassembles each TCP direction. In these captures every
// message sits inside one packet, so the n-th message tcpdump printed for frame F is the n-th
// item Wren reports for frame F, an item being a decoded message or a BgpError for a message it
// rejected. "Connection Not Synchronized" errors are not items: they are Wren skipping bytes up
// to the next marker, which tcpdump does silently.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBgpFile, type BgpRecord } from '../../src/formats/bgp-reader.js';
import { BgpError, ErrorCode, HeaderSubcode, type BgpMessage } from '../../src/wire/index.js';
import { singleFrameCapture } from './tcpdump-capture.js';
import { wrenFacts, type FactKind, type Facts, type OpaqueMp } from './tcpdump-facts.js';
import { parseTcpdumpOut, TCPDUMP_TESTS, type TdFrame, type TdMessage, type TestListEntry } from './tcpdump.js';

export type WrenItem =
  | { readonly kind: 'message'; readonly frame: number; readonly length: number; readonly message: BgpMessage; readonly single: boolean }
  | { readonly kind: 'error'; readonly frame: number; readonly error: BgpError; readonly single: boolean };

export interface Pair {
  readonly td: TdMessage;
  readonly wren: WrenItem | undefined;
}

export interface Capture {
  readonly entry: TestListEntry;
  readonly bytes: Uint8Array;
  readonly frames: TdFrame[];
  readonly records: BgpRecord[];
  /** Records of the frames tcpdump looked at (-c N). */
  readonly inScope: BgpRecord[];
  readonly pairs: Pair[];
  /** Items per frame, for frames tcpdump printed BGP messages for. */
  readonly itemsByFrame: Map<number, WrenItem[]>;
  /** Wren items in frames where tcpdump printed no BGP message. */
  readonly unmatched: WrenItem[];
}

export function isItem(r: BgpRecord): boolean {
  if (r.kind === 'message') return true;
  if (r.kind !== 'error' || !(r.error instanceof BgpError)) return false;
  return !(r.error.code === ErrorCode.MESSAGE_HEADER && r.error.subcode === HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED);
}

function toItem(r: BgpRecord, single: boolean): WrenItem {
  if (r.kind === 'message') return { kind: 'message', frame: r.frame ?? 0, length: r.length, message: r.message, single };
  if (r.kind === 'error' && r.error instanceof BgpError) return { kind: 'error', frame: r.frame ?? 0, error: r.error, single };
  throw new Error(`not an item: ${r.kind}`);
}

export function frameLimit(entry: TestListEntry): number {
  const i = entry.flags.indexOf('-c1');
  if (i >= 0) return 1;
  const c = entry.flags.findIndex((f) => f === '-c');
  return c >= 0 ? Number(entry.flags[c + 1]) : Infinity;
}

/**
 * Reads the capture and the .out of a TESTLIST entry and pairs their messages. `retransmitted`:
 * frames whose bytes Wren's TCP reassembly already had (same sequence numbers): they are decoded
 * from a capture holding only that frame.
 */
export function loadCapture(entry: TestListEntry, retransmitted: readonly number[] = []): Capture {
  const bytes = new Uint8Array(readFileSync(join(TCPDUMP_TESTS, entry.capture)));
  const asdot = entry.flags.some((f) => /^-[a-z]*b[a-z]*$/.test(f));
  const frames = parseTcpdumpOut(readFileSync(join(TCPDUMP_TESTS, entry.out), 'utf8'), { asdot });
  const records = [...openBgpFile(bytes).records];
  const limit = frameLimit(entry);
  const inScope = records.filter((r) => (r.frame ?? 0) <= limit);
  const items = inScope.filter(isItem).map((r) => toItem(r, false));
  const itemsByFrame = new Map<number, WrenItem[]>();
  const pairs: Pair[] = [];
  for (const f of frames) {
    let mine = items.filter((x) => x.frame === f.frame);
    if (retransmitted.includes(f.frame) && mine.length === 0) {
      mine = [...openBgpFile(singleFrameCapture(bytes, f.frame)).records].filter(isItem).map((r) => toItem(r, true));
      mine = mine.map((x) => ({ ...x, frame: f.frame }));
    }
    itemsByFrame.set(f.frame, mine);
    f.messages.forEach((td, i) => pairs.push({ td, wren: mine[i] }));
  }
  const tdFrames = new Set(frames.map((f) => f.frame));
  const unmatched = items.filter((x) => !tdFrames.has(x.frame));
  return { entry, bytes, frames, records, inScope, pairs, itemsByFrame, unmatched };
}

function multisetIntersection(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of a) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of b) {
    const n = left.get(x) ?? 0;
    if (n > 0) {
      out.push(x);
      left.set(x, n - 1);
    }
  }
  return out;
}

const sorted = (xs: readonly string[]) => [...xs].sort();

/**
 * One kind of fact over all the pairs where Wren decoded a message: tcpdump's list and Wren's,
 * each fact prefixed with "frame.index". For a message tcpdump flagged as malformed, Wren's side
 * keeps only what tcpdump also has, so the check is "everything tcpdump printed as valid is in
 * what Wren decoded". Pairs where Wren rejected the message are left out (and counted elsewhere).
 */
export function compareKind(pairs: readonly Pair[], kind: FactKind, facts: (m: BgpMessage) => Facts = wrenFacts): { tcpdump: string[]; wren: string[] } {
  const tcpdump: string[] = [];
  const wren: string[] = [];
  for (const { td, wren: item } of pairs) {
    if (item?.kind !== 'message') continue;
    const at = `${td.frame}.${td.index}`;
    const t = sorted(td.facts[kind]);
    const w = facts(item.message)[kind];
    tcpdump.push(...t.map((x) => `${at} ${x}`));
    wren.push(...(td.marker === null ? sorted(w) : sorted(multisetIntersection(w, t))).map((x) => `${at} ${x}`));
  }
  return { tcpdump, wren };
}

export function compareOpaque(pairs: readonly Pair[], facts: (m: BgpMessage) => Facts = wrenFacts): { tcpdump: string[]; wren: string[] } {
  const tcpdump: string[] = [];
  const wren: string[] = [];
  const show = (o: OpaqueMp, withHex: boolean) => `${o.attr} ${o.family} ${o.empty ? 'empty' : 'nlri'}${withHex && o.hex !== undefined ? ` ${o.hex}` : ''}`;
  for (const { td, wren: item } of pairs) {
    if (item?.kind !== 'message') continue;
    const at = `${td.frame}.${td.index}`;
    const w = facts(item.message).opaque;
    td.facts.opaque.forEach((o, i) => {
      tcpdump.push(`${at} ${show(o, true)}`);
      const mine = w[i];
      wren.push(`${at} ${mine ? show(mine, o.hex !== undefined) : '(none)'}`);
    });
    if (td.marker === null) for (const extra of w.slice(td.facts.opaque.length)) wren.push(`${at} ${show(extra, false)}`);
  }
  return { tcpdump, wren };
}
