// Record shapes produced by readMrt(), and the MRT type/subtype numbers (RFC 6396 s4, RFC 8050,
// IANA "Multi-threaded Routing Toolkit (MRT)" registry).

/** MRT Type field values (RFC 6396 s4; the deprecated ones from Appendix B). */
export const MrtType = {
  NULL: 0,
  START: 1,
  DIE: 2,
  I_AM_DEAD: 3,
  PEER_DOWN: 4,
  BGP: 5,
  RIP: 6,
  IDRP: 7,
  RIPNG: 8,
  BGP4PLUS: 9,
  BGP4PLUS_01: 10,
  OSPFv2: 11,
  TABLE_DUMP: 12,
  TABLE_DUMP_V2: 13,
  BGP4MP: 16,
  BGP4MP_ET: 17,
  ISIS: 32,
  ISIS_ET: 33,
  OSPFv3: 48,
  OSPFv3_ET: 49,
} as const;

/** BGP4MP / BGP4MP_ET subtypes (RFC 6396 s4.4, RFC 8050 s3). 2 and 3 are the deprecated ENTRY/SNAPSHOT. */
export const Bgp4mpSubtype = {
  STATE_CHANGE: 0,
  MESSAGE: 1,
  MESSAGE_AS4: 4,
  STATE_CHANGE_AS4: 5,
  MESSAGE_LOCAL: 6,
  MESSAGE_AS4_LOCAL: 7,
  MESSAGE_ADDPATH: 8,
  MESSAGE_AS4_ADDPATH: 9,
  MESSAGE_LOCAL_ADDPATH: 10,
  MESSAGE_AS4_LOCAL_ADDPATH: 11,
} as const;

/** TABLE_DUMP subtypes (RFC 6396 s4.2). */
export const TableDumpSubtype = { AFI_IPv4: 1, AFI_IPv6: 2 } as const;

/** TABLE_DUMP_V2 subtypes (RFC 6396 s4.3, RFC 8050 s4). */
export const TableDumpV2Subtype = {
  PEER_INDEX_TABLE: 1,
  RIB_IPV4_UNICAST: 2,
  RIB_IPV4_MULTICAST: 3,
  RIB_IPV6_UNICAST: 4,
  RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6,
  RIB_IPV4_UNICAST_ADDPATH: 8,
  RIB_IPV4_MULTICAST_ADDPATH: 9,
  RIB_IPV6_UNICAST_ADDPATH: 10,
  RIB_IPV6_MULTICAST_ADDPATH: 11,
  RIB_GENERIC_ADDPATH: 12,
} as const;

/** Subtypes of the deprecated BGP, BGP4PLUS and BGP4PLUS_01 types (RFC 6396 Appendix B). */
export const BgpLegacySubtype = {
  BGP_NULL: 0,
  BGP_UPDATE: 1,
  BGP_PREF_UPDATE: 2,
  BGP_STATE_CHANGE: 3,
  BGP_SYNC: 4,
  BGP_OPEN: 5,
  BGP_NOTIFY: 6,
  BGP_KEEPALIVE: 7,
} as const;

/** Fields every record and issue carries. */
export interface MrtRecordBase {
  /** 0-based number of the MRT record in the file. */
  index: number;
  /** Byte offset of the record's common header in the uncompressed data. */
  offset: number;
  /** Seconds since the epoch; for the _ET types the microsecond field is added as a fraction. */
  timestamp: number;
  mrtType: number;
  subtype: number;
}

/** BGP4MP(_ET) MESSAGE* subtypes (RFC 6396 s4.4.2-4.4.6, RFC 8050 s3). */
export interface Bgp4mpMessageRecord extends MrtRecordBase {
  kind: 'bgp4mp-message';
  peerAsn: number;
  localAsn: number;
  ifIndex: number;
  /** 1 = IPv4, 2 = IPv6; 0 for the address-less records old Zebra wrote (peerIp/localIp are then ''). */
  afi: number;
  peerIp: string;
  localIp: string;
  as4: boolean;
  /** RFC 8050: NLRI in the message carry RFC 7911 path identifiers. */
  addPath: boolean;
  /** *_LOCAL subtypes: the message was sent by the local speaker, not received. */
  local: boolean;
  /** The whole BGP message including its 19-byte header; a view into the input. */
  message: Uint8Array;
}

/** BGP4MP(_ET) STATE_CHANGE / STATE_CHANGE_AS4 (RFC 6396 s4.4.1, s4.4.4). */
export interface Bgp4mpStateRecord extends MrtRecordBase {
  kind: 'bgp4mp-state';
  peerAsn: number;
  localAsn: number;
  ifIndex: number;
  /** 0 for the address-less records old Zebra wrote (peerIp/localIp are then ''). */
  afi: number;
  peerIp: string;
  localIp: string;
  as4: boolean;
  /** BGP FSM state numbers, see bgpStateName(). */
  oldState: number;
  newState: number;
}

/**
 * TABLE_DUMP (RFC 6396 s4.2): one RIB entry. Early RIPE files pack several entries into one
 * MRT record; each is then yielded separately, all with that record's index and offset.
 */
export interface TableDumpRecord extends MrtRecordBase {
  kind: 'table-dump';
  viewNumber: number;
  sequence: number;
  /** "a.b.c.d/len" or IPv6 "x::/len". */
  prefix: string;
  status: number;
  originatedTime: number;
  peerIp: string;
  peerAsn: number;
  /** Raw path attributes; AS numbers in them are 2 octets. A view into the input. */
  attributes: Uint8Array;
}

export interface MrtPeer {
  /** Peer Type bits: 0x01 = IPv6 address, 0x02 = 4-octet AS (RFC 6396 s4.3.1). */
  type: number;
  bgpId: string;
  ip: string;
  asn: number;
}

/** TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 s4.3.1). */
export interface PeerIndexTableRecord extends MrtRecordBase {
  kind: 'peer-index-table';
  collectorId: string;
  viewName: string;
  peers: MrtPeer[];
}

/** RFC 6396 s4.3.4 RIB Entry, with the RFC 8050 s4 Path Identifier in the ADDPATH subtypes. */
export interface MrtRibEntry {
  peerIndex: number;
  originatedTime: number;
  pathId?: number;
  /**
   * Raw path attributes with 4-octet AS numbers. MP_REACH_NLRI is abbreviated to next-hop
   * length + next hop only (RFC 6396 s4.3.4). A view into the input.
   */
  attributes: Uint8Array;
}

/** TABLE_DUMP_V2 AFI/SAFI-specific RIB subtypes (RFC 6396 s4.3.2, RFC 8050 s4.1). */
export interface RibRecord extends MrtRecordBase {
  kind: 'rib';
  afi: number;
  safi: number;
  sequence: number;
  prefix: string;
  addPath: boolean;
  entries: MrtRibEntry[];
}

/** TABLE_DUMP_V2 RIB_GENERIC / RIB_GENERIC_ADDPATH (RFC 6396 s4.3.3, RFC 8050 s4.2). */
export interface RibGenericRecord extends MrtRecordBase {
  kind: 'rib-generic';
  afi: number;
  safi: number;
  sequence: number;
  /** The single NLRI as encoded for the AFI/SAFI, without any path identifier. */
  nlri: Uint8Array;
  addPath: boolean;
  entries: MrtRibEntry[];
}

/**
 * Deprecated BGP (5), BGP4PLUS (9) and BGP4PLUS_01 (10) records (RFC 6396 Appendix B), as
 * written by RIPE RIS and MRT/Zebra collectors until about 2000. Fields present depend on the
 * subtype.
 */
export interface BgpLegacyRecord extends MrtRecordBase {
  kind: 'bgp-legacy';
  peerAsn?: number;
  peerIp?: string;
  localAsn?: number;
  localIp?: string;
  /** BGP_STATE_CHANGE */
  oldState?: number;
  newState?: number;
  /** BGP_SYNC */
  viewNumber?: number;
  fileName?: string;
  /**
   * For BGP_UPDATE/OPEN/NOTIFY/KEEPALIVE: the BGP message type (1 OPEN, 2 UPDATE,
   * 3 NOTIFICATION, 4 KEEPALIVE) and the message contents after the 19-byte BGP header, which
   * these records leave out.
   */
  bgpType?: number;
  bgpBody?: Uint8Array;
  /** The whole MRT record body. */
  body: Uint8Array;
}

/** Any type/subtype this reader does not decode (OSPF, IS-IS, RIP, deprecated BGP4MP subtypes...). */
export interface UnknownRecord extends MrtRecordBase {
  kind: 'unknown';
  body: Uint8Array;
}

export type MrtRecord =
  | Bgp4mpMessageRecord
  | Bgp4mpStateRecord
  | TableDumpRecord
  | PeerIndexTableRecord
  | RibRecord
  | RibGenericRecord
  | BgpLegacyRecord
  | UnknownRecord;

/**
 * Something wrong with the input at `offset`. The reader keeps going after an issue unless the
 * data ran out; `mrtType`/`subtype` are set when the record header could be read.
 */
export interface MrtIssue {
  kind: 'issue';
  index: number;
  offset: number;
  message: string;
  mrtType?: number;
  subtype?: number;
}

const BGP_STATE_NAMES: Readonly<Record<number, string>> = {
  1: 'Idle',
  2: 'Connect',
  3: 'Active',
  4: 'OpenSent',
  5: 'OpenConfirm',
  6: 'Established',
  // Not in RFC 4271: Quagga/Zebra write their internal Clearing and Deleted states too.
  7: 'Clearing',
  8: 'Deleted',
};

/** Name of a BGP FSM state number as found in MRT state-change records; "State(n)" if unknown. */
export function bgpStateName(state: number): string {
  return BGP_STATE_NAMES[state] ?? `State(${state})`;
}
