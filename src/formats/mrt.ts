// MRT reader (RFC 6396, RFC 8050) over an uncompressed buffer; see decompress.ts for .gz/.bz2.
//
// readMrt() yields one object per MRT record (plus MrtIssue objects where the data is damaged).
// Bodies are decoded into small objects whose byte fields (BGP messages, path attributes) are
// subarray views of the input, not copies, so walking a large dump allocates little. Nothing
// here throws on bad input: problems become issues and the walk goes on while the framing
// allows.

import { decodeBgp4mp } from './mrt-bgp4mp.js';
import { u16, u32 } from './mrt-bytes.js';
import { findNextRecord, HEADER_LENGTH, hasExtendedTimestamp, isPlausibleHeader } from './mrt-framing.js';
import { decodeBgpLegacy } from './mrt-legacy.js';
import { unknownRecord, type MrtOutput, type RecordContext } from './mrt-record.js';
import { decodeTableDump, isTableDumpSubtype, tableDumpEntriesEnd } from './mrt-table-dump.js';
import { decodeTableDumpV2 } from './mrt-table-dump-v2.js';
import { MrtType, TableDumpSubtype, type MrtIssue, type MrtRecord } from './mrt-types.js';

export * from './mrt-types.js';

export function* readMrt(bytes: Uint8Array): Generator<MrtRecord | MrtIssue> {
  const len = bytes.length;
  const out: MrtOutput = [];
  let p = 0;
  let index = 0;
  /** Timestamp of the last record whose framing we accepted; the resync reference. */
  let lastGoodTime: number | undefined;
  /** A resync scan starting here found nothing; later scans from here on would not either. */
  let scanExhaustedFrom = Number.POSITIVE_INFINITY;

  while (p < len) {
    if (len - p < HEADER_LENGTH) {
      yield issue(index, p, `data ends ${len - p} bytes into an MRT header (truncated)`);
      return;
    }
    const seconds = u32(bytes, p);
    const type = u16(bytes, p + 4);
    const subtype = u16(bytes, p + 6);
    const length = u32(bytes, p + 8);
    let end = p + HEADER_LENGTH + length;
    if (end > len) {
      // Usually a truncated file. But a damaged length can also point past the end while
      // good records follow, so look for a plausible record first (see mrt-framing.ts).
      const q = p + 1 < scanExhaustedFrom ? findNextRecord(bytes, p + 1, lastGoodTime ?? seconds, false) : -1;
      if (q < 0) {
        yield issue(index, p, `record length ${length} runs past the end of the data (${len - p - HEADER_LENGTH} bytes left; truncated)`, type, subtype);
        return;
      }
      yield issue(index, p, `damaged record: length ${length} runs past the end of the data, but a record follows at offset ${q}; skipped ${q - p} bytes`, type, subtype);
      index++;
      p = q;
      continue;
    }
    let resumeAt = end;
    let afterIssue: MrtIssue | undefined;

    if (type === MrtType.TABLE_DUMP && isTableDumpSubtype(subtype)) {
      // Early RIPE RIS bviews (e.g. rrc00 bview.20000111.0032) declare every record 4 bytes
      // shorter than what was written. Accept the extra 4 bytes only when the declared length
      // splits an entry, the entries then end exactly 4 bytes later, and a plausible header (or
      // the end of the data) follows there.
      const ipv6 = subtype === TableDumpSubtype.AFI_IPv6;
      const bodyStart = p + HEADER_LENGTH;
      if (
        tableDumpEntriesEnd(bytes, bodyStart, end, ipv6) < 0 &&
        end + 4 <= len &&
        tableDumpEntriesEnd(bytes, bodyStart, end + 4, ipv6) === end + 4 &&
        (len - (end + 4) < HEADER_LENGTH || isPlausibleHeader(bytes, end + 4, seconds))
      ) {
        yield issue(index, p, `TABLE_DUMP record declares length ${length}, its entries take ${length + 4} (early RIPE RIS quirk); using ${length + 4}`, type, subtype);
        end += 4;
        resumeAt = end;
      }
    }

    if (len - end >= HEADER_LENGTH && !isPlausibleHeader(bytes, end, seconds) && p + 1 < scanExhaustedFrom) {
      // The header after this record looks wrong: see mrt-framing.ts for the recovery rules.
      const q = findNextRecord(bytes, p + 1, lastGoodTime ?? seconds, true);
      if (q < 0) {
        scanExhaustedFrom = p + 1;
      } else if (q < end) {
        // A good record starts inside this one: this record's length is the damage.
        yield issue(index, p, `damaged record: length ${length} overruns the record found at offset ${q}; skipped ${q - p} bytes`, type, subtype);
        index++;
        p = q;
        continue;
      } else {
        resumeAt = q;
        afterIssue = issue(index, end, `${q - end} bytes of unframed data after this record skipped; resynchronised at offset ${q}`);
      }
    }

    const extended = hasExtendedTimestamp(type);
    if (extended && length < 4) {
      yield issue(index, p, `extended-timestamp record of ${length} bytes has no room for its microsecond field`, type, subtype);
    } else {
      const ctx: RecordContext = {
        data: bytes,
        start: p + HEADER_LENGTH + (extended ? 4 : 0),
        end,
        index,
        offset: p,
        // RFC 6396 s3: the Microsecond Timestamp follows the common header in the _ET types.
        timestamp: extended ? seconds + u32(bytes, p + HEADER_LENGTH) / 1e6 : seconds,
        mrtType: type,
        subtype,
      };
      decodeBody(ctx, out);
      for (const item of out) yield item;
      out.length = 0;
    }
    if (afterIssue) yield afterIssue;
    lastGoodTime = seconds;
    index++;
    p = resumeAt;
  }
}

function decodeBody(ctx: RecordContext, out: MrtOutput): void {
  switch (ctx.mrtType) {
    case MrtType.BGP4MP:
    case MrtType.BGP4MP_ET:
      return decodeBgp4mp(ctx, out);
    case MrtType.TABLE_DUMP:
      return decodeTableDump(ctx, out);
    case MrtType.TABLE_DUMP_V2:
      return decodeTableDumpV2(ctx, out);
    case MrtType.BGP:
    case MrtType.BGP4PLUS:
    case MrtType.BGP4PLUS_01:
      return decodeBgpLegacy(ctx, out);
    default:
      out.push(unknownRecord(ctx));
  }
}

function issue(index: number, offset: number, message: string, mrtType?: number, subtype?: number): MrtIssue {
  const result: MrtIssue = { kind: 'issue', index, offset, message };
  if (mrtType !== undefined) result.mrtType = mrtType;
  if (subtype !== undefined) result.subtype = subtype;
  return result;
}
