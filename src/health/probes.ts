// Runs one probe of any kind (docs/health.md): the default ProbeRunner of a HealthChecker.
import { probeCommand } from './probe-command.js';
import { probeHttp } from './probe-http.js';
import { probeTcp } from './probe-tcp.js';
import type { HealthProbe, ProbeOptions, ProbeResult } from './types.js';

export { probeCommand } from './probe-command.js';
export { probeHttp } from './probe-http.js';
export { probeTcp } from './probe-tcp.js';

/** Never rejects: every failure, including a probe that cannot start, is a result with a reason. */
export function runProbe(probe: HealthProbe, options: ProbeOptions): Promise<ProbeResult> {
  switch (probe.kind) {
    case 'command':
      return probeCommand(probe, options);
    case 'tcp':
      return probeTcp(probe, options);
    case 'http':
      return probeHttp(probe, options);
    default:
      return Promise.resolve({ ok: false, reason: `unknown probe kind ${String((probe as { kind?: unknown }).kind)}`, durationMs: 0 });
  }
}
