// The text tables of `wren status` / `wren routes`, from fixed views: golden strings.
import { describe, expect, it } from 'vitest';
import type { PeerView, RouteView, RoutesView, StatusView } from '../../../src/api/views.js';
import { formatRoutes, formatStatus, peerStateText, peerTypeText, sinceText } from '../../../src/cli/tables.js';

const now = new Date('2026-03-01T12:30:00Z');
const ESC_CODE = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
const o = { utc: true, now };

function peer(extra: Partial<PeerView> & Pick<PeerView, 'address'>): PeerView {
  return {
    remoteAsn: 64512,
    type: 'ibgp',
    state: 'Established',
    since: '2026-03-01T12:00:00.000Z',
    sinceMs: 1_800_000,
    info: 'Established',
    families: ['ipv4-unicast'],
    prefixesReceived: 0,
    endOfRibReceived: [],
    ...extra,
  };
}

const status: StatusView = {
  localAsn: 64512,
  routerId: '10.20.1.84',
  peers: [
    peer({ address: '10.20.1.81', routeReflectorClient: true }),
    peer({ address: '10.20.1.82', since: '2026-03-01T12:02:53.000Z' }),
    peer({ address: '192.168.1.1', type: 'ebgp', remoteAsn: 500, dynamic: true, state: 'Active', since: '2026-02-20T08:00:00.000Z', info: 'Active: Connection refused' }),
    peer({ address: 'fd00::1', type: 'ebgp', remoteAsn: 65001, families: ['ipv6-unicast'], state: 'OpenSent', info: 'OpenSent' }),
  ],
};

describe('formatStatus', () => {
  it('prints the calicoctl node status tables, IPv4 then IPv6', () => {
    expect(formatStatus(status, o)).toBe(
      [
        'IPv4 BGP status',
        '+--------------+----------------+-------+------------+----------------------------+',
        '| PEER ADDRESS |   PEER TYPE    | STATE |   SINCE    |            INFO            |',
        '+--------------+----------------+-------+------------+----------------------------+',
        '| 10.20.1.81   | ibgp rr-client | up    | 12:00:00   | Established                |',
        '| 10.20.1.82   | ibgp           | up    | 12:02:53   | Established                |',
        '| 192.168.1.1  | dynamic ebgp   | start | 2026-02-20 | Active: Connection refused |',
        '+--------------+----------------+-------+------------+----------------------------+',
        '',
        'IPv6 BGP status',
        '+--------------+-----------+-------+----------+----------+',
        '| PEER ADDRESS | PEER TYPE | STATE |  SINCE   |   INFO   |',
        '+--------------+-----------+-------+----------+----------+',
        '| fd00::1      | ebgp      | start | 12:00:00 | OpenSent |',
        '+--------------+-----------+-------+----------+----------+',
        '',
      ].join('\n'),
    );
  });

  it('says when a family has no peers', () => {
    expect(formatStatus({ localAsn: 1, routerId: '1.1.1.1', peers: [] }, o)).toBe('IPv4 BGP status\nNo IPv4 peers found.\n\nIPv6 BGP status\nNo IPv6 peers found.\n');
  });

  it('shortens INFO to fit a width, and colours only when asked', () => {
    const long = { ...status, peers: [peer({ address: '10.0.0.1', state: 'Idle', info: `Idle: received Cease / Hard Reset (${'x'.repeat(80)})` })] };
    const lines = formatStatus(long, { ...o, width: 80 }).split('\n');
    expect(lines.slice(1, 6).every((l) => l.length === 80)).toBe(true);
    expect(lines[4]).toBe('| 10.0.0.1     | ibgp      | start | 12:00:00 | Idle: received Cease / Hard... |');
    expect(formatStatus(status, o)).not.toContain('\u001b[');
    const coloured = formatStatus(status, { ...o, color: true });
    expect(coloured).toContain('\u001b[32mup\u001b[0m    |');
    // Colour codes do not change the layout.
    expect(coloured.replaceAll(ESC_CODE, '')).toBe(formatStatus(status, o));
  });

  it('names peer types and states as documented', () => {
    expect(peerTypeText(peer({ address: 'a', dynamic: true, type: 'ebgp' }))).toBe('dynamic ebgp');
    expect(peerTypeText(peer({ address: 'a', routeReflectorClient: true }))).toBe('ibgp rr-client');
    for (const state of ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm'] as const) expect(peerStateText(peer({ address: 'a', state }))).toBe('start');
    expect(peerStateText(peer({ address: 'a' }))).toBe('up');
    expect(sinceText('2026-03-01T01:02:03.000Z', o)).toBe('01:02:03');
    expect(sinceText('2026-02-28T12:29:59.000Z', o)).toBe('2026-02-28');
    expect(sinceText('garbage', o)).toBe('?');
  });
});

function route(extra: Partial<RouteView> & Pick<RouteView, 'prefix'>): RouteView {
  return {
    nextHops: ['192.168.1.11'],
    ecmp: [{ nextHop: '192.168.1.11', peer: '192.168.1.11' }],
    best: { peer: '192.168.1.11', peerAsn: 64512, asPath: '64512', origin: 'igp', nextHop: '192.168.1.11' },
    paths: 1,
    fib: { state: 'installed' },
    ...extra,
  };
}

const routes: RoutesView = {
  routes: [
    route({
      prefix: '10.96.0.10/32',
      nextHops: ['192.168.1.11', '192.168.1.12'],
      ecmp: [
        { nextHop: '192.168.1.11', peer: '192.168.1.11' },
        { nextHop: '192.168.1.12', peer: '192.168.1.12' },
      ],
      paths: 3,
      why: [
        { peer: '192.168.1.11', rank: 0, best: true, multipath: true, asPath: '64512', nextHop: '192.168.1.11', localPref: 100, origin: 'igp', reason: 'best path', step: null },
        { peer: '192.168.1.12', rank: 1, best: false, multipath: true, asPath: '64512', nextHop: '192.168.1.12', localPref: 100, origin: 'igp', reason: 'in the ECMP set (192.168.1.11 won the tie-break: lower router id (192.168.1.11 < 192.168.1.12))', step: 'originator-id/router-id' },
        { peer: '192.168.1.13', rank: 2, best: false, multipath: false, asPath: '64512 65000', nextHop: '192.168.1.13', localPref: 100, origin: 'igp', reason: 'lost to 192.168.1.11: shorter AS path (1 < 2)', step: 'as-path-length' },
      ],
    }),
    route({ prefix: '10.244.0.0/26', fib: { state: 'refused', detail: 'overlaps-connected: 10.244.0.0/26 would take over connected subnet 10.244.0.0/24' } }),
    route({ prefix: '10.244.1.0/26', nextHops: ['192.168.1.12'], ecmp: [{ nextHop: '192.168.1.12', peer: '192.168.1.1' }], best: { peer: '192.168.1.1', asPath: '', origin: 'igp', localPref: 100, nextHop: '192.168.1.12' }, fib: { state: 'pending' } }),
    route({ prefix: '198.51.100.1/32', nextHops: [], ecmp: [], best: { peer: 'local', asPath: '', origin: 'igp', nextHop: '' }, fib: { state: 'none', detail: 'announced by this speaker: nothing to forward' } }),
  ],
};

describe('formatRoutes', () => {
  it('prints one line per prefix with the ECMP next hops stacked, and the ranked candidates with --why', () => {
    expect(formatRoutes(routes, o)).toBe(
      [
        'PREFIX           NEXT HOPS     FROM          AS PATH  FIB',
        '10.96.0.10/32    192.168.1.11  192.168.1.11  64512    installed',
        '                 192.168.1.12  192.168.1.12',
        '    #0  best  192.168.1.11  64512        via 192.168.1.11  best path',
        '    #1  ecmp  192.168.1.12  64512        via 192.168.1.12  in the ECMP set (192.168.1.11 won the tie-break: lower router id (192.168.1.11 < 192.168.1.12))',
        '    #2        192.168.1.13  64512 65000  via 192.168.1.13  lost to 192.168.1.11: shorter AS path (1 < 2)',
        '10.244.0.0/26    192.168.1.11  192.168.1.11  64512    refused',
        '    fib: overlaps-connected: 10.244.0.0/26 would take over connected subnet 10.244.0.0/24',
        '10.244.1.0/26    192.168.1.12  192.168.1.1   -        pending',
        '198.51.100.1/32  local         local         -        -',
        '',
      ].join('\n'),
    );
  });

  it('leaves out the FIB column when the speaker keeps no table, and says when routes were cut', () => {
    const plain: RoutesView = { routes: [route({ prefix: '10.0.0.0/8', fib: null })], truncated: true };
    expect(formatRoutes(plain, o)).toBe(
      ['PREFIX      NEXT HOPS     FROM          AS PATH', '10.0.0.0/8  192.168.1.11  192.168.1.11  64512', '(more routes not shown: the first 1 only)', ''].join('\n'),
    );
    expect(formatRoutes({ routes: [] }, o)).toBe('No routes.\n');
  });

  it('shortens --why reasons to a width and colours FIB states only when asked', () => {
    const narrow = formatRoutes(routes, { ...o, width: 90 }).split('\n');
    expect(narrow.filter((l) => l.startsWith('    #')).every((l) => l.length <= 90)).toBe(true);
    expect(narrow[4]).toMatch(/\.\.\.$/);
    const coloured = formatRoutes(routes, { ...o, color: true });
    expect(coloured).toContain('\u001b[32minstalled\u001b[0m');
    expect(coloured).toContain('\u001b[31mrefused\u001b[0m');
    expect(coloured.replaceAll(ESC_CODE, '')).toBe(formatRoutes(routes, o));
  });
});
