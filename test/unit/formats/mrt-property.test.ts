// Property tests: readMrt() never throws, always terminates, never hands out bytes from outside
// its input, whatever it is given.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decompress } from '../../../src/formats/decompress.js';
import { readMrt, type MrtIssue, type MrtRecord } from '../../../src/formats/mrt.js';

const fixture = (path: string): Uint8Array =>
  decompress(new Uint8Array(readFileSync(new URL(`../../../pcap-fixtures/${path}`, import.meta.url)))).data;

/** Checks one yielded item against the input; returns the byte views it carries. */
function viewsOf(item: MrtRecord | MrtIssue): Uint8Array[] {
  switch (item.kind) {
    case 'bgp4mp-message':
      return [item.message];
    case 'table-dump':
      return [item.attributes];
    case 'rib':
      return item.entries.map((e) => e.attributes);
    case 'rib-generic':
      return [item.nlri, ...item.entries.map((e) => e.attributes)];
    case 'bgp-legacy':
      return item.bgpBody ? [item.body, item.bgpBody] : [item.body];
    case 'unknown':
      return [item.body];
    default:
      return [];
  }
}

/**
 * Reads everything and checks the invariants every input must satisfy. Plain comparisons, not
 * expect(): this runs over hundreds of thousands of items per property.
 */
function readChecked(data: Uint8Array): (MrtRecord | MrtIssue)[] {
  const items = [...readMrt(data)];
  const lo = data.byteOffset;
  const hi = data.byteOffset + data.length;
  let lastOffset = -1;
  for (const item of items) {
    if (item.offset < 0 || item.offset >= Math.max(data.length, 1)) throw new Error(`offset ${item.offset} outside the input`);
    if (item.kind !== 'issue') {
      if (item.offset < lastOffset) throw new Error(`offset ${item.offset} goes backwards`);
      lastOffset = item.offset;
    }
    for (const v of viewsOf(item)) {
      if (v.buffer !== data.buffer || v.byteOffset < lo || v.byteOffset + v.length > hi) {
        throw new Error(`${item.kind} at ${item.offset} hands out bytes outside the input`);
      }
    }
  }
  return items;
}

const u16 = (v: number): number[] => [(v >>> 8) & 255, v & 255];
const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

describe('readMrt properties', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (data) => {
        readChecked(data);
      }),
      { numRuns: 500 },
    );
  });

  it('well-framed records with random bodies keep their framing', () => {
    // Every (type, subtype) the reader decodes, with bodies of random bytes.
    const pairs: [number, number][] = [
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((s): [number, number] => [16, s]),
      ...[0, 1, 4, 5, 9].map((s): [number, number] => [17, s]),
      [12, 1],
      [12, 2],
      ...[1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12].map((s): [number, number] => [13, s]),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((s): [number, number] => [5, s]),
      [9, 1],
      [11, 0],
    ];
    const typed = fc.constantFrom(...pairs);
    const record = fc.record({ typed, body: fc.uint8Array({ maxLength: 120 }) });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), (records) => {
        const T = 1_500_000_000;
        const offsets: number[] = [];
        const parts: number[] = [];
        for (const { typed: [type, subtype], body: random } of records) {
          // An _ET record shorter than its microsecond field is implausible framing by design.
          const body = type === 17 && random.length < 4 ? new Uint8Array(4) : random;
          offsets.push(parts.length);
          parts.push(...u32(T), ...u16(type), ...u16(subtype), ...u32(body.length), ...body);
        }
        const items = readChecked(Uint8Array.from(parts));
        // Every record shows up (as records or issues) at its own offset, in order.
        const seen = new Map<number, number>();
        for (const item of items) if (!seen.has(item.index)) seen.set(item.index, item.offset);
        expect([...seen.keys()]).toEqual(offsets.map((_, i) => i));
        for (const item of items) if (item.kind !== 'issue') expect(item.offset).toBe(offsets[item.index]);
      }),
      { numRuns: 300 },
    );
  });

  describe.each([
    ['bgpdump/test_data/updates.20100722.2015.gz', 227_230],
    ['bgpdump/test_data/bview.ipv6_unicast_add_path.gz', 4_504],
    ['bgpkit-parser/tests/fixtures/ripe/rrc00/1999.12/updates.19991214.1621.gz', 1_220_484],
  ])('%s', (path, size) => {
    const full = fixture(path);
    const whole = [...readMrt(full)];

    it('decodes cleanly', () => {
      expect(full.length).toBe(size);
      expect(whole.some((x) => x.kind === 'issue')).toBe(false);
    });

    it('truncations yield the same records up to the cut, then one issue', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: full.length }), (cut) => {
          const items = readChecked(full.subarray(0, cut));
          const issues = items.filter((x) => x.kind === 'issue');
          expect(issues.length).toBeLessThanOrEqual(1);
          if (issues.length === 1) expect(items.at(-1)).toBe(issues[0]);
          const records = items.filter((x) => x.kind !== 'issue');
          expect(records.map((r) => [r.kind, r.offset])).toEqual(whole.slice(0, records.length).map((r) => [r.kind, r.offset]));
        }),
        { numRuns: 200 },
      );
    });

    it('random corruption never throws', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 20 }), (edits) => {
          const copy = full.slice();
          for (const [at, value] of edits) copy[at % copy.length] = value;
          readChecked(copy);
        }),
        { numRuns: 100 },
      );
    });
  });
});
