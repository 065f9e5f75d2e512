// Compiled terms at run time, with the memos that make a full table cheap. Three facts about
// the callers make them pay: the prefixes of one UPDATE share one attribute array; routes of a
// session share the peer and local objects' values; and the same verdict is reached again and
// again. So each term remembers, for the last attribute array it saw,
//   - whether its attribute conditions held (they do not depend on the prefix),
//   - the array its changes produced (they depend on nothing else but a few session values),
// and each verdict remembers the last result object. In steady state an evaluation compares a
// few references and allocates nothing; the changed arrays it returns are shared between the
// prefixes of an UPDATE, as the input arrays were.

import type { PathAttribute } from '../wire/index.js';
import { AttrEditor } from './attributes.js';
import type { CompiledThen } from './compile-actions.js';
import type { CompiledMatch } from './compile-match.js';
import type { PolicyAction } from './decl.js';
import type { CompiledPolicy, PolicyResult, PolicyRoute } from './types.js';

export interface CompiledTerm {
  readonly name: string;
  readonly match: CompiledMatch;
  readonly then: CompiledThen;
}

/** A verdict (accept or reject, by a term or the default) and its last result. */
export class Outcome {
  private last: PolicyResult | undefined;

  constructor(
    readonly accept: boolean,
    readonly matchedTerm: string | undefined,
  ) {}

  result(attributes: readonly PathAttribute[], weight: number | undefined): PolicyResult {
    const last = this.last;
    if (last !== undefined && last.attributes === attributes && last.weight === weight) return last;
    const { accept, matchedTerm } = this;
    // Absent, not undefined, keys: results compare equal to literals in tests and JSON.
    let r: PolicyResult;
    if (matchedTerm === undefined) r = weight === undefined ? { accept, attributes } : { accept, attributes, weight };
    else r = weight === undefined ? { accept, attributes, matchedTerm } : { accept, attributes, matchedTerm, weight };
    Object.freeze(r);
    this.last = r;
    return r;
  }
}

export class TermRunner {
  readonly name: string;
  /** Undefined for terms that go on to the next one. */
  readonly outcome: Outcome | undefined;
  readonly weight: number | undefined;

  private testedAttrs: readonly PathAttribute[] | undefined;
  private testedAfi = 0;
  private tested = false;

  private editedIn: readonly PathAttribute[] | undefined;
  private editedOut: readonly PathAttribute[] = [];
  private editedAfi = 0;
  private editedPeer: string | undefined;
  private editedLocalAsn = -1;
  private editedLocalAddress: string | undefined;

  constructor(private readonly term: CompiledTerm) {
    this.name = term.name;
    this.weight = term.then.weight;
    const action = term.then.action;
    this.outcome = action === 'next' ? undefined : new Outcome(action === 'accept', term.name);
  }

  matches(route: PolicyRoute, attrs: readonly PathAttribute[]): boolean {
    const { routeTests, attrTests } = this.term.match;
    for (let i = 0; i < routeTests.length; i++) if (!routeTests[i]!(route)) return false;
    if (attrTests.length === 0) return true;
    if (attrs !== this.testedAttrs || route.afi !== this.testedAfi) {
      let ok = true;
      for (let i = 0; i < attrTests.length && ok; i++) ok = attrTests[i]!(attrs, route.afi);
      this.tested = ok;
      this.testedAttrs = attrs;
      this.testedAfi = route.afi;
    }
    return this.tested;
  }

  /** The attributes after this term's changes: the same array when there are none. */
  apply(route: PolicyRoute, attrs: readonly PathAttribute[]): readonly PathAttribute[] {
    const edits = this.term.then.edits;
    if (edits.length === 0) return attrs;
    const { peer, local } = route;
    if (
      attrs === this.editedIn &&
      route.afi === this.editedAfi &&
      peer.address === this.editedPeer &&
      local.asn === this.editedLocalAsn &&
      local.address === this.editedLocalAddress
    ) {
      return this.editedOut;
    }
    const ed = new AttrEditor(attrs);
    for (let i = 0; i < edits.length; i++) edits[i]!(ed, route);
    const out = ed.attributes === attrs ? attrs : Object.freeze(ed.attributes as PathAttribute[]);
    this.editedIn = attrs;
    this.editedOut = out;
    this.editedAfi = route.afi;
    this.editedPeer = peer.address;
    this.editedLocalAsn = local.asn;
    this.editedLocalAddress = local.address;
    return out;
  }
}

export function makePolicy(name: string | undefined, terms: readonly CompiledTerm[], defaultAction: PolicyAction): CompiledPolicy {
  return Object.freeze({
    kind: 'compiled-policy',
    ...(name === undefined ? {} : { name }),
    defaultAction,
    termNames: Object.freeze(terms.map((t) => t.name)),
    runners: Object.freeze(terms.map((t) => new TermRunner(t))),
    fallback: new Outcome(defaultAction === 'accept', undefined),
  });
}
