// struct rtmsg and its attributes (include/uapi/linux/rtnetlink.h): the body of RTM_NEWROUTE,
// RTM_DELROUTE and RTM_GETROUTE. Pure: bytes in, plain objects out, and back.
//
//   struct rtmsg { u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags; }
//   struct rtnexthop { u16 rtnh_len; u8 rtnh_flags; u8 rtnh_hops; s32 rtnh_ifindex; }  // then its attributes
//
// "rtnh_hops: Nexthop priority or weight" - the weight is rtnh_hops + 1 (iproute2 writes weight-1).

import { ByteWriter, HOST_LITTLE_ENDIAN } from './bytes.js';
import { beginNested, bytesValue, endNested, putAttribute, putRaw, putU32, readAttributes, u32Value, type RawAttribute } from './attributes.js';
import { RTA_DST, RTA_GATEWAY, RTA_MULTIPATH, RTA_NH_ID, RTA_OIF, RTA_PRIORITY, RTA_TABLE, RTA_VIA, RTMSG_LEN, RTNH_LEN, align4 } from './constants.js';
import { NetlinkError } from './errors.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** RTA_VIA (struct rtvia): a gateway of another family (IPv4 routes over IPv6 next hops, RFC 8950). */
export interface RouteVia {
  readonly family: number;
  readonly address: Uint8Array;
}

export interface RouteNextHop {
  /** rtnh_flags (RTNH_F_ONLINK...). */
  readonly flags: number;
  /** rtnh_hops + 1: 1..256. */
  readonly weight: number;
  /** rtnh_ifindex; 0 lets the kernel resolve the interface. */
  readonly ifindex: number;
  readonly gateway?: Uint8Array;
  readonly via?: RouteVia;
  readonly other: readonly RawAttribute[];
}

export interface RouteMessage {
  readonly family: number;
  readonly dstLength: number;
  readonly srcLength: number;
  readonly tos: number;
  /** rtm_table: the table id when it fits a byte, else RT_TABLE_UNSPEC and the id in `tableId`. */
  readonly table: number;
  readonly protocol: number;
  readonly scope: number;
  readonly type: number;
  readonly flags: number;
  readonly dst?: Uint8Array;
  readonly gateway?: Uint8Array;
  readonly oif?: number;
  /** RTA_PRIORITY: the metric. */
  readonly priority?: number;
  /** RTA_TABLE: the full 32-bit table id. */
  readonly tableId?: number;
  readonly via?: RouteVia;
  readonly multipath?: readonly RouteNextHop[];
  /** RTA_NH_ID: the route uses a nexthop object. */
  readonly nhId?: number;
  /** Attributes the codec does not interpret (RTA_CACHEINFO, RTA_PREF...), in order. */
  readonly other: readonly RawAttribute[];
}

/** The route's table: RTA_TABLE when present (it is for ids over 255), else rtm_table. */
export function routeTable(m: RouteMessage): number {
  return m.tableId ?? m.table;
}

function putVia(w: ByteWriter, via: RouteVia): void {
  // struct rtvia { __kernel_sa_family_t rtvia_family (u16); u8 rtvia_addr[]; }
  const data = new Uint8Array(2 + via.address.length);
  new DataView(data.buffer).setUint16(0, via.family, HOST_LITTLE_ENDIAN);
  data.set(via.address, 2);
  putAttribute(w, RTA_VIA, data);
}

function readVia(bytes: Uint8Array, dv: DataView, at: number, length: number): RouteVia {
  if (length < 2) throw new NetlinkError('bad-attribute', `RTA_VIA of ${length} bytes`, at);
  return { family: dv.getUint16(at, HOST_LITTLE_ENDIAN), address: bytesValue(bytes, at + 2, length - 2) };
}

function byte(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`${what} must be 0..255: ${v}`);
  return v;
}

/** Writes the rtmsg and its attributes (the body after the nlmsghdr). */
export function writeRouteBody(w: ByteWriter, m: RouteMessage): void {
  const at = w.reserve(RTMSG_LEN);
  w.u8(at, byte(m.family, 'rtm_family'));
  w.u8(at + 1, byte(m.dstLength, 'rtm_dst_len'));
  w.u8(at + 2, byte(m.srcLength, 'rtm_src_len'));
  w.u8(at + 3, byte(m.tos, 'rtm_tos'));
  w.u8(at + 4, byte(m.table, 'rtm_table'));
  w.u8(at + 5, byte(m.protocol, 'rtm_protocol'));
  w.u8(at + 6, byte(m.scope, 'rtm_scope'));
  w.u8(at + 7, byte(m.type, 'rtm_type'));
  w.u32(at + 8, m.flags);
  // iproute2's order, so that our requests read like its requests in a capture.
  if (m.dst) putAttribute(w, RTA_DST, m.dst);
  if (m.tableId !== undefined) putU32(w, RTA_TABLE, m.tableId);
  if (m.priority !== undefined) putU32(w, RTA_PRIORITY, m.priority);
  if (m.gateway) putAttribute(w, RTA_GATEWAY, m.gateway);
  if (m.oif !== undefined) putU32(w, RTA_OIF, m.oif);
  if (m.via) putVia(w, m.via);
  if (m.multipath) {
    const mp = beginNested(w, RTA_MULTIPATH);
    for (const h of m.multipath) {
      if (!Number.isInteger(h.weight) || h.weight < 1 || h.weight > 256) throw new RangeError(`next hop weight must be 1..256: ${h.weight}`);
      const nh = w.reserve(RTNH_LEN);
      w.u8(nh + 2, byte(h.flags, 'rtnh_flags'));
      w.u8(nh + 3, h.weight - 1);
      w.i32(nh + 4, h.ifindex);
      if (h.gateway) putAttribute(w, RTA_GATEWAY, h.gateway);
      if (h.via) putVia(w, h.via);
      putRaw(w, h.other);
      if (w.length - nh > 0xffff) throw new RangeError(`rtnexthop of ${w.length - nh} bytes does not fit a u16 length`);
      w.u16(nh, w.length - nh);
    }
    endNested(w, mp);
  }
  if (m.nhId !== undefined) putU32(w, RTA_NH_ID, m.nhId);
  putRaw(w, m.other);
}

function readNextHops(bytes: Uint8Array, dv: DataView, start: number, end: number): RouteNextHop[] {
  const hops: RouteNextHop[] = [];
  let at = start;
  while (at < end) {
    if (end - at < RTNH_LEN) throw new NetlinkError('truncated', `${end - at} bytes left, struct rtnexthop needs ${RTNH_LEN}`, at);
    const len = dv.getUint16(at, HOST_LITTLE_ENDIAN);
    if (len < RTNH_LEN || at + len > end) throw new NetlinkError('bad-length', `rtnexthop of length ${len} in ${end - at} bytes`, at);
    const other: RawAttribute[] = [];
    const hop: Mutable<RouteNextHop> = { flags: dv.getUint8(at + 2), weight: dv.getUint8(at + 3) + 1, ifindex: dv.getInt32(at + 4, HOST_LITTLE_ENDIAN), other };
    readAttributes(dv, at + RTNH_LEN, at + len, (type, a, l) => {
      if (type === RTA_GATEWAY) hop.gateway = bytesValue(bytes, a, l);
      else if (type === RTA_VIA) hop.via = readVia(bytes, dv, a, l);
      else other.push({ type, data: bytesValue(bytes, a, l) });
    });
    hops.push(hop);
    at += align4(len);
  }
  return hops;
}

/** Reads the rtmsg body in bytes[start, end). Byte fields are views of `bytes`. */
export function readRouteBody(bytes: Uint8Array, dv: DataView, start: number, end: number): RouteMessage {
  if (end - start < RTMSG_LEN) throw new NetlinkError('truncated', `rtmsg needs ${RTMSG_LEN} bytes, has ${end - start}`, start);
  const other: RawAttribute[] = [];
  // Built once and filled in, not spread: a dump decodes one of these per route.
  const m: Mutable<RouteMessage> = {
    family: dv.getUint8(start),
    dstLength: dv.getUint8(start + 1),
    srcLength: dv.getUint8(start + 2),
    tos: dv.getUint8(start + 3),
    table: dv.getUint8(start + 4),
    protocol: dv.getUint8(start + 5),
    scope: dv.getUint8(start + 6),
    type: dv.getUint8(start + 7),
    flags: dv.getUint32(start + 8, HOST_LITTLE_ENDIAN),
    other,
  };
  readAttributes(dv, start + RTMSG_LEN, end, (type, at, length) => {
    switch (type) {
      case RTA_DST:
        m.dst = bytesValue(bytes, at, length);
        break;
      case RTA_GATEWAY:
        m.gateway = bytesValue(bytes, at, length);
        break;
      case RTA_OIF:
        m.oif = u32Value(dv, type, at, length);
        break;
      case RTA_PRIORITY:
        m.priority = u32Value(dv, type, at, length);
        break;
      case RTA_TABLE:
        m.tableId = u32Value(dv, type, at, length);
        break;
      case RTA_VIA:
        m.via = readVia(bytes, dv, at, length);
        break;
      case RTA_MULTIPATH:
        m.multipath = readNextHops(bytes, dv, at, at + length);
        break;
      case RTA_NH_ID:
        m.nhId = u32Value(dv, type, at, length);
        break;
      default:
        other.push({ type, data: bytesValue(bytes, at, length) });
    }
  });
  return m;
}
