// The real `wren` binary: `wren run` as a daemon, and the CLI against it over the control API
// (status, routes, announce/withdraw, health checks, peers reset, reload with good and bad
// configs, metrics, SIGTERM). A Wren speaker in this process plays the router.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Speaker } from '../../../src/api/speaker.js';
import type { PeerDownInfo } from '../../../src/session/peer.js';
import { shutdownCommunication } from '../../../src/wire/index.js';
import { until } from '../../helpers/until.js';

const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'dist/bin/wren.js');
const DAEMON = '127.0.0.170';
const ROUTER = '127.0.0.171';

async function freePort(address: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, address, r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

let dir = '';
let socket = '';
let configPath = '';
let flag = '';
let bgpPort = 0;
let metricsPort = 0;
let daemon: ChildProcess | null = null;
let log = '';
let router: Speaker;
const downs: PeerDownInfo[] = [];

function config(extra = ''): string {
  return `# written by test/unit/cli/daemon.test.ts
localAsn: 64512
routerId: ${DAEMON}
listen: { address: ${DAEMON}, port: ${bgpPort} }
idleHoldTime: 1s
peers:
  - address: ${ROUTER}
    remoteAsn: 500
    passive: true
announcements:
  - prefix: 198.51.100.7/32
    healthCheck:
      command: [test, -f, ${flag}]
      interval: 100ms
      rise: 1
      fall: 1
${extra}
fib:
  backend: memory
  allowedPrefixes: [10.244.0.0/16]
api:
  socket: ${socket}
metrics: ${DAEMON}:${metricsPort}
log:
  level: debug
`;
}

/** Runs the CLI; resolves with its exit code and output. */
function wren(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args, '--socket', socket], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const ready = existsSync(bin);

describe.skipIf(!ready)('wren run and the CLI (the built binary)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wren-daemon-'));
    socket = join(dir, 'wren.sock');
    configPath = join(dir, 'wren.yaml');
    flag = join(dir, 'healthy');
    bgpPort = await freePort(DAEMON);
    metricsPort = await freePort(DAEMON);
    await writeFile(configPath, config());
    daemon = spawn(process.execPath, [bin, 'run', '-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    daemon.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    daemon.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await until('control socket', () => existsSync(socket), 10_000);
    router = new Speaker({ localAsn: 500, routerId: ROUTER, listen: false, idleHoldTime: 1, connectRetryTime: 1 });
    router.addPeer({ address: DAEMON, remoteAsn: 64512, port: bgpPort, localAddress: ROUTER });
    router.on('peerDown', (_p, info) => downs.push(info));
    await router.start();
    router.announce({ prefix: '10.244.1.0/26' });
    router.announce({ prefix: '203.0.113.0/24' }); // outside fib.allowedPrefixes
  }, 30_000);

  afterAll(async () => {
    await router?.stop();
    if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('status shows the peer table, as text and as JSON', async () => {
    await until('session up', () => router.peerStates()[0]?.state === 'Established', 10_000);
    const text = wren('status');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('IPv4 BGP status');
    expect(text.stdout).toMatch(/\| 127\.0\.0\.171 +\| ebgp +\| up +\| [0-9:]{8} \| Established \|/);
    const json = JSON.parse(wren('status', '--json').stdout) as { localAsn: number; peers: { address: string; state: string; remoteAsn: number }[] };
    expect(json.localAsn).toBe(64512);
    expect(json.peers).toMatchObject([{ address: ROUTER, state: 'Established', remoteAsn: 500 }]);
  });

  it('routes shows what was learnt, whether it is installed, and why', async () => {
    await until('routes learnt', () => JSON.parse(wren('routes', '--json').stdout).routes.length === 2, 10_000);
    const r = JSON.parse(wren('routes', '--json').stdout) as { routes: { prefix: string; nextHops: string[]; fib: { state: string } }[] };
    const pod = r.routes.find((x) => x.prefix === '10.244.1.0/26')!;
    expect(pod.nextHops).toEqual([ROUTER]);
    await until('installed', () => JSON.parse(wren('routes', '10.244.1.0/26', '--json').stdout).routes[0].fib.state === 'installed', 5000);
    const other = JSON.parse(wren('routes', '203.0.113.0/24', '--json').stdout) as { routes: { fib: { state: string } }[] };
    expect(other.routes[0]!.fib.state).toBe('refused');
    // An address: the longest match.
    const why = JSON.parse(wren('routes', '10.244.1.9', '--why', '--json').stdout) as { routes: { prefix: string; why: unknown[] }[] };
    expect(why.routes[0]!.prefix).toBe('10.244.1.0/26');
    expect(why.routes[0]!.why.length).toBe(1);
    const text = wren('routes');
    expect(text.stdout).toContain('10.244.1.0/26');
    expect(wren('routes', '192.0.2.0/24').status).toBe(1);
  });

  it('announces a health-checked VIP only while its check passes', async () => {
    await new Promise((r) => setTimeout(r, 300));
    expect(router.route('198.51.100.7/32')).toBeNull();
    await writeFile(flag, '');
    await until('VIP announced', () => router.route('198.51.100.7/32') !== null, 5000);
    await rm(flag);
    await until('VIP withdrawn', () => router.route('198.51.100.7/32') === null, 5000);
    const status = JSON.parse(wren('status', '--json').stdout) as { announcements: { prefix: string; announced: boolean; reason?: string }[] };
    expect(status.announcements).toMatchObject([{ prefix: '198.51.100.7/32', announced: false }]);
    expect(status.announcements[0]!.reason).toMatch(/health check down/);
  });

  it('announce and withdraw by hand', async () => {
    const a = wren('announce', '192.0.2.55', '--community', '64512:100');
    expect(a.stdout.trim()).toBe('announced 192.0.2.55/32');
    await until('router learnt it', () => router.route('192.0.2.55/32') !== null, 5000);
    expect(wren('withdraw', '192.0.2.55/32').status).toBe(0);
    await until('router lost it', () => router.route('192.0.2.55/32') === null, 5000);
    const unknown = wren('withdraw', '192.0.2.56/32');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('192.0.2.56/32 is not announced');
    const bad = wren('announce', '10.0.0.1/24');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('host bits set');
  });

  it('peers reset --soft keeps the session; a hard reset restarts it', async () => {
    expect(wren('peers', 'reset', ROUTER, '--soft').stdout.trim()).toBe(`soft reset of ${ROUTER}`);
    await until('refresh arrived', () => router.peerStates()[0]!.stats.routeRefreshReceived === 1, 5000);
    expect(router.peerStates()[0]!.stats.established).toBe(1);
    expect(wren('peers', 'reset', ROUTER).stdout.trim()).toBe(`hard reset of ${ROUTER}`);
    await until('router saw the reset', () => downs.length === 1, 5000);
    await until('up again', () => router.peerStates()[0]!.stats.established === 2 && router.peerStates()[0]!.state === 'Established', 10_000);
    expect(wren('peers', 'reset', '192.0.2.99').status).toBe(1);
  });

  it('reloads a good config on SIGHUP without resetting the session, and refuses a bad one', async () => {
    const established = router.peerStates()[0]!.stats.established;
    await writeFile(configPath, config('  - prefix: 192.0.2.77/32\n'));
    daemon!.kill('SIGHUP');
    await until('new announcement', () => router.route('192.0.2.77/32') !== null, 5000);
    expect(router.peerStates()[0]!.stats.established).toBe(established);

    await writeFile(configPath, config('  - prefix: 192.0.2.77/33\n'));
    const r = wren('reload');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('reload refused; the running configuration stays');
    expect(r.stdout).toMatch(new RegExp(`${configPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: announcements\\[1\\]\\.prefix: `));
    expect(router.route('192.0.2.77/32')).not.toBeNull();
    expect(JSON.parse(wren('status', '--json').stdout).peers[0].state).toBe('Established');

    // Back to the original file through `wren reload`: the extra announcement goes.
    await writeFile(configPath, config());
    expect(wren('reload').stdout).toContain('configuration reloaded');
    await until('announcement withdrawn', () => router.route('192.0.2.77/32') === null, 5000);
  });

  it('serves Prometheus metrics', async () => {
    const text = await (await fetch(`http://${DAEMON}:${metricsPort}/metrics`)).text();
    expect(text).toMatch(/wren_peer_up\{peer="127\.0\.0\.171"\} 1/);
    expect(text).toMatch(/wren_fib_routes 1/);
    expect(text).toMatch(/wren_health_check_up\{prefix="198\.51\.100\.7\/32"\} 0/);
  });

  it('stops on SIGTERM with a Cease carrying the reason, and removes its socket', async () => {
    const before = downs.length;
    daemon!.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => (daemon!.exitCode !== null ? r(daemon!.exitCode) : daemon!.once('exit', (c) => r(c))));
    expect(code).toBe(0);
    await until('router saw the Cease', () => downs.length > before, 5000);
    const note = downs[downs.length - 1]!.notification!;
    expect(note.direction).toBe('received');
    expect(note.message.code).toBe(6);
    expect(shutdownCommunication(note.message)).toContain('SIGTERM');
    expect(existsSync(socket)).toBe(false);
    expect(log).toContain('"msg":"Wren stopped"');
  });
});
