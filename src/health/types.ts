// Health checks for announcements (ExaBGP's healthcheck, as anycast users run it): what the config
// describes. The checker lives in src/health/checker.ts; the daemon withdraws an announcement
// while its check is down and announces it again once it is back up.

/** A probe: a command (exit 0 = up), a TCP connect, or an HTTP(S) GET. */
export type HealthProbe =
  | { readonly kind: 'command'; readonly command: string; readonly args?: readonly string[]; readonly shell?: boolean }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'http'; readonly url: string; readonly expectStatus?: readonly number[] };

export interface HealthCheckSpec {
  readonly probe: HealthProbe;
  /** Between the start of one probe and the next, ms (5000). */
  readonly intervalMs?: number;
  /** A probe that takes longer fails, ms (2000; never more than the interval). */
  readonly timeoutMs?: number;
  /** Consecutive successes that turn a down check up (2). */
  readonly rise?: number;
  /** Consecutive failures that turn an up check down (3). */
  readonly fall?: number;
  /** The state before the first verdict: 'down' (the default: announce only once the service is seen up) or 'up'. */
  readonly initial?: 'up' | 'down';
}

export type HealthState = 'up' | 'down';

/** What one run of a probe found. */
export interface ProbeResult {
  readonly ok: boolean;
  /** Why, in a few words, for logs and status: "exit 0", "HTTP 503 (expected 200-399)" (docs/health.md). */
  readonly reason: string;
  readonly durationMs: number;
}

export interface ProbeOptions {
  /** The probe fails after this long, ms; a command's process group is killed first. */
  readonly timeoutMs: number;
  /** Ends the probe at once (it fails with a reason that starts "aborted"): how a stopped checker cancels. */
  readonly signal?: AbortSignal;
}

/** Runs one probe; never rejects. Injected into checkers so tests can run on fake time. */
export type ProbeRunner = (probe: HealthProbe, options: ProbeOptions) => Promise<ProbeResult>;
