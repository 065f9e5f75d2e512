// Bad configurations, each with the error it must produce: file, line, column, field path and
// what was expected. A table: one row per mistake a user makes.
import { describe, expect, it } from 'vitest';
import { formatConfigError, parseConfig, type ConfigError } from '../../../src/config/index.js';

const base = 'localAsn: 64512\nrouterId: 10.0.0.1\n';
const peer = (extra: string) => `${base}peers:\n  - address: 10.0.0.2\n    remoteAsn: 65000\n${extra}`;
const ann = (extra: string) => `${base}announcements:\n  - prefix: 192.0.2.1/32\n${extra}`;

/** [what, yaml, line, column, path, message (exact, or a RegExp)] */
const cases: [string, string, number, number, string, string | RegExp][] = [
  // AS numbers and the router id
  ['an AS number that is a word', `${base}peers:\n  - address: 10.0.0.2\n    remoteAsn: abc\n`, 5, 16, 'peers[0].remoteAsn', 'expected an AS number 1..4294967295, got "abc"'],
  ['AS 0', 'localAsn: 0\nrouterId: 10.0.0.1\n', 1, 11, 'localAsn', 'expected an AS number 1..4294967295, got 0'],
  ['AS too big', 'localAsn: 4294967296\nrouterId: 10.0.0.1\n', 1, 11, 'localAsn', 'expected an AS number 1..4294967295, got 4294967296'],
  ['AS_TRANS', 'localAsn: 23456\nrouterId: 10.0.0.1\n', 1, 11, 'localAsn', '23456 is AS_TRANS (RFC 6793), which no speaker may use as its AS'],
  ['asdot out of range', 'localAsn: 1.70000\nrouterId: 10.0.0.1\n', 1, 11, 'localAsn', 'expected an asdot AS number (0..65535).(0..65535), got "1.70000"'],
  ['router id 0.0.0.0', 'localAsn: 64512\nrouterId: 0.0.0.0\n', 2, 11, 'routerId', '0.0.0.0 is not a router id (RFC 6286: it must not be zero)'],
  ['router id IPv6', 'localAsn: 64512\nrouterId: "2001:db8::1"\n', 2, 11, 'routerId', 'expected a router id: an IPv4 address such as 192.0.2.1, got "2001:db8::1"'],
  ['no router id', 'localAsn: 64512\n', 1, 1, 'routerId', 'is required: expected a router id: an IPv4 address such as 192.0.2.1'],
  ['no local AS', 'routerId: 10.0.0.1\n', 1, 1, 'localAsn', 'is required: expected an AS number 1..4294967295'],
  // unknown keys
  ['a misspelt top-level key', 'routerId: 10.0.0.1\nlocalAsn: 64512\nrouterID: 10.0.0.2\n', 3, 1, 'routerID', 'unknown key; did you mean routerId?'],
  ['a key from another daemon', `${base}neighbors: []\n`, 3, 1, 'neighbors', 'unknown key; did you mean peers?'],
  ['a key in the wrong section', `${base}logLevel: debug\n`, 3, 1, 'logLevel', 'unknown key: the log level goes under log: (log: { level: debug })'],
  ['an unknown key, nothing close', `${base}frobnicate: 1\n`, 3, 1, 'frobnicate', /^unknown key; expected one of localAsn, routerId, /],
  ['asn instead of remoteAsn (one error, not two)', `${base}peers:\n  - address: 10.0.0.2\n    asn: 65000\n`, 5, 5, 'peers[0].asn', 'unknown key; did you mean remoteAsn?'],
  ['a password in the file', peer('    password: hunter2\n'), 6, 5, 'peers[0].password', /^unknown key: the password itself does not go in the configuration: write passwordFile/],
  ['a misspelt key in a merged peer', `${base}peers:\n  - &p\n    address: 10.0.0.2\n    remoteAsn: 65000\n  - <<: *p\n    address: 10.0.0.3\n    remotAsn: 1\n`, 9, 5, 'peers[1].remotAsn', 'unknown key; did you mean remoteAsn?'],
  // peers
  ['a bad address', `${base}peers:\n  - address: 10.0.0.300\n    remoteAsn: 1\n`, 4, 14, 'peers[0].address', 'expected an IP address, got "10.0.0.300"'],
  ['an address with a zone', `${base}peers:\n  - address: fe80::1%eth0\n    remoteAsn: 1\n`, 4, 14, 'peers[0].address', 'expected an IP address without a zone (%interface), got "fe80::1%eth0"'],
  ['a listen range with host bits', `${base}peers:\n  - listenRange: 10.1.2.3/16\n    remoteAsn: any\n`, 4, 18, 'peers[0].listenRange', '"10.1.2.3/16" has host bits set (the prefix is 10.1.0.0/16)'],
  ['any for a configured peer', `${base}peers:\n  - address: 10.0.0.2\n    remoteAsn: any\n`, 5, 16, 'peers[0].remoteAsn', /^any is only for dynamic neighbors/],
  ['neither address nor range', `${base}peers:\n  - remoteAsn: 65000\n`, 4, 5, 'peers[0]', /^expected address \(a peer\) or listenRange/],
  ['both address and range', `${base}peers:\n  - address: 10.0.0.2\n    listenRange: 10.0.0.0/24\n    remoteAsn: 65000\n`, 5, 18, 'peers[0].listenRange', 'a peer has an address or a listenRange, not both'],
  ['a port for dynamic neighbors', `${base}peers:\n  - listenRange: 10.0.0.0/24\n    remoteAsn: 65000\n    port: 1179\n`, 6, 11, 'peers[0].port', 'not for dynamic neighbors (listenRange): they connect to us'],
  ['the same peer twice (IPv6 spellings)', `${base}peers:\n  - address: "2001:db8::1"\n    remoteAsn: 65000\n  - address: "2001:DB8:0::1"\n    remoteAsn: 65001\n`, 6, 14, 'peers[1].address', '2001:db8::1 is also the address of peers[0]'],
  ['hold time 2', peer('    holdTime: 2\n'), 6, 15, 'peers[0].holdTime', 'a hold time is 0 or at least 3 seconds (RFC 4271 s4.2), got 2'],
  ['hold time in ms', `${base}holdTime: 1500ms\n`, 3, 11, 'holdTime', 'expected a hold time: 0 or 3..65535 seconds, got "1500ms"'],
  ['a family by a short name', peer('    families: [ipv4]\n'), 6, 16, 'peers[0].families[0]', 'expected ipv4-unicast or ipv6-unicast, got "ipv4"'],
  ['ADD-PATH for a family not negotiated', peer('    families: [ipv4-unicast]\n    addPathReceive: [ipv6-unicast]\n'), 7, 21, 'peers[0].addPathReceive', 'ipv6-unicast is not in families (ipv4-unicast)'],
  ['yes is not a boolean in YAML 1.2', peer('    passive: yes\n'), 6, 14, 'peers[0].passive', 'expected true or false, got "yes"'],
  ['two password sources', peer('    passwordFile: /etc/wren/rr1.key\n    passwordEnv: RR1\n'), 7, 18, 'peers[0].passwordEnv', 'give passwordFile or passwordEnv, not both'],
  ['a relative password file', peer('    passwordFile: rr1.key\n'), 6, 19, 'peers[0].passwordFile', 'expected an absolute path, got "rr1.key"'],
  ['multihop TTL 0', peer('    multihop: 0\n'), 6, 15, 'peers[0].multihop', 'expected a TTL 1..255 (true: 255), got 0'],
  ['a local address of the other family', peer('    localAddress: "2001:db8::2"\n'), 6, 19, 'peers[0].localAddress', '2001:db8::2 and the peer address 10.0.0.2 are of different families'],
  ['a passive peer without the listener', `${base}listen: false\npeers:\n  - address: 10.0.0.2\n    remoteAsn: 65000\n    passive: true\n`, 7, 14, 'peers[0].passive', 'a passive peer needs the listener, and listen is false'],
  ['peers as a mapping', `${base}peers: {}\n`, 3, 8, 'peers', 'expected a list, got a mapping'],
  ['a peer as a string', `${base}peers:\n  - 10.0.0.2\n`, 4, 5, 'peers[0]', 'expected a mapping (key: value), got "10.0.0.2"'],
  ['an unknown role', peer('    role: upstream\n'), 6, 11, 'peers[0].role', 'expected one of provider, rs, rs-client, customer, peer, got "upstream"'],
  // policies
  ['an unknown policy name', `${peer('    import: from-clustr\n')}policies:\n  from-cluster: accept\n`, 6, 13, 'peers[0].import', /^no policy named "from-clustr" \(did you mean from-cluster\?\)/],
  ['a policy prefix with host bits', peer('    import:\n      terms:\n        - match: { prefixList: ["10.0.0.1/8"] }\n          then: accept\n'), 8, 33, 'peers[0].import.terms[0].match.prefixList[0]', '"10.0.0.1/8" has host bits set (the prefix is 10.0.0.0/8)'],
  ['a misspelt policy action', peer('    export:\n      - then: acept\n'), 7, 15, 'peers[0].export[0].then', 'must be one of accept, reject, next, got "acept"'],
  ['a misspelt field in a named policy', `${base}policies:\n  tag:\n    - then: { localpref: 200 }\n`, 5, 15, 'policies.tag[0].then.localpref', /^unknown field \(did you mean localPref\?\)/],
  ['a reserved policy name', `${base}policies:\n  accept: reject\n`, 4, 3, 'policies.accept', '"accept" is a policy already; choose another name'],
  // announcements
  ['an announced prefix with host bits', `${base}announcements:\n  - prefix: 10.0.0.1/24\n`, 4, 13, 'announcements[0].prefix', '"10.0.0.1/24" has host bits set (the prefix is 10.0.0.0/24)'],
  ['an address, not a prefix', `${base}announcements:\n  - prefix: 192.0.2.1\n`, 4, 13, 'announcements[0].prefix', 'expected a prefix such as 10.0.0.0/8 or fd00::/64, got "192.0.2.1"'],
  ['a prefix announced twice', `${base}announcements:\n  - prefix: 192.0.2.1/32\n  - prefix: 192.0.2.1/32\n`, 5, 13, 'announcements[1].prefix', '192.0.2.1/32 is also announced by announcements[0]'],
  ['a community too big', ann('    communities: ["65536:1"]\n'), 5, 19, 'announcements[0].communities[0]', /^expected a community ASN:VALUE \(16 bits each\)/],
  ['a large community', ann('    largeCommunities: ["1:2"]\n'), 5, 24, 'announcements[0].largeCommunities[0]', 'expected a large community GA:LD1:LD2 (32 bits each), got "1:2"'],
  ['MED negative', ann('    med: -1\n'), 5, 10, 'announcements[0].med', 'expected a number 0..4294967295, got -1'],
  ['an IPv4 next hop for an IPv6 prefix', `${base}announcements:\n  - prefix: 2001:db8::/32\n    nextHop: 10.0.0.1\n`, 5, 14, 'announcements[0].nextHop', 'an IPv6 prefix needs an IPv6 next hop (or self), got 10.0.0.1'],
  ['a health check without a probe', ann('    healthCheck:\n      interval: 5s\n'), 6, 7, 'announcements[0].healthCheck', 'expected one probe: command, tcp or http'],
  ['a health check with two probes', ann('    healthCheck:\n      tcp: 127.0.0.1:80\n      http: http://127.0.0.1/\n'), 7, 13, 'announcements[0].healthCheck.http', 'a health check has one probe; tcp and http are both given'],
  ['a timeout longer than the interval', ann('    healthCheck:\n      tcp: 127.0.0.1:80\n      interval: 1s\n      timeout: 2s\n'), 8, 16, 'announcements[0].healthCheck.timeout', 'must not be longer than the interval (1000 ms), got 2000 ms'],
  ['a duration in words', ann('    healthCheck:\n      tcp: 127.0.0.1:80\n      interval: 5 seconds\n'), 7, 17, 'announcements[0].healthCheck.interval', 'expected a duration such as 5s or 500ms (100ms..24h), got "5 seconds"'],
  ['an ftp health check', ann('    healthCheck:\n      http: ftp://example.org/\n'), 6, 13, 'announcements[0].healthCheck.http', 'expected an http:// or https:// URL, got "ftp://example.org/"'],
  ['a tcp target without a port', ann('    healthCheck:\n      tcp: 127.0.0.1\n'), 6, 12, 'announcements[0].healthCheck.tcp', 'expected host:port, such as 127.0.0.1:53 or [::1]:53, got "127.0.0.1"'],
  ['a command line without shell', ann('    healthCheck:\n      command: curl -fsS http://127.0.0.1/\n'), 6, 16, 'announcements[0].healthCheck.command', '"curl -fsS http://127.0.0.1/" is run as one program name: give a list [program, arguments...] or set shell: true'],
  ['expectStatus for a tcp probe', ann('    healthCheck:\n      tcp: 127.0.0.1:80\n      expectStatus: [200]\n'), 7, 21, 'announcements[0].healthCheck.expectStatus', 'only for an http probe'],
  // the FIB, API, metrics, log, timers
  ['a misspelt backend', `${base}fib:\n  backend: kernal\n`, 4, 12, 'fib.backend', 'expected one of kernel, memory, plan, none, got "kernal"'],
  ['the local table', `${base}fib:\n  table: 255\n`, 4, 10, 'fib.table', 'table 255 (local) holds the addresses of this host; choose main or another table'],
  ['an allowed prefix with host bits', `${base}fib:\n  allowedPrefixes: [10.244.0.0/16, 10.96.0.1/12]\n`, 4, 36, 'fib.allowedPrefixes[1]', '"10.96.0.1/12" has host bits set (the prefix is 10.96.0.0/12)'],
  ['a protocol id the kernel owns', `${base}fib:\n  protocol: 4\n`, 4, 13, 'fib.protocol', 'expected a route protocol id 5..255, got 4'],
  ['a file mode that is not octal', `${base}api:\n  mode: 0999\n`, 4, 9, 'api.mode', 'expected a file mode such as "0660", got "0999"'],
  ['a relative socket path', `${base}api:\n  socket: wren.sock\n`, 4, 11, 'api.socket', 'expected an absolute path, got "wren.sock"'],
  ['a metrics host name', `${base}metrics: localhost:9179\n`, 3, 10, 'metrics.listen', 'expected an IP address before the port in "localhost:9179"'],
  ['a log level', `${base}log:\n  level: verbose\n`, 4, 10, 'log.level', 'expected one of trace, debug, info, warn, error, fatal, silent, got "verbose"'],
  ['a restart time over 12 bits', `${base}gracefulRestart:\n  restartTime: 5000\n`, 4, 16, 'gracefulRestart.restartTime', 'expected a duration in seconds 1..4095 (90, "90s", "2m"), got 5000'],
  ['zero paths', `${base}ecmp:\n  maxPaths: 0\n`, 4, 13, 'ecmp.maxPaths', 'expected a number of paths 1..256 or { ibgp, ebgp }, got 0'],
  ['zero iBGP paths', `${base}ecmp:\n  maxPaths: { ibgp: 0 }\n`, 4, 21, 'ecmp.maxPaths.ibgp', 'expected a number of paths 1..256, got 0'],
  ['a misspelt key under maxPaths', `${base}ecmp:\n  maxPaths: { ibpg: 4 }\n`, 4, 15, 'ecmp.maxPaths.ibpg', 'unknown key; did you mean ibgp?'],
  // YAML itself and the shape of the document
  ['a YAML syntax error', `${base}peers:\n  - address: 10.0.0.2\n    remoteAsn: [65000\n`, 6, 1, '', 'Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['a duplicate key', 'localAsn: 64512\nlocalAsn: 1\nrouterId: 10.0.0.1\n', 2, 1, '', 'Map keys must be unique'],
  ['a tab', '\tlocalAsn: 64512\n', 1, 1, '', 'Tabs are not allowed as indentation'],
  ['an unresolved alias', `${base}peers: *nope\n`, 3, 8, '', 'unresolved alias *nope'],
  ['an empty file', '', 1, 1, '', 'the file is empty: a configuration needs at least localAsn and routerId'],
  ['only comments', '# nothing yet\n', 1, 1, '', 'the file is empty: a configuration needs at least localAsn and routerId'],
  ['a list at the top', '- a\n- b\n', 1, 1, '', 'expected a mapping of settings (localAsn: ..., routerId: ..., peers: ...), got a list'],
  ['two documents', `${base}---\nlocalAsn: 1\n`, 4, 1, '', 'a Wren configuration is one YAML document; another one starts here'],
];

describe('configuration errors', () => {
  it.each(cases)('%s', (_what, yaml, line, column, path, message) => {
    const r = parseConfig(yaml, 'wren.yaml');
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors.map(formatConfigError)).toHaveLength(1);
    const e = errors[0]!;
    expect({ file: e.file, line: e.line, column: e.column, path: e.path }).toEqual({ file: 'wren.yaml', line, column, path });
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  });

  it('prints file:line:column: path: message', () => {
    const r = parseConfig(`${base}\n\n\n\n\n\n\n\npeers:\n  - address: 10.0.0.1\n  - address: 10.0.0.2\n    remoteAsn: abc\n`, 'wren.yaml');
    expect(r.ok ? [] : r.errors.map(formatConfigError)).toContain('wren.yaml:14:16: peers[1].remoteAsn: expected an AS number 1..4294967295, got "abc"');
  });

  it('reports every error of a file at once, in file order', () => {
    const r = parseConfig(`localAsn: x\nrouterId: y\npeers:\n  - address: z\n    remoteAsn: 1\nlog: { level: loud }\n`, 'w.yaml');
    const errors = r.ok ? [] : r.errors;
    expect(errors.map((e: ConfigError) => `${e.line}:${e.path}`)).toEqual(['1:localAsn', '2:routerId', '4:peers[0].address', '6:log.level']);
  });

  it('formats errors without a position (an unreadable file)', () => {
    expect(formatConfigError({ file: '/etc/wren/wren.yaml', line: 0, column: 0, path: '', message: 'cannot read the configuration: no such file' })).toBe(
      '/etc/wren/wren.yaml: cannot read the configuration: no such file',
    );
  });
});

describe('keys that are names of Object.prototype', () => {
  it.each([
    ['policies:\n  __proto__: accept\n', 4, 3, 'policies.__proto__', /^a policy name starts with a letter/],
    ['peers:\n  - { address: 10.0.0.2, remoteAsn: 1, import: constructor }\n', 4, 48, 'peers[0].import', /^no policy named "constructor"/],
    ['toString: 1\n', 3, 1, 'toString', /^unknown key; expected one of/],
  ])('%s', (yaml, line, column, path, message) => {
    const r = parseConfig(`localAsn: 64512\nrouterId: 10.0.0.1\n${yaml}`);
    const e = r.ok ? undefined : r.errors[0];
    expect(e).toMatchObject({ line, column, path });
    expect(e?.message).toMatch(message);
  });
});
