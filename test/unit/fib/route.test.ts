// Route checks and comparison: what every backend relies on before writing anything.
import { describe, expect, it } from 'vitest';
import { canonicalPrefix, checkRoute, routeSatisfies, validDevName } from '../../../src/fib/index.js';

describe('checkRoute', () => {
  it('returns the canonical route: RFC 5952 text, weights only on multipath', () => {
    const c = checkRoute({ prefix: '2001:DB8:0:0::/64', nextHops: [{ address: '2001:db8:0::1', weight: 4 }] });
    expect(c).toMatchObject({ ok: true, checked: { afi: 2, route: { prefix: '2001:db8::/64', nextHops: [{ address: '2001:db8::1' }] } } });
    const m = checkRoute({ prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1', weight: 4, dev: 'eth0' }, { address: '192.0.2.2' }] });
    expect(m.ok && m.checked.route.nextHops).toEqual([{ address: '192.0.2.1', weight: 4, dev: 'eth0' }, { address: '192.0.2.2' }]);
  });

  it.each([
    ['host bits set', { prefix: '10.0.0.1/8', nextHops: [{ address: '192.0.2.1' }] }, /invalid prefix/],
    ['no length', { prefix: '10.0.0.0', nextHops: [{ address: '192.0.2.1' }] }, /not a prefix/],
    ['length too long', { prefix: '10.0.0.0/33', nextHops: [{ address: '192.0.2.1' }] }, /not a prefix/],
    ['no next hop', { prefix: '10.0.0.0/8', nextHops: [] }, /at least one/],
    ['mixed families', { prefix: '10.0.0.0/8', nextHops: [{ address: '2001:db8::1' }] }, /family/],
    ['a zone', { prefix: 'fd00::/8', nextHops: [{ address: 'fe80::1%eth0' }] }, /not an address/],
    ['an address with a length', { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1/32' }] }, /not an address/],
    ['weight 0', { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1', weight: 0 }] }, /weight/],
    ['weight 257', { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1', weight: 257 }] }, /weight/],
    ['the same hop twice', { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1' }, { address: '192.0.2.01' }] }, /not an address|twice/],
    ['a dev that is a command', { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1', dev: 'eth0\nroute flush all' }] }, /interface name/],
  ])('refuses %s', (_what, route, message) => {
    const c = checkRoute(route);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.message).toMatch(message);
  });

  it('needs only a prefix for a delete', () => {
    expect(checkRoute({ prefix: '10.0.0.0/8', nextHops: [] }, false).ok).toBe(true);
  });
});

describe('validDevName', () => {
  it('takes what Linux takes', () => {
    for (const ok of ['eth0', 'veth-a.100', 'wg0', 'br_lan', 'a'.repeat(15)]) expect(validDevName(ok)).toBe(true);
    for (const bad of ['', 'a'.repeat(16), 'eth0:1', 'a b', 'a/b', '.', '..', '-x']) expect(validDevName(bad)).toBe(false);
  });
});

describe('routeSatisfies', () => {
  const installed = { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1', dev: 'eth0', weight: 1 }, { address: '192.0.2.2', dev: 'eth0', weight: 2 }] };
  it('ignores order and the interface the kernel filled in', () => {
    expect(routeSatisfies(installed, { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.2', weight: 2 }, { address: '192.0.2.1' }] })).toBe(true);
  });
  it('sees a different weight, interface, next hop or count', () => {
    expect(routeSatisfies(installed, { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.2' }, { address: '192.0.2.1' }] })).toBe(false);
    expect(routeSatisfies(installed, { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1', dev: 'eth1' }, { address: '192.0.2.2', weight: 2 }] })).toBe(false);
    expect(routeSatisfies(installed, { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1' }] })).toBe(false);
    expect(routeSatisfies(installed, { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1' }, { address: '192.0.2.3' }] })).toBe(false);
  });
});

it('canonicalPrefix leaves what is not a prefix alone', () => {
  expect(canonicalPrefix('2001:0DB8::/32')).toBe('2001:db8::/32');
  expect(canonicalPrefix('nonsense')).toBe('nonsense');
});
