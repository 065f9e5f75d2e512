// The passive side: one TCP listener (port 179 by default) whose connections are handed to the
// speaker, which matches them to a configured peer or a dynamic-neighbor range, or refuses them.

import { createServer, type Server, type Socket } from 'node:net';
import { normaliseAddress } from './connection.js';
import { setMd5 } from './sockopt.js';

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
  /** TCP-MD5 keys per peer address (RFC 2385), set on the listening socket. */
  private readonly md5Keys = new Map<string, string>();

  constructor(private readonly accept: AcceptHandler) {}

  /**
   * The TCP-MD5 key for connections from `peer` ('' or undefined removes it). Kept, and applied
   * to the listening socket now or as soon as it listens: the kernel checks SYNs against it, and
   * accepted connections inherit it. Throws when the key cannot be set (no native shim).
   */
  setPeerKey(peer: string, key: string | undefined): void {
    const had = this.md5Keys.has(peer);
    if (key) this.md5Keys.set(peer, key);
    else this.md5Keys.delete(peer);
    if (this.server?.listening && (key || had)) setMd5(this.server, peer, key ?? '');
  }

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
        try {
          for (const [peer, key] of this.md5Keys) setMd5(server, peer, key);
        } catch (err) {
          server.close();
          reject(err as Error);
          return;
        }
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
