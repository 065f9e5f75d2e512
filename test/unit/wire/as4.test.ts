import { describe, expect, it } from 'vitest';
import { asPathLength, effectiveAsPath, mergeAs4Path, type AsPathSegment, type PathAttribute } from '../../../src/wire/index.js';

const seq = (...asns: number[]): AsPathSegment => ({ type: 2, asns });
const set = (...asns: number[]): AsPathSegment => ({ type: 1, asns });

describe('RFC 6793 s4.2.3 AS path reconstruction', () => {
  it('counts an AS_SET as one and confederation segments as none', () => {
    expect(asPathLength([seq(1, 2, 3), set(4, 5), { type: 3, asns: [9, 9] }])).toBe(4);
  });
  it('replaces the AS_TRANS tail with AS4_PATH', () => {
    expect(mergeAs4Path([seq(701, 23456, 23456)], [seq(196618, 262145)])).toEqual([seq(701, 196618, 262145)]);
  });
  it('ignores an AS4_PATH longer than AS_PATH', () => {
    expect(mergeAs4Path([seq(701)], [seq(196618, 262145)])).toEqual([seq(701)]);
  });
  it('keeps sets and leading confederation segments', () => {
    const conf: AsPathSegment = { type: 3, asns: [65001] };
    expect(mergeAs4Path([conf, seq(1, 23456), set(2, 3)], [seq(70000), set(2, 3)])).toEqual([conf, seq(1, 70000), set(2, 3)]);
  });
  it('drops confederation segments found in AS4_PATH', () => {
    expect(mergeAs4Path([seq(1, 23456)], [{ type: 4, asns: [5] }, seq(70000)])).toEqual([seq(1, 70000)]);
  });
  it('uses AS4_AGGREGATOR only behind an AS_TRANS AGGREGATOR, and then AS4_PATH', () => {
    const attrs = (aggAsn: number): PathAttribute[] => [
      { type: 'as-path', flags: 0x40, segments: [seq(2, 23456)] },
      { type: 'aggregator', flags: 0xc0, asn: aggAsn, address: '10.0.0.1', as4: false },
      { type: 'as4-path', flags: 0xc0, segments: [seq(70000)] },
      { type: 'as4-aggregator', flags: 0xc0, asn: 70000, address: '10.0.0.1' },
    ];
    expect(effectiveAsPath(attrs(23456), false)).toEqual({ segments: [seq(2, 70000)], aggregator: { asn: 70000, address: '10.0.0.1' } });
    expect(effectiveAsPath(attrs(2), false)).toEqual({ segments: [seq(2, 23456)], aggregator: { asn: 2, address: '10.0.0.1' } });
    expect(effectiveAsPath(attrs(23456), true).segments).toEqual([seq(2, 23456)]);
  });
});
