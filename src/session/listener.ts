// The passive side: one TCP listener (port 179 by default) whose connections are handed to the
// speaker, which matches them to a configured peer or a dynamic-neighbor range, or refuses them.

import { createServer, type Server, type Socket } from 'node:net';
import { normaliseAddress } from './connection.js';

export interface ListenOptions {
  /** Address to bind; '::' (all, dual-stack) by default. */
  readonly address?: string;
  /** 179 by default; tests use unprivileged ports. 0 picks a free port. */
  readonly port?: number;
}

/** Decides what to do with an incoming connection: adopt it (return true) or refuse it. */
export type AcceptHandler = (socket: Socket, remoteAddress: string) => boolean;

export class BgpListener {
  private server: Server | null = null;

  constructor(private readonly accept: AcceptHandler) {}

  async listen(options: ListenOptions = {}): Promise<{ address: string; port: number }> {
    const server = createServer({ noDelay: true }, (socket) => {
      const remote = normaliseAddress(socket.remoteAddress ?? '');
      // RFC 4271 s8.2.1.1: connections from addresses that are not peers are refused.
      if (!this.accept(socket, remote)) socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.address ?? '::', port: options.port ?? 179, ipv6Only: false }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address();
    if (a === null || typeof a === 'string') throw new Error('listener has no address');
    return { address: normaliseAddress(a.address), port: a.port };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
