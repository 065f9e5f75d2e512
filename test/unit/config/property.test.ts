// parseConfig returns errors for whatever a file holds; it never throws. Arbitrary text, arbitrary
// YAML values, and mutations of the example configurations.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { parseConfig, readCalico, type ParseResult } from '../../../src/config/index.js';

const example = readFileSync(fileURLToPath(new URL('../../../docs/examples/wren.yaml', import.meta.url)), 'utf8');

function wellFormed(r: ParseResult): boolean {
  if (r.ok) return typeof r.config.localAsn === 'number';
  return r.errors.length > 0 && r.errors.every((e) => e.line >= 1 && e.column >= 1 && typeof e.message === 'string' && e.message.length > 0);
}

const keys = fc.constantFrom('localAsn', 'routerId', 'peers', 'address', 'remoteAsn', 'listenRange', 'import', 'announcements', 'prefix', 'healthCheck', 'fib', 'api', 'mode', 'ecmp', 'maxPaths', '<<', '__proto__', 'x');
const scalars = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string(), fc.constantFrom('10.0.0.1', '10.0.0.0/8', 'any', '1.10', 'accept', '5s', 'self', ''));
const yamlValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalars, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(keys, tie('value'), { maxKeys: 5 })),
})).value;

describe('parseConfig never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => wellFormed(parseConfig(text))),
      { numRuns: 1000 },
    );
  });

  it('on text made of YAML punctuation', () => {
    const unit = fc.constantFrom('a', ':', ' ', '\n', '-', '[', ']', '{', '}', '&x', '*x', '<<', '!', '#', '"', "'", '|', '>', '?', ',', '\t', '1.10', '---', '%YAML 1.2');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 80 }), (parts) => wellFormed(parseConfig(parts.join('')))),
      { numRuns: 1000 },
    );
  });

  it('on arbitrary YAML values', () => {
    fc.assert(
      fc.property(fc.dictionary(keys, yamlValue, { maxKeys: 8 }), (doc) => wellFormed(parseConfig(stringify(doc)))),
      { numRuns: 1000 },
    );
  });

  it('on the example with a line deleted, duplicated or cut', () => {
    const lines = example.split('\n');
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.nat(40), fc.constantFrom('delete', 'duplicate', 'cut'), (i, at, how) => {
        const copy = [...lines];
        if (how === 'delete') copy.splice(i, 1);
        else if (how === 'duplicate') copy.splice(i, 0, lines[i]!);
        else copy[i] = lines[i]!.slice(0, at);
        return wellFormed(parseConfig(copy.join('\n')));
      }),
      { numRuns: 500 },
    );
  });

  it('nor does readCalico', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('kind', 'apiVersion', 'items', 'spec', 'metadata', 'cidr', 'peerIP'), yamlValue, { maxKeys: 5 }), (doc) => {
        const r = readCalico(stringify(doc), 'c.yaml');
        return r.ok || r.errors.length > 0;
      }),
      { numRuns: 1000 },
    );
  });

  it('expands aliases only so far ("billion laughs")', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const r = parseConfig(levels.join('\n'));
    expect(r.ok).toBe(false);
  });
});
