// Replaying MRT files into a BGP peer (`wren replay`, docs/replay.md).
export { replay, type ReplayOptions, type ReplayReport, type ReplayEvent, type ReplayKind, type SessionSummary } from './replay.js';
export { ReplayError, openReplayFile, readItems, surveyFile, type ReplayItem, type RecordedUpdate, type TableRoute, type Selection } from './source.js';
export { adaptUpdate, convertAsNumbers, fit, type Target, type Adapted } from './transform.js';
export { TableBatcher, type TableLimits } from './table.js';
export { scanUpdate, type UpdateScan, type ReplayFamily } from './scan.js';
