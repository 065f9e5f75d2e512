// struct ifinfomsg (include/uapi/linux/rtnetlink.h) and IFLA_IFNAME (if_link.h): the body of
// RTM_NEWLINK, what an RTM_GETLINK dump answers with. Wren needs only ifindex <-> name: routes
// name interfaces by index (RTA_OIF, rtnh_ifindex), FibNextHop by name.
//
//   struct ifinfomsg { u8 ifi_family; u8 pad; u16 ifi_type; s32 ifi_index; u32 ifi_flags; u32 ifi_change; }

import { ByteWriter, HOST_LITTLE_ENDIAN } from './bytes.js';
import { bytesValue, putRaw, putString, readAttributes, stringValue, type RawAttribute } from './attributes.js';
import { IFINFOMSG_LEN, IFLA_IFNAME } from './constants.js';
import { NetlinkError } from './errors.js';

export interface LinkMessage {
  readonly family: number;
  /** ifi_type: ARPHRD_* (1 ethernet, 772 loopback). */
  readonly deviceType: number;
  readonly index: number;
  /** ifi_flags: IFF_UP (1), IFF_RUNNING (0x40)... */
  readonly flags: number;
  readonly change: number;
  readonly name?: string;
  readonly other: readonly RawAttribute[];
}

export function writeLinkBody(w: ByteWriter, m: LinkMessage): void {
  const at = w.reserve(IFINFOMSG_LEN);
  w.u8(at, m.family);
  w.u16(at + 2, m.deviceType);
  w.i32(at + 4, m.index);
  w.u32(at + 8, m.flags);
  w.u32(at + 12, m.change);
  if (m.name !== undefined) putString(w, IFLA_IFNAME, m.name);
  putRaw(w, m.other);
}

export function readLinkBody(bytes: Uint8Array, dv: DataView, start: number, end: number): LinkMessage {
  if (end - start < IFINFOMSG_LEN) throw new NetlinkError('truncated', `ifinfomsg needs ${IFINFOMSG_LEN} bytes, has ${end - start}`, start);
  let name: string | undefined;
  const other: RawAttribute[] = [];
  readAttributes(dv, start + IFINFOMSG_LEN, end, (type, at, length) => {
    if (type === IFLA_IFNAME) name = stringValue(bytes, at, length);
    else other.push({ type, data: bytesValue(bytes, at, length) });
  });
  return {
    family: dv.getUint8(start),
    deviceType: dv.getUint16(start + 2, HOST_LITTLE_ENDIAN),
    index: dv.getInt32(start + 4, HOST_LITTLE_ENDIAN),
    flags: dv.getUint32(start + 8, HOST_LITTLE_ENDIAN),
    change: dv.getUint32(start + 12, HOST_LITTLE_ENDIAN),
    ...(name !== undefined ? { name } : {}),
    other,
  };
}
