// Import and export policy: a declarative form (JSON-able, for config files), its compiler with
// field-path errors, and a pure, allocation-free-in-steady-state evaluator. docs/policy.md.

export type { PolicyRoute, PolicyPeer, PolicyLocal, PolicyResult, CompiledPolicy } from './types.js';
export type {
  PolicyDecl,
  PolicyObjectDecl,
  TermDecl,
  MatchDecl,
  ThenDecl,
  PrefixMatchDecl,
  CommunityEditDecl,
  PolicyAction,
  TermAction,
  OriginName,
  OneOrMany,
} from './decl.js';
export { type PolicyError, PolicyCompileError, formatPolicyError } from './errors.js';
export { compilePolicy, compilePolicyOrThrow, isPolicyErrors } from './compile.js';
export { evaluate } from './evaluate.js';
export { acceptAll, rejectAll, onlyPrefixes } from './ready.js';
