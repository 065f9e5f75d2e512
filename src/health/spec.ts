// A health check's settings with the defaults filled in and checked, and the equality a reload
// uses to decide whether a checker may keep running.
import type { HealthCheckSpec, HealthProbe, HealthState } from './types.js';

export const HEALTH_CHECK_DEFAULTS = { intervalMs: 5000, timeoutMs: 2000, rise: 2, fall: 3, initial: 'down' } as const;

export interface ResolvedHealthCheck {
  readonly probe: HealthProbe;
  readonly intervalMs: number;
  /** Never more than intervalMs, so one probe ends before the next is due. */
  readonly timeoutMs: number;
  readonly rise: number;
  readonly fall: number;
  readonly initial: HealthState;
}

/** Fills in defaults; throws a RangeError naming the field for settings no checker could run. */
export function resolveHealthCheck(spec: HealthCheckSpec): ResolvedHealthCheck {
  const intervalMs = spec.intervalMs ?? HEALTH_CHECK_DEFAULTS.intervalMs;
  const timeoutMs = spec.timeoutMs ?? HEALTH_CHECK_DEFAULTS.timeoutMs;
  const rise = spec.rise ?? HEALTH_CHECK_DEFAULTS.rise;
  const fall = spec.fall ?? HEALTH_CHECK_DEFAULTS.fall;
  const initial = spec.initial ?? HEALTH_CHECK_DEFAULTS.initial;
  positive('intervalMs', intervalMs);
  positive('timeoutMs', timeoutMs);
  count('rise', rise);
  count('fall', fall);
  if (initial !== 'up' && initial !== 'down') throw new RangeError(`health check: initial must be "up" or "down" (got ${String(initial)})`);
  checkProbe(spec.probe);
  return { probe: normalProbe(spec.probe), intervalMs, timeoutMs: Math.min(timeoutMs, intervalMs), rise, fall, initial };
}

/** Same settings once defaults are applied: `{}` equals `{ rise: 2 }`. */
export function sameHealthCheck(a: HealthCheckSpec, b: HealthCheckSpec): boolean {
  return canonical(resolveHealthCheck(a)) === canonical(resolveHealthCheck(b));
}

function positive(field: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`health check: ${field} must be a positive number of ms (got ${String(v)})`);
}

function count(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`health check: ${field} must be a positive integer (got ${String(v)})`);
}

function checkProbe(p: HealthProbe): void {
  switch (p.kind) {
    case 'command':
      if (!p.command) throw new RangeError('health check: command probe needs a command');
      return;
    case 'tcp':
      if (!p.host) throw new RangeError('health check: tcp probe needs a host');
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw new RangeError(`health check: tcp port must be 1-65535 (got ${String(p.port)})`);
      return;
    case 'http': {
      let url: URL;
      try {
        url = new URL(p.url);
      } catch {
        throw new RangeError(`health check: not a URL: ${p.url}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`health check: http probe needs an http: or https: URL (got ${p.url})`);
      for (const s of p.expectStatus ?? []) {
        if (!Number.isInteger(s) || s < 100 || s > 599) throw new RangeError(`health check: expectStatus must hold HTTP status codes (got ${String(s)})`);
      }
      return;
    }
    default:
      throw new RangeError(`health check: unknown probe kind ${String((p as { kind?: unknown }).kind)}`);
  }
}

/** Spells optional probe fields one way, so `shell: false` and no `shell` are the same check. */
function normalProbe(p: HealthProbe): HealthProbe {
  switch (p.kind) {
    case 'command':
      return { kind: 'command', command: p.command, args: p.args ?? [], shell: p.shell ?? false };
    case 'tcp':
      return { kind: 'tcp', host: p.host, port: p.port };
    case 'http':
      return p.expectStatus?.length ? { kind: 'http', url: p.url, expectStatus: p.expectStatus } : { kind: 'http', url: p.url };
  }
}

/** JSON with object keys sorted, so equal settings written in another order compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
