// struct ifaddrmsg and its attributes (include/uapi/linux/if_addr.h): the body of RTM_NEWADDR,
// what an RTM_GETADDR dump answers with. Wren reads this host's addresses from it (the guard rails).
//
//   struct ifaddrmsg { u8 ifa_family, ifa_prefixlen, ifa_flags, ifa_scope; u32 ifa_index; }
//
// "IFA_ADDRESS is prefix address, rather than local interface address. It makes no difference for
// normally configured broadcast interfaces, but for point-to-point IFA_ADDRESS is DESTINATION
// address, local address is supplied in IFA_LOCAL attribute." (if_addr.h) IPv6 sends IFA_ADDRESS only.

import { ByteWriter, HOST_LITTLE_ENDIAN } from './bytes.js';
import { bytesValue, putAttribute, putRaw, putString, putU32, readAttributes, stringValue, u32Value, type RawAttribute } from './attributes.js';
import { IFADDRMSG_LEN, IFA_ADDRESS, IFA_FLAGS, IFA_LABEL, IFA_LOCAL } from './constants.js';
import { NetlinkError } from './errors.js';

export interface AddressMessage {
  readonly family: number;
  readonly prefixLength: number;
  /** ifa_flags (the low 8 bits; IFA_FLAGS holds all 32). */
  readonly flags: number;
  readonly scope: number;
  readonly index: number;
  readonly address?: Uint8Array;
  readonly local?: Uint8Array;
  readonly label?: string;
  readonly extendedFlags?: number;
  readonly other: readonly RawAttribute[];
}

/** The interface's own address: IFA_LOCAL where given (point-to-point, IPv4), else IFA_ADDRESS. */
export function interfaceAddress(m: AddressMessage): Uint8Array | undefined {
  return m.local ?? m.address;
}

export function writeAddressBody(w: ByteWriter, m: AddressMessage): void {
  const at = w.reserve(IFADDRMSG_LEN);
  w.u8(at, m.family);
  w.u8(at + 1, m.prefixLength);
  w.u8(at + 2, m.flags);
  w.u8(at + 3, m.scope);
  w.u32(at + 4, m.index);
  if (m.address) putAttribute(w, IFA_ADDRESS, m.address);
  if (m.local) putAttribute(w, IFA_LOCAL, m.local);
  if (m.label !== undefined) putString(w, IFA_LABEL, m.label);
  if (m.extendedFlags !== undefined) putU32(w, IFA_FLAGS, m.extendedFlags);
  putRaw(w, m.other);
}

export function readAddressBody(bytes: Uint8Array, dv: DataView, start: number, end: number): AddressMessage {
  if (end - start < IFADDRMSG_LEN) throw new NetlinkError('truncated', `ifaddrmsg needs ${IFADDRMSG_LEN} bytes, has ${end - start}`, start);
  const fields: { -readonly [K in keyof AddressMessage]?: AddressMessage[K] } = {};
  const other: RawAttribute[] = [];
  readAttributes(dv, start + IFADDRMSG_LEN, end, (type, at, length) => {
    if (type === IFA_ADDRESS) fields.address = bytesValue(bytes, at, length);
    else if (type === IFA_LOCAL) fields.local = bytesValue(bytes, at, length);
    else if (type === IFA_LABEL) fields.label = stringValue(bytes, at, length);
    else if (type === IFA_FLAGS) fields.extendedFlags = u32Value(dv, type, at, length);
    else other.push({ type, data: bytesValue(bytes, at, length) });
  });
  return {
    family: dv.getUint8(start),
    prefixLength: dv.getUint8(start + 1),
    flags: dv.getUint8(start + 2),
    scope: dv.getUint8(start + 3),
    index: dv.getUint32(start + 4, HOST_LITTLE_ENDIAN),
    ...fields,
    other,
  };
}
