// Numbers assigned by IANA for BGP-4. Names follow the registries.

/** RFC 4271 s4.1 message types, plus ROUTE-REFRESH (RFC 2918). */
export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;
export type MessageTypeCode = (typeof MessageType)[keyof typeof MessageType];

export const HEADER_LENGTH = 19;
export const MARKER_LENGTH = 16;
/** RFC 4271 s4.1: maximum message size without the extended message capability. */
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 8654: maximum message size once the extended message capability is negotiated. */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;

/** RFC 4271 s4.2: the only version we speak. */
export const BGP_VERSION = 4;
/** RFC 6793: AS_TRANS, the 2-octet stand-in for a 4-octet AS number. */
export const AS_TRANS = 23456;

export const Afi = { IPV4: 1, IPV6: 2, L2VPN: 25, BGP_LS: 16388 } as const;
export const Safi = {
  UNICAST: 1,
  MULTICAST: 2,
  LABELED_UNICAST: 4,
  MCAST_VPN: 5,
  VPLS: 65,
  EVPN: 70,
  BGP_LS: 71,
  BGP_LS_VPN: 72,
  SR_POLICY: 73,
  MUP: 85,
  VPN: 128,
  VPN_MULTICAST: 129,
  RT_CONSTRAINT: 132,
  FLOWSPEC: 133,
  FLOWSPEC_VPN: 134,
} as const;

/** A family packed into one number: afi << 8 | safi. Cheap to compare and to put in a Set. */
export type FamilyKey = number;
export function familyKey(afi: number, safi: number): FamilyKey {
  return afi * 256 + safi;
}
export const IPV4_UNICAST = familyKey(1, 1);
export const IPV6_UNICAST = familyKey(2, 1);

const AFI_NAMES: Record<number, string> = { 1: 'ipv4', 2: 'ipv6', 25: 'l2vpn', 16388: 'bgp-ls' };
const SAFI_NAMES: Record<number, string> = {
  1: 'unicast', 2: 'multicast', 4: 'labeled-unicast', 5: 'mcast-vpn', 8: 'multicast-vpls', 65: 'vpls', 70: 'evpn',
  71: 'bgp-ls', 72: 'bgp-ls-vpn', 73: 'sr-policy', 85: 'mup', 128: 'vpn', 129: 'vpn-multicast', 132: 'rt-constraint',
  133: 'flowspec', 134: 'flowspec-vpn',
};
export function afiName(afi: number): string {
  return AFI_NAMES[afi] ?? `afi-${afi}`;
}
export function safiName(safi: number): string {
  return SAFI_NAMES[safi] ?? `safi-${safi}`;
}
/** "ipv4-unicast", "ipv6-flowspec", "afi-99-safi-7". */
export function familyName(afi: number, safi: number): string {
  return `${afiName(afi)}-${safiName(safi)}`;
}

/** Path attribute type codes (IANA "BGP Path Attributes"). */
export const AttrType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  PMSI_TUNNEL: 22,
  TUNNEL_ENCAPSULATION: 23,
  AIGP: 26,
  LARGE_COMMUNITY: 32,
  BGPSEC_PATH: 33,
  OTC: 35,
  PREFIX_SID: 40,
  ATTR_SET: 128,
} as const;

const ATTR_NAMES: Record<number, string> = {
  1: 'ORIGIN', 2: 'AS_PATH', 3: 'NEXT_HOP', 4: 'MULTI_EXIT_DISC', 5: 'LOCAL_PREF', 6: 'ATOMIC_AGGREGATE', 7: 'AGGREGATOR',
  8: 'COMMUNITIES', 9: 'ORIGINATOR_ID', 10: 'CLUSTER_LIST', 14: 'MP_REACH_NLRI', 15: 'MP_UNREACH_NLRI',
  16: 'EXTENDED_COMMUNITIES', 17: 'AS4_PATH', 18: 'AS4_AGGREGATOR', 22: 'PMSI_TUNNEL', 23: 'TUNNEL_ENCAPSULATION',
  25: 'IPV6_EXTENDED_COMMUNITIES', 26: 'AIGP', 27: 'PE_DISTINGUISHER_LABELS', 29: 'BGP_LS', 32: 'LARGE_COMMUNITY',
  33: 'BGPSEC_PATH', 35: 'OTC', 40: 'PREFIX_SID', 128: 'ATTR_SET',
};
export function attrName(code: number): string {
  return ATTR_NAMES[code] ?? `ATTR_${code}`;
}

/** RFC 4271 s4.3 attribute flag bits. */
export const AttrFlag = {
  OPTIONAL: 0x80,
  TRANSITIVE: 0x40,
  PARTIAL: 0x20,
  EXTENDED_LENGTH: 0x10,
} as const;

/** Capability codes (IANA "Capability Codes"). */
export const CapabilityCode = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  OUTBOUND_ROUTE_FILTERING: 3,
  EXTENDED_NEXT_HOP: 5,
  EXTENDED_MESSAGE: 6,
  BGPSEC: 7,
  MULTIPLE_LABELS: 8,
  ROLE: 9,
  GRACEFUL_RESTART: 64,
  FOUR_OCTET_AS: 65,
  ADD_PATH: 69,
  ENHANCED_ROUTE_REFRESH: 70,
  LONG_LIVED_GRACEFUL_RESTART: 71,
  FQDN: 73,
  SOFTWARE_VERSION: 75,
  ROUTE_REFRESH_CISCO: 128,
} as const;

const CAP_NAMES: Record<number, string> = {
  1: 'multiprotocol', 2: 'route-refresh', 3: 'outbound-route-filtering', 5: 'extended-next-hop', 6: 'extended-message',
  7: 'bgpsec', 8: 'multiple-labels', 9: 'role', 64: 'graceful-restart', 65: 'four-octet-as', 69: 'add-path',
  70: 'enhanced-route-refresh', 71: 'long-lived-graceful-restart', 73: 'fqdn', 75: 'software-version',
  128: 'route-refresh-cisco', 130: 'outbound-route-filtering-cisco', 131: 'multisession-cisco',
};
export function capabilityName(code: number): string {
  return CAP_NAMES[code] ?? `capability-${code}`;
}

/** RFC 9234 roles. */
export const Role = { PROVIDER: 0, RS: 1, RS_CLIENT: 2, CUSTOMER: 3, PEER: 4 } as const;
const ROLE_NAMES = ['provider', 'rs', 'rs-client', 'customer', 'peer'];
export function roleName(role: number): string {
  return ROLE_NAMES[role] ?? `role-${role}`;
}
