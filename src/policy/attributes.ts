// Reading and copy-on-write editing of attribute arrays. Attribute arrays and the attributes in
// them are shared (between the prefixes of an UPDATE, and through the codec's interning between
// UPDATEs), so an edit never touches them: the first change copies the array, changed attributes
// are new objects, and an edit that changes nothing leaves the caller with the very same array.

import { attributeCode, type AttrKind, type AttrOf, type PathAttribute } from '../wire/index.js';

export function findAttr<K extends AttrKind>(attrs: readonly PathAttribute[], type: K): AttrOf<K> | undefined {
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.type === type) return a as AttrOf<K>;
  }
  return undefined;
}

/** The MP_REACH_NLRI of a family, if any. */
export function findMpReach(attrs: readonly PathAttribute[], afi: number): AttrOf<'mp-reach'> | undefined {
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.type === 'mp-reach' && a.afi === afi) return a;
  }
  return undefined;
}

export class AttrEditor {
  private copy: PathAttribute[] | undefined;

  constructor(private readonly input: readonly PathAttribute[]) {}

  get attributes(): readonly PathAttribute[] {
    return this.copy ?? this.input;
  }

  private writable(): PathAttribute[] {
    if (this.copy) return this.copy;
    // A loop, not slice(): V8 copies frozen arrays (as decoded attribute lists often are) by a
    // slow path, which measured at a quarter of an edit's time.
    const input = this.input;
    const copy: PathAttribute[] = [];
    for (let i = 0; i < input.length; i++) copy.push(input[i]!);
    return (this.copy = copy);
  }

  replace(old: PathAttribute, next: PathAttribute): void {
    const list = this.writable();
    const i = list.indexOf(old);
    if (i < 0) throw new Error('internal: attribute to replace is not in the list');
    list[i] = next;
  }

  remove(old: PathAttribute): void {
    const list = this.writable();
    const i = list.indexOf(old);
    if (i >= 0) list.splice(i, 1);
  }

  /** Adds a new attribute in type-code order (RFC 4271 s5: senders should order them so). */
  insert(attr: PathAttribute): void {
    const list = this.writable();
    const code = attributeCode(attr);
    let i = 0;
    while (i < list.length && attributeCode(list[i]!) <= code) i++;
    list.splice(i, 0, attr);
  }

  /** Replaces `old` (or inserts when there is none); removes it when next is undefined. */
  put(old: PathAttribute | undefined, next: PathAttribute | undefined): void {
    if (old && next) this.replace(old, next);
    else if (old) this.remove(old);
    else if (next) this.insert(next);
  }
}
