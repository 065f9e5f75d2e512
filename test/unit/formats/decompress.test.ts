// decompress(): format detection, multi-member/multi-stream input, and salvage of damaged input.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decompress, detectCompression } from '../../../src/formats/decompress.js';

const raw = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../../pcap-fixtures/${path}`, import.meta.url)));
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
const isPrefixOf = (part: Uint8Array, whole: Uint8Array): boolean => Buffer.from(whole.subarray(0, part.length)).equals(part);

describe('detection', () => {
  it('recognises the magic bytes', () => {
    expect(detectCompression(Uint8Array.from([0x1f, 0x8b, 8]))).toBe('gzip');
    expect(detectCompression(Uint8Array.from([0x42, 0x5a, 0x68, 0x39]))).toBe('bzip2');
    expect(detectCompression(Uint8Array.from([0x42, 0x5a, 0x68, 0x30]))).toBe('plain'); // level 0 is not bzip2
    expect(detectCompression(Uint8Array.from([0x1f]))).toBe('plain');
    expect(detectCompression(new Uint8Array(0))).toBe('plain');
  });

  it('returns plain input as is', () => {
    const data = raw('bgpipe/test/integration/testdata/sample.mrt');
    const r = decompress(data);
    expect(r).toEqual({ data, format: 'plain', truncated: false });
    expect(r.data).toBe(data);
  });
});

describe('gzip', () => {
  // Uncompressed sizes from pcap-fixtures/PROVENANCE.md.
  it.each([
    ['bview.20020722.2337.gz', 6_902_693],
    ['bview.64k_stream_overflow.gz', 70_710],
    ['bview.ipv4_unicast_add_path.gz', 4_795],
    ['bview.ipv6_unicast_add_path.gz', 4_504],
    ['updates.20020722.2238.gz', 72_979],
    ['updates.20070211.0141.gz', 2_478_648],
    ['updates.20071015.1505.gz', 398_151],
    ['updates.20100722.2015.gz', 227_230],
    ['updates.20160811.1600.gz', 2_433_383],
    ['updates.et-header.2015.gz', 13_511_326],
    ['updates.long_withdrawal.gz', 36_950],
    ['updates.nlri_mask_trailing_bits.gz', 88],
  ])('bgpdump/test_data/%s', (name, size) => {
    const r = decompress(raw(`bgpdump/test_data/${name}`));
    expect(r).toMatchObject({ format: 'gzip', truncated: false });
    expect(r.error).toBeUndefined();
    expect(r.data.length).toBe(size);
  });

  it('joins concatenated members', () => {
    const a = new TextEncoder().encode('first member\n');
    const b = new TextEncoder().encode('second member\n');
    const r = decompress(concat(gzipSync(a), gzipSync(b)));
    expect(r.truncated).toBe(false);
    expect(Buffer.from(r.data).toString()).toBe('first member\nsecond member\n');
  });

  const gz = raw('bgpdump/test_data/updates.20100722.2015.gz');
  const full = decompress(gz).data;

  it('salvages a truncated stream: a prefix of the output, growing with the input', () => {
    let previous = 0;
    for (const cut of [20, 1000, 10_000, 20_000, 39_000, gz.length - 1]) {
      const r = decompress(gz.subarray(0, cut));
      expect(r).toMatchObject({ format: 'gzip', truncated: true, error: expect.stringMatching(/gzip/) });
      expect(isPrefixOf(r.data, full)).toBe(true);
      expect(r.data.length).toBeGreaterThanOrEqual(previous);
      previous = r.data.length;
    }
    expect(previous).toBeGreaterThan(full.length - 1000);
  });

  it('salvages the bytes before a corrupt block', () => {
    const bad = gz.slice();
    bad[20_000] = 0xff;
    bad[20_001] = 0xff;
    bad[20_002] = 0xff;
    const r = decompress(bad);
    expect(r).toMatchObject({ format: 'gzip', truncated: true, error: expect.any(String) });
    expect(r.data.length).toBeGreaterThan(50_000);
    expect(isPrefixOf(r.data.subarray(0, 50_000), full)).toBe(true);
  });

  it('keeps all data when garbage follows the last member', () => {
    const r = decompress(concat(gz, Uint8Array.from([1, 2, 3, 4, 5])));
    expect(Buffer.from(r.data).equals(full)).toBe(true);
    expect(r.error).toEqual(expect.any(String));
  });
});

describe('bzip2', () => {
  it('decodes a complete multi-block file', () => {
    const r = decompress(raw('hask-mrt/test/data/update.bz2'));
    expect(r).toMatchObject({ format: 'bzip2', truncated: false });
    expect(r.error).toBeUndefined();
    expect(r.data.length).toBe(2_254_909);
  });

  it.each([
    ['rib.20080501.0644_firstMB.bz2', 9_876_188],
    ['rib.20140523.0600_firstMB.bz2', 15_274_550],
    ['rib6.20151101.0600_firstMB.bz2', 12_132_997],
  ])('salvages every complete block of the truncated pyasn/data/%s', (name, size) => {
    const r = decompress(raw(`pyasn/data/${name}`));
    expect(r).toMatchObject({ format: 'bzip2', truncated: true, error: expect.stringMatching(/truncated/) });
    expect(r.data.length).toBe(size);
  });

  const bz = raw('ryu/ryu/tests/packet_data/mrt/updates.20161101.0000.bz2');
  const full = decompress(bz).data;

  it('joins concatenated streams', () => {
    const r = decompress(concat(bz, bz));
    expect(r.truncated).toBe(false);
    expect(r.data.length).toBe(2 * full.length);
    expect(Buffer.from(r.data.subarray(full.length)).equals(full)).toBe(true);
  });

  it('salvages the first stream when the second is cut short', () => {
    const two = concat(bz, bz);
    const r = decompress(two.subarray(0, bz.length + 100));
    expect(r).toMatchObject({ truncated: true });
    expect(Buffer.from(r.data).equals(full)).toBe(true);
  });

  it('returns the complete blocks of a cut multi-block stream', () => {
    const big = raw('hask-mrt/test/data/update.bz2');
    const whole = decompress(big).data;
    const r = decompress(big.subarray(0, Math.floor(big.length * 0.75)));
    expect(r.truncated).toBe(true);
    expect(r.data.length).toBeGreaterThan(0);
    expect(r.data.length).toBeLessThan(whole.length);
    expect(isPrefixOf(r.data, whole)).toBe(true);
  });

  it('reports corrupt data without throwing', () => {
    const bad = bz.slice();
    bad[5_000] = (bad[5_000] ?? 0) ^ 0x10;
    const r = decompress(bad);
    expect(r).toMatchObject({ format: 'bzip2', truncated: true, error: expect.any(String) });
    expect(isPrefixOf(r.data, full)).toBe(true);
  });

  it('ignores trailing garbage after the last stream, saying so', () => {
    const r = decompress(concat(bz, Uint8Array.from([0, 1, 2])));
    expect(r).toMatchObject({ truncated: false, error: expect.stringMatching(/trailing garbage/) });
    expect(Buffer.from(r.data).equals(full)).toBe(true);
  });
});

// Fixed seeds: seek-bzip (the bzip2 decoder) can loop forever on a crafted block (a run length
// that overflows; see src/formats/decompress.ts), which no timeout can interrupt. Random inputs
// found anew on every run could, rarely, be such a block and hang CI; fixed ones test the same
// properties reproducibly. The known hang is documented in docs and the closing note.
const SEEDED = { seed: 20261124 } as const;

describe('never throws', () => {
  const magic = fc.constantFrom<number[]>([], [0x1f, 0x8b], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], [0x42, 0x5a, 0x68, 0x39], [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]);

  it('on random bytes behind every magic', () => {
    fc.assert(
      fc.property(magic, fc.uint8Array({ maxLength: 1024 }), (head, tail) => {
        const r = decompress(concat(Uint8Array.from(head), tail));
        expect(r.data).toBeInstanceOf(Uint8Array);
      }),
      { numRuns: 300, ...SEEDED },
    );
  });

  it('on truncations and corruptions of real files', () => {
    const files = [raw('bgpdump/test_data/bview.ipv4_unicast_add_path.gz'), raw('ryu/ryu/tests/packet_data/mrt/rib.20161101.0000_pick.bz2')];
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.nat(), fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))), (which, cutAt, edit) => {
        const src = files[which]!;
        const copy = src.slice(0, cutAt % (src.length + 1));
        if (edit && copy.length > 0) copy[edit[0] % copy.length] = edit[1];
        const r = decompress(copy);
        expect(r.data).toBeInstanceOf(Uint8Array);
      }),
      { numRuns: 300, ...SEEDED },
    );
  });
});
