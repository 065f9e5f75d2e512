// The wire codec: pure functions from bytes to plain typed messages and back.

export * from './constants.js';
export * from './errors.js';
export * from './types.js';
export * from './bytes.js';
export * from './prefix.js';
export { MessageFramer, checkHeader, type FramerOptions } from './framer.js';
export { decodeMessage, encodeMessage, encodingLength, maxMessageLength, type Decoded } from './message.js';
export { decodeOpenBody, encodeOpenBody, openCapabilities, openAsn } from './open.js';
export { decodeCapability, encodeCapability, capabilityCode } from './capabilities.js';
export {
  decodeUpdateBody,
  encodeUpdateBody,
  decodePathAttributes,
  encodePathAttributes,
  pathAttributesLength,
  endOfRibFamily,
  isTreatAsWithdraw,
  emptyUpdate,
  type DecodedAttributes,
} from './update.js';
export { attributeCode, defaultFlags } from './attrs/registry.js';
export { aigpMetric } from './attrs/path.js';
export { isIpFamily } from './attrs/mp.js';
export {
  decodeNotificationBody,
  encodeNotificationBody,
  notificationFor,
  shutdownCommunication,
  ceaseNotification,
  describeNotification,
  hardResetCause,
  MAX_SHUTDOWN_COMMUNICATION,
} from './notification.js';
export * from './inspect.js';
export * from './json.js';
export { AttributeCache } from './attrs/cache.js';
export { asPathLength, mergeAs4Path, effectiveAsPath, toTwoOctetAttributes, type EffectiveAsInfo } from './as4.js';
export { packAnnouncements, packWithdrawals, endOfRib, slicePrefixes, prefixBytes, type Announcement } from './pack.js';
