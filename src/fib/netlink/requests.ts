// The requests Wren sends, as iproute2 sends them (captured with strace; see the unit tests):
//
//   ip route replace P ...  RTM_NEWROUTE  NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_REPLACE
//   ip route del P ...      RTM_DELROUTE  NLM_F_REQUEST|NLM_F_ACK
//   ip route show           RTM_GETROUTE  NLM_F_REQUEST|NLM_F_DUMP
//   ip addr show            RTM_GETADDR   NLM_F_REQUEST|NLM_F_DUMP
//   ip link show            RTM_GETLINK   NLM_F_REQUEST|NLM_F_DUMP
//
// Without NLM_F_ACK the kernel still answers a request that fails (netlink_rcv_skb(): "if
// (nlh->nlmsg_flags & NLM_F_ACK || err) netlink_ack(...)"), so a batch may ask for an ACK on its
// last request only: silence before it means success.

import type { ByteWriter } from './bytes.js';
import {
  AF_UNSPEC,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_REPLACE,
  NLM_F_REQUEST,
  RTM_DELROUTE,
  RTM_GETADDR,
  RTM_GETLINK,
  RTM_GETROUTE,
  RTM_NEWROUTE,
  RT_TABLE_UNSPEC,
} from './constants.js';
import { writeMessage } from './message.js';
import type { RouteMessage } from './route-message.js';

export function writeRouteRequest(w: ByteWriter, op: 'replace' | 'delete', seq: number, route: RouteMessage, ack = true): void {
  const flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0) | (op === 'replace' ? NLM_F_CREATE | NLM_F_REPLACE : 0);
  writeMessage(w, { kind: 'route', header: { type: op === 'replace' ? RTM_NEWROUTE : RTM_DELROUTE, flags, seq, pid: 0 }, route });
}

export interface RouteDumpFilter {
  readonly table?: number;
  readonly protocol?: number;
}

/**
 * A dump of one family's routes. With NETLINK_GET_STRICT_CHK (Linux 4.20+) the kernel itself keeps
 * only the routes of rtm_protocol and RTA_TABLE (ip_valid_fib_dump_req()); older kernels ignore
 * both and dump everything, so readers filter again.
 */
export function writeRouteDump(w: ByteWriter, seq: number, family: number, filter: RouteDumpFilter = {}): void {
  const route: RouteMessage = {
    family,
    dstLength: 0,
    srcLength: 0,
    tos: 0,
    table: RT_TABLE_UNSPEC,
    protocol: filter.protocol ?? 0,
    scope: 0,
    type: 0,
    flags: 0,
    ...(filter.table !== undefined ? { tableId: filter.table } : {}),
    other: [],
  };
  writeMessage(w, { kind: 'route', header: { type: RTM_GETROUTE, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 }, route });
}

/** All interface addresses of a family (AF_UNSPEC: both). */
export function writeAddressDump(w: ByteWriter, seq: number, family = AF_UNSPEC): void {
  writeMessage(w, {
    kind: 'other',
    header: { type: RTM_GETADDR, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 },
    // struct ifaddrmsg, all zero: strict checking refuses a dump request with prefixlen, flags or scope set.
    body: new Uint8Array([family, 0, 0, 0, 0, 0, 0, 0]),
  });
}

export function writeLinkDump(w: ByteWriter, seq: number): void {
  // struct ifinfomsg, all zero (16 bytes).
  writeMessage(w, { kind: 'other', header: { type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 }, body: new Uint8Array(16) });
}
