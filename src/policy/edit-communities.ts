// Edits of the three community lists (replace, remove by pattern, add), each with its parsers.

import { AttrType, defaultFlags, type LargeCommunity } from '../wire/index.js';
import { findAttr } from './attributes.js';
import { communityMatches } from './communities.js';
import {
  communityPatterns,
  communityValues,
  extendedCommunityPatterns,
  extendedCommunityValues,
  largeCommunityPatterns,
  largeCommunityValues,
} from './community-decl.js';
import type { Edit } from './compile-actions.js';
import { largeCommunityMatches, sameLargeCommunity } from './large-communities.js';
import { editList, type ListEdit } from './list-edit.js';
import { field, record, show, type Errors } from './validate.js';

const NO_NUMBERS: readonly number[] = Object.freeze([]);
const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_LARGE: readonly LargeCommunity[] = Object.freeze([]);

/** replace / remove / add of one community kind, with its own parsers. */
function listEdit<T, P>(
  v: unknown,
  path: string,
  errors: Errors,
  values: (v: unknown, path: string, errors: Errors) => T[] | undefined,
  patterns: (v: unknown, path: string, errors: Errors) => P | undefined,
  matches: (p: P, item: T) => boolean,
): ListEdit<T> | undefined {
  // Junos says "delete", Cisco "set ... delete": both are our remove (by pattern).
  const e = record(v, path, ['replace', 'remove', 'add'], errors, { delete: 'remove' });
  if (!e) return undefined;
  if (Object.keys(e).length === 0) {
    errors.push({ path, message: 'give replace, remove or add' });
    return undefined;
  }
  const before = errors.length;
  let replace: T[] | undefined;
  if (Array.isArray(e.replace) && e.replace.length === 0) replace = [];
  else if (e.replace !== undefined) {
    if (!Array.isArray(e.replace)) errors.push({ path: field(path, 'replace'), message: `must be a list (an empty one removes them all), got ${show(e.replace)}` });
    else replace = values(e.replace, field(path, 'replace'), errors);
  }
  const remove = e.remove === undefined ? undefined : patterns(e.remove, field(path, 'remove'), errors);
  const add = e.add === undefined ? undefined : values(e.add, field(path, 'add'), errors);
  if (errors.length !== before) return undefined;
  return {
    ...(replace ? { replace: Object.freeze(replace) } : {}),
    ...(remove === undefined ? {} : { remove: (item: T) => matches(remove, item) }),
    ...(add ? { add } : {}),
  };
}

export function communityEdit(v: unknown, path: string, errors: Errors): Edit | undefined {
  const edit = listEdit(v, path, errors, communityValues, communityPatterns, communityMatches);
  if (!edit) return undefined;
  return (ed) => {
    const a = findAttr(ed.attributes, 'communities');
    const current = a?.communities ?? NO_NUMBERS;
    const next = editList(current, edit, (x, y) => x === y);
    if (next === current) return;
    ed.put(a, next.length === 0 ? undefined : { type: 'communities', flags: a?.flags ?? defaultFlags(AttrType.COMMUNITIES), communities: next });
  };
}

export function largeEdit(v: unknown, path: string, errors: Errors): Edit | undefined {
  const edit = listEdit(v, path, errors, largeCommunityValues, largeCommunityPatterns, largeCommunityMatches);
  if (!edit) return undefined;
  return (ed) => {
    const a = findAttr(ed.attributes, 'large-communities');
    const current = a?.communities ?? NO_LARGE;
    const next = editList(current, edit, sameLargeCommunity);
    if (next === current) return;
    const flags = a?.flags ?? defaultFlags(AttrType.LARGE_COMMUNITY);
    ed.put(a, next.length === 0 ? undefined : { type: 'large-communities', flags, communities: next });
  };
}

export function extendedEdit(v: unknown, path: string, errors: Errors): Edit | undefined {
  const edit = listEdit(v, path, errors, extendedCommunityValues, extendedCommunityPatterns, (re: RegExp, hex: string) => re.test(hex));
  if (!edit) return undefined;
  return (ed) => {
    const a = findAttr(ed.attributes, 'extended-communities');
    const current = a?.communities ?? NO_STRINGS;
    const next = editList(current, edit, (x, y) => x === y);
    if (next === current) return;
    const flags = a?.flags ?? defaultFlags(AttrType.EXTENDED_COMMUNITIES);
    ed.put(a, next.length === 0 ? undefined : { type: 'extended-communities', flags, communities: next });
  };
}
