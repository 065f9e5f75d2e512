// Configuration errors as plain data: the file, the line and column, the field path and what was
// wrong ("wren.yaml:12:5: peers[1].remoteAsn: expected an AS number 1..4294967295, got "abc"").

import type * as z from 'zod';
import { UNKNOWN_KEYS_MARK, type UnknownKeyNote } from './schema.js';
import { show } from './values.js';
import { pathText, type PathSegment, type SourceDocument, type SourcePos } from './yaml-source.js';

export interface ConfigError {
  readonly file: string;
  /** 1-based; 0 when the error is about the whole file (it could not be read). */
  readonly line: number;
  readonly column: number;
  /** The field: "peers[1].remoteAsn"; empty for the document itself or a syntax error. */
  readonly path: string;
  readonly message: string;
  /** Warnings do not fail a check: a value accepted but not applied yet, an unknown YAML tag. */
  readonly severity?: 'warning';
}

export function formatConfigError(e: ConfigError): string {
  const where = e.line > 0 ? `${e.file}:${e.line}:${e.column}` : e.file;
  return `${where}: ${e.path ? `${e.path}: ` : ''}${e.severity === 'warning' ? 'warning: ' : ''}${e.message}`;
}

export function configError(file: string, pos: SourcePos, path: readonly PathSegment[] | string, message: string, severity?: 'warning'): ConfigError {
  return {
    file,
    line: pos.line,
    column: pos.column,
    path: typeof path === 'string' ? path : pathText(path),
    message,
    ...(severity ? { severity } : {}),
  };
}

/** In file order, each error once. */
export function sortErrors(errors: readonly ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return [...errors]
    .sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path))
    .filter((e) => {
      const k = formatConfigError(e);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  record: 'a mapping (key: value)',
};

/** zod issues to ConfigErrors, located in the document. `base` prefixes every path. */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[], doc: SourceDocument, file: string, base: readonly PathSegment[] = []): ConfigError[] {
  const out: ConfigError[] = [];
  // A misspelt key also makes the key it stands for missing: say it once, at the misspelling.
  const explained = new Set<string>();
  for (const iss of issues) {
    if (iss.code !== 'unrecognized_keys') continue;
    for (const n of decodeUnknown(iss.message, iss.keys)) if (n.suggestion) explained.add(pathText([...base, ...(iss.path as PathSegment[]), n.suggestion]));
  }
  for (const iss of issues) {
    const path = [...base, ...(iss.path as PathSegment[])];
    if (iss.code === 'unrecognized_keys') {
      const notes = decodeUnknown(iss.message, iss.keys);
      for (const n of notes) out.push(configError(file, doc.keyAt([...path, n.key]), [...path, n.key], n.message));
      continue;
    }
    if (iss.input === undefined && explained.has(pathText(path))) continue;
    // Issues about a key itself (a policy name, an unknown policy field) carry params.at = 'key'.
    const atKey = iss.code === 'custom' && (iss.params as { at?: string } | undefined)?.at === 'key';
    out.push(configError(file, atKey ? doc.keyAt(path) : doc.at(path), path, issueMessage(iss)));
  }
  return out;
}

function issueMessage(iss: z.core.$ZodIssue): string {
  if (iss.code === 'invalid_type') {
    const expected = EXPECTED[iss.expected] ?? iss.expected;
    return iss.input === undefined ? `is required: expected ${expected}` : `expected ${expected}, got ${show(iss.input)}`;
  }
  return iss.message;
}

function decodeUnknown(message: string, keys: readonly string[]): UnknownKeyNote[] {
  if (message.startsWith(UNKNOWN_KEYS_MARK)) {
    try {
      return JSON.parse(message.slice(UNKNOWN_KEYS_MARK.length)) as UnknownKeyNote[];
    } catch {
      // fall through: a plain message per key
    }
  }
  return keys.map((key) => ({ key, message: 'unknown key' }));
}
