// MRT framing checks: does a plausible record header start here, and where is the next one?
//
// RFC 6396 s2 frames records only by the Length field of the common header:
//   Timestamp (4) | Type (2) | Subtype (2) | Length (4, excluding the header)
// so one wrong length desynchronises a naive walker for the rest of the file. Real archives have
// such damage (RIPE RIS updates.20000325.0345: a record cut to 10 bytes, 14 stray bytes later).
//
// Heuristic used by readMrt(): a header is *plausible* when
//   - its Type is registered (RFC 6396 s4 / Appendix B) and its Subtype is one defined for it,
//   - its Length is at most 16 MiB (real records stay far below; RIB records with many peers
//     reach ~100 KiB), and at least 4 for the _ET types (the microsecond field),
//   - its Timestamp is within one day of a reference record's.
// After each record we check that the next header is plausible. If it is not, we scan forward
// byte by byte from just after the current header for the first position where a plausible
// header is followed by another plausible header (or ends the data exactly), and resume there.
// Requiring two consecutive plausible headers makes a false match inside record bodies very
// unlikely. Each scan only moves forward and a failed scan is never repeated over the same
// bytes, so the reader stays linear-ish and always terminates.

import { u16, u32 } from './mrt-bytes.js';
import { MrtType } from './mrt-types.js';

export const HEADER_LENGTH = 12;
const MAX_PLAUSIBLE_LENGTH = 16 * 1024 * 1024;
const TIMESTAMP_WINDOW = 24 * 60 * 60;

/** The _ET types carry a 4-octet microsecond field before the body (RFC 6396 s3). */
export function hasExtendedTimestamp(type: number): boolean {
  return type === MrtType.BGP4MP_ET || type === MrtType.ISIS_ET || type === MrtType.OSPFv3_ET;
}

function isPlausibleType(type: number, subtype: number): boolean {
  switch (type) {
    case MrtType.BGP4MP:
    case MrtType.BGP4MP_ET:
      return subtype <= 11;
    case MrtType.TABLE_DUMP:
      return subtype === 1 || subtype === 2;
    case MrtType.TABLE_DUMP_V2:
      return subtype >= 1 && subtype <= 12;
    case MrtType.BGP:
    case MrtType.BGP4PLUS:
    case MrtType.BGP4PLUS_01:
      return subtype <= 7;
    case MrtType.OSPFv2:
    case MrtType.ISIS:
    case MrtType.ISIS_ET:
    case MrtType.OSPFv3:
    case MrtType.OSPFv3_ET:
      // RFC 6396 s4.1, s4.6-4.9 define no subtypes for these.
      return subtype === 0;
    default:
      // Includes the informational types 0-4 and RIP/IDRP/RIPNG of Appendix B: never seen in
      // archives that matter here, and type 0 / subtype 0 is exactly what runs of zero bytes
      // inside record bodies look like, so treating them as plausible invites false matches.
      // Such records are still read when the framing leads to them.
      return false;
  }
}

/** Whether a plausible common header (see above) starts at data[p]. */
export function isPlausibleHeader(data: Uint8Array, p: number, referenceTime: number): boolean {
  if (p < 0 || data.length - p < HEADER_LENGTH) return false;
  const type = u16(data, p + 4);
  if (!isPlausibleType(type, u16(data, p + 6))) return false;
  const length = u32(data, p + 8);
  if (length > MAX_PLAUSIBLE_LENGTH || (hasExtendedTimestamp(type) && length < 4)) return false;
  return Math.abs(u32(data, p) - referenceTime) <= TIMESTAMP_WINDOW;
}

/**
 * A plausible header whose record fits the data and is followed by another plausible header,
 * or (when `endCounts`) ends exactly at the end of the data.
 */
function isPlausibleChain(data: Uint8Array, p: number, referenceTime: number, endCounts: boolean): boolean {
  if (!isPlausibleHeader(data, p, referenceTime)) return false;
  const next = p + HEADER_LENGTH + u32(data, p + 8);
  if (next === data.length) return endCounts;
  return isPlausibleHeader(data, next, u32(data, p));
}

/**
 * First position >= from where a plausible chain starts, or -1. `endCounts` lets a single
 * record that ends exactly at the end of the data qualify; callers looking inside what may
 * just be a truncated last record pass false, so that one lucky header-shaped run of bytes in
 * the cut-off body is not taken for a record.
 */
export function findNextRecord(data: Uint8Array, from: number, referenceTime: number, endCounts: boolean): number {
  const last = data.length - HEADER_LENGTH;
  for (let q = Math.max(0, from); q <= last; q++) {
    // Every plausible type is < 256: cheap pre-filter before the full check.
    if (data[q + 4] !== 0) continue;
    if (isPlausibleChain(data, q, referenceTime, endCounts)) return q;
  }
  return -1;
}
