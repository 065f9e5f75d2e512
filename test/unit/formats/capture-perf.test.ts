// Cost sanity of the capture path: TCP/IP reassembly copies each delivered byte at most once
// (segments are views into the file; only runs that join several segments and reassembled IP
// datagrams are copied), and decoding time grows linearly with the capture.

import { describe, it, expect, vi } from 'vitest';
import { performance } from 'node:perf_hooks';
import { openBgpFile } from '../../../src/formats/bgp-reader.js';
import { tcpStreams } from '../../../src/formats/tcp.js';
import { ethernet, fixture, ipv4, pcapFile, tcpSegment, type Record as PcapRecord } from './capture-builder.js';

const LARGEST = 'traffic-reproducer/examples/pcap_processing/bgp-multi-sources.pcap';

/** Bytes delivered by tcpStreams and bytes copied by Uint8Array.prototype.set meanwhile. */
function copies(b: Uint8Array): { delivered: number; copied: number } {
  let copied = 0;
  const original = Uint8Array.prototype.set;
  const spy = vi.spyOn(Uint8Array.prototype, 'set').mockImplementation(function (this: Uint8Array, src: ArrayLike<number>, offset?: number) {
    copied += src.length;
    original.call(this, src, offset);
  });
  let delivered = 0;
  try {
    for (const e of tcpStreams(b)) if (e.kind === 'data') delivered += e.data.length;
  } finally {
    spy.mockRestore();
  }
  return { delivered, copied };
}

const KEEPALIVE = Uint8Array.from([...Array<number>(16).fill(0xff), 0, 19, 4]);

/**
 * One BGP session of `n` KEEPALIVEs, one per segment, reordered in windows of 8 (each window sent
 * backwards: a hole, filled by the last segment of the window).
 */
function reorderedSession(n: number): Uint8Array {
  const records: PcapRecord[] = [];
  const seg = (seq: number, flags: number, payload?: Uint8Array): Uint8Array =>
    ethernet(0x0800, ipv4([10, 0, 0, 1], [10, 0, 0, 2], tcpSegment({ srcPort: 40000, dstPort: 179, seq, flags, ...(payload ? { payload } : {}) })));
  records.push({ ts: 1, data: seg(999, 0x02) });
  for (let w = 0; w < n; w += 8) {
    for (let i = Math.min(n, w + 8) - 1; i >= w; i--) records.push({ ts: 1 + i / 1e4, data: seg(1000 + 19 * i, 0x18, KEEPALIVE) });
  }
  return pcapFile({ le: true, nano: false, linkType: 1 }, records);
}

function timeOf(f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

describe('capture decoding cost', () => {
  it(`${LARGEST}: decoded quickly, and reassembly copies no byte twice`, () => {
    const b = fixture(LARGEST);
    const ms = timeOf(() => {
      let n = 0;
      for (const r of openBgpFile(b).records) if (r.kind === 'message') n++;
      expect(n).toBe(456);
    });
    expect(ms).toBeLessThan(2000);
    const { delivered, copied } = copies(b);
    expect(delivered).toBeGreaterThan(0);
    expect(copied).toBeLessThanOrEqual(delivered);
  });

  it('heavily reordered segments: each byte copied at most once, time linear in the number of segments', () => {
    const small = reorderedSession(5000);
    const large = reorderedSession(20000);
    const { delivered, copied } = copies(large);
    expect(delivered).toBe(20000 * 19);
    expect(copied).toBeLessThanOrEqual(delivered);
    const count = (b: Uint8Array) => () => {
      let n = 0;
      for (const r of openBgpFile(b).records) if (r.kind === 'message') n++;
      return n;
    };
    expect(count(large)()).toBe(20000);
    const tSmall = timeOf(count(small));
    const tLarge = timeOf(count(large));
    // 4x the segments: about 4x the time when linear, 16x when quadratic. Generous for noisy hosts.
    expect(tLarge).toBeLessThan(10 * Math.max(tSmall, 5));
  });
});
