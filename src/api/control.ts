// The control API of a running daemon (docs/api.md): newline-delimited JSON over a Unix socket.
// The socket's file permissions decide who may use it (like BIRD's birdc socket and FRR's vtysh
// sockets); the CLI is only a client of it (GoBGP's habit), so everything the CLI shows a script
// can have too.
//
//   request:  {"id": 1, "method": "status", "params": {...}}\n
//   reply:    {"id": 1, "result": ...}\n   or   {"id": 1, "error": {"code": "...", "message": "..."}}\n
//
// Requests on one connection are answered in order. A line over 1 MiB, or one that is not a JSON
// object, gets an error and the connection is closed.

import { chmod, mkdir, stat, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import pino from 'pino';

export type ControlErrorCode = 'bad-request' | 'unknown-method' | 'invalid-params' | 'not-found' | 'failed' | 'unavailable';

/** An error a handler throws to answer with a stable code (anything else answers 'failed'). */
export class ControlError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export type ControlHandler = (params: Record<string, unknown>) => unknown;
export type ControlHandlers = Readonly<Record<string, ControlHandler>>;

export interface ControlServerOptions {
  /** Socket path (/run/wren/wren.sock). */
  readonly path: string;
  /** File mode of the socket (0o660: the owner and its group). */
  readonly mode?: number;
  readonly logger?: Logger;
}

const MAX_LINE = 1 << 20;

export class ControlServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly log: Logger;

  constructor(
    private readonly handlers: ControlHandlers,
    private readonly options: ControlServerOptions,
  ) {
    this.log = options.logger ?? pino({ level: 'silent' });
  }

  get path(): string {
    return this.options.path;
  }

  async listen(): Promise<void> {
    const path = this.options.path;
    await mkdir(dirname(path), { recursive: true });
    await removeStaleSocket(path);
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error({ err }, 'control socket error'));
    this.server = server;
    await chmod(path, this.options.mode ?? 0o660);
    this.log.info({ path }, 'control API listening');
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await unlink(this.options.path).catch(() => undefined);
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    let buffer = '';
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim() === '') continue;
        chain = chain.then(() => this.answer(socket, line));
      }
      if (buffer.length > MAX_LINE) {
        buffer = '';
        chain = chain.then(() => {
          write(socket, { id: null, error: { code: 'bad-request', message: 'request line longer than 1 MiB' } });
          socket.end();
        });
      }
    });
  }

  private async answer(socket: Socket, line: string): Promise<void> {
    let id: unknown = null;
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch {
      write(socket, { id, error: { code: 'bad-request', message: 'a request is one JSON object per line' } });
      return;
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      write(socket, { id, error: { code: 'bad-request', message: 'a request is one JSON object per line' } });
      return;
    }
    const r = request as { id?: unknown; method?: unknown; params?: unknown };
    id = r.id ?? null;
    if (typeof r.method !== 'string') {
      write(socket, { id, error: { code: 'bad-request', message: 'the request has no "method"' } });
      return;
    }
    const handler = Object.hasOwn(this.handlers, r.method) ? this.handlers[r.method] : undefined;
    if (!handler) {
      write(socket, { id, error: { code: 'unknown-method', message: `unknown method "${r.method}"; known: ${Object.keys(this.handlers).sort().join(', ')}` } });
      return;
    }
    const params = r.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      write(socket, { id, error: { code: 'invalid-params', message: '"params" must be an object' } });
      return;
    }
    try {
      const result = await handler(params as Record<string, unknown>);
      write(socket, { id, result: result ?? null });
    } catch (err) {
      if (err instanceof ControlError) {
        write(socket, { id, error: { code: err.code, message: err.message } });
      } else {
        this.log.error({ err, method: r.method }, 'control request failed');
        write(socket, { id, error: { code: 'failed', message: err instanceof Error ? err.message : String(err) } });
      }
    }
  }
}

function write(socket: Socket, reply: unknown): void {
  if (!socket.destroyed) socket.write(JSON.stringify(reply) + '\n');
}

/** A socket file left by a daemon that died: removed. One a live daemon answers on: an error. */
async function removeStaleSocket(path: string): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (!st) return;
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (live) throw new Error(`another daemon is listening on ${path}`);
  await unlink(path);
}

/** A failed request, as the client sees it. */
export class ControlRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlRequestError';
  }
}

/** One request to a running daemon; rejects with ControlRequestError or a connection error. */
export function controlRequest(path: string, method: string, params: Record<string, unknown> = {}, options: { timeoutMs?: number } = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.setEncoding('utf8');
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ControlRequestError('timeout', `no answer from ${path} within ${options.timeoutMs ?? 30_000} ms`));
    }, options.timeoutMs ?? 30_000);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    socket.once('connect', () => socket.write(JSON.stringify({ id: 1, method, params }) + '\n'));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      let reply: { result?: unknown; error?: { code: string; message: string } };
      try {
        reply = JSON.parse(buffer.slice(0, nl)) as typeof reply;
      } catch {
        done(() => reject(new ControlRequestError('bad-reply', 'the daemon answered with something that is not JSON')));
        return;
      }
      if (reply.error) done(() => reject(new ControlRequestError(reply.error!.code, reply.error!.message)));
      else done(() => resolve(reply.result));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const hint =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? `no Wren daemon is listening on ${path} (is \`wren run\` running? --socket names another path)`
          : err.code === 'EACCES'
            ? `no permission to use ${path} (run as the daemon's user or a member of its group)`
            : err.message;
      done(() => reject(new ControlRequestError(err.code ?? 'connect', hint)));
    });
    socket.once('close', () => done(() => reject(new ControlRequestError('closed', `${path} closed the connection without answering`))));
  });
}
