// Link layers: each finds where the IP header starts in a frame of its link type. Returns the
// offset, null for frames that are not IP (ARP, LLC, ...: skipped silently), or a message for
// frames too short to tell.

import { u8, u16, u32, u32x } from './capture-bytes.js';

export type LinkResult = number | null | string;

/** Decoders by LINKTYPE_ value (tcpdump.org/linktypes.html). */
export const LINK_DECODERS: ReadonlyMap<number, (d: Uint8Array) => LinkResult> = new Map<number, (d: Uint8Array) => LinkResult>([
  [0, nullLink],
  [1, (d) => (d.length < 14 ? 'Ethernet header truncated' : etherPayload(d, 14, u16(d, 12)))],
  [9, (d) => pppPayload(d, 0)],
  [50, pppHdlc],
  [12, () => 0],
  [14, () => 0],
  [101, () => 0],
  [228, () => 0],
  [229, () => 0],
  [104, (d) => (d.length < 4 ? 'Cisco HDLC header truncated' : etherPayload(d, 4, u16(d, 2)))],
  [107, frameRelay],
  [113, (d) => (d.length < 16 ? 'Linux SLL header truncated' : etherPayload(d, 16, u16(d, 14)))],
  [178, juniperEther],
  [276, (d) => (d.length < 20 ? 'Linux SLL2 header truncated' : etherPayload(d, 20, u16(d, 0)))],
]);

/** BSD loopback: a 4-byte address family in the capturing host's byte order. */
function nullLink(d: Uint8Array): LinkResult {
  if (d.length < 4) return 'loopback header truncated';
  const le = u32x(d, 0, true);
  const family = le <= 0xffff ? le : u32(d, 0);
  // AF_INET is 2 everywhere; AF_INET6 differs: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30.
  return family === 2 || family === 10 || family === 24 || family === 28 || family === 30 ? 4 : null;
}

/** Ethertype dispatch shared by Ethernet, SLL, SLL2 and Cisco HDLC: VLAN tags, MPLS, IP. */
function etherPayload(d: Uint8Array, at: number, etherType: number): LinkResult {
  let type = etherType;
  for (;;) {
    if (type === 0x0800 || type === 0x86dd) return at;
    if (type === 0x8847 || type === 0x8848) return mplsPayload(d, at);
    if (type !== 0x8100 && type !== 0x88a8 && type !== 0x9100) return null;
    if (d.length - at < 4) return 'VLAN tag truncated';
    type = u16(d, at + 2);
    at += 4;
  }
}

function mplsPayload(d: Uint8Array, at: number): LinkResult {
  for (;;) {
    if (d.length - at < 4) return 'MPLS label stack truncated';
    const bottom = u8(d, at + 2) & 1;
    at += 4;
    if (bottom) break;
  }
  if (at >= d.length) return 'MPLS payload missing';
  // MPLS does not say what it carries; IP is recognisable by its version nibble. Anything else
  // (pseudowire control word, Ethernet over MPLS) is not ours.
  const version = u8(d, at) >> 4;
  return version === 4 || version === 6 ? at : null;
}

function pppPayload(d: Uint8Array, at: number): LinkResult {
  if (u8(d, at) === 0xff && u8(d, at + 1) === 0x03) at += 2; // HDLC-like address/control
  if (d.length - at < 1) return 'PPP header truncated';
  let proto: number;
  if (u8(d, at) & 1) {
    proto = u8(d, at); // protocol-field compression (RFC 1661 s6.5): one byte
    at += 1;
  } else {
    if (d.length - at < 2) return 'PPP header truncated';
    proto = u16(d, at);
    at += 2;
  }
  if (proto === 0x21 || proto === 0x57) return at;
  if (proto === 0x0281 || proto === 0x0283) return mplsPayload(d, at);
  return null;
}

/** LINKTYPE_PPP_HDLC holds PPP in HDLC framing (0xff) or Cisco PPP with HDLC framing (0x0f/0x8f). */
function pppHdlc(d: Uint8Array): LinkResult {
  const address = u8(d, 0);
  if (address === 0x0f || address === 0x8f) {
    return d.length < 4 ? 'Cisco HDLC header truncated' : etherPayload(d, 4, u16(d, 2));
  }
  return pppPayload(d, 0);
}

/**
 * LINKTYPE_FRELAY: a Q.922 address (2 to 4 bytes; the low bit of a byte is set on the last one),
 * then either RFC 2427 multiprotocol encapsulation (UI control 0x03, an optional 0x00 pad, an
 * NLPID: 0xcc IPv4, 0x8e IPv6, 0x80 SNAP) or Cisco's encapsulation (an Ethertype right after the
 * address, as Cisco routers send it by default).
 */
function frameRelay(d: Uint8Array): LinkResult {
  let at = 0;
  while (at < 4 && at < d.length && !(u8(d, at) & 1)) at++;
  at++;
  if (at > d.length || at > 4) return 'Frame Relay address truncated or longer than 4 bytes';
  if (at < 2) return 'Frame Relay address shorter than 2 bytes';
  if (d.length - at < 2) return 'Frame Relay header truncated';
  if (u8(d, at) !== 0x03) return etherPayload(d, at + 2, u16(d, at)); // Cisco: an Ethertype
  at++;
  if (u8(d, at) === 0x00) at++; // pad octet before some NLPIDs (RFC 2427 s4)
  if (at >= d.length) return 'Frame Relay NLPID missing';
  const nlpid = u8(d, at);
  at++;
  if (nlpid === 0xcc || nlpid === 0x8e) return at;
  if (nlpid !== 0x80) return null; // Q.933 signalling, CLNP, PPP in FR, ...
  if (d.length - at < 5) return 'Frame Relay SNAP header truncated';
  const oui = u16(d, at) * 0x100 + u8(d, at + 2);
  const pid = u16(d, at + 3);
  at += 5;
  if (oui === 0) return etherPayload(d, at, pid); // routed: PID is an Ethertype
  // Bridged Ethernet (802.1 OUI 00-80-c2; PID 0x0001 with FCS, 0x0007 without): a whole MAC frame.
  if (oui === 0x0080c2 && (pid === 0x0001 || pid === 0x0007)) {
    return d.length - at < 14 ? 'bridged Ethernet header truncated' : etherPayload(d, at + 14, u16(d, at + 12));
  }
  return null;
}

/**
 * LINKTYPE_JUNIPER_ETHER: Juniper's pseudo-header, then Ethernet. The pseudo-header is the magic
 * "MGC", a flags byte, and, when flag 0x80 is set, a 2-byte length of extension TLVs that follow.
 * Flag 0x02 (no L2 header) means the Ethernet header was stripped: after a 4-byte protocol
 * cookie comes the IP packet (tcpdump's print-juniper.c, juniper_parse_header).
 */
function juniperEther(d: Uint8Array): LinkResult {
  if (d.length < 4) return 'Juniper pseudo-header truncated';
  if (u8(d, 0) !== 0x4d || u8(d, 1) !== 0x47 || u8(d, 2) !== 0x43) return 'Juniper pseudo-header without its "MGC" magic';
  const flags = u8(d, 3);
  let at = 4;
  if (flags & 0x80) {
    if (d.length < 6) return 'Juniper extension length truncated';
    at = 6 + u16(d, 4);
  }
  if (flags & 0x02) {
    at += 4;
    if (at >= d.length) return 'Juniper pseudo-header truncated';
    const version = u8(d, at) >> 4;
    return version === 4 || version === 6 ? at : null;
  }
  if (d.length - at < 14) return 'Ethernet header truncated (after the Juniper pseudo-header)';
  return etherPayload(d, at + 14, u16(d, at + 12));
}
