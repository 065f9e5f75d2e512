// The AS path regular expression language (Cisco / GoBGP style) over the path's text as
// src/wire/json.ts prints it: "65001 65002 {65003 65004} (65010)".
//
//   ^ $        start, end of the path            .        any one character
//   _          a boundary: start, end, space, or one of , { } ( ) [ ]
//   [0-9] [^3] character classes; \d digits       a|b      alternatives;  ( )  groups
//   * + ?      repetition; {m} {m,} {m,n} counted (m, n <= 255)
//   \x         the punctuation character x as a literal (\( \{ \.); { and } are literals
//              unless they form a counted repetition
//
// The pattern is parsed here into a tree; aspath-nfa.ts compiles it to a Thompson NFA. JavaScript's
// RegExp backtracks, so a user's "(\d+)+$" can take exponential time on a long path; the NFA
// simulation is linear in the path length times the pattern size, whatever the pattern.

export type RegexNode =
  | { readonly k: 'set'; readonly set: Uint8Array }
  | { readonly k: 'bol' }
  | { readonly k: 'eol' }
  | { readonly k: 'boundary' }
  | { readonly k: 'cat'; readonly items: readonly RegexNode[] }
  | { readonly k: 'alt'; readonly items: readonly RegexNode[] }
  | { readonly k: 'rep'; readonly node: RegexNode; readonly min: number; readonly max: number };

/**
 * Characters `_` consumes when it is not at the start or end of the path: Cisco's set, plus the
 * brackets json.ts puts around confederation sets.
 */
export const BOUNDARY_CHARS = ' ,{}()[]';
const MAX_COUNT = 255;

class RegexSyntaxError extends Error {}

export function charSet(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}

const DIGITS = charSet('0123456789');
const ANY = new Uint8Array(128).fill(1);

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): RegexNode {
    const node = this.alternatives();
    if (this.pos < this.src.length) this.fail(`unmatched ")"`);
    return node;
  }

  private fail(what: string, at = this.pos): never {
    throw new RegexSyntaxError(`${what} at offset ${at}`);
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private alternatives(): RegexNode {
    const items = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { k: 'alt', items };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) items.push(this.repeated());
    return items.length === 1 ? items[0]! : { k: 'cat', items };
  }

  private repeated(): RegexNode {
    let node = this.atom();
    for (;;) {
      const c = this.peek();
      if (c === '*') node = { k: 'rep', node, min: 0, max: -1 };
      else if (c === '+') node = { k: 'rep', node, min: 1, max: -1 };
      else if (c === '?') node = { k: 'rep', node, min: 0, max: 1 };
      else if (c === '{') {
        const bounds = this.counted();
        if (!bounds) break;
        node = { k: 'rep', node, min: bounds[0], max: bounds[1] };
        this.pos = this.src.indexOf('}', this.pos);
      } else break;
      this.pos++;
    }
    return node;
  }

  /** "{m}", "{m,}" or "{m,n}" at pos: the bounds, or undefined when the brace is a literal. */
  private counted(): [number, number] | undefined {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    if (min > MAX_COUNT || max > MAX_COUNT) this.fail(`repetition count above ${MAX_COUNT}`);
    if (max >= 0 && max < min) this.fail(`repetition {${min},${max}} has max below min`);
    return [min, max];
  }

  private atom(): RegexNode {
    const at = this.pos;
    const c = this.src[this.pos++]!;
    switch (c) {
      case '(': {
        const inner = this.alternatives();
        if (this.peek() !== ')') this.fail('missing ")"', this.pos);
        this.pos++;
        return inner;
      }
      case '[':
        return { k: 'set', set: this.charClass(at) };
      case '.':
        return { k: 'set', set: ANY };
      case '^':
        return { k: 'bol' };
      case '$':
        return { k: 'eol' };
      case '_':
        return { k: 'boundary' };
      case '\\':
        return { k: 'set', set: this.escape() };
      case '*':
      case '+':
      case '?':
        return this.fail(`nothing to repeat before "${c}"`, at);
      default:
        if (c.charCodeAt(0) >= 128) this.fail(`non-ASCII character ${JSON.stringify(c)}`, at);
        return { k: 'set', set: charSet(c) };
    }
  }

  private escape(): Uint8Array {
    const c = this.src[this.pos++];
    if (c === undefined) this.fail('"\\" at the end');
    if (c === 'd') return DIGITS;
    if (/[\\^$.|?*+()[\]{}_\-,/ ]/.test(c)) return charSet(c);
    return this.fail(`unknown escape "\\${c}"`, this.pos - 2);
  }

  private charClass(start: number): Uint8Array {
    const set = new Uint8Array(128);
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.pos++;
    }
    let first = true;
    for (;;) {
      const c = this.src[this.pos++];
      if (c === undefined) this.fail('missing "]"', start);
      if (c === ']' && !first) break;
      first = false;
      let lo: number;
      if (c === '\\') {
        const escaped = this.escape();
        if (escaped === DIGITS) {
          for (let d = 48; d <= 57; d++) set[d] = 1;
          continue;
        }
        lo = escaped.indexOf(1);
      } else {
        lo = c.charCodeAt(0);
      }
      if (lo >= 128) this.fail(`non-ASCII character ${JSON.stringify(c)}`, this.pos - 1);
      let hi = lo;
      if (this.peek() === '-' && this.src[this.pos + 1] !== undefined && this.src[this.pos + 1] !== ']') {
        this.pos++;
        const h = this.src[this.pos++]!;
        hi = h === '\\' ? this.escape().indexOf(1) : h.charCodeAt(0);
        if (hi >= 128) this.fail(`non-ASCII character ${JSON.stringify(h)}`, this.pos - 1);
        if (hi < lo) this.fail(`range ${String.fromCharCode(lo)}-${String.fromCharCode(hi)} is reversed`, this.pos - 3);
      }
      for (let k = lo; k <= hi; k++) set[k] = 1;
    }
    if (negate) for (let k = 0; k < 128; k++) set[k] = set[k] ? 0 : 1;
    return set;
  }
}

/** The tree of a pattern, or an error message naming the offset. */
export function parseAsPathRegex(src: string): RegexNode | string {
  try {
    return new Parser(src).parse();
  } catch (e) {
    if (e instanceof RegexSyntaxError) return e.message;
    throw e;
  }
}
