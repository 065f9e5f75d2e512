// What a policy sees and says. A route is its prefix, its (shared, immutable) attributes and the
// session it came from or goes to; the answer is accept/reject and the attributes to use.

import type { PathAttribute } from '../wire/index.js';
import type { PolicyAction } from './decl.js';
import type { TermRunner, Outcome } from './runtime.js';

export interface PolicyPeer {
  readonly address: string;
  readonly asn: number;
  readonly ibgp: boolean;
  readonly routerId?: string;
}

export interface PolicyLocal {
  readonly asn: number;
  readonly routerId: string;
  /** The local address of the session: what `nextHop: self` writes. */
  readonly address?: string;
}

export interface PolicyRoute {
  /** "10.0.0.0/24", "2001:db8::/32". */
  readonly prefix: string;
  readonly afi: 1 | 2;
  /** Shared between the prefixes of one UPDATE: never mutated by the policy. */
  readonly attributes: readonly PathAttribute[];
  readonly peer: PolicyPeer;
  readonly local: PolicyLocal;
}

/**
 * The verdict. Frozen, and shared between calls that reach the same verdict from the same
 * attribute array: compare `attributes` by identity to learn whether anything was changed.
 */
export interface PolicyResult {
  readonly accept: boolean;
  /** The input array itself when no action changed anything. */
  readonly attributes: readonly PathAttribute[];
  /** The term that decided; absent when the default action did. */
  readonly matchedTerm?: string;
  /** Wren-local weight set by a term (not a wire attribute). */
  readonly weight?: number;
}

export interface CompiledPolicy {
  readonly kind: 'compiled-policy';
  readonly name?: string;
  readonly defaultAction: PolicyAction;
  /** Term names in order (unnamed terms are called "terms[i]"). */
  readonly termNames: readonly string[];
  /** Internal: the compiled terms with their caches. Use evaluate(). */
  readonly runners: readonly TermRunner[];
  /** Internal: the default verdict with its cache. */
  readonly fallback: Outcome;
}
