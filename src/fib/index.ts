// The FIB (issue #5, first increment): the FibBackend seam, the memory and iproute2 backends,
// the coalescing writer with its guard rails, and start-up reconciliation. See docs/fib.md.

export {
  WREN_ROUTE_PROTOCOL,
  MAIN_TABLE,
  resolveTableOptions,
  effectiveMetric,
  type FibNextHop,
  type FibRoute,
  type FibChange,
  type FibErrorCode,
  type FibOutcome,
  type FibResult,
  type FibBackend,
  type FibTableOptions,
  type ResolvedTableOptions,
} from './types.js';
export { checkRoute, checkChange, canonicalPrefix, routeSatisfies, validDevName, type CheckedRoute, type RouteCheck } from './route.js';
export { MemoryFib, MemoryKernel, type MemoryFibOptions, type MemoryInterface, type MemoryKernelRoute } from './memory.js';
export { Iproute2Fib, type Iproute2FibOptions } from './iproute2.js';
export { replaceLine, deleteLine, parseListed } from './iproute2-commands.js';
export { iproute2ErrorCode } from './iproute2-errors.js';
export { FibGuard, type FibGuardOptions, type FibRefusal, type RefusalReason } from './guard.js';
export { FibCoalescer, changeFromDelta, type TakenBatch } from './coalesce.js';
export { FibWriter, type FibWriterOptions, type FlushReport, type FibTimers } from './writer.js';
export { reconcile, diffRoutes, type Reconciliation } from './reconcile.js';
export { NetlinkFib, type NetlinkFibOptions, NetlinkError, loadNetlinkShim, type ShimLoad } from './netlink/index.js';
export { openKernelFib, readHostAddresses, KernelFib, type KernelFibOptions, type KernelTransport, type HostAddressOptions } from './kernel.js';
export { FibMonitor, type FibMonitorOptions, type FibMonitorEvents } from './monitor.js';
export { parseMonitorLine, type MonitorLine } from './monitor-text.js';
