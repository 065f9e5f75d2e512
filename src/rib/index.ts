// The RIB (issue #4): Adj-RIB-In per peer, Loc-RIB with best path and ECMP set, Adj-RIB-Out per
// peer, the decision process, and the prefix trie under them. Pure: values in, values out.

export { Rib, LOCAL_PEER_ID } from './rib.js';
export type { RibOptions, UpdateContext, Route, RouteFilter, Explanation, ExplainedPath, PeerStatus } from './rib-types.js';
export type { RibDelta } from './delta.js';
export type { PeerInfo, RestartPhase } from './peer.js';
export type { PeerDownOptions } from './graceful-restart.js';
export type { ImportFilter, ImportRoute, ExportFilter, ExportRoute } from './filters.js';
export type { OutRoute } from './adj-rib-out.js';
export type { AddPathSendMode } from './add-path-out.js';
export { maxPrefixNotification, type PrefixLimit, type PrefixLimitReport } from './prefix-limit.js';
export type { Path, DecisionInput, StaleState } from './path.js';
export { DEFAULT_LOCAL_PREF } from './path.js';
export {
  comparePaths,
  DECISION_STEPS,
  DEFAULT_DECISION_OPTIONS,
  compareLlgrStale,
  compareStale,
  compareWeight,
  compareLocalPref,
  compareLocallyOriginated,
  compareAsPathLength,
  compareOrigin,
  compareMed,
  compareEbgpOverIbgp,
  compareIgpMetric,
  compareRouterId,
  compareClusterListLength,
  comparePeerAddress,
  comparePathId,
  type Comparison,
  type DecisionOptions,
  type DecisionReason,
  type Step,
} from './decision.js';
export { multipathEqual, type MultipathOptions, type SelectionOptions } from './select.js';
export { LLGR_STALE, NO_LLGR } from './attributes.js';
export {
  prefixKeyFromList,
  prefixKeyFromText,
  prefixKeyToText,
  prefixKeyAfi,
  prefixKeyLength,
  ipv4Key,
  ipv6Key,
  type PrefixKey,
} from './prefix-key.js';
export { PrefixTrie } from './trie.js';
