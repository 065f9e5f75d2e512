// rtnetlink for the kernel FIB: a pure codec (constants, bytes, attributes, *-message, message,
// requests, translate) and the I/O over the native shim (shim, socket, dump, links, fib).
// See docs/fib.md.

export * from './constants.js';
export { HOST_LITTLE_ENDIAN, ByteWriter } from './bytes.js';
export { NetlinkError, errnoName, errnoText, fibErrorCode, type NetlinkErrorCode } from './errors.js';
export { readAttributes, type RawAttribute } from './attributes.js';
export { routeTable, readRouteBody, writeRouteBody, type RouteMessage, type RouteNextHop, type RouteVia } from './route-message.js';
export { interfaceAddress, readAddressBody, writeAddressBody, type AddressMessage } from './address-message.js';
export { readLinkBody, writeLinkBody, type LinkMessage } from './link-message.js';
export { decodeMessages, encodeMessages, readMessages, writeMessage, type EchoedHeader, type NetlinkHeader, type NetlinkMessage } from './message.js';
export { writeAddressDump, writeLinkDump, writeRouteDump, writeRouteRequest, type RouteDumpFilter } from './requests.js';
export { addressFromBytes, fibRouteOf, isOurs, prefixBytes, routeRequestBody, type RequestBody } from './translate.js';
export { writeChangeRequest } from './change-request.js';
export { loadNetlinkShim, shimCandidates, type NetlinkShim, type Received, type ShimLoad, type ShimOpenOptions, type ShimSocket } from './shim.js';
export { NetlinkSocket, type NetlinkSocketOptions, type TransactionResult } from './socket.js';
export { dump, type DumpOptions } from './dump.js';
export { LinkIndex } from './links.js';
export { NetlinkFib, type NetlinkFibOptions } from './fib.js';
