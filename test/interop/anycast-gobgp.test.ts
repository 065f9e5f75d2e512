// docs/guide-anycast.md, verified: two hosts run `wren run` (the real binary) with the same
// health-checked anycast VIP, and GoBGP plays the router (AS 65000, multipath). The router holds
// one path per healthy host; a failing check withdraws that host's path; a stopped daemon
// withdraws its path at once (Cease).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlRequest } from '../../src/api/control.js';
import { skipTitle, until } from '../helpers/until.js';
import { Lab, requireTools, type Gobgp } from './harness/index.js';

const bin = join(import.meta.dirname, '../../dist/bin/wren.js');
const reason = requireTools(['gobgp', 'netns']) ?? (existsSync(bin) ? null : 'dist/bin/wren.js is not built (npm run build)');
const VIP = '198.51.100.53/32';

interface Host {
  readonly address: string;
  readonly flag: string;
  readonly socket: string;
  process: ChildProcess;
  log: string;
}

describe.skipIf(!!reason)(skipTitle('anycast VIP from two Wren daemons, health-checked, seen by GoBGP', reason), () => {
  const lab = new Lab('wren-anycast');
  let router: Gobgp;
  let dir = '';
  const hosts: Host[] = [];

  const vipPaths = async () => (await router.routes('ipv4')).filter((r) => r.prefix === VIP);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wren-anycast-'));
    const ns = await lab.netns('router');
    const links = [await lab.rootLink(ns), await lab.rootLink(ns)];
    router = await lab.gobgp({
      name: 'tor',
      netns: ns,
      config: {
        asn: 65000,
        routerId: links[0]!.nsAddress,
        port: 179,
        listenAddresses: links.map((l) => l.nsAddress),
        multipath: true,
        neighbors: links.map((l) => ({ address: l.rootAddress, asn: 65010 })),
      },
    });
    for (const [i, link] of links.entries()) {
      const flag = join(dir, `healthy-${i}`);
      const socket = join(dir, `wren-${i}.sock`);
      const config = join(dir, `wren-${i}.yaml`);
      await writeFile(flag, '');
      await writeFile(
        config,
        `localAsn: 65010
routerId: ${link.rootAddress}
listen: false
peers:
  - address: ${link.nsAddress}
    remoteAsn: 65000
    localAddress: ${link.rootAddress}
announcements:
  - prefix: ${VIP}
    communities: ["65010:53"]
    healthCheck:
      command: [test, -f, ${flag}]
      interval: 200ms
      rise: 2
      fall: 2
fib:
  backend: none
api:
  socket: ${socket}
`,
      );
      const host: Host = { address: link.rootAddress, flag, socket, process: spawn(process.execPath, [bin, 'run', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] }), log: '' };
      host.process.stdout!.on('data', (d: Buffer) => (host.log += d.toString()));
      host.process.stderr!.on('data', (d: Buffer) => (host.log += d.toString()));
      lab.defer(`wren ${i}`, async () => {
        if (host.process.exitCode === null) host.process.kill('SIGKILL');
      });
      hosts.push(host);
    }
  }, 90_000);

  afterAll(async () => {
    await lab.cleanup();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it(
    'the router holds one path per healthy host, loses one when its check fails, and gets it back',
    lab.guard(async () => {
      for (const h of hosts) await router.waitForSession(h.address, { timeoutMs: 60_000 });
      await until('both paths at the router', async () => (await vipPaths()).length === 2, 30_000);
      const paths = await vipPaths();
      expect(paths.map((p) => p.nextHop).sort()).toEqual(hosts.map((h) => h.address).sort());
      for (const p of paths) {
        expect(p.asPath).toEqual([65010]);
        expect(p.communities).toContain('65010:53');
      }

      // Host 0's service fails: after `fall` probes its path goes; host 1's stays.
      await rm(hosts[0]!.flag);
      await until('one path left', async () => (await vipPaths()).length === 1, 15_000);
      expect((await vipPaths())[0]!.nextHop).toBe(hosts[1]!.address);
      const status = (await controlRequest(hosts[0]!.socket, 'status')) as { announcements: { prefix: string; announced: boolean; reason?: string }[] };
      expect(status.announcements[0]).toMatchObject({ prefix: VIP, announced: false });
      expect(status.announcements[0]!.reason).toMatch(/^health check down/);

      // It recovers: after `rise` probes the path is back.
      await writeFile(hosts[0]!.flag, '');
      await until('two paths again', async () => (await vipPaths()).length === 2, 15_000);
    }),
    120_000,
  );

  it(
    'a daemon stopped with SIGTERM withdraws its path at once',
    lab.guard(async () => {
      const h = hosts[1]!;
      h.process.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => (h.process.exitCode !== null ? r(h.process.exitCode) : h.process.once('exit', (c) => r(c))));
      expect(code).toBe(0);
      await until('only host 0 left', async () => {
        const p = await vipPaths();
        return p.length === 1 && p[0]!.nextHop === hosts[0]!.address;
      }, 10_000);
    }),
    60_000,
  );
});
