// What a body decoder gets to work with, and how it reports problems.

import type { MrtIssue, MrtRecord, UnknownRecord } from './mrt-types.js';

/** One framed MRT record. Decoders read data[start, end) only; they never look outside it. */
export interface RecordContext {
  data: Uint8Array;
  /** First body byte (after the microsecond field of the _ET types). */
  start: number;
  /** One past the last body byte; never beyond data.length. */
  end: number;
  index: number;
  offset: number;
  timestamp: number;
  mrtType: number;
  subtype: number;
}

/** Decoders append here; the reader yields the contents after each record. */
export type MrtOutput = (MrtRecord | MrtIssue)[];

export function pushIssue(c: RecordContext, out: MrtOutput, message: string): void {
  out.push({ kind: 'issue', index: c.index, offset: c.offset, message, mrtType: c.mrtType, subtype: c.subtype });
}

/** The standard complaint for RFC 6396 layouts whose fixed fields do not fit the record. */
export function pushShort(c: RecordContext, out: MrtOutput, what: string, needed: number): void {
  pushIssue(c, out, `${what}: body has ${c.end - c.start} bytes, fixed fields need ${needed}`);
}

/** A record we frame but do not decode: its body, as a view. */
export function unknownRecord(c: RecordContext): UnknownRecord {
  return {
    kind: 'unknown',
    index: c.index,
    offset: c.offset,
    timestamp: c.timestamp,
    mrtType: c.mrtType,
    subtype: c.subtype,
    body: c.data.subarray(c.start, c.end),
  };
}
