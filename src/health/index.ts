// Health-checked announcements (docs/health.md): probes, one checker per check, and the set of
// checkers a daemon keeps across config reloads.
export type { HealthCheckSpec, HealthProbe, HealthState, ProbeOptions, ProbeResult, ProbeRunner } from './types.js';
export { HEALTH_CHECK_DEFAULTS, resolveHealthCheck, sameHealthCheck, type ResolvedHealthCheck } from './spec.js';
export { runProbe, probeCommand, probeHttp, probeTcp } from './probes.js';
export { HealthChecker, type HealthCheckerEvents, type HealthCheckerOptions, type HealthStatus } from './checker.js';
export { HealthSet, type HealthSetEvents, type HealthSetUpdate } from './set.js';
