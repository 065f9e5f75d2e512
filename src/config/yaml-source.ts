// YAML text to plain values, remembering where every value and key was written, so that an
// error found later (by the schema, a policy compiler or a cross-field check) can name its line
// and column. The conversion is ours rather than yaml's toJS() because of two YAML 1.2 traps:
// an unquoted asdot AS number `1.10` is the float 1.1, and an unquoted file mode `0660` is the
// decimal 660. Plain scalars written like those are kept as their text, and the schema reads
// the text. Aliases are expanded with a bound on the total size (no "billion laughs").

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';

export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

export type PathSegment = string | number;

/** One YAML document as plain values, with the position of each value and key by path. */
export interface SourceDocument {
  readonly value: unknown;
  /** Where the document starts (its first content). */
  readonly start: SourcePos;
  /** Position of the value at `path` (or of the nearest enclosing value that exists). */
  at(path: readonly PathSegment[]): SourcePos;
  /** Position of the key that names the last segment of `path` (or the value's when there is none). */
  keyAt(path: readonly PathSegment[]): SourcePos;
}

export interface SourceProblem {
  readonly pos: SourcePos;
  readonly message: string;
}

export interface ReadYaml {
  readonly documents: readonly SourceDocument[];
  /** Syntax errors and bad aliases; when there are any, `documents` is empty. */
  readonly errors: readonly SourceProblem[];
  /** YAML warnings (an unknown tag...). */
  readonly warnings: readonly SourceProblem[];
}

/** The text of a path: `peers[1].remoteAsn`, as compilePolicy writes its paths too. */
export function pathText(path: readonly PathSegment[]): string {
  let out = '';
  for (const s of path) out = typeof s === 'number' ? `${out}[${s}]` : out ? `${out}.${s}` : s;
  return out;
}

/** The inverse of pathText (for paths such as compilePolicy returns). */
export function parsePathText(text: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of text.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)) out.push(m[1] !== undefined ? Number(m[1]) : m[2]!);
  return out;
}

const MAX_NODES = 200_000;
const MAX_DEPTH = 200;

class Budget {
  nodes = 0;
}

class ConversionError extends Error {
  constructor(
    readonly pos: SourcePos,
    message: string,
  ) {
    super(message);
  }
}

export function readYaml(text: string): ReadYaml {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: true, uniqueKeys: true });
  const posOf = (offset: number): SourcePos => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const list = Array.isArray(docs) ? docs : [docs];
  const errors: SourceProblem[] = [];
  const warnings: SourceProblem[] = [];
  const problem = (e: { message: string; pos: [number, number]; linePos?: readonly { line: number; col: number }[] }): SourceProblem => ({
    pos: e.linePos?.[0] ? { line: e.linePos[0].line, column: e.linePos[0].col } : posOf(e.pos[0]),
    message: plainMessage(e.message),
  });
  for (const d of list) {
    for (const e of d.errors) errors.push(problem(e));
    for (const w of d.warnings) warnings.push(problem(w));
  }
  if (errors.length > 0) return { documents: [], errors, warnings };
  const documents: SourceDocument[] = [];
  const budget = new Budget();
  for (const d of list) {
    try {
      documents.push(convertDocument(d, posOf, budget));
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      errors.push({ pos: e.pos, message: e.message });
      return { documents: [], errors, warnings };
    }
  }
  return { documents, errors, warnings };
}

/** yaml's messages end with " at line L, column C:" and a code excerpt; the position is ours to print. */
function plainMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}

interface Positions {
  value: Map<string, SourcePos>;
  key: Map<string, SourcePos>;
}

function convertDocument(doc: Document.Parsed, posOf: (offset: number) => SourcePos, budget: Budget): SourceDocument {
  const positions: Positions = { value: new Map(), key: new Map() };
  const contents = doc.contents as YamlNode | null;
  const start = contents?.range ? posOf(contents.range[0]) : posOf(doc.range[0]);
  const nodePos = (n: YamlNode | null | undefined, fallback: SourcePos): SourcePos => (n?.range ? posOf(n.range[0]) : fallback);

  const convert = (node: unknown, path: PathSegment[], fallback: SourcePos, depth: number): unknown => {
    if (++budget.nodes > MAX_NODES) throw new ConversionError(fallback, `the document expands to more than ${MAX_NODES} values (aliases?)`);
    if (depth > MAX_DEPTH) throw new ConversionError(fallback, `values are nested more than ${MAX_DEPTH} deep`);
    const here = nodePos(node as YamlNode, fallback);
    const key = pathText(path);
    if (!positions.value.has(key)) positions.value.set(key, here);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) throw new ConversionError(here, `unresolved alias *${node.source}`);
      return convert(target, path, here, depth + 1);
    }
    if (isScalar(node)) return scalarValue(node.value, node.source, node.type);
    if (isSeq(node)) return node.items.map((item, i) => convert(item, [...path, i], here, depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merges: unknown[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as YamlNode | null;
        const keyPos = nodePos(k, here);
        if (isScalar(k) && typeof k.value === 'symbol') {
          merges.push(pair.value);
          continue;
        }
        if (k !== null && !isScalar(k)) throw new ConversionError(keyPos, 'a key must be a plain value, not a list or mapping');
        const name = k === null || k.value === null ? '' : String(k.value);
        const childPath = [...path, name];
        positions.key.set(pathText(childPath), keyPos);
        define(out, name, convert(pair.value, childPath, keyPos, depth + 1));
      }
      // YAML merge keys (<<): keys written in the map win over merged ones, earlier sources over later.
      for (const m of merges) {
        const sources = isSeq(m) ? m.items : [m];
        for (const s of sources) {
          const merged = convert(s, path, here, depth + 1);
          if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
            throw new ConversionError(nodePos(s as YamlNode, here), 'a merge key (<<) takes a mapping or a list of mappings');
          }
          for (const [k, v] of Object.entries(merged)) if (!Object.hasOwn(out, k)) define(out, k, v);
        }
      }
      return out;
    }
    throw new ConversionError(here, 'unsupported YAML node');
  };

  const value = convert(contents, [], start, 0);
  const lookup = (map: Map<string, SourcePos>, path: readonly PathSegment[]): SourcePos | undefined => map.get(pathText(path));
  const at = (path: readonly PathSegment[]): SourcePos => {
    for (let n = path.length; n >= 0; n--) {
      const p = lookup(positions.value, path.slice(0, n));
      if (p) return p;
    }
    return start;
  };
  return {
    value,
    start,
    at,
    keyAt: (path) => lookup(positions.key, path) ?? at(path),
  };
}

function define(o: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty: a key named __proto__ is data, not the prototype.
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function scalarValue(value: unknown, source: string | undefined, type: string | undefined): unknown {
  if (type === 'PLAIN' && typeof value === 'number' && source !== undefined) {
    // 1.10 (asdot), 0660 and 0o660 (file modes) mean their text, not 1.1, 660 and 432.
    if (/^\d+\.\d+$/.test(source) || /^0\d+$/.test(source) || /^0o[0-7]+$/.test(source)) return source;
  }
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return source ?? '';
  return value;
}
