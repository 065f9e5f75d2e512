// Policy validation errors: plain data naming the field path, so a config loader can prefix the
// file and line and a CLI can print them as they are ("policies.import[2].match.prefixList[0]: ...").

export interface PolicyError {
  /** Where in the declaration: "policies.import[2].match.prefixList[0]". */
  readonly path: string;
  /** What is wrong, quoting the offending value: "\"10.0.0.0/33\" is not a prefix". */
  readonly message: string;
}

export function formatPolicyError(e: PolicyError): string {
  return e.path ? `${e.path}: ${e.message}` : e.message;
}

/** Thrown by the helpers that build policies from code (`compilePolicyOrThrow`, `onlyPrefixes`). */
export class PolicyCompileError extends Error {
  readonly errors: readonly PolicyError[];
  constructor(errors: readonly PolicyError[]) {
    super(errors.map(formatPolicyError).join('\n'));
    this.name = 'PolicyCompileError';
    this.errors = errors;
  }
}
