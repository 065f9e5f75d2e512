// The iproute2 backend's text: the lines it writes and what it reads back (captured from
// iproute2 6.1 on Linux 6.x), without running `ip`.
import { describe, expect, it } from 'vitest';
import { checkRoute, deleteLine, iproute2ErrorCode, parseListed, replaceLine, resolveTableOptions, type FibRoute } from '../../../src/fib/index.js';
import { iproute2ErrorMessage } from '../../../src/fib/iproute2-errors.js';

const o = resolveTableOptions({ table: 100, metric: 20 });

function checked(route: FibRoute) {
  const c = checkRoute(route, route.nextHops.length > 0);
  if (!c.ok) throw new Error(c.message);
  return c.checked;
}

describe('replaceLine / deleteLine', () => {
  it('writes one next hop as via, several as nexthop clauses after everything else', () => {
    expect(replaceLine(checked({ prefix: '10.1.0.0/24', nextHops: [{ address: '10.255.0.2' }] }), o)).toBe('route replace 10.1.0.0/24 proto 87 table 100 metric 20 via 10.255.0.2');
    expect(replaceLine(checked({ prefix: '10.1.0.0/24', nextHops: [{ address: '10.255.0.2', dev: 'eth0', weight: 2 }, { address: '10.255.0.3' }] }), o)).toBe(
      'route replace 10.1.0.0/24 proto 87 table 100 metric 20 nexthop via 10.255.0.2 dev eth0 weight 2 nexthop via 10.255.0.3 weight 1',
    );
    expect(deleteLine(checked({ prefix: 'fd00::/64', nextHops: [] }), o)).toBe('route del fd00::/64 proto 87 table 100 metric 20');
  });

  it('adds onlink only when allowed and an interface is named', () => {
    const onlink = resolveTableOptions({ onlink: true });
    expect(replaceLine(checked({ prefix: '10.1.0.0/24', nextHops: [{ address: '192.0.2.9', dev: 'eth0' }] }), onlink)).toBe('route replace 10.1.0.0/24 proto 87 table 254 metric 0 via 192.0.2.9 dev eth0 onlink');
    expect(replaceLine(checked({ prefix: '10.1.0.0/24', nextHops: [{ address: '192.0.2.9' }] }), onlink)).toBe('route replace 10.1.0.0/24 proto 87 table 254 metric 0 via 192.0.2.9');
  });
});

describe('parseListed', () => {
  const main = resolveTableOptions({});
  it('reads single and multipath IPv4 routes, default and host routes', () => {
    const json =
      '[{"type":"unicast","dst":"10.1.0.0/24","gateway":"10.255.0.2","dev":"wfx0","scope":"global","flags":[]},' +
      '{"type":"unicast","dst":"10.3.0.0/24","scope":"global","flags":[],"nexthops":[{"gateway":"10.255.0.2","dev":"wfx0","weight":1,"flags":[]},{"gateway":"10.255.0.3","dev":"wfx0","weight":2,"flags":[]}]},' +
      '{"type":"unicast","dst":"default","gateway":"10.255.0.4","dev":"wfx0","flags":[]},' +
      '{"type":"unicast","dst":"10.9.9.9","gateway":"10.255.0.4","dev":"wfx0","flags":[]},' +
      '{"type":"unicast","dst":"10.8.0.0/24","gateway":"10.255.0.4","dev":"wfx0","metric":20,"flags":[]},' +
      '{"type":"unicast","dst":"10.7.0.0/24","dev":"wfx0","scope":"link","flags":[]}]';
    expect(parseListed(json, 1, main)).toEqual([
      { prefix: '10.1.0.0/24', nextHops: [{ address: '10.255.0.2', dev: 'wfx0' }] },
      { prefix: '10.3.0.0/24', nextHops: [{ address: '10.255.0.2', dev: 'wfx0', weight: 1 }, { address: '10.255.0.3', dev: 'wfx0', weight: 2 }] },
      { prefix: '0.0.0.0/0', nextHops: [{ address: '10.255.0.4', dev: 'wfx0' }] },
      { prefix: '10.9.9.9/32', nextHops: [{ address: '10.255.0.4', dev: 'wfx0' }] },
      // metric 20 is not ours (0); a route of ours without a gateway is kept, to be put right.
      { prefix: '10.7.0.0/24', nextHops: [] },
    ]);
  });

  it('reads IPv6 routes, where metric 0 is stored as 1024', () => {
    const json =
      '[{"type":"unicast","dst":"fd00:1::/64","scope":"global","metric":1024,"flags":[],"pref":"medium","nexthops":[{"gateway":"fd57:7265:6e00::2","dev":"wfx0","weight":1,"flags":[]},{"gateway":"fd57:7265:6e00::3","dev":"wfx0","weight":1,"flags":[]}]},' +
      '{"type":"unicast","dst":"fd00:2::/64","gateway":"fd57:7265:6e00::2","dev":"wfx0","metric":1,"flags":[]}]';
    expect(parseListed(json, 2, main)).toEqual([
      { prefix: 'fd00:1::/64', nextHops: [{ address: 'fd57:7265:6e00::2', dev: 'wfx0', weight: 1 }, { address: 'fd57:7265:6e00::3', dev: 'wfx0', weight: 1 }] },
    ]);
    expect(parseListed('', 2, main)).toEqual([]);
    expect(parseListed('[]\n', 1, main)).toEqual([]);
  });
});

describe('iproute2 error text', () => {
  it.each([
    ['RTNETLINK answers: No such process', 'ESRCH', 'No such process'],
    ['RTNETLINK answers: File exists', 'EEXIST', 'File exists'],
    ['Error: Nexthop has invalid gateway.', 'ENETUNREACH', 'Nexthop has invalid gateway.'],
    ['RTNETLINK answers: No route to host', 'EHOSTUNREACH', 'No route to host'],
    ['Cannot find device "nosuch"', 'ENODEV', 'Cannot find device "nosuch"'],
    ['RTNETLINK answers: Operation not permitted', 'EPERM', 'Operation not permitted'],
    ['Error: Gateway can not be a local address.', 'EINVAL', 'Gateway can not be a local address.'],
    ['Warning: something\nError: Invalid prefix for given prefix length.', 'EINVAL', 'Invalid prefix for given prefix length.'],
  ])('%s', (text, code, message) => {
    expect(iproute2ErrorCode(text)).toBe(code);
    expect(iproute2ErrorMessage(text)).toBe(message);
  });
});
