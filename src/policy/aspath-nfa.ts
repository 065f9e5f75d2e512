// A compiled AS path regular expression: a Thompson NFA run as a set of states (Pike VM without
// captures). Every position of the text is visited once and every state at most once per
// position, so a test costs O(text length x program size) whatever the pattern: no
// backtracking, no catastrophic cases. All buffers are allocated at compile time; test()
// allocates nothing.

import { BOUNDARY_CHARS, charSet, type RegexNode } from './aspath-regex.js';

const CHAR = 0;
const SPLIT = 1;
const JMP = 2;
const BOL = 3;
const EOL = 4;
const MATCH = 5;

/** Programs past this size are refused: counted repetitions multiply quickly. */
export const MAX_PROGRAM = 4096;

const BOUNDARY = charSet(BOUNDARY_CHARS);

class TooComplex extends Error {}

class Emitter {
  readonly op: number[] = [];
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly sets: (Uint8Array | undefined)[] = [];

  get here(): number {
    return this.op.length;
  }

  emit(op: number, set?: Uint8Array): number {
    if (this.op.length >= MAX_PROGRAM) throw new TooComplex();
    this.op.push(op);
    this.x.push(0);
    this.y.push(0);
    this.sets.push(set);
    return this.op.length - 1;
  }

  node(n: RegexNode): void {
    switch (n.k) {
      case 'set':
        this.emit(CHAR, n.set);
        return;
      case 'bol':
        this.emit(BOL);
        return;
      case 'eol':
        this.emit(EOL);
        return;
      case 'boundary': {
        // _ is (^|$|[ ,{}()[\]]): zero-width at either end, else one delimiter character.
        const outer = this.emit(SPLIT);
        const inner = this.emit(SPLIT);
        const bol = this.emit(BOL);
        const j1 = this.emit(JMP);
        const eol = this.emit(EOL);
        const j2 = this.emit(JMP);
        const ch = this.emit(CHAR, BOUNDARY);
        this.x[outer] = inner;
        this.y[outer] = ch;
        this.x[inner] = bol;
        this.y[inner] = eol;
        this.x[j1] = this.here;
        this.x[j2] = this.here;
        return;
      }
      case 'cat':
        for (const item of n.items) this.node(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.items.forEach((item, i) => {
          if (i === n.items.length - 1) {
            this.node(item);
            return;
          }
          const split = this.emit(SPLIT);
          this.x[split] = this.here;
          this.node(item);
          jumps.push(this.emit(JMP));
          this.y[split] = this.here;
        });
        for (const j of jumps) this.x[j] = this.here;
        return;
      }
      case 'rep': {
        for (let i = 0; i < n.min; i++) this.node(n.node);
        if (n.max < 0) {
          const loop = this.emit(SPLIT);
          this.x[loop] = this.here;
          this.node(n.node);
          this.x[this.emit(JMP)] = loop;
          this.y[loop] = this.here;
          return;
        }
        const exits: number[] = [];
        for (let i = n.min; i < n.max; i++) {
          const split = this.emit(SPLIT);
          this.x[split] = this.here;
          exits.push(split);
          this.node(n.node);
        }
        for (const s of exits) this.y[s] = this.here;
        return;
      }
    }
  }
}

/** A set of program counters with O(1) insert, test and clear (Briggs & Torczon). */
class StateSet {
  readonly dense: Int32Array;
  private readonly sparse: Int32Array;
  size = 0;
  constructor(n: number) {
    this.dense = new Int32Array(n);
    this.sparse = new Int32Array(n);
  }
  has(pc: number): boolean {
    const i = this.sparse[pc]!;
    return i < this.size && this.dense[i] === pc;
  }
  insert(pc: number): void {
    this.sparse[pc] = this.size;
    this.dense[this.size++] = pc;
  }
}

export class AsPathRegex {
  private readonly op: Uint8Array;
  private readonly x: Int32Array;
  private readonly y: Int32Array;
  private readonly sets: readonly (Uint8Array | undefined)[];
  private current: StateSet;
  private next: StateSet;
  private readonly stack: Int32Array;

  private constructor(
    readonly source: string,
    e: Emitter,
  ) {
    const n = e.op.length;
    this.op = Uint8Array.from(e.op);
    this.x = Int32Array.from(e.x);
    this.y = Int32Array.from(e.y);
    this.sets = e.sets;
    this.current = new StateSet(n);
    this.next = new StateSet(n);
    // Each state is entered once per position and pushes at most two successors.
    this.stack = new Int32Array(2 * n + 2);
  }

  /** Compiles a parsed pattern; an error message when the program would be too large. */
  static compile(source: string, tree: RegexNode): AsPathRegex | string {
    const e = new Emitter();
    try {
      e.node(tree);
      e.emit(MATCH);
    } catch (err) {
      if (err instanceof TooComplex) return `pattern too complex (more than ${MAX_PROGRAM} NFA states)`;
      throw err;
    }
    return new AsPathRegex(source, e);
  }

  get size(): number {
    return this.op.length;
  }

  /** Whether the pattern matches somewhere in text (anchor with ^ and $ for the whole path). */
  test(text: string): boolean {
    const n = text.length;
    let cur = this.current;
    let nxt = this.next;
    cur.size = 0;
    for (let pos = 0; ; pos++) {
      // Unanchored search: a new thread starts at every position.
      if (this.close(cur, 0, pos, n)) return true;
      if (pos === n) return false;
      const c = text.charCodeAt(pos);
      nxt.size = 0;
      if (c < 128) {
        for (let i = 0; i < cur.size; i++) {
          const pc = cur.dense[i]!;
          if (this.op[pc] === CHAR && this.sets[pc]![c] === 1 && this.close(nxt, pc + 1, pos + 1, n)) return true;
        }
      }
      const t = cur;
      cur = nxt;
      nxt = t;
    }
  }

  /** Adds pc and every state reachable from it without consuming input; true when MATCH is. */
  private close(set: StateSet, start: number, pos: number, n: number): boolean {
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = start;
    while (sp > 0) {
      const pc = stack[--sp]!;
      if (set.has(pc)) continue;
      set.insert(pc);
      switch (this.op[pc]) {
        case JMP:
          stack[sp++] = this.x[pc]!;
          break;
        case SPLIT:
          stack[sp++] = this.y[pc]!;
          stack[sp++] = this.x[pc]!;
          break;
        case BOL:
          if (pos === 0) stack[sp++] = pc + 1;
          break;
        case EOL:
          if (pos === n) stack[sp++] = pc + 1;
          break;
        case MATCH:
          return true;
      }
    }
    return false;
  }
}
