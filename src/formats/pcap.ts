// Capture-file reader: classic pcap and pcapng, down through the link layer and IPv4/IPv6 to
// TCP segments. Pure functions over one in-memory buffer.
//
// The contract is "report, never throw": capture files are often cut short or fuzzed on purpose
// (tcpdump's *-oobr regressions). Every length is checked before it is used, every loop advances
// by at least one byte, and anything that cannot be decoded becomes a CaptureIssue (or is skipped
// silently when it is simply not TCP over IP). Reads go through u8/u16/u32 (capture-bytes.ts),
// which return 0 past the end instead of throwing, so a missed check degrades to garbage, never to
// an exception.
//
// Fragmented IP datagrams are reassembled (bounded in datagrams, bytes, fragments and time; see
// IpReassemblyOptions); one that cannot be completed is reported and decoded as far as its bytes
// reach from the start, like a segment cut by the snaplen.
//
// This file is the entry point; the stages live beside it: capture-container.ts (pcap/pcapng ->
// frames), capture-link.ts (frames -> IP packets), capture-ip.ts (IPv4/IPv6), capture-fragments.ts
// (IP reassembly), capture-tcp.ts (TCP segments).

import { IpReassembler, type IpReassemblyOptions } from './capture-fragments.js';
import { readFrames } from './capture-container.js';
import { decodeIp } from './capture-ip.js';
import { LINK_DECODERS } from './capture-link.js';
import { issue, type CaptureIssue, type CapturedPacket } from './capture-types.js';

export { TcpFlags, type CaptureIssue, type CapturedFrame, type CapturedPacket } from './capture-types.js';
export { readFrames } from './capture-container.js';
export { DEFAULT_IP_REASSEMBLY, type IpReassemblyOptions } from './capture-fragments.js';
// RFC 5952 text of 16 bytes: the codec's formatter, kept under the name callers know.
export { ipv6ToString as formatIpv6 } from '../wire/bytes.js';

export interface ReadPacketsOptions {
  /** Bounds of IP fragment reassembly. */
  readonly reassembly?: IpReassemblyOptions;
}

/**
 * Decodes captured frames into TCP segments, reassembling fragmented IP datagrams. Non-TCP traffic
 * is skipped without comment.
 */
export function* readPackets(bytes: Uint8Array, options: ReadPacketsOptions = {}): Generator<CapturedPacket | CaptureIssue> {
  const reportedLinks = new Set<number>();
  const fragments = new IpReassembler(options.reassembly);
  for (const item of readFrames(bytes)) {
    if (item.kind === 'issue') {
      yield item;
      continue;
    }
    yield* fragments.expire(item.ts);
    const decode = LINK_DECODERS.get(item.linkType);
    if (!decode) {
      // Once per link type: a capture of an unsupported link would otherwise repeat it per frame.
      if (!reportedLinks.has(item.linkType)) {
        reportedLinks.add(item.linkType);
        yield issue(item.frame, item.offset, `unsupported link type ${item.linkType}; its frames are skipped`);
      }
      continue;
    }
    const at = decode(item.data);
    if (typeof at === 'string') yield issue(item.frame, item.offset, at);
    else if (at !== null) yield* decodeIp(item, at, fragments);
  }
  yield* fragments.flush();
}

