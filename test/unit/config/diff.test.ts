// What a reload changes: peers added, removed and changed (and whether the change takes a session
// reset, a new import or a new export), announcements, named policies, and the global settings
// that only a restart applies.
import { describe, expect, it } from 'vitest';
import { describeDiff, diffConfig, formatConfigError, isEmptyDiff, parseConfig, type WrenConfig } from '../../../src/config/index.js';

function config(text: string): WrenConfig {
  const r = parseConfig(text);
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.config;
}

const head = 'localAsn: 64512\nrouterId: 10.0.0.1\n';
const before = config(`${head}policies:
  pods: [{ match: { prefixList: ["10.244.0.0/16 ge 26"] }, then: accept }]
peers:
  - address: 10.0.0.2
    remoteAsn: 64512
    import: pods
  - address: 10.0.0.3
    remoteAsn: 64512
    import: pods
  - address: 10.0.0.4
    remoteAsn: 65000
  - listenRange: 10.1.0.0/24
    remoteAsn: any
announcements:
  - prefix: 192.0.2.1/32
  - prefix: 192.0.2.2/32
    healthCheck: { tcp: 127.0.0.1:80 }
  - prefix: 192.0.2.3/32
`);

describe('diffConfig', () => {
  it('finds nothing between a configuration and itself, written differently', () => {
    const same = config(`${head}policies:
  pods:
    - match:
        prefixList: "10.244.0.0/16 ge 26"
      then: accept
peers:
  - { address: 10.0.0.2, remoteAsn: "64512", import: pods }
  - { address: 10.0.0.3, remoteAsn: 64512, import: pods }
  - { address: 10.0.0.4, remoteAsn: 65000, holdTime: 90s }
  - { listenRange: 10.1.0.0/24, remoteAsn: any }
announcements:
  - prefix: 192.0.2.3/32
  - prefix: 192.0.2.2/32
    healthCheck: { tcp: 127.0.0.1:80 }
  - prefix: 192.0.2.1/32
    nextHop: self
`);
    const d = diffConfig(before, same);
    // The prefix list is written as one value instead of a list: a different declaration.
    expect(d.policies).toEqual(['pods']);
    expect(d.peers.changed.map((c) => [c.key, c.fields, c.reset, c.softIn])).toEqual([
      ['10.0.0.2', ['import'], false, true],
      ['10.0.0.3', ['import'], false, true],
    ]);
    expect(d.peers.unchanged).toEqual(['10.0.0.4', '10.1.0.0/24']);
    expect(d.announcements).toEqual({ added: [], removed: [], changed: [] });
    expect(isEmptyDiff(diffConfig(before, before))).toBe(true);
  });

  it('adds and removes peers by address, and leaves the others alone', () => {
    const after = config(`${head}policies:
  pods: [{ match: { prefixList: ["10.244.0.0/16 ge 26"] }, then: accept }]
peers:
  - { address: 10.0.0.2, remoteAsn: 64512, import: pods }
  - { address: 10.0.0.5, remoteAsn: 64512 }
  - { address: 10.0.0.4, remoteAsn: 65000 }
  - { listenRange: 10.1.0.0/24, remoteAsn: any }
`);
    const d = diffConfig(before, after);
    expect(d.peers.added.map((p) => p.kind === 'static' && p.address)).toEqual(['10.0.0.5']);
    expect(d.peers.removed.map((p) => p.kind === 'static' && p.address)).toEqual(['10.0.0.3']);
    expect(d.peers.changed).toEqual([]);
    expect(d.peers.unchanged).toEqual(['10.0.0.2', '10.0.0.4', '10.1.0.0/24']);
    expect(d.restart).toEqual([]);
  });

  it.each<[string, string, string[], { reset: boolean; softIn: boolean; softOut: boolean }]>([
    ['a new remote AS resets the session', 'remoteAsn: 65001', ['remoteAsn'], { reset: true, softIn: false, softOut: false }],
    ['a new hold time resets it (it is in the OPEN)', 'holdTime: 30', ['holdTime'], { reset: true, softIn: false, softOut: false }],
    ['new families reset it', 'families: [ipv4-unicast, ipv6-unicast]', ['families'], { reset: true, softIn: false, softOut: false }],
    ['a password resets it', 'passwordEnv: PW', ['password'], { reset: true, softIn: false, softOut: false }],
    ['an import policy filters again', 'import: reject', ['import'], { reset: false, softIn: true, softOut: false }],
    ['an export policy exports again', 'export: reject', ['export'], { reset: false, softIn: false, softOut: true }],
    ['next-hop-self exports again', 'nextHopSelf: true', ['nextHopSelf'], { reset: false, softIn: false, softOut: true }],
    ['a prefix limit needs neither', 'maxPrefix: 100', ['maxPrefix'], { reset: false, softIn: false, softOut: false }],
    ['a description needs neither', 'description: tor', ['description'], { reset: false, softIn: false, softOut: false }],
  ])('%s', (_what, line, fields, how) => {
    const b = config(`${head}peers:\n  - address: 10.0.0.4\n    remoteAsn: 65000\n`);
    const a = config(`${head}peers:\n  - address: 10.0.0.4\n    remoteAsn: 65000\n    ${line}\n`.replace('remoteAsn: 65000\n    remoteAsn: 65001', 'remoteAsn: 65001'));
    const d = diffConfig(b, a);
    expect(d.peers.changed).toHaveLength(1);
    expect(d.peers.changed[0]).toMatchObject({ key: '10.0.0.4', fields, ...how });
  });

  it('a changed named policy changes every peer that uses it, and only those', () => {
    const after = config(
      `${head}policies:\n  pods: [{ match: { prefixList: ["10.244.0.0/16 ge 24"] }, then: accept }]\n` +
        'peers:\n  - { address: 10.0.0.2, remoteAsn: 64512, import: pods }\n  - { address: 10.0.0.3, remoteAsn: 64512, import: pods }\n  - { address: 10.0.0.4, remoteAsn: 65000 }\n  - { listenRange: 10.1.0.0/24, remoteAsn: any }\n' +
        'announcements:\n  - prefix: 192.0.2.1/32\n  - prefix: 192.0.2.2/32\n    healthCheck: { tcp: 127.0.0.1:80 }\n  - prefix: 192.0.2.3/32\n',
    );
    const d = diffConfig(before, after);
    expect(d.policies).toEqual(['pods']);
    expect(d.peers.changed.map((c) => [c.key, c.importChanged, c.exportChanged, c.reset])).toEqual([
      ['10.0.0.2', true, false, false],
      ['10.0.0.3', true, false, false],
    ]);
    expect(d.peers.unchanged).toEqual(['10.0.0.4', '10.1.0.0/24']);
  });

  it('a global hold time change shows on the peers that do not set their own', () => {
    const b = config(`${head}peers:\n  - { address: 10.0.0.2, remoteAsn: 1 }\n  - { address: 10.0.0.3, remoteAsn: 1, holdTime: 30 }\n`);
    const a = config(`${head}holdTime: 60\npeers:\n  - { address: 10.0.0.2, remoteAsn: 1 }\n  - { address: 10.0.0.3, remoteAsn: 1, holdTime: 30 }\n`);
    const d = diffConfig(b, a);
    expect(d.peers.changed.map((c) => [c.key, c.fields, c.reset])).toEqual([['10.0.0.2', ['holdTime'], true]]);
    expect(d.restart).toEqual([]);
  });

  it('announcements: added, withdrawn, route changed, health check changed', () => {
    const after = config(`${head}announcements:
  - prefix: 192.0.2.1/32
    med: 10
  - prefix: 192.0.2.2/32
    healthCheck: { tcp: 127.0.0.1:8080 }
  - prefix: 192.0.2.4/32
`);
    const d = diffConfig(before, after);
    expect(d.announcements.added.map((a) => a.prefix)).toEqual(['192.0.2.4/32']);
    expect(d.announcements.removed.map((a) => a.prefix)).toEqual(['192.0.2.3/32']);
    expect(d.announcements.changed.map((c) => [c.prefix, c.routeChanged, c.healthCheckChanged])).toEqual([
      ['192.0.2.1/32', true, false],
      ['192.0.2.2/32', false, true],
    ]);
  });

  it('global settings that need a restart, and the ones applied at once', () => {
    const b = config(head);
    const a = config('localAsn: 64513\nrouterId: 10.0.0.9\nlisten: { port: 1179 }\necmp: { maxPaths: 4 }\nfib: { table: 100 }\nlog: { level: debug }\n');
    const d = diffConfig(b, a);
    expect(d.restart.map((c) => c.path)).toEqual(['localAsn', 'routerId', 'listen', 'ecmp', 'fib']);
    expect(d.restart[0]).toEqual({ path: 'localAsn', before: 64512, after: 64513 });
    expect(d.live.map((c) => c.path)).toEqual(['log']);
  });

  it('a peer that turns from an address into a range is removed and added', () => {
    const b = config(`${head}peers:\n  - { address: 10.0.0.2, remoteAsn: 1 }\n`);
    const a = config(`${head}peers:\n  - { listenRange: 10.0.0.0/24, remoteAsn: 1 }\n`);
    const d = diffConfig(b, a);
    expect(d.peers.added).toHaveLength(1);
    expect(d.peers.removed).toHaveLength(1);
  });

  it('describes itself in log lines, without secrets', () => {
    const b = config(`${head}peers:\n  - { address: 10.0.0.2, remoteAsn: 1 }\n`);
    const a = config(`${head}log: { level: debug }\npeers:\n  - { address: 10.0.0.2, remoteAsn: 1, passwordEnv: BGP_SECRET, export: reject }\n  - { address: 10.0.0.3, remoteAsn: 1 }\nannouncements:\n  - prefix: 192.0.2.1/32\n`);
    expect(describeDiff(diffConfig(b, a))).toEqual([
      'log changed',
      'peer 10.0.0.3 added',
      'peer 10.0.0.2 changed (export, password): session reset',
      'announcement 192.0.2.1/32 added',
    ]);
  });
});
