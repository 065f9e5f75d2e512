// The tables of bench/fib.ts: one per scenario, routes/s for install and removal per contender,
// the ratio of each of Wren's backends to the `ip -batch` floor, and where the time went.

import type { ContenderResult, Phase, ProcessCpu } from './fib-common.js';

export const AIM_ROUTES_PER_SEC = 150_000;
export const AIM_RATIO = 3;

export interface ScenarioReport {
  readonly id: string;
  readonly title: string;
  readonly routes: number;
  readonly contenders: readonly ContenderResult[];
  /** Per Wren backend: its routes/s over the floor's, for install and removal. */
  readonly ratios: Readonly<Record<string, { readonly install: number | null; readonly remove: number | null }>>;
}

export function ratios(contenders: readonly ContenderResult[]): ScenarioReport['ratios'] {
  const floor = contenders.find((c) => c.kind === 'ip-batch' && !c.skipped);
  const out: Record<string, { install: number | null; remove: number | null }> = {};
  for (const c of contenders) {
    if (c.kind !== 'wren' || c.skipped) continue;
    const r = (p: Phase | undefined, f: Phase | undefined): number | null => (p && f && f.routesPerSec > 0 ? round2(p.routesPerSec / f.routesPerSec) : null);
    out[c.name] = { install: r(c.install, floor?.install), remove: r(c.remove, floor?.remove) };
  }
  return out;
}

/**
 * Several runs of the same contenders into one result each: the fastest install and the fastest
 * removal (of those whose kernel count was right, if any), with every run's time kept.
 */
export function bestOfRuns(runs: readonly (readonly ContenderResult[])[]): ContenderResult[] {
  if (runs.length === 1) return [...runs[0]!];
  return runs[0]!.map((first, i) => {
    const all = runs.map((r) => r[i]!).filter((c) => !c.skipped && c.install && c.remove);
    if (all.length === 0) return first;
    const best = (pick: (c: ContenderResult) => Phase): ContenderResult => {
      const ok = all.filter((c) => pick(c).verified);
      return (ok.length ? ok : all).reduce((a, b) => (pick(b).ms < pick(a).ms ? b : a));
    };
    const bi = best((c) => c.install!);
    const br = best((c) => c.remove!);
    return {
      ...bi,
      remove: br.remove,
      runs: { installMs: all.map((c) => round2(c.install!.ms)), removeMs: all.map((c) => round2(c.remove!.ms)) },
      // The notes of the fastest install, and anything that went wrong in any run.
      notes: [...new Set([...bi.notes, ...all.flatMap((c) => c.notes.filter((n) => /fail|left|not what|stopped|rejected/i.test(n)))])],
    };
  });
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
const pad = (s: string, w: number): string => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const lpad = (s: string, w: number): string => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

function rate(p: Phase | undefined): string {
  if (!p) return '-';
  const flag = p.verified ? '' : ' (!)';
  return `${int(p.routesPerSec)}/s in ${secs(p.ms)}${flag}`;
}

function cpuText(cpu: readonly ProcessCpu[]): string {
  return cpu
    .filter((c) => c.userMs + c.sysMs > 0 || c.who.startsWith('node'))
    .map((c) => `${c.who} ${secs(c.userMs)} user + ${secs(c.sysMs)} sys`)
    .join(', ');
}

export function formatScenario(s: ScenarioReport): string {
  const lines: string[] = [];
  lines.push('');
  lines.push(`== ${int(s.routes)} IPv4 /24s, ${s.title}`);
  const w0 = Math.max(22, ...s.contenders.map((c) => c.name.length + 2));
  lines.push(`${pad('contender', w0)}${lpad('install', 26)}${lpad('remove', 26)}   vs ip -batch (install / remove)`);
  for (const c of s.contenders) {
    if (c.skipped) {
      lines.push(`${pad(c.name, w0)}skipped: ${c.skipped}`);
      continue;
    }
    const r = s.ratios[c.name];
    const x = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${v.toFixed(2)}x`);
    const ratio = r ? `${x(r.install)} / ${x(r.remove)}` : '';
    lines.push(`${pad(c.name, w0)}${lpad(rate(c.install), 26)}${lpad(rate(c.remove), 26)}   ${ratio}`);
  }
  lines.push('where the time went (wall clock above; CPU per process):');
  for (const c of s.contenders) {
    if (c.skipped) continue;
    lines.push(`  ${c.name}:`);
    for (const [what, p] of [
      ['install', c.install],
      ['remove', c.remove],
    ] as const) {
      if (!p) continue;
      const parts = [cpuText(p.cpu)];
      if (p.applyMs) parts.push(`${int(p.applyMs.calls)} apply() calls, each p50 ${p.applyMs.p50.toFixed(1)} ms, p99 ${p.applyMs.p99.toFixed(1)} ms, max ${p.applyMs.max.toFixed(1)} ms`);
      if (p.pollErrorMs !== undefined) parts.push(`end found by polling, +-${p.pollErrorMs.toFixed(0)} ms`);
      if (!p.verified) parts.push(`KERNEL HELD ${int(p.kernelCount)} ROUTES, NOT ${what === 'install' ? int(s.routes) : 0}`);
      if (p.failed > 0) parts.push(`${int(p.failed)} failed`);
      lines.push(`    ${what}: ${parts.filter(Boolean).join('; ')}`);
    }
    if (c.runs) lines.push(`    best of ${c.runs.installMs.length} runs; install ${c.runs.installMs.map(secs).join(', ')}; remove ${c.runs.removeMs.map(secs).join(', ')}`);
    const mem: string[] = [];
    if (c.kernelSlabBytes !== undefined) mem.push(`kernel slab +${mib(c.kernelSlabBytes)} with the routes in (${int(c.kernelSlabBytes / s.routes)} bytes/route, host-wide)`);
    for (const [who, b] of Object.entries(c.peakRss ?? {})) mem.push(`peak RSS of ${who} ${mib(b)}`);
    if (mem.length) lines.push(`    memory: ${mem.join('; ')}`);
    for (const n of c.notes) lines.push(`    note: ${n}`);
  }
  for (const [name, r] of Object.entries(s.ratios)) {
    const c = s.contenders.find((x) => x.name === name)!;
    const ok = (p: Phase | undefined, ratio: number | null): string =>
      p && p.routesPerSec >= AIM_ROUTES_PER_SEC && ratio !== null && ratio >= AIM_RATIO ? 'met' : 'not met';
    lines.push(`aim (>= ${int(AIM_ROUTES_PER_SEC)} routes/s and >= ${AIM_RATIO}x ip -batch), ${name}: install ${ok(c.install, r.install)}, remove ${ok(c.remove, r.remove)}`);
  }
  return lines.join('\n');
}
