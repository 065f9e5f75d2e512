import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { prefixList } from '../../../src/wire/index.js';
import {
  ipv4Key,
  prefixKeyAfi,
  prefixKeyFromList,
  prefixKeyFromText,
  prefixKeyLength,
  prefixKeyToText,
} from '../../../src/rib/index.js';

describe('prefix keys', () => {
  it('IPv4 keys are address * 64 + length, host bits dropped', () => {
    expect(prefixKeyFromText('10.1.2.3/8')).toBe(ipv4Key(0x0a000000, 8));
    expect(ipv4Key(0x0a000000, 8)).toBe(0x0a000000 * 64 + 8);
    expect(prefixKeyToText(prefixKeyFromText('10.1.2.3/8')!)).toBe('10.0.0.0/8');
    expect(prefixKeyFromText('0.0.0.0/0')).toBe(0);
    expect(prefixKeyToText(prefixKeyFromText('255.255.255.255/32')!)).toBe('255.255.255.255/32');
  });

  it('IPv6 keys are 9-character strings that round-trip through text', () => {
    const k = prefixKeyFromText('2001:db8:ffff::1/48')!;
    expect(typeof k).toBe('string');
    expect((k as string).length).toBe(9);
    expect(prefixKeyAfi(k)).toBe(2);
    expect(prefixKeyLength(k)).toBe(48);
    expect(prefixKeyToText(k)).toBe('2001:db8:ffff::/48');
  });

  it('rejects what is not a prefix', () => {
    expect(prefixKeyFromText('10.0.0.0/33')).toBeNull();
    expect(prefixKeyFromText('nonsense')).toBeNull();
  });

  it('keys from a wire PrefixList equal keys from text, whatever the host bits on the wire', () => {
    const list = { ...prefixList(1, ['10.0.0.0/24']), words: Uint32Array.of(0x0a0000ff) };
    expect(prefixKeyFromList(list, 0)).toBe(prefixKeyFromText('10.0.0.0/24'));
    const v6 = prefixList(2, ['2001:db8::/32', '::/0']);
    expect(prefixKeyFromList(v6, 0)).toBe(prefixKeyFromText('2001:db8::/32'));
    expect(prefixKeyToText(prefixKeyFromList(v6, 1))).toBe('::/0');
  });

  it('IPv4 key order is prefix order (address, then length)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })), { maxLength: 50 }), (ps) => {
        const keys = ps.map(([a, l]) => ipv4Key(a, l)).sort((x, y) => x - y);
        for (let i = 1; i < keys.length; i++) {
          const a = Math.floor(keys[i - 1]! / 64);
          const b = Math.floor(keys[i]! / 64);
          expect(a < b || (a === b && keys[i - 1]! % 64 <= keys[i]! % 64)).toBe(true);
        }
      }),
    );
  });
});
