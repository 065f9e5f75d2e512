// Small validators for the declarative form. Each reports into a shared list and returns
// undefined on failure, so one pass collects every error of a declaration, not just the first.

import type { PolicyError } from './errors.js';

export type Errors = PolicyError[];

export function field(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** The value as the message quotes it: JSON for scalars, a word for containers. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object with only the given keys; unknown keys are errors that suggest the nearest name. */
export function record(
  v: unknown,
  path: string,
  allowed: readonly string[],
  errors: Errors,
  synonyms: Readonly<Record<string, string>> = {},
): Record<string, unknown> | undefined {
  if (!isRecord(v)) {
    errors.push({ path, message: `must be an object, got ${show(v)}` });
    return undefined;
  }
  for (const key of Object.keys(v)) {
    if (allowed.includes(key)) continue;
    const near = synonyms[key] ?? nearest(key, allowed);
    errors.push({
      path: field(path, key),
      message: `unknown field${near ? ` (did you mean ${near}?)` : ''}; expected one of ${allowed.join(', ')}`,
    });
  }
  return v;
}

function nearest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestDistance = 3;
  for (const a of allowed) {
    const d = a.toLowerCase() === lower ? 0 : singularPlural(lower, a.toLowerCase()) ? 1 : editDistance(lower, a.toLowerCase());
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  return best;
}

/** "community" for "communities", "prefixLists" for "prefixList". */
function singularPlural(a: string, b: string): boolean {
  let common = 0;
  while (common < a.length && a[common] === b[common]) common++;
  return common >= 5 && common >= Math.min(a.length, b.length) - 1;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export function integer(v: unknown, path: string, min: number, max: number, errors: Errors): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  errors.push({ path, message: `must be an integer ${min}..${max}, got ${show(v)}` });
  return undefined;
}

export function oneOf<T extends string>(v: unknown, path: string, options: readonly T[], errors: Errors): T | undefined {
  if (typeof v === 'string' && (options as readonly string[]).includes(v)) return v as T;
  errors.push({ path, message: `must be one of ${options.join(', ')}, got ${show(v)}` });
  return undefined;
}

export function text(v: unknown, path: string, errors: Errors): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v;
  errors.push({ path, message: `must be a non-empty string, got ${show(v)}` });
  return undefined;
}

/**
 * A list, or a single item standing for a list of one (YAML writers say `communities: 65000:1`).
 * Returns undefined when any item failed; items are parsed by `item` with their own path.
 */
export function listOf<T>(v: unknown, path: string, errors: Errors, item: (v: unknown, path: string) => T | undefined): T[] | undefined {
  if (!Array.isArray(v)) {
    const one = item(v, path);
    return one === undefined ? undefined : [one];
  }
  if (v.length === 0) {
    errors.push({ path, message: 'must not be an empty list' });
    return undefined;
  }
  const out: T[] = [];
  let ok = true;
  v.forEach((x, i) => {
    const parsed = item(x, index(path, i));
    if (parsed === undefined) ok = false;
    else out.push(parsed);
  });
  return ok ? out : undefined;
}
