// Capabilities (RFC 5492 s4): code (1), length (1), value. One codec per capability code; a value
// that does not follow its RFC, or one this codec does not know, is kept as raw bytes. Every
// decoded capability is checked to re-encode to the same bytes, so OPEN round-trips exactly.

import { bytesEqual, decodeUtf8, encodeUtf8, readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { CapabilityCode } from './constants.js';
import type { Capability } from './types.js';

type Decoder = (v: Uint8Array) => Capability | null;
type Encoder<C extends Capability> = (c: C) => Uint8Array;

const empty = (type: 'route-refresh' | 'extended-message' | 'enhanced-route-refresh' | 'route-refresh-cisco'): Decoder => (v) =>
  v.length === 0 ? ({ type } as Capability) : null;

/** Families of fixed-size entries: AFI (2) SAFI (1) + rest. */
function entries<T>(v: Uint8Array, size: number, read: (o: number) => T): T[] | null {
  if (v.length % size !== 0) return null;
  const out: T[] = [];
  for (let o = 0; o < v.length; o += size) out.push(read(o));
  return out;
}

const decoders: Record<number, Decoder> = {
  [CapabilityCode.MULTIPROTOCOL]: (v) =>
    v.length === 4 ? { type: 'multiprotocol', afi: readU16(v, 0), reserved: v[2]!, safi: v[3]! } : null,
  [CapabilityCode.ROUTE_REFRESH]: empty('route-refresh'),
  // RFC 8950 s3: AFI (2), SAFI (2), next hop AFI (2).
  [CapabilityCode.EXTENDED_NEXT_HOP]: (v) => {
    const list = entries(v, 6, (o) => ({ afi: readU16(v, o), safi: readU16(v, o + 2), nextHopAfi: readU16(v, o + 4) }));
    return list && list.length > 0 ? { type: 'extended-next-hop', entries: list } : null;
  },
  [CapabilityCode.EXTENDED_MESSAGE]: empty('extended-message'),
  [CapabilityCode.ROLE]: (v) => (v.length === 1 ? { type: 'role', role: v[0]! } : null),
  // RFC 4724 s3: restart flags (4 bits), restart time (12 bits), then AFI (2) SAFI (1) flags (1).
  [CapabilityCode.GRACEFUL_RESTART]: (v) => {
    if (v.length < 2) return null;
    const families = entries(v.subarray(2), 4, (o) => ({ afi: readU16(v, 2 + o), safi: v[4 + o]!, flags: v[5 + o]! }));
    if (!families) return null;
    return { type: 'graceful-restart', flags: v[0]! >> 4, restartTime: readU16(v, 0) & 0x0fff, families };
  },
  [CapabilityCode.FOUR_OCTET_AS]: (v) => (v.length === 4 ? { type: 'four-octet-as', asn: readU32(v, 0) } : null),
  // RFC 7911 s4: AFI (2) SAFI (1) send/receive (1).
  [CapabilityCode.ADD_PATH]: (v) => {
    const families = entries(v, 4, (o) => ({ afi: readU16(v, o), safi: v[o + 2]!, sendReceive: v[o + 3]! }));
    return families && families.length > 0 ? { type: 'add-path', families } : null;
  },
  [CapabilityCode.ENHANCED_ROUTE_REFRESH]: empty('enhanced-route-refresh'),
  // RFC 9494 s3: AFI (2) SAFI (1) flags (1) long-lived stale time (3).
  [CapabilityCode.LONG_LIVED_GRACEFUL_RESTART]: (v) => {
    const families = entries(v, 7, (o) => ({
      afi: readU16(v, o),
      safi: v[o + 2]!,
      flags: v[o + 3]!,
      staleTime: (v[o + 4]! << 16) | (v[o + 5]! << 8) | v[o + 6]!,
    }));
    return families ? { type: 'long-lived-graceful-restart', families } : null;
  },
  // draft-walton-bgp-hostname-capability: hostname length (1) hostname, domain length (1) domain.
  [CapabilityCode.FQDN]: (v) => {
    if (v.length < 1) return null;
    const hl = v[0]!;
    if (1 + hl + 1 > v.length) return null;
    const dl = v[1 + hl]!;
    if (2 + hl + dl !== v.length) return null;
    const hostname = decodeUtf8(v.subarray(1, 1 + hl));
    const domain = decodeUtf8(v.subarray(2 + hl));
    return hostname === null || domain === null ? null : { type: 'fqdn', hostname, domain };
  },
  // draft-ietf-idr-software-version: length (1) then UTF-8 text.
  [CapabilityCode.SOFTWARE_VERSION]: (v) => {
    if (v.length < 1 || v[0]! !== v.length - 1) return null;
    const version = decodeUtf8(v.subarray(1));
    return version === null ? null : { type: 'software-version', version };
  },
  [CapabilityCode.ROUTE_REFRESH_CISCO]: empty('route-refresh-cisco'),
};

const EMPTY = new Uint8Array(0);

function encodeValue(c: Capability): Uint8Array {
  switch (c.type) {
    case 'multiprotocol': {
      const v = new Uint8Array(4);
      writeU16(v, 0, c.afi);
      v[2] = c.reserved;
      v[3] = c.safi;
      return v;
    }
    case 'route-refresh':
    case 'extended-message':
    case 'enhanced-route-refresh':
    case 'route-refresh-cisco':
      return EMPTY;
    case 'extended-next-hop': {
      const v = new Uint8Array(6 * c.entries.length);
      c.entries.forEach((e, i) => {
        writeU16(v, 6 * i, e.afi);
        writeU16(v, 6 * i + 2, e.safi);
        writeU16(v, 6 * i + 4, e.nextHopAfi);
      });
      return v;
    }
    case 'role':
      return Uint8Array.of(c.role);
    case 'graceful-restart': {
      const v = new Uint8Array(2 + 4 * c.families.length);
      writeU16(v, 0, ((c.flags & 0xf) << 12) | (c.restartTime & 0x0fff));
      c.families.forEach((f, i) => {
        writeU16(v, 2 + 4 * i, f.afi);
        v[4 + 4 * i] = f.safi;
        v[5 + 4 * i] = f.flags;
      });
      return v;
    }
    case 'four-octet-as': {
      const v = new Uint8Array(4);
      writeU32(v, 0, c.asn);
      return v;
    }
    case 'add-path': {
      const v = new Uint8Array(4 * c.families.length);
      c.families.forEach((f, i) => {
        writeU16(v, 4 * i, f.afi);
        v[4 * i + 2] = f.safi;
        v[4 * i + 3] = f.sendReceive;
      });
      return v;
    }
    case 'long-lived-graceful-restart': {
      const v = new Uint8Array(7 * c.families.length);
      c.families.forEach((f, i) => {
        const o = 7 * i;
        writeU16(v, o, f.afi);
        v[o + 2] = f.safi;
        v[o + 3] = f.flags;
        v[o + 4] = f.staleTime >>> 16;
        v[o + 5] = f.staleTime >>> 8;
        v[o + 6] = f.staleTime;
      });
      return v;
    }
    case 'fqdn': {
      const h = encodeUtf8(c.hostname);
      const d = encodeUtf8(c.domain);
      const v = new Uint8Array(2 + h.length + d.length);
      v[0] = h.length;
      v.set(h, 1);
      v[1 + h.length] = d.length;
      v.set(d, 2 + h.length);
      return v;
    }
    case 'software-version': {
      const t = encodeUtf8(c.version);
      const v = new Uint8Array(1 + t.length);
      v[0] = t.length;
      v.set(t, 1);
      return v;
    }
    case 'unknown':
      return c.value;
  }
}

const CODES: Record<Exclude<Capability['type'], 'unknown'>, number> = {
  multiprotocol: CapabilityCode.MULTIPROTOCOL,
  'route-refresh': CapabilityCode.ROUTE_REFRESH,
  'extended-next-hop': CapabilityCode.EXTENDED_NEXT_HOP,
  'extended-message': CapabilityCode.EXTENDED_MESSAGE,
  role: CapabilityCode.ROLE,
  'graceful-restart': CapabilityCode.GRACEFUL_RESTART,
  'four-octet-as': CapabilityCode.FOUR_OCTET_AS,
  'add-path': CapabilityCode.ADD_PATH,
  'enhanced-route-refresh': CapabilityCode.ENHANCED_ROUTE_REFRESH,
  'long-lived-graceful-restart': CapabilityCode.LONG_LIVED_GRACEFUL_RESTART,
  fqdn: CapabilityCode.FQDN,
  'software-version': CapabilityCode.SOFTWARE_VERSION,
  'route-refresh-cisco': CapabilityCode.ROUTE_REFRESH_CISCO,
};

export function capabilityCode(c: Capability): number {
  return c.type === 'unknown' ? c.code : CODES[c.type];
}

/** Decodes one capability value. Never fails: what cannot be read stays raw. */
export function decodeCapability(code: number, value: Uint8Array): Capability {
  const decoded = decoders[code]?.(value) ?? null;
  if (decoded && bytesEqual(encodeValue(decoded), value)) return decoded;
  return { type: 'unknown', code, value: value.slice() };
}

/** Encodes code, length and value. */
export function encodeCapability(c: Capability): Uint8Array {
  const value = encodeValue(c);
  if (value.length > 255) throw new RangeError(`capability ${capabilityCode(c)} value is longer than 255 bytes`);
  const out = new Uint8Array(2 + value.length);
  out[0] = capabilityCode(c);
  out[1] = value.length;
  out.set(value, 2);
  return out;
}

/** Convenience for building OPENs: typed encoders are the same function, narrowed. */
export const encodeCapabilityValue: Encoder<Capability> = encodeValue;
