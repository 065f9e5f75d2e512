// Good configurations: what they read as (defaults filled in, values normalised), the examples
// shipped in docs/examples, warnings for settings that cannot be applied, and reading files.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_API_SOCKET, formatConfigError, loadConfig, parseConfig, type ParseResult, type WrenConfig } from '../../../src/config/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const examples = join(root, 'docs/examples');

function ok(r: ParseResult): WrenConfig {
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.config;
}

const minimal = 'localAsn: 64512\nrouterId: 10.0.0.1\n';

describe('a valid configuration', () => {
  it('fills in every default', () => {
    const c = ok(parseConfig(minimal));
    expect(c).toEqual({
      localAsn: 64512,
      routerId: '10.0.0.1',
      listen: { address: '::', port: 179 },
      holdTime: 90,
      connectRetryTime: 30,
      idleHoldTime: 5,
      ecmp: { maxPaths: { ibgp: 1, ebgp: 1 }, multipathRelax: false },
      alwaysCompareMed: false,
      gracefulRestart: { enabled: true, restartTime: 120, llgrStaleTime: 0 },
      policies: {},
      peers: [],
      announcements: [],
      fib: { backend: 'kernel', transport: 'auto', table: 'main', metric: 0, protocol: 87, onlink: false, refuseSupernets: false, keepOnExit: false, foreignChanges: 'restore' },
      api: { socket: DEFAULT_API_SOCKET, mode: 0o660 },
      metrics: false,
      log: { level: 'info', format: 'json' },
    });
  });

  it.each([
    ['64512', 64512],
    ['"64512"', 64512],
    ['1.10', 65546],
    ['"1.10"', 65546],
    ['0.65535', 65535],
    ['4294967295', 4294967295],
  ])('reads the AS number %s', (text, asn) => {
    expect(ok(parseConfig(`localAsn: ${text}\nrouterId: 10.0.0.1\n`)).localAsn).toBe(asn);
  });

  it.each([
    ['90', 90],
    ['90s', 90],
    ['"1m30s"', 90],
    ['0', 0],
    ['3', 3],
  ])('reads the hold time %s as %i seconds', (text, s) => {
    expect(ok(parseConfig(`${minimal}holdTime: ${text}\n`)).holdTime).toBe(s);
  });

  it.each([
    ['0660', 0o660],
    ['"0660"', 0o660],
    ['0o600', 0o600],
    ['640', 0o640],
    ['"2770"', 0o2770],
  ])('reads the socket mode %s as octal', (text, mode) => {
    expect(ok(parseConfig(`${minimal}api: { mode: ${text} }\n`)).api.mode).toBe(mode);
  });

  it('normalises addresses and prefixes, and reads durations of health checks in ms', () => {
    const c = ok(
      parseConfig(`${minimal}peers:
  - address: "2001:DB8:0:0::1"
    remoteAsn: 65000
    families: ipv6-unicast
  - listenRange: 10.20.0.0/23
    remoteAsn: any
announcements:
  - prefix: "2001:DB8:53::/48"
    healthCheck:
      command: /usr/local/bin/check-dns
      args: [--quick]
      interval: 1.5
      timeout: 500ms
      rise: 1
fib:
  allowedPrefixes: 10.244.0.0/16
  hostAddresses: [10.0.0.1/24, "fd00::1"]
  table: 100
  syncDelay: 1m
`),
    );
    expect(c.peers).toEqual([
      { kind: 'static', address: '2001:db8::1', remoteAsn: 65000, families: ['ipv6-unicast'] },
      { kind: 'dynamic', listenRange: '10.20.0.0/23', remoteAsn: 'any' },
    ]);
    expect(c.announcements).toEqual([
      {
        prefix: '2001:db8:53::/48',
        healthCheck: { probe: { kind: 'command', command: '/usr/local/bin/check-dns', args: ['--quick'] }, intervalMs: 1500, timeoutMs: 500, rise: 1 },
      },
    ]);
    expect(c.fib).toMatchObject({ allowedPrefixes: ['10.244.0.0/16'], hostAddresses: ['10.0.0.1/24', 'fd00::1'], table: 100, syncDelayMs: 60_000 });
  });

  it('gives health checks exactly the HealthCheckSpec shape', () => {
    const c = ok(
      parseConfig(`${minimal}announcements:
  - prefix: 192.0.2.1/32
    healthCheck: { command: [/bin/check, -q, x] }
  - prefix: 192.0.2.2/32
    healthCheck: { command: "pgrep -x unbound >/dev/null", shell: true, initial: up }
  - prefix: 192.0.2.3/32
    healthCheck: { tcp: "[::1]:53", fall: 5 }
  - prefix: 192.0.2.4/32
    healthCheck: { http: "https://127.0.0.1:8443/healthz", expectStatus: [200, 204] }
`),
    );
    expect(c.announcements.map((a) => a.healthCheck)).toEqual([
      { probe: { kind: 'command', command: '/bin/check', args: ['-q', 'x'] } },
      { probe: { kind: 'command', command: 'pgrep -x unbound >/dev/null', shell: true }, initial: 'up' },
      { probe: { kind: 'tcp', host: '::1', port: 53 }, fall: 5 },
      { probe: { kind: 'http', url: 'https://127.0.0.1:8443/healthz', expectStatus: [200, 204] } },
    ]);
  });

  it('resolves named policies and keeps inline ones', () => {
    const c = ok(
      parseConfig(`${minimal}policies:
  from-cluster:
    default: reject
    terms:
      - match: { prefixList: ["10.244.0.0/16 ge 26"] }
        then: accept
peers:
  - address: 10.0.0.2
    remoteAsn: 64512
    import: from-cluster
    export: [{ match: { asPath: "^$" }, then: accept }]
`),
    );
    const p = c.peers[0]!;
    expect(p.importName).toBe('from-cluster');
    expect(p.import).toEqual(c.policies['from-cluster']);
    expect(p.export).toEqual([{ match: { asPath: '^$' }, then: 'accept' }]);
  });

  it('takes short forms: listen false, graceful restart false, maxPaths as one number, metrics as address:port', () => {
    const c = ok(parseConfig(`${minimal}listen: false\ngracefulRestart: false\necmp: { maxPaths: 8, multipathRelax: true }\nmetrics: ":9179"\n`));
    expect(c.listen).toBe(false);
    expect(c.gracefulRestart.enabled).toBe(false);
    expect(c.ecmp).toEqual({ maxPaths: { ibgp: 8, ebgp: 8 }, multipathRelax: true });
    expect(c.metrics).toEqual({ address: '::', port: 9179 });
    expect(ok(parseConfig(`${minimal}metrics: { listen: "[::1]:9100" }\n`)).metrics).toEqual({ address: '::1', port: 9100 });
    expect(ok(parseConfig(`${minimal}metrics: { enabled: true }\n`)).metrics).toEqual({ address: '127.0.0.1', port: 9179 });
  });

  it('treats empty sections as absent', () => {
    const c = ok(parseConfig(`${minimal}peers:\nannouncements:\npolicies:\nfib:\n`));
    expect(c.peers).toEqual([]);
    expect(c.fib.backend).toBe('kernel');
  });

  it('accepts YAML anchors and merge keys for peer templates', () => {
    const c = ok(
      parseConfig(`${minimal}peers:
  - &rr
    address: 10.20.1.81
    remoteAsn: 64512
    holdTime: 30s
  - <<: *rr
    address: 10.20.1.82
`),
    );
    expect(c.peers).toEqual([
      { kind: 'static', address: '10.20.1.81', remoteAsn: 64512, holdTime: 30 },
      { kind: 'static', address: '10.20.1.82', remoteAsn: 64512, holdTime: 30 },
    ]);
  });

  it('keeps multihop and a password reference; warns, naming the line, about a password on a listen range', () => {
    const r = parseConfig(`${minimal}peers:\n  - address: 192.0.2.1\n    remoteAsn: 65000\n    multihop: 2\n    passwordFile: /etc/wren/peer.key\n`, 'w.yaml');
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([]);
    if (r.ok) expect(r.config.peers[0]).toMatchObject({ multihop: 2, password: { file: '/etc/wren/peer.key' } });
    const d = parseConfig(`${minimal}peers:\n  - listenRange: 192.0.2.0/24\n    remoteAsn: 65000\n    passwordFile: /etc/wren/peer.key\n`, 'w.yaml');
    expect(d.warnings.map(formatConfigError)).toEqual([
      expect.stringMatching(/^w\.yaml:6:19: peers\[0\]\.passwordFile: warning: not applied: TCP-MD5 is set per peer address, not for a listen range/),
    ]);
  });

  it('never puts a password into the configuration, only where to find it', () => {
    const r = parseConfig(`${minimal}peers:\n  - address: 192.0.2.1\n    remoteAsn: 65000\n    passwordEnv: WREN_PEER_SECRET\n`);
    expect(JSON.stringify(r)).not.toMatch(/secret"?:\s*"[^W]/i);
    expect(ok(r).peers[0]!.password).toEqual({ env: 'WREN_PEER_SECRET' });
  });
});

describe('the example configurations', () => {
  const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));

  it('exist', () => {
    expect(files).toEqual(expect.arrayContaining(['wren.yaml', 'netscaler.yaml', 'anycast.yaml']));
  });

  it.each(files)('docs/examples/%s is valid', (f) => {
    const r = parseConfig(readFileSync(join(examples, f), 'utf8'), f);
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    expect(r.warnings).toEqual([]);
  });

  it('netscaler.yaml is an eBGP gateway in AS 500 with 8 paths', () => {
    const c = ok(parseConfig(readFileSync(join(examples, 'netscaler.yaml'), 'utf8')));
    expect(c.localAsn).toBe(500);
    expect(c.ecmp.maxPaths).toEqual({ ibgp: 8, ebgp: 8 });
    expect(c.peers.every((p) => p.remoteAsn === 64512)).toBe(true);
  });

  it('anycast.yaml health-checks its VIPs', () => {
    const c = ok(parseConfig(readFileSync(join(examples, 'anycast.yaml'), 'utf8')));
    expect(c.announcements.every((a) => a.healthCheck !== undefined)).toBe(true);
    expect(c.fib.backend).toBe('none');
  });
});

describe('loadConfig', () => {
  it('reads a file and names it in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wren-config-'));
    const file = join(dir, 'wren.yaml');
    writeFileSync(file, 'localAsn: 64512\nrouterId: nope\n');
    const r = await loadConfig(file);
    expect(r.ok ? [] : r.errors.map(formatConfigError)).toEqual([`${file}:2:11: routerId: expected a router id: an IPv4 address such as 192.0.2.1, got "nope"`]);
  });

  it('reports a missing file as one error without a position', async () => {
    const r = await loadConfig('/nonexistent/wren.yaml');
    expect(r.ok ? [] : r.errors.map(formatConfigError)).toEqual(['/nonexistent/wren.yaml: cannot read the configuration: no such file']);
  });
});
