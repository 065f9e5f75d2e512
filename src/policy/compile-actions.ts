// The `then` block: an action (accept, reject, next) and changes to the route. Each change is a
// small function over a copy-on-write editor; a change that would write the value already there
// does nothing, so a route the policy leaves as it was keeps its attribute array.

import { AttrType, defaultFlags, type OriginCode } from '../wire/index.js';
import { prependPath } from './aspath.js';
import { findAttr, type AttrEditor } from './attributes.js';
import type { TermAction } from './decl.js';
import { communityEdit, extendedEdit, largeEdit } from './edit-communities.js';
import { setNextHop } from './edit-next-hop.js';
import type { PolicyRoute } from './types.js';
import { field, integer, oneOf, record, show, type Errors } from './validate.js';

/**
 * One change. It may read only route.afi, route.peer.address, route.local.asn and
 * route.local.address besides the attributes: runtime.ts reuses a term's output for the next
 * route with the same attribute array and the same values of exactly these.
 */
export type Edit = (ed: AttrEditor, route: PolicyRoute) => void;

export interface CompiledThen {
  readonly action: TermAction;
  readonly weight: number | undefined;
  /** Changes to the wire attributes, in the order they are applied. */
  readonly edits: readonly Edit[];
}

export const THEN_FIELDS = [
  'action',
  'localPref',
  'med',
  'nextHop',
  'origin',
  'weight',
  'prepend',
  'communities',
  'largeCommunities',
  'extendedCommunities',
] as const;

const ACTIONS = ['accept', 'reject', 'next'] as const;
const ORIGINS = ['igp', 'egp', 'incomplete'] as const;
const U32 = 0xffffffff;

export function compileThen(v: unknown, path: string, errors: Errors): CompiledThen | undefined {
  if (typeof v === 'string') {
    const action = oneOf(v, path, ACTIONS, errors);
    return action && { action, weight: undefined, edits: [] };
  }
  const t = record(v, path, THEN_FIELDS, errors);
  if (!t) return undefined;
  if (Object.keys(t).length === 0) {
    errors.push({ path, message: 'is empty: give an action (accept, reject, next) or a change' });
    return undefined;
  }
  const before = errors.length;
  const at = (key: string): string => field(path, key);
  const action = t.action === undefined ? 'next' : oneOf(t.action, at('action'), ACTIONS, errors);
  const weight = t.weight === undefined ? undefined : integer(t.weight, at('weight'), 0, 0xffff, errors);
  const edits: Edit[] = [];
  const add = (e: Edit | undefined): void => {
    if (e) edits.push(e);
  };
  if (t.origin !== undefined) add(setOrigin(oneOf(t.origin, at('origin'), ORIGINS, errors)));
  if (t.prepend !== undefined) add(prepend(t.prepend, at('prepend'), errors));
  if (t.nextHop !== undefined) add(setNextHop(t.nextHop, at('nextHop'), errors));
  if (t.med !== undefined) add(setMed(t.med, at('med'), errors));
  if (t.localPref !== undefined) add(setLocalPref(integer(t.localPref, at('localPref'), 0, U32, errors)));
  if (t.communities !== undefined) add(communityEdit(t.communities, at('communities'), errors));
  if (t.extendedCommunities !== undefined) add(extendedEdit(t.extendedCommunities, at('extendedCommunities'), errors));
  if (t.largeCommunities !== undefined) add(largeEdit(t.largeCommunities, at('largeCommunities'), errors));
  if (errors.length !== before || action === undefined) return undefined;
  return { action, weight, edits };
}

function setOrigin(name: (typeof ORIGINS)[number] | undefined): Edit | undefined {
  if (name === undefined) return undefined;
  const origin = ORIGINS.indexOf(name) as OriginCode;
  return (ed) => {
    const a = findAttr(ed.attributes, 'origin');
    if (a?.origin === origin) return;
    ed.put(a, { type: 'origin', flags: a?.flags ?? defaultFlags(AttrType.ORIGIN), origin });
  };
}

function setLocalPref(localPref: number | undefined): Edit | undefined {
  if (localPref === undefined) return undefined;
  return (ed) => {
    const a = findAttr(ed.attributes, 'local-pref');
    if (a?.localPref === localPref) return;
    ed.put(a, { type: 'local-pref', flags: a?.flags ?? defaultFlags(AttrType.LOCAL_PREF), localPref });
  };
}

/** A number sets MED; "+n" / "-n" adjusts it (an absent MED counts as 0), clamped to 0..2^32-1. */
function setMed(v: unknown, path: string, errors: Errors): Edit | undefined {
  let value: number | undefined;
  let delta = 0;
  if (typeof v === 'number') {
    value = integer(v, path, 0, U32, errors);
    if (value === undefined) return undefined;
  } else if (typeof v === 'string' && /^[+-]\d{1,10}$/.test(v) && Math.abs(Number(v)) <= U32) {
    delta = Number(v);
  } else {
    errors.push({ path, message: `must be an integer 0..${U32}, or "+n" / "-n" to adjust, got ${show(v)}` });
    return undefined;
  }
  return (ed) => {
    const a = findAttr(ed.attributes, 'med');
    const med = value ?? Math.min(U32, Math.max(0, (a?.med ?? 0) + delta));
    if (a?.med === med) return;
    ed.put(a, { type: 'med', flags: a?.flags ?? defaultFlags(AttrType.MULTI_EXIT_DISC), med });
  };
}

function prepend(v: unknown, path: string, errors: Errors): Edit | undefined {
  let asn: number | undefined;
  let count: number | undefined;
  if (typeof v === 'number') {
    count = integer(v, path, 1, 255, errors);
  } else {
    const p = record(v, path, ['asn', 'count'], errors);
    if (!p) return undefined;
    if (p.asn !== undefined) asn = integer(p.asn, field(path, 'asn'), 1, U32, errors);
    count = p.count === undefined ? 1 : integer(p.count, field(path, 'count'), 1, 255, errors);
    if (p.asn !== undefined && asn === undefined) return undefined;
  }
  if (count === undefined) return undefined;
  const n = count;
  return (ed, route) => {
    const a = findAttr(ed.attributes, 'as-path');
    const segments = prependPath(a?.segments ?? [], asn ?? route.local.asn, n);
    ed.put(a, { type: 'as-path', flags: a?.flags ?? defaultFlags(AttrType.AS_PATH), segments });
  };
}
