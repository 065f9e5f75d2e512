// The control API: JSON lines over a Unix socket, answered in order, with stable error codes.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, ControlServer, controlRequest, ControlRequestError } from '../../../src/api/control.js';

let dir = '';
let server: ControlServer | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wren-control-'));
});
afterEach(async () => {
  await server?.close();
  server = null;
  await rm(dir, { recursive: true, force: true });
});

const handlers = {
  echo: (p: Record<string, unknown>) => p,
  slow: async (p: Record<string, unknown>) => {
    await new Promise((r) => setTimeout(r, 30));
    return p.n;
  },
  missing: () => {
    throw new ControlError('not-found', 'no such prefix');
  },
  broken: () => {
    throw new Error('boom');
  },
};

async function start(mode?: number): Promise<string> {
  const path = join(dir, 'sub', 'wren.sock');
  server = new ControlServer(handlers, { path, ...(mode ? { mode } : {}) });
  await server.listen();
  return path;
}

/** Raw lines in, raw lines out, on one connection. */
function raw(path: string, text: string, replies: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let buf = '';
    c.setEncoding('utf8');
    c.on('connect', () => c.write(text));
    c.on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n').filter(Boolean);
      if (lines.length >= replies) {
        c.destroy();
        resolve(lines);
      }
    });
    c.on('error', reject);
  });
}

describe('control API', () => {
  it('answers a request with its result, and sets the socket mode', async () => {
    const path = await start(0o600);
    expect(await controlRequest(path, 'echo', { a: 1 })).toEqual({ a: 1 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('answers pipelined requests in order, even when an earlier one is slower', async () => {
    const path = await start();
    const lines = await raw(path, '{"id":1,"method":"slow","params":{"n":1}}\n{"id":2,"method":"echo","params":{"n":2}}\n', 2);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { id: 1, result: 1 },
      { id: 2, result: { n: 2 } },
    ]);
  });

  it('gives stable error codes', async () => {
    const path = await start();
    const lines = await raw(path, 'not json\n[1]\n{"id":3}\n{"id":4,"method":"nope"}\n{"id":5,"method":"echo","params":[]}\n{"id":6,"method":"missing"}\n{"id":7,"method":"broken"}\n', 7);
    const replies = lines.map((l) => JSON.parse(l) as { id: unknown; error: { code: string; message: string } });
    expect(replies.map((r) => [r.id, r.error.code])).toEqual([
      [null, 'bad-request'],
      [null, 'bad-request'],
      [3, 'bad-request'],
      [4, 'unknown-method'],
      [5, 'invalid-params'],
      [6, 'not-found'],
      [7, 'failed'],
    ]);
    expect(replies[3]!.error.message).toContain('known: broken, echo, missing, slow');
    await expect(controlRequest(path, 'missing')).rejects.toMatchObject({ code: 'not-found', message: 'no such prefix' });
  });

  it('does not answer methods inherited from Object.prototype', async () => {
    const path = await start();
    await expect(controlRequest(path, 'toString')).rejects.toMatchObject({ code: 'unknown-method' });
  });

  it('replaces a stale socket file, and refuses to start beside a live daemon', async () => {
    const path = await start();
    await expect(new ControlServer(handlers, { path }).listen()).rejects.toThrow(/another daemon is listening/);
    await server!.close();
    // A socket file whose daemon died: a process that listened and was killed.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
    await new Promise((r) => child.stdout.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await stat(path)).isSocket()).toBe(true);
    server = new ControlServer(handlers, { path });
    await server.listen();
    expect(await controlRequest(path, 'echo', { ok: true })).toEqual({ ok: true });
  });

  it('refuses to remove a file that is not a socket', async () => {
    const path = join(dir, 'file');
    await writeFile(path, 'x');
    await expect(new ControlServer(handlers, { path }).listen()).rejects.toThrow(/is not a socket/);
  });

  it('tells the client when no daemon listens', async () => {
    const err = await controlRequest(join(dir, 'none.sock'), 'status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlRequestError);
    expect((err as ControlRequestError).message).toMatch(/no Wren daemon is listening on .*none\.sock/);
  });
});
