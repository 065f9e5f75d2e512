// Real probes against real servers and processes on this machine (loopback only, all short).
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthChecker, runProbe } from '../../../src/health/index.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function listen<S extends Server | HttpServer>(server: S): Promise<{ server: S; port: number; close: () => Promise<void> }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const close = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      if ('closeAllConnections' in server) server.closeAllConnections();
      server.close(() => resolve());
    });
  closers.push(close);
  return { server, port: (server.address() as AddressInfo).port, close };
}

/** Gone, or a zombie waiting to be reaped: either way it runs no more. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('tcp probe', () => {
  it('is up while something accepts, down once it is closed', async () => {
    const { port, close } = await listen(createServer((s) => s.destroy()));
    const up = await runProbe({ kind: 'tcp', host: '127.0.0.1', port }, { timeoutMs: 1000 });
    expect(up).toMatchObject({ ok: true, reason: `connected to 127.0.0.1:${port}` });
    await close();
    const down = await runProbe({ kind: 'tcp', host: '127.0.0.1', port }, { timeoutMs: 1000 });
    expect(down).toMatchObject({ ok: false, reason: `connect 127.0.0.1:${port}: ECONNREFUSED` });
    expect(down.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('drives a checker on real time: up, then down when the service goes', async () => {
    const { port, close } = await listen(createServer((s) => s.destroy()));
    const checker = new HealthChecker({ probe: { kind: 'tcp', host: '127.0.0.1', port }, intervalMs: 20, rise: 1, fall: 1 });
    const changes: string[] = [];
    checker.on('change', (state) => changes.push(state));
    checker.start();
    await once(checker, 'change');
    await close();
    await once(checker, 'change');
    checker.stop();
    expect(changes).toEqual(['up', 'down']);
    expect(checker.reason).toMatch(/ECONNREFUSED \(1 failure in a row\)$/);
  });
});

describe('probes never reject', () => {
  it('a probe that cannot start is a failure with a reason', async () => {
    const r = await runProbe({ kind: 'tcp', host: '127.0.0.1', port: 70000 }, { timeoutMs: 100 });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^cannot start probe: .*70000/) });
    expect(await runProbe({ kind: 'http', url: 'not a url' }, { timeoutMs: 100 })).toMatchObject({ ok: false, reason: 'not a URL: not a url' });
  });

  it('an already aborted signal fails at once', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await runProbe({ kind: 'command', command: 'true' }, { timeoutMs: 100, signal: ac.signal })).toMatchObject({ ok: false, reason: 'aborted' });
  });
});

describe('http probe', () => {
  it('is up on 200, down on 503, and never follows a redirect', async () => {
    const answers = [200, 503, 302];
    const { port } = await listen(
      createHttpServer((_req, res) => {
        const status = answers.shift() ?? 500;
        res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/elsewhere' } : {});
        res.end('body');
      }),
    );
    const url = `http://127.0.0.1:${port}/health`;
    expect(await runProbe({ kind: 'http', url }, { timeoutMs: 1000 })).toMatchObject({ ok: true, reason: 'HTTP 200' });
    expect(await runProbe({ kind: 'http', url }, { timeoutMs: 1000 })).toMatchObject({ ok: false, reason: 'HTTP 503 (expected 200-399)' });
    expect(await runProbe({ kind: 'http', url }, { timeoutMs: 1000 })).toMatchObject({ ok: true, reason: 'HTTP 302' });
  });

  it('checks expectStatus, and does not wait for the body', async () => {
    // Headers now, the body never: the verdict must come from the status line alone.
    const { port } = await listen(createHttpServer((_req, res) => res.writeHead(204).flushHeaders()));
    const url = `http://127.0.0.1:${port}/`;
    expect(await runProbe({ kind: 'http', url, expectStatus: [204] }, { timeoutMs: 500 })).toMatchObject({ ok: true, reason: 'HTTP 204' });
    expect(await runProbe({ kind: 'http', url, expectStatus: [200, 201] }, { timeoutMs: 500 })).toMatchObject({ ok: false, reason: 'HTTP 204 (expected 200, 201)' });
  });

  it('times out on a server that never answers', async () => {
    const { port } = await listen(createHttpServer(() => {}));
    const r = await runProbe({ kind: 'http', url: `http://127.0.0.1:${port}/` }, { timeoutMs: 50 });
    expect(r).toMatchObject({ ok: false, reason: `timed out after 50 ms waiting for http://127.0.0.1:${port}/` });
  });

  it('is down when nothing listens', async () => {
    const { port, close } = await listen(createServer());
    await close();
    expect(await runProbe({ kind: 'http', url: `http://127.0.0.1:${port}/` }, { timeoutMs: 500 })).toMatchObject({ ok: false, reason: `GET http://127.0.0.1:${port}/: ECONNREFUSED` });
  });
});

describe('command probe', () => {
  it('exit 0 is up, anything else down, with the end of stderr as the reason', async () => {
    expect(await runProbe({ kind: 'command', command: 'true' }, { timeoutMs: 1000 })).toMatchObject({ ok: true, reason: 'exit 0' });
    expect(await runProbe({ kind: 'command', command: 'false' }, { timeoutMs: 1000 })).toMatchObject({ ok: false, reason: 'exit 1' });
    const said = await runProbe({ kind: 'command', command: 'sh', args: ['-c', 'echo "first line" >&2; echo "backend   refused" >&2; exit 3'] }, { timeoutMs: 1000 });
    expect(said).toMatchObject({ ok: false, reason: 'exit 3: first line backend refused' });
  });

  it('passes arguments without a shell unless asked', async () => {
    // Without a shell, "$X; exit 4" is one literal argument to echo: exit 0.
    expect(await runProbe({ kind: 'command', command: 'echo', args: ['$X; exit 4'] }, { timeoutMs: 1000 })).toMatchObject({ ok: true });
    expect(await runProbe({ kind: 'command', command: 'echo oops >&2; exit 4', shell: true }, { timeoutMs: 1000 })).toMatchObject({ ok: false, reason: 'exit 4: oops' });
  });

  it('kills the whole process group of a command that runs past the timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wren-health-'));
    const pids = join(dir, 'pids');
    // A shell that starts a child and waits: both must be gone when the probe returns.
    const r = await runProbe({ kind: 'command', command: 'sh', args: ['-c', `sleep 10 & echo "$$ $!" > ${pids}; wait`] }, { timeoutMs: 150 });
    expect(r).toMatchObject({ ok: false, reason: 'timed out after 150 ms; process group killed' });
    expect(r.durationMs).toBeLessThan(1000);
    expect(existsSync(pids)).toBe(true);
    const [shell, child] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    expect(running(shell!)).toBe(false);
    // The orphaned grandchild is reaped by init, not by us; it is killed either way.
    for (let i = 0; i < 20 && running(child!); i++) await sleep(10);
    expect(running(child!)).toBe(false);
  });

  it('stops at once when aborted', async () => {
    const ac = new AbortController();
    const pending = runProbe({ kind: 'command', command: 'sleep', args: ['10'] }, { timeoutMs: 5000, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    expect(await pending).toMatchObject({ ok: false, reason: 'aborted; process group killed' });
  });

  it('says clearly when the command does not exist', async () => {
    expect(await runProbe({ kind: 'command', command: 'wren-no-such-command' }, { timeoutMs: 1000 })).toMatchObject({ ok: false, reason: 'command not found: wren-no-such-command' });
    // Through a shell it is the shell that reports it: exit 127 and its message.
    expect(await runProbe({ kind: 'command', command: 'wren-no-such-command', shell: true }, { timeoutMs: 1000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/^exit 127: .*wren-no-such-command.*not found/) });
  });
});
