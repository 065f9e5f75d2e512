// Wren's library entry point: the speaker, its building blocks, and the codec and readers.
export { Speaker, CHANNELS, type SpeakerOptions, type PeerConfig, type PeerState, type PeerStats, type SpeakerEvents, type FamilyName, type DynamicNeighbors } from './api/speaker.js';
export { FibSync, type SpeakerFibOptions, type FibPrefixStatus, type FibCounters, type FibChangeSource } from './api/fib-sync.js';
export { statusView, routesView, type StatusView, type PeerView, type RoutesView, type RouteView } from './api/views.js';
export { controlRequest, ControlServer, ControlError, ControlRequestError } from './api/control.js';
export { createMetrics, serveMetrics } from './api/metrics.js';
export { HealthChecker, HealthSet, runProbe, type HealthCheckSpec, type HealthProbe, type HealthState } from './health/index.js';
export { loadConfig, parseConfig, formatConfigError, toSpeakerPlan, type WrenConfig, type ConfigError } from './config/index.js';
export { type Announcement, AnnouncementError } from './api/announcements.js';
export { ManualClock, systemClock, type Clock, type TimerHandle } from './session/clock.js';
export type { RibDelta, Route, Path, Explanation, ExplainedPath, DecisionReason, AddPathSendMode } from './rib/index.js';
export { compilePolicy, compilePolicyOrThrow, acceptAll, rejectAll, onlyPrefixes, type PolicyDecl, type CompiledPolicy } from './policy/index.js';
export { MemoryFib, MemoryKernel, Iproute2Fib, NetlinkFib, openKernelFib, readHostAddresses, FibMonitor, FibWriter, reconcile, WREN_ROUTE_PROTOCOL, type FibBackend, type FibRoute, type FibChange, type FibResult } from './fib/index.js';
export { PlanFib, type PlannedChange } from './fib/plan.js';
export * from './wire/index.js';
export {
  openBgpFile,
  detectFormat,
  type BgpRecord,
  type MessageRecord,
  type RibEntryRecord,
  type StateRecord,
  type ErrorRecord,
  type GapRecord,
  type OpenedFile,
  type ReadOptions,
  type FileFormat,
} from './formats/bgp-reader.js';
export { VERSION } from './version.js';
