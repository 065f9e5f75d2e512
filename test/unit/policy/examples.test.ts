// The examples of docs/policy.md, as the YAML there parses.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/policy/index.js';
import { attr, baseAttrs, compile, deepFreeze, find, ibgpPeer, route } from './helpers.js';

describe('docs/policy.md examples', () => {
  it('import from a Calico cluster', () => {
    const policy = compile({
      name: 'from-cluster',
      default: 'reject',
      terms: [
        { name: 'pods', match: { prefixList: ['10.244.0.0/16 ge 26 le 26'] }, then: { localPref: 200, communities: { add: ['64512:100'] }, action: 'accept' } },
        { name: 'services', match: { prefixList: [{ prefix: '10.96.0.0/12', ge: 32, le: 32 }] }, then: { localPref: 200, communities: { add: ['64512:200'] }, action: 'accept' } },
      ],
    });
    const pod = evaluate(policy, route('10.244.3.0/26', baseAttrs(), { peer: ibgpPeer }));
    expect(pod).toMatchObject({ accept: true, matchedTerm: 'pods' });
    expect(find(pod.attributes, 'local-pref')?.localPref).toBe(200);
    expect(find(pod.attributes, 'communities')?.communities).toEqual([((64512 << 16) | 100) >>> 0]);
    expect(evaluate(policy, route('10.96.0.10/32')).matchedTerm).toBe('services');
    expect(evaluate(policy, route('10.244.0.0/16')).accept).toBe(false);
    expect(evaluate(policy, route('0.0.0.0/0')).accept).toBe(false);
  });

  it('export to an upstream', () => {
    const policy = compile([
      { name: 'keep-inside', match: { communities: ['no-export', 'no-advertise'] }, then: 'reject' },
      { name: 'untag', then: { communities: { remove: ['64512:*'] } } },
      { name: 'aggregate', match: { prefixList: ['203.0.113.0/24'], asPath: '^$' }, then: { prepend: 2, med: 50, nextHop: 'self', action: 'accept' } },
    ]);
    const own = deepFreeze([attr.origin(), attr.asPath(), attr.nextHop('10.0.0.9'), attr.communities(((64512 << 16) | 100) >>> 0)]);
    const r = evaluate(policy, route('203.0.113.0/24', own));
    expect(r).toMatchObject({ accept: true, matchedTerm: 'aggregate' });
    expect(find(r.attributes, 'communities')).toBeUndefined();
    expect(find(r.attributes, 'as-path')?.segments).toEqual([{ type: 2, asns: [64512, 64512] }]);
    expect(find(r.attributes, 'next-hop')?.nextHop).toBe('10.0.0.1');
    expect(evaluate(policy, route('203.0.113.0/24', baseAttrs())).accept).toBe(false); // learned, not ours
    const noExport = deepFreeze([attr.origin(), attr.asPath(), attr.nextHop('10.0.0.9'), attr.communities(((64512 << 16) | 100) >>> 0, 0xffffff01)]);
    expect(evaluate(policy, route('203.0.113.0/24', noExport)).matchedTerm).toBe('keep-inside');
  });
});
