// IPv4 and IPv6: the packet a link layer carries -> the TCP segment in it. Fragments are handed
// to reassembly (a FragmentSink); non-TCP traffic is skipped without comment.

import { ipv4ToString, ipv6ToString } from '../wire/bytes.js';
import { u8, u16, u32 } from './capture-bytes.js';
import { decodeTcp } from './capture-tcp.js';
import { issue, pos, type CaptureIssue, type CapturedFrame, type CapturedPacket, type Origin } from './capture-types.js';

/** One IP fragment, as the IP decoders hand it to reassembly. */
export interface Fragment {
  /** Reassembly key: addresses, protocol (IPv4) and identification. */
  key: string;
  v6: boolean;
  src: string;
  dst: string;
  /** IPv4 protocol, or the IPv6 fragment header's next header (the fragmentable part's first). */
  next: number;
  /** Byte offset of this fragment's data in the datagram's payload. */
  offset: number;
  /** More fragments follow (MF / M flag). */
  more: boolean;
  /** Captured bytes of the fragment (a view into the frame). */
  data: Uint8Array;
  /** Fragment length according to the IP header (more than data.length when cut by the capture). */
  length: number;
  /** File offset of the IP (or fragment) header, for issues. */
  where: number;
}

/** Where fragments go: reassembly, which decodes each datagram once it is complete or given up. */
export interface FragmentSink {
  add(o: Origin, f: Fragment): Generator<CapturedPacket | CaptureIssue>;
}

/** Decodes the IP packet that starts at `at` of a frame (where its link layer put it). */
export function* decodeIp(f: CapturedFrame, at: number, fragments: FragmentSink): Generator<CapturedPacket | CaptureIssue> {
  const d = f.data;
  const o: Origin = {
    frame: f.frame,
    ts: f.ts,
    base: f.offset,
    anchor: f.offset + at,
    cut: f.origLength > d.length ? 'capture' : 'frame (IP length exceeds the frame)',
  };
  const version = u8(d, at) >> 4;
  if (at >= d.length) {
    yield issue(f.frame, f.offset + at, 'IP header missing');
  } else if (version === 4) {
    yield* decodeIpv4(o, d, at, fragments);
  } else if (version === 6) {
    yield* decodeIpv6(o, d, at, fragments);
  } else {
    yield issue(f.frame, f.offset + at, `IP version ${version} is neither 4 nor 6`);
  }
}

function* decodeIpv4(o: Origin, d: Uint8Array, at: number, fragments: FragmentSink): Generator<CapturedPacket | CaptureIssue> {
  const where = pos(o, at);
  if (d.length - at < 20) {
    yield issue(o.frame, where, 'IPv4 header truncated');
    return;
  }
  const headerLen = (u8(d, at) & 0x0f) * 4;
  const totalLen = u16(d, at + 2);
  if (headerLen < 20 || d.length - at < headerLen) {
    yield issue(o.frame, where, `IPv4 header length ${headerLen} invalid or truncated`);
    return;
  }
  if (u8(d, at + 9) !== 6) return;
  // Total length 0 appears in captures of TCP segmentation offload: the NIC fills it in later.
  let end: number;
  if (totalLen === 0) end = d.length;
  else if (totalLen < headerLen) {
    yield issue(o.frame, where + 2, `IPv4 total length ${totalLen} shorter than its header`);
    return;
  } else end = at + totalLen;
  const src = ipv4ToString(d, at + 12);
  const dst = ipv4ToString(d, at + 16);
  const frag = u16(d, at + 6);
  const offset = (frag & 0x1fff) * 8;
  const more = (frag & 0x2000) !== 0;
  const start = at + headerLen;
  if (offset !== 0 || more) {
    // RFC 791: fragments of one datagram share source, destination, protocol and identification.
    yield* fragments.add(o, {
      key: `4 ${src} ${dst} 6 ${u16(d, at + 4)}`,
      v6: false,
      src,
      dst,
      next: 6,
      offset,
      more,
      data: d.subarray(start, Math.min(end, d.length)),
      length: end - start,
      where,
    });
    return;
  }
  yield* decodeTcp(o, d, start, end, src, dst);
}

function* decodeIpv6(o: Origin, d: Uint8Array, at: number, fragments: FragmentSink): Generator<CapturedPacket | CaptureIssue> {
  if (d.length - at < 40) {
    yield issue(o.frame, pos(o, at), 'IPv6 header truncated');
    return;
  }
  const payloadLen = u16(d, at + 4);
  // Payload length 0: jumbogram or segmentation offload; the captured length is all we have.
  const end = payloadLen === 0 ? d.length : at + 40 + payloadLen;
  yield* ipv6Payload(o, d, at + 40, end, u8(d, at + 6), ipv6ToString(d, at + 8), ipv6ToString(d, at + 24), fragments);
}

/** Extension headers that may stand between an IPv6 header (or fragment header) and TCP. */
const IPV6_SKIPPABLE = new Set([0, 43, 60, 51]);

/**
 * Walks IPv6 extension headers from `p` (`next` = the type of the header there) to TCP. A fragment
 * header hands the rest to reassembly; `fragments` is undefined inside a reassembled datagram,
 * where another fragment header would be nested fragmentation (not valid IPv6).
 */
export function* ipv6Payload(
  o: Origin,
  d: Uint8Array,
  p: number,
  end: number,
  next: number,
  src: string,
  dst: string,
  fragments: FragmentSink | undefined,
): Generator<CapturedPacket | CaptureIssue> {
  // Every extension header is at least 8 bytes, so this walk ends within the frame.
  for (;;) {
    if (next === 6) break;
    if (next !== 44 && !IPV6_SKIPPABLE.has(next)) return; // not TCP (or ESP)
    if (Math.min(d.length, end) - p < 8) {
      yield issue(o.frame, pos(o, p), next === 44 ? 'IPv6 fragment header truncated' : 'IPv6 extension header truncated');
      return;
    }
    if (next === 44) {
      const fragNext = u8(d, p);
      const word = u16(d, p + 2);
      const offset = word & 0xfff8;
      const more = (word & 1) !== 0;
      if (offset === 0 && !more) {
        // An atomic fragment (RFC 6946): the whole datagram, nothing to reassemble.
        next = fragNext;
        p += 8;
        continue;
      }
      if (!fragments) {
        yield issue(o.frame, pos(o, p), 'IPv6 fragment header inside a reassembled datagram; skipped');
        return;
      }
      if (fragNext !== 6 && !IPV6_SKIPPABLE.has(fragNext)) return; // fragments of something else
      yield* fragments.add(o, {
        key: `6 ${src} ${dst} ${u32(d, p + 4)}`,
        v6: true,
        src,
        dst,
        next: fragNext,
        offset,
        more,
        data: d.subarray(p + 8, Math.min(end, d.length)),
        length: end - (p + 8),
        where: pos(o, p),
      });
      return;
    }
    // AH counts its length in 4-byte words minus 2; the others in 8-byte words minus 1.
    const len = next === 51 ? (u8(d, p + 1) + 2) * 4 : (u8(d, p + 1) + 1) * 8;
    next = u8(d, p);
    p += len;
  }
  yield* decodeTcp(o, d, p, end, src, dst);
}
