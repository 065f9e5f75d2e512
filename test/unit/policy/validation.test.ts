import { describe, expect, it } from 'vitest';
import { compilePolicy, compilePolicyOrThrow, isPolicyErrors, PolicyCompileError } from '../../../src/policy/index.js';
import { errorsOf } from './helpers.js';

describe('policy validation', () => {
  it.each([
    [42, 'policy: must be "accept", "reject", a list of terms or { terms, default }, got 42'],
    ['allow', 'policy: must be one of accept, reject, got "allow"'],
    [{ default: 'deny' }, 'policy.default: must be one of accept, reject, got "deny"'],
    [{ terms: {} }, 'policy.terms: must be a list of terms, got an object'],
    [{ name: '' }, 'policy.name: must be a non-empty string, got ""'],
    [{ rules: [] }, 'policy.rules: unknown field; expected one of name, terms, default'],
    [{ terms: ['accept'] }, 'policy.terms[0]: must be an object, got "accept"'],
    [{ terms: [{ match: {} }] }, 'policy.terms[0].then: is required: accept, reject, next, or { action?, changes... }'],
    [{ terms: [{ then: 'accept', when: {} }] }, 'policy.terms[0].when: unknown field (did you mean then?); expected one of name, match, then'],
  ])('%j', (decl, message) => {
    expect(errorsOf(decl)).toEqual([message]);
  });

  it('collects every error, each with its path', () => {
    const decl = {
      terms: [
        { name: 'a', match: { prefixList: ['10.0.0.0/33'], peerAsn: 'x' }, then: { localPref: 'high' } },
        { name: 'a', then: 'accept' },
        { then: { med: true, action: 'drop' } },
      ],
    };
    expect(errorsOf(decl, 'policies.import')).toEqual([
      'policies.import.terms[0].match.peerAsn: must be an integer 0..4294967295, got "x"',
      'policies.import.terms[0].match.prefixList[0]: "10.0.0.0/33" is not a prefix',
      'policies.import.terms[0].then.localPref: must be an integer 0..4294967295, got "high"',
      'policies.import.terms[1].name: "a" is also the name of policies.import.terms[0]',
      'policies.import.terms[2].then.action: must be one of accept, reject, next, got "drop"',
      'policies.import.terms[2].then.med: must be an integer 0..4294967295, or "+n" / "-n" to adjust, got true',
    ]);
  });

  it('returns errors as plain data, and the policy otherwise', () => {
    const bad = compilePolicy({ terms: [{ then: 'maybe' }] }, 'x');
    expect(isPolicyErrors(bad)).toBe(true);
    expect(bad).toEqual([{ path: 'x.terms[0].then', message: 'must be one of accept, reject, next, got "maybe"' }]);
    expect(JSON.parse(JSON.stringify(bad))).toEqual(bad);
    expect(isPolicyErrors(compilePolicy('accept'))).toBe(false);
  });

  it('compilePolicyOrThrow throws every error at once', () => {
    expect(() => compilePolicyOrThrow([{ then: 'x' }, { then: 'y' }], 'p')).toThrow(PolicyCompileError);
    try {
      compilePolicyOrThrow([{ then: 'x' }, { then: 'y' }], 'p');
    } catch (e) {
      expect((e as PolicyCompileError).errors.map((x) => x.path)).toEqual(['p[0].then', 'p[1].then']);
      expect((e as Error).message).toBe('p[0].then: must be one of accept, reject, next, got "x"\np[1].then: must be one of accept, reject, next, got "y"');
    }
  });
});
