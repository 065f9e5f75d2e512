// The configuration file (docs/config.md): YAML validated by a zod schema, errors that name the
// file, line, column and field; the mapping onto the Speaker and the other pieces the daemon
// wires; what a reload changes; and Wren configurations made from Calico resources.

export type {
  WrenConfig,
  PeerSpec,
  StaticPeerSpec,
  DynamicPeerSpec,
  PeerCommon,
  PasswordRef,
  AnnouncementSpec,
  FibSpec,
  FibBackendName,
  FibTransportName,
  LogLevel,
} from './types.js';
export { DEFAULT_CONFIG_PATH, DEFAULT_API_SOCKET } from './types.js';
export { parseConfig, loadConfig, type ParseResult } from './load.js';
export { formatConfigError, type ConfigError } from './errors.js';
export { configSchema } from './schema.js';
export { toSpeakerPlan, type SpeakerPlan, type PeerTransport, type FibPlan, type PlannedAnnouncement } from './to-speaker.js';
export { diffConfig, isEmptyDiff, describeDiff, peerKey, type ConfigDiff, type PeerChange, type AnnouncementChange, type FieldChange } from './diff.js';
export {
  readCalico,
  mergeCalico,
  type CalicoResources,
  type CalicoReadResult,
  type CalicoBgpConfiguration,
  type CalicoIpPool,
  type CalicoBgpPeer,
  type CalicoNode,
} from './calico-read.js';
export { fromCalico, renderWrenYaml, CALICO_DEFAULT_ASN, type FromCalicoOptions, type FromCalicoResult, type WrenConfigDocument } from './calico.js';
export { parseSelector, type Selector, type Labels } from './calico-selector.js';
export { parseDurationMs } from './values.js';
