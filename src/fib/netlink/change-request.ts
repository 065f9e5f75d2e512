// The hot path of NetlinkFib.apply(): a checked change written straight into the batch buffer from
// its parsed address words, without building a RouteMessage (objects and small typed arrays per
// route cost more than the kernel's own work at 100k routes/s). It writes exactly what
// writeRouteRequest(routeRequestBody(...)) writes; a property test holds it to that.

import type { ByteWriter } from './bytes.js';
import {
  AF_INET,
  AF_INET6,
  NLMSG_HDRLEN,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_REPLACE,
  NLM_F_REQUEST,
  RTA_DST,
  RTA_GATEWAY,
  RTA_HDRLEN,
  RTA_MULTIPATH,
  RTA_OIF,
  RTA_PRIORITY,
  RTA_TABLE,
  RTMSG_LEN,
  RTM_DELROUTE,
  RTM_NEWROUTE,
  RTNH_F_ONLINK,
  RTNH_LEN,
  RTN_UNICAST,
  RTN_UNSPEC,
  RT_SCOPE_NOWHERE,
  RT_SCOPE_UNIVERSE,
  RT_TABLE_UNSPEC,
} from './constants.js';
import type { CheckedRoute } from '../route.js';
import { effectiveMetric, type ResolvedTableOptions } from '../types.js';

function putWords(w: ByteWriter, type: number, words: readonly number[]): void {
  const at = w.reserve(RTA_HDRLEN + 4 * words.length);
  w.u16(at, RTA_HDRLEN + 4 * words.length);
  w.u16(at + 2, type);
  // Addresses are in network byte order, whatever the host's.
  for (let k = 0; k < words.length; k++) w.dv.setUint32(at + RTA_HDRLEN + 4 * k, words[k]! >>> 0, false);
}

function putU32(w: ByteWriter, type: number, value: number): void {
  const at = w.reserve(RTA_HDRLEN + 4);
  w.u16(at, RTA_HDRLEN + 4);
  w.u16(at + 2, type);
  w.u32(at + RTA_HDRLEN, value);
}

/**
 * Appends the RTM_NEWROUTE (replace) or RTM_DELROUTE (delete) of a checked route. Returns null, or
 * the name of a `dev` that `ifindex` does not know (then nothing is written).
 */
export function writeChangeRequest(
  w: ByteWriter,
  c: CheckedRoute,
  op: 'replace' | 'delete',
  o: ResolvedTableOptions,
  seq: number,
  ack: boolean,
  ifindex: (name: string) => number | undefined,
): string | null {
  const hops = c.hops;
  let indexes: number[] | null = null;
  if (op === 'replace') {
    for (let k = 0; k < hops.length; k++) {
      const dev = hops[k]!.hop.dev;
      if (dev === undefined) continue;
      const index = ifindex(dev);
      if (index === undefined) return dev;
      indexes ??= new Array<number>(hops.length).fill(0);
      indexes[k] = index;
    }
  }
  const at = w.reserve(NLMSG_HDRLEN + RTMSG_LEN);
  w.u16(at + 4, op === 'replace' ? RTM_NEWROUTE : RTM_DELROUTE);
  w.u16(at + 6, NLM_F_REQUEST | (ack ? NLM_F_ACK : 0) | (op === 'replace' ? NLM_F_CREATE | NLM_F_REPLACE : 0));
  w.u32(at + 8, seq);
  const r = at + NLMSG_HDRLEN;
  w.u8(r, c.afi === 1 ? AF_INET : AF_INET6);
  w.u8(r + 1, c.prefix.length);
  w.u8(r + 4, o.table < 256 ? o.table : RT_TABLE_UNSPEC);
  w.u8(r + 5, o.protocol);
  w.u8(r + 6, op === 'replace' ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE);
  w.u8(r + 7, op === 'replace' ? RTN_UNICAST : RTN_UNSPEC);
  if (c.prefix.length > 0) putWords(w, RTA_DST, c.prefix.words);
  putU32(w, RTA_TABLE, o.table);
  if (op === 'delete') {
    putU32(w, RTA_PRIORITY, effectiveMetric(c.afi, o.metric));
  } else {
    putU32(w, RTA_PRIORITY, o.metric);
    if (hops.length === 1) {
      const h = hops[0]!;
      if (o.onlink && h.hop.dev !== undefined) w.u32(r + 8, RTNH_F_ONLINK);
      putWords(w, RTA_GATEWAY, h.address.words);
      if (indexes) putU32(w, RTA_OIF, indexes[0]!);
    } else {
      const mp = w.reserve(RTA_HDRLEN);
      w.u16(mp + 2, RTA_MULTIPATH);
      for (let k = 0; k < hops.length; k++) {
        const h = hops[k]!;
        const nh = w.reserve(RTNH_LEN);
        w.u8(nh + 2, o.onlink && h.hop.dev !== undefined ? RTNH_F_ONLINK : 0);
        w.u8(nh + 3, (h.hop.weight ?? 1) - 1);
        w.i32(nh + 4, indexes ? indexes[k]! : 0);
        putWords(w, RTA_GATEWAY, h.address.words);
        w.u16(nh, w.length - nh);
      }
      w.u16(mp, w.length - mp);
    }
  }
  w.u32(at, w.length - at);
  return null;
}
