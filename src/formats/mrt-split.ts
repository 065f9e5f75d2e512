// Splitting an MRT buffer into parts that can be decoded independently (by worker threads).
// Only clean files are split: one walk over the common headers must land exactly on the end.

import { u16, u32 } from './mrt-bytes.js';
import { HEADER_LENGTH } from './mrt-framing.js';
import { MrtType, TableDumpV2Subtype } from './mrt-types.js';

export interface MrtPart {
  readonly start: number;
  readonly end: number;
  readonly firstIndex: number;
}

export interface MrtSplit {
  readonly parts: readonly MrtPart[];
  /** The PEER_INDEX_TABLE record every TABLE_DUMP_V2 part needs to name its peers. */
  readonly peerIndexTable?: MrtPart;
}

/**
 * Cuts bytes into at most `count` parts of about equal size at record boundaries, the first part
 * `firstShare` of the whole (it starts earlier than the others). Returns null when the framing is
 * not clean (truncated or damaged records: those need the sequential reader's recovery), or when
 * a TABLE_DUMP_V2 file has more than one peer index table.
 */
export function splitMrt(bytes: Uint8Array, count: number, firstShare = 1 / count): MrtSplit | null {
  const len = bytes.length;
  const bounds: { offset: number; index: number }[] = [];
  let peerIndexTable: MrtPart | undefined;
  let nextCut = Math.floor(len * firstShare);
  const step = (len - nextCut) / Math.max(1, count - 1);
  let p = 0;
  let index = 0;
  while (p < len) {
    if (len - p < HEADER_LENGTH) return null;
    const type = u16(bytes, p + 4);
    const subtype = u16(bytes, p + 6);
    const end = p + HEADER_LENGTH + u32(bytes, p + 8);
    if (end > len) return null;
    if (type === MrtType.TABLE_DUMP_V2 && subtype === TableDumpV2Subtype.PEER_INDEX_TABLE) {
      if (peerIndexTable) return null;
      peerIndexTable = { start: p, end, firstIndex: index };
    }
    if (p >= nextCut && bounds.length < count - 1 && p > 0) {
      bounds.push({ offset: p, index });
      nextCut = Math.floor(nextCut + step);
    }
    p = end;
    index++;
  }
  const parts: MrtPart[] = [];
  let start = 0;
  let firstIndex = 0;
  for (const b of bounds) {
    parts.push({ start, end: b.offset, firstIndex });
    start = b.offset;
    firstIndex = b.index;
  }
  parts.push({ start, end: len, firstIndex });
  return peerIndexTable ? { parts, peerIndexTable } : { parts };
}
