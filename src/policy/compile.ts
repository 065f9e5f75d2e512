// From the declarative form (an `unknown` read from YAML or JSON) to a CompiledPolicy: every
// field is checked, every error collected with its path, and everything that can be prepared
// once (prefixes as numbers, regular expressions as automata, community patterns) is.

import { compileThen } from './compile-actions.js';
import { compileMatch } from './compile-match.js';
import type { PolicyAction } from './decl.js';
import { PolicyCompileError, type PolicyError } from './errors.js';
import { makePolicy, type CompiledTerm } from './runtime.js';
import type { CompiledPolicy } from './types.js';
import { field, index, isRecord, oneOf, record, show, text, type Errors } from './validate.js';

const POLICY_ACTIONS = ['accept', 'reject'] as const;

/**
 * Validates and compiles a policy declaration: "accept", "reject", a list of terms (default
 * reject), or { name?, terms?, default? }. `path` prefixes every error path.
 */
export function compilePolicy(decl: unknown, path = 'policy'): CompiledPolicy | PolicyError[] {
  const errors: Errors = [];
  let name: string | undefined;
  let defaultAction: PolicyAction | undefined = 'reject';
  let terms: CompiledTerm[] | undefined = [];
  if (typeof decl === 'string') {
    defaultAction = oneOf(decl, path, POLICY_ACTIONS, errors);
  } else if (Array.isArray(decl)) {
    terms = compileTerms(decl, path, errors);
  } else if (isRecord(decl)) {
    const p = record(decl, path, ['name', 'terms', 'default'], errors);
    if (p?.name !== undefined) name = text(p.name, field(path, 'name'), errors);
    if (p?.default !== undefined) defaultAction = oneOf(p.default, field(path, 'default'), POLICY_ACTIONS, errors);
    if (p?.terms !== undefined) {
      if (Array.isArray(p.terms)) terms = compileTerms(p.terms, field(path, 'terms'), errors);
      else errors.push({ path: field(path, 'terms'), message: `must be a list of terms, got ${show(p.terms)}` });
    }
  } else {
    errors.push({ path, message: `must be "accept", "reject", a list of terms or { terms, default }, got ${show(decl)}` });
  }
  if (errors.length > 0 || terms === undefined || defaultAction === undefined) return errors;
  return makePolicy(name, terms, defaultAction);
}

/** compilePolicy for declarations written in code: throws PolicyCompileError instead. */
export function compilePolicyOrThrow(decl: unknown, path?: string): CompiledPolicy {
  const r = compilePolicy(decl, path);
  if (Array.isArray(r)) throw new PolicyCompileError(r);
  return r;
}

export function isPolicyErrors(r: CompiledPolicy | PolicyError[]): r is PolicyError[] {
  return Array.isArray(r);
}

function compileTerms(list: readonly unknown[], path: string, errors: Errors): CompiledTerm[] | undefined {
  const before = errors.length;
  const terms: CompiledTerm[] = [];
  const names = new Map<string, string>();
  list.forEach((v, i) => {
    const at = index(path, i);
    const t = record(v, at, ['name', 'match', 'then'], errors);
    if (!t) return;
    const label = t.name === undefined ? `terms[${i}]` : text(t.name, field(at, 'name'), errors);
    if (label !== undefined && t.name !== undefined) {
      const other = names.get(label);
      if (other !== undefined) errors.push({ path: field(at, 'name'), message: `${JSON.stringify(label)} is also the name of ${other}` });
      names.set(label, at);
    }
    const match = t.match === undefined ? { routeTests: [], attrTests: [] } : compileMatch(t.match, field(at, 'match'), errors);
    const then = t.then === undefined ? undefined : compileThen(t.then, field(at, 'then'), errors);
    if (t.then === undefined) errors.push({ path: field(at, 'then'), message: 'is required: accept, reject, next, or { action?, changes... }' });
    if (label !== undefined && match && then) terms.push({ name: label, match, then });
  });
  return errors.length === before ? terms : undefined;
}
