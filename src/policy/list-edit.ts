// Editing a community list: replace, then remove (by pattern), then add (unless present).
// Returns the input list itself when the result has the same items in the same order.
// Plain loops rather than filter/slice: decoded lists are often frozen, and V8 copies frozen
// arrays by a slow path.

export interface ListEdit<T> {
  /** The whole new list (deduplicated at compile time); empty removes every item. */
  readonly replace?: readonly T[];
  /** Items for which this is true are removed. */
  readonly remove?: (item: T) => boolean;
  /** Appended in order, each unless an equal item is already there. */
  readonly add?: readonly T[];
}

export function editList<T>(current: readonly T[], edit: ListEdit<T>, same: (a: T, b: T) => boolean): readonly T[] {
  let list: readonly T[] = edit.replace ?? current;
  const remove = edit.remove;
  if (remove) {
    let kept: T[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      if (remove(x)) kept ??= copy(list, i);
      else kept?.push(x);
    }
    if (kept) list = kept;
  }
  const add = edit.add;
  if (add) {
    let grown: T[] | undefined;
    for (const x of add) {
      if (!contains(grown ?? list, x, same)) (grown ??= copy(list, list.length)).push(x);
    }
    if (grown) list = grown;
  }
  if (list === current) return current;
  if (list.length === current.length) {
    let equal = true;
    for (let i = 0; i < list.length && equal; i++) equal = same(list[i]!, current[i]!);
    if (equal) return current;
  }
  return list;
}

/** The first n items, in a new array. */
function copy<T>(list: readonly T[], n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(list[i]!);
  return out;
}

function contains<T>(list: readonly T[], x: T, same: (a: T, b: T) => boolean): boolean {
  for (let i = 0; i < list.length; i++) if (same(list[i]!, x)) return true;
  return false;
}
