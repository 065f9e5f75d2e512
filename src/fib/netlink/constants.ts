// The numbers of rtnetlink, with the kernel header each comes from (Linux UAPI, stable ABI).

// include/uapi/linux/netlink.h: message types below NLMSG_MIN_TYPE (0x10) are control messages.
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

// include/uapi/linux/netlink.h: nlmsg_flags.
export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_DUMP_INTR = 0x10;
/** GET requests. */
export const NLM_F_DUMP = 0x300; // NLM_F_ROOT | NLM_F_MATCH
/** NEW requests: "Override existing" / "Create, if it does not exist". */
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
/** NLMSG_ERROR flags: "request was capped" (NETLINK_CAP_ACK) / "extended ACK TVLs were included". */
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;

// include/uapi/linux/netlink.h: enum nlmsgerr_attrs, the TLVs after an extended ACK.
export const NLMSGERR_ATTR_MSG = 1;
export const NLMSGERR_ATTR_OFFS = 2;

// include/uapi/linux/rtnetlink.h: message types.
export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;

// include/uapi/linux/rtnetlink.h: enum rtattr_type_t.
export const RTA_DST = 1;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_MULTIPATH = 9;
export const RTA_TABLE = 15;
export const RTA_VIA = 18;
export const RTA_NH_ID = 30;

// include/uapi/linux/rtnetlink.h: rtm_type, rtm_scope, rtm_flags, rtnh_flags.
export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
export const RT_SCOPE_UNIVERSE = 0;
/** In a delete: any scope (fib_table_delete() skips the scope test for it). */
export const RT_SCOPE_NOWHERE = 255;
export const RTNH_F_ONLINK = 4;
export const RTM_F_CLONED = 0x200;
/** rtm_table for ids that do not fit its byte: RTA_TABLE then holds the id. */
export const RT_TABLE_UNSPEC = 0;

// include/uapi/linux/rtnetlink.h: enum rtnetlink_groups (NETLINK_ADD_MEMBERSHIP takes these numbers).
export const RTNLGRP_IPV4_ROUTE = 7;
export const RTNLGRP_IPV6_ROUTE = 11;

// include/uapi/linux/if_addr.h and if_link.h.
export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_FLAGS = 8;
export const IFLA_IFNAME = 3;

// include/linux/socket.h.
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;

/** NLMSG_HDRLEN: struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid }. */
export const NLMSG_HDRLEN = 16;
/** struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type (u8 each); u32 flags. */
export const RTMSG_LEN = 12;
/** struct ifaddrmsg: family, prefixlen, flags, scope (u8 each); u32 index. */
export const IFADDRMSG_LEN = 8;
/** struct ifinfomsg: family, pad (u8); u16 type; s32 index; u32 flags, change. */
export const IFINFOMSG_LEN = 16;
/** struct rtnexthop: u16 len; u8 flags; u8 hops; s32 ifindex. */
export const RTNH_LEN = 8;
/** struct rtattr / nlattr: u16 len; u16 type. */
export const RTA_HDRLEN = 4;

/** NLMSG_ALIGN / RTA_ALIGN / RTNH_ALIGN: 4 bytes. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Address length in bytes for a family, or null for a family we do not route. */
export function addressBytes(family: number): 4 | 16 | null {
  return family === AF_INET ? 4 : family === AF_INET6 ? 16 : null;
}
