// Calico's label selectors (`route-reflector == 'true'`, `!has(route-reflector)`, `all()`), as
// BGPPeer nodeSelector uses them, evaluated against the labels of Node resources. The grammar of
// Calico's selector docs: ==, !=, in {..}, not in {..}, contains, starts with, ends with, has(),
// all(), global(), !, &&, || and parentheses.

export type Labels = Readonly<Record<string, string>>;
export type Selector = (labels: Labels) => boolean;

type Token = { kind: 'punct'; text: string } | { kind: 'string'; text: string } | { kind: 'word'; text: string };

function tokenize(src: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '==' || two === '!=') {
      tokens.push({ kind: 'punct', text: two });
      i += 2;
    } else if ('(){},!'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) return `unterminated string at offset ${i}`;
      tokens.push({ kind: 'string', text: src.slice(i + 1, end) });
      i = end + 1;
    } else {
      const m = /^[A-Za-z0-9_./-]+/.exec(src.slice(i));
      if (!m) return `unexpected ${JSON.stringify(c)} at offset ${i}`;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Parses a selector; returns an error message when it is not one we understand. */
export function parseSelector(src: string): Selector | string {
  const tokens = tokenize(src);
  if (typeof tokens === 'string') return tokens;
  if (tokens.length === 0) return () => true;
  let pos = 0;
  const peek = () => tokens[pos];
  const isPunct = (text: string) => peek()?.kind === 'punct' && peek()?.text === text;
  const isWord = (text: string) => peek()?.kind === 'word' && peek()?.text === text;
  const expectPunct = (text: string) => {
    if (!isPunct(text)) throw new SyntaxError(`expected "${text}"${peek() ? ` before "${peek()!.text}"` : ' at the end'}`);
    pos++;
  };
  const stringValue = (): string => {
    const t = peek();
    if (t?.kind !== 'string') throw new SyntaxError(`expected a quoted value${t ? ` before "${t.text}"` : ' at the end'}`);
    pos++;
    return t.text;
  };
  const set = (): Set<string> => {
    expectPunct('{');
    const out = new Set<string>();
    while (!isPunct('}')) {
      out.add(stringValue());
      if (!isPunct('}')) expectPunct(',');
    }
    expectPunct('}');
    return out;
  };
  const or = (): Selector => {
    let left = and();
    while (isPunct('||')) {
      pos++;
      const l = left;
      const r = and();
      left = (labels) => l(labels) || r(labels);
    }
    return left;
  };
  const and = (): Selector => {
    let left = unary();
    while (isPunct('&&')) {
      pos++;
      const l = left;
      const r = unary();
      left = (labels) => l(labels) && r(labels);
    }
    return left;
  };
  const unary = (): Selector => {
    if (isPunct('!')) {
      pos++;
      const inner = unary();
      return (labels) => !inner(labels);
    }
    return primary();
  };
  const primary = (): Selector => {
    if (isPunct('(')) {
      pos++;
      const inner = or();
      expectPunct(')');
      return inner;
    }
    const t = peek();
    if (t?.kind !== 'word') throw new SyntaxError(`expected a label or a function${t ? ` before "${t.text}"` : ' at the end'}`);
    pos++;
    if ((t.text === 'all' || t.text === 'global') && isPunct('(')) {
      pos++;
      expectPunct(')');
      return () => true;
    }
    if (t.text === 'has' && isPunct('(')) {
      pos++;
      const key = peek();
      if (key?.kind !== 'word') throw new SyntaxError('expected a label name in has()');
      pos++;
      expectPunct(')');
      return (labels) => Object.hasOwn(labels, key.text);
    }
    const key = t.text;
    const get = (labels: Labels) => (Object.hasOwn(labels, key) ? labels[key] : undefined);
    if (isPunct('==')) {
      pos++;
      const v = stringValue();
      return (labels) => get(labels) === v;
    }
    if (isPunct('!=')) {
      pos++;
      const v = stringValue();
      return (labels) => get(labels) !== v;
    }
    if (isWord('in')) {
      pos++;
      const s = set();
      return (labels) => s.has(get(labels) ?? '\u0000');
    }
    if (isWord('not')) {
      pos++;
      if (!isWord('in')) throw new SyntaxError('expected "in" after "not"');
      pos++;
      const s = set();
      return (labels) => !s.has(get(labels) ?? '\u0000');
    }
    if (isWord('contains')) {
      pos++;
      const v = stringValue();
      return (labels) => get(labels)?.includes(v) ?? false;
    }
    if (isWord('starts') || isWord('ends')) {
      const starts = isWord('starts');
      pos++;
      if (!isWord('with')) throw new SyntaxError(`expected "with" after "${starts ? 'starts' : 'ends'}"`);
      pos++;
      const v = stringValue();
      return (labels) => (starts ? get(labels)?.startsWith(v) : get(labels)?.endsWith(v)) ?? false;
    }
    throw new SyntaxError(`expected ==, !=, in, not in, contains, starts with or ends with after "${key}"`);
  };
  try {
    const s = or();
    if (pos < tokens.length) return `unexpected "${tokens[pos]!.text}"`;
    return s;
  } catch (e) {
    if (e instanceof SyntaxError) return e.message;
    throw e;
  }
}
