// Reading a configuration file: YAML (with positions), the schema, and errors that name the file,
// line, column and field. Never throws for anything a file can contain: every problem is returned.

import { readFile } from 'node:fs/promises';
import { configError, issuesToErrors, sortErrors, type ConfigError } from './errors.js';
import { configSchema } from './schema.js';
import type { WrenConfig } from './types.js';
import { readYaml, type SourceDocument } from './yaml-source.js';

export type ParseResult =
  | { readonly ok: true; readonly config: WrenConfig; readonly warnings: readonly ConfigError[] }
  | { readonly ok: false; readonly errors: readonly ConfigError[]; readonly warnings: readonly ConfigError[] };

/** Parses the text of a configuration file; `fileName` is what errors call it. */
export function parseConfig(text: string, fileName = 'wren.yaml'): ParseResult {
  const yaml = readYaml(text);
  const warnings = yaml.warnings.map((w) => configError(fileName, w.pos, '', w.message, 'warning'));
  if (yaml.errors.length > 0) return { ok: false, errors: sortErrors(yaml.errors.map((e) => configError(fileName, e.pos, '', e.message))), warnings };
  const [doc, second] = yaml.documents;
  if (second) {
    return { ok: false, errors: [configError(fileName, second.start, '', 'a Wren configuration is one YAML document; another one starts here')], warnings };
  }
  if (!doc || doc.value === null) {
    return { ok: false, errors: [configError(fileName, doc?.start ?? { line: 1, column: 1 }, '', 'the file is empty: a configuration needs at least localAsn and routerId')], warnings };
  }
  if (typeof doc.value !== 'object' || Array.isArray(doc.value)) {
    return {
      ok: false,
      errors: [configError(fileName, doc.start, '', `expected a mapping of settings (localAsn: ..., routerId: ..., peers: ...), got ${Array.isArray(doc.value) ? 'a list' : JSON.stringify(doc.value)}`)],
      warnings,
    };
  }
  const r = configSchema.safeParse(doc.value, { reportInput: true });
  if (!r.success) return { ok: false, errors: sortErrors(issuesToErrors(r.error.issues, doc, fileName)), warnings };
  return { ok: true, config: r.data, warnings: sortErrors([...warnings, ...notAppliedYet(r.data, doc, fileName)]) };
}

/** Reads and parses a file; a file that cannot be read is one error (line 0). */
export async function loadConfig(path: string): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    return { ok: false, errors: [{ file: path, line: 0, column: 0, path: '', message: `cannot read the configuration: ${why}` }], warnings: [] };
  }
  return parseConfig(text, path);
}

/**
 * Settings that are accepted but that the daemon cannot apply. Multihop TTL and TCP-MD5 need the
 * native shim, which only the running daemon can tell is there (it warns then); TCP-MD5 on a listen
 * range would need a key per prefix (TCP_MD5SIG_EXT), which Wren does not set.
 */
function notAppliedYet(config: WrenConfig, doc: SourceDocument, file: string): ConfigError[] {
  const out: ConfigError[] = [];
  config.peers.forEach((p, i) => {
    if (p.password !== undefined && p.kind === 'dynamic') {
      const key = 'file' in p.password ? 'passwordFile' : 'passwordEnv';
      out.push(configError(file, doc.at(['peers', i, key]), ['peers', i, key], 'not applied: TCP-MD5 is set per peer address, not for a listen range; these sessions run without a password', 'warning'));
    }
  });
  return out;
}
