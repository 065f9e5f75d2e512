// The guard rails, on their own: pure checks over a list of this host's addresses.
import { describe, expect, it } from 'vitest';
import { FibGuard, type FibRoute } from '../../../src/fib/index.js';

const via = (prefix: string, ...hops: string[]): FibRoute => ({ prefix, nextHops: hops.map((address) => ({ address })) });

describe('FibGuard', () => {
  const guard = new FibGuard({ hostAddresses: ['10.1.0.5/24', '192.0.2.10', '2001:db8:1::5/64'], connectedSubnets: ['172.16.0.0/16'] });
  const reason = (r: FibRoute, g = guard): string | null => g.check(r)?.reason ?? null;

  it('refuses a next hop that is an address of this host, in any position', () => {
    expect(reason(via('10.9.0.0/24', '10.1.0.5'))).toBe('next-hop-is-local');
    expect(reason(via('10.9.0.0/24', '10.1.0.1', '192.0.2.10'))).toBe('next-hop-is-local');
    expect(reason(via('2001:db8:9::/48', '2001:db8:1::5'))).toBe('next-hop-is-local');
    expect(reason(via('10.9.0.0/24', '10.1.0.1'))).toBeNull();
  });

  it('refuses routes equal to or inside a connected or local subnet', () => {
    expect(reason(via('10.1.0.0/24', '10.1.0.1'))).toBe('overlaps-connected');
    expect(reason(via('10.1.0.128/25', '10.1.0.1'))).toBe('overlaps-connected');
    expect(reason(via('172.16.4.0/24', '10.1.0.1'))).toBe('overlaps-connected');
    expect(reason(via('192.0.2.10/32', '10.1.0.1'))).toBe('overlaps-connected');
    expect(reason(via('2001:db8:1::/64', '2001:db8:1::1'))).toBe('overlaps-connected');
    expect(guard.check(via('10.1.0.0/25', '10.1.0.1'))?.message).toMatch(/10\.1\.0\.0\/24/);
  });

  it('lets supernets and the default route through unless refuseSupernets', () => {
    expect(reason(via('10.0.0.0/8', '10.1.0.1'))).toBeNull();
    expect(reason(via('0.0.0.0/0', '10.1.0.1'))).toBeNull();
    const strict = new FibGuard({ hostAddresses: ['10.1.0.5/24'], refuseSupernets: true });
    expect(reason(via('10.0.0.0/8', '10.1.0.1'), strict)).toBe('overlaps-connected');
    expect(reason(via('11.0.0.0/8', '10.1.0.1'), strict)).toBeNull();
  });

  it('keeps to the allowed prefixes when given', () => {
    const pods = new FibGuard({ allowedPrefixes: ['10.244.0.0/16', '10.96.0.0/12', 'fd00:10:244::/56'] });
    expect(reason(via('10.244.3.0/26', '192.0.2.1'), pods)).toBeNull();
    expect(reason(via('10.96.0.10/32', '192.0.2.1'), pods)).toBeNull();
    expect(reason(via('10.244.0.0/15', '192.0.2.1'), pods)).toBe('not-allowed');
    expect(reason(via('0.0.0.0/0', '192.0.2.1'), pods)).toBe('not-allowed');
    expect(reason(via('fd00:10:244:1::/64', 'fd00::1'), pods)).toBeNull();
    expect(reason(via('10.244.3.0/26', '192.0.2.1'), new FibGuard({ allowedPrefixes: [] }))).toBe('not-allowed');
  });

  it('refuses malformed routes as invalid, and throws on a malformed configuration', () => {
    expect(reason(via('10.0.0.1/8', '10.1.0.1'))).toBe('invalid');
    expect(() => new FibGuard({ hostAddresses: ['nonsense'] })).toThrow(TypeError);
    expect(() => new FibGuard({ allowedPrefixes: ['10.0.0.0'] })).toThrow(TypeError);
  });
});
