// TCP: the segment an IP datagram carries -> CapturedPacket. A segment cut by the capture is
// delivered as far as it reaches (and reported); a header that cannot be read is only reported.

import { u8, u16, u32 } from './capture-bytes.js';
import { issue, pos, type CaptureIssue, type CapturedPacket, type Origin } from './capture-types.js';

/** `at` = TCP header start, `end` = segment end according to the IP header. */
export function* decodeTcp(o: Origin, d: Uint8Array, at: number, end: number, src: string, dst: string): Generator<CapturedPacket | CaptureIssue> {
  const where = pos(o, at);
  const capturedEnd = Math.min(end, d.length);
  if (end - at < 20) {
    yield issue(o.frame, where, 'TCP header longer than the IP payload');
    return;
  }
  if (capturedEnd - at < 20) {
    yield issue(o.frame, where, `TCP header truncated by the ${o.cut}`);
    return;
  }
  const headerLen = (u8(d, at + 12) >> 4) * 4;
  if (headerLen < 20 || headerLen > end - at) {
    yield issue(o.frame, pos(o, at + 12), `TCP data offset ${headerLen} invalid for a ${end - at}-byte segment`);
    return;
  }
  if (headerLen > capturedEnd - at) {
    yield issue(o.frame, pos(o, at + 12), `TCP options truncated by the ${o.cut}`);
    return;
  }
  const start = at + headerLen;
  const payload = d.subarray(start, capturedEnd);
  const wireLength = end - start;
  const truncated = payload.length < wireLength || o.incomplete === true;
  if (payload.length < wireLength) {
    yield issue(o.frame, pos(o, capturedEnd), `TCP payload truncated by the ${o.cut}: ${payload.length} of ${wireLength} bytes`);
  }
  yield {
    kind: 'packet',
    frame: o.frame,
    ts: o.ts,
    src,
    dst,
    srcPort: u16(d, at),
    dstPort: u16(d, at + 2),
    seq: u32(d, at + 4),
    ack: u32(d, at + 8),
    flags: u8(d, at + 13),
    payload,
    wireLength,
    truncated,
    ...(o.fragments ? { fragments: o.fragments } : {}),
  };
}
