// Running a policy on one route. Terms are tried in order; a matching term applies its changes
// (later terms see them), then decides (accept, reject) or hands on to the next term. When no
// term decides, the default action does, on the attributes as changed so far.

import type { CompiledPolicy, PolicyResult, PolicyRoute } from './types.js';

export function evaluate(policy: CompiledPolicy, route: PolicyRoute): PolicyResult {
  let attrs = route.attributes;
  let weight: number | undefined;
  const runners = policy.runners;
  for (let i = 0; i < runners.length; i++) {
    const term = runners[i]!;
    if (!term.matches(route, attrs)) continue;
    attrs = term.apply(route, attrs);
    if (term.weight !== undefined) weight = term.weight;
    if (term.outcome) return term.outcome.result(attrs, weight);
  }
  return policy.fallback.result(attrs, weight);
}
