// TCP reachability from a namespace (the Debian images have no ping): test/e2e/fixtures/tcp-probe.mjs
// run with `ip netns exec`, one connection after the other, each answered by the stand-in workload
// (test/e2e/fixtures/tcp-answer.mjs) with its label.

import { fileURLToPath } from 'node:url';
import type { Netns } from '../../interop/harness/index.js';

const TCP_PROBE = fileURLToPath(new URL('../fixtures/tcp-probe.mjs', import.meta.url));

export interface ProbeResult {
  /** "10.244.1.2:8080", "[fd00:244::1:2]:8080" → "fd00:244::1:2:8080" is avoided: IPv6 keeps its brackets. */
  readonly target: string;
  readonly ok: boolean;
  /** What the workload answered ("pod1", "node2"). */
  readonly answer: string;
  readonly error?: string;
  readonly ms: number;
}

/** Targets "ADDRESS:PORT" or "[V6]:PORT", optionally "xCOUNT" for several connections. */
export async function probeTcp(ns: Netns, targets: readonly string[], timeoutMs = 2000): Promise<ProbeResult[]> {
  const perTarget = targets.reduce((n, t) => n + Number(/x(\d+)$/.exec(t)?.[1] ?? 1), 0);
  const out = await ns.runOk(process.execPath, [TCP_PROBE, String(timeoutMs), ...targets], { timeoutMs: perTarget * timeoutMs + 10_000 });
  return JSON.parse(out) as ProbeResult[];
}
