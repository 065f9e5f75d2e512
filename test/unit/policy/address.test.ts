import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress, parsePrefix } from '../../../src/policy/address.js';
import { parseIpv6 as wireParseIpv6, ipv4ToU32 } from '../../../src/wire/index.js';

const words = (s: string): number[] | null => {
  const out = new Uint32Array(4);
  const afi = parseAddress(s, out);
  return afi === 0 ? null : afi === 1 ? [out[0]!] : [...out];
};
const wire = (s: string): number[] | null => {
  if (s.includes(':')) {
    const b = wireParseIpv6(s);
    return b && [0, 4, 8, 12].map((o) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0);
  }
  const v = ipv4ToU32(s);
  return v < 0 ? null : [v];
};

describe('allocation-free address parsing', () => {
  it.each(['::', '::1', '1::', '2001:db8::1', '2001:db8:0:0:1:0:0:1', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4', 'fe80::1%eth0', '0.0.0.0', '255.255.255.255'])(
    'agrees with the codec on %s',
    (s) => {
      expect(words(s)).toEqual(wire(s.replace(/%.*/, '')));
      expect(words(s)).not.toBeNull();
    },
  );

  it.each([':', ':1', '1:', ':::', '1:::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '12345::', 'g::', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1..2.3', '', '::1.2.3.4.5', '1:2:3:4:5:6:7:1.2.3.4'])(
    'rejects %s',
    (s) => {
      expect(words(s)).toBeNull();
    },
  );

  it('agrees with the codec on any IPv6 text and on noise', () => {
    const agree = (s: string): void => {
      expect(words(s)).toEqual(wire(s));
    };
    fc.assert(fc.property(fc.ipV6(), agree));
    fc.assert(fc.property(fc.ipV4(), agree));
    fc.assert(fc.property(fc.stringMatching(/^[0-9a-f:.]{0,20}$/), agree), { numRuns: 2000 });
  });

  it('prefix text needs a length within the family', () => {
    const out = new Uint32Array(4);
    expect(parsePrefix('10.0.0.0/8', out)).toBe((1 << 8) | 8);
    expect(parsePrefix('::/0', out)).toBe((2 << 8) | 0);
    for (const bad of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '::/129', '10.0.0.0/8/8', '10.0.0.0/0008', 'x/8']) expect(parsePrefix(bad, out)).toBe(-1);
  });
});
