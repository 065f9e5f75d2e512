// eBGP multihop TTL and TCP-MD5 (RFC 2385) through the native shim (src/session/sockopt.ts), on
// real sockets between two Speakers over loopback. TCP_MD5SIG and IP_TTL need no privilege, and
// the kernel checks signatures on loopback as on any interface, so no namespace is needed.

import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Speaker } from '../../../src/api/speaker.js';
import { getTtl, preparedSocket, setMd5, setMinTtl, sockoptUnavailable } from '../../../src/session/sockopt.js';
import { skipTitle, until } from '../../helpers/until.js';
import { link, useSpeakers } from '../../helpers/speakers.js';

const unavailable = process.platform !== 'linux' ? 'not Linux' : sockoptUnavailable();
const run = unavailable ? it.skip : it;

const { speaker } = useSpeakers();

const established = (s: Speaker) => () => s.peerStates().some((p) => p.state === 'Established');

/** The live socket of a speaker's only session (test-only reach into the internals). */
function sessionSocket(s: Speaker): Socket {
  const peers = (s as unknown as { peers: Map<string, { session: { connection: { socket: Socket } | null } }> }).peers;
  const conn = [...peers.values()][0]?.session.connection;
  if (!conn) throw new Error('no connection');
  return conn.socket;
}

describe('TCP options for BGP sessions', () => {
  run(skipTitle('multihop sets the TTL of both ends of the session', unavailable), async () => {
    const a = await speaker('127.0.0.61', 65061);
    const b = await speaker('127.0.0.62', 65062);
    link(a, b, { multihop: 5 }, { multihop: 7 });
    await until('session', () => established(a)() && established(b)());
    expect(getTtl(sessionSocket(a), '127.0.0.62')).toBe(5); // outgoing: set before connect
    expect(getTtl(sessionSocket(b), '127.0.0.61')).toBe(7); // incoming: set when accepted
  });

  run(skipTitle('without multihop the TTL stays the system default', unavailable), async () => {
    const a = await speaker('127.0.0.63', 65063);
    const b = await speaker('127.0.0.64', 65064);
    link(a, b);
    await until('session', established(b));
    expect(getTtl(sessionSocket(a), '127.0.0.64')).toBeGreaterThan(1);
  });

  it('refuses a multihop out of 1-255', async () => {
    const a = await speaker('127.0.0.65', 65065);
    expect(() => a.addPeer({ address: '127.0.0.66', remoteAsn: 1, multihop: 0 })).toThrow(/1 to 255/);
    expect(() => a.addPeer({ address: '127.0.0.66', remoteAsn: 1, multihop: 256 })).toThrow(/1 to 255/);
  });

  run(skipTitle('TCP-MD5: the same password on both sides establishes', unavailable), async () => {
    const a = await speaker('127.0.0.71', 65071);
    const b = await speaker('127.0.0.72', 65072);
    link(a, b, { password: 's3cret' }, { password: 's3cret' });
    await until('session', () => established(a)() && established(b)(), 15_000);
    a.announce({ prefix: '10.71.0.0/24' });
    await until('route at b', () => b.route('10.71.0.0/24') !== null);
  });

  run(skipTitle('TCP-MD5: the same password, the other side connecting (key on the listener, inherited)', unavailable), async () => {
    const a = await speaker('127.0.0.73', 65073);
    const b = await speaker('127.0.0.74', 65074);
    // b connects; a's listener holds the key.
    link(b, a, { password: 'other-way' }, { password: 'other-way' });
    await until('session', () => established(a)() && established(b)(), 15_000);
  });

  run(skipTitle('TCP-MD5: a wrong or a missing password does not establish', unavailable), async () => {
    const a = await speaker('127.0.0.75', 65075);
    const b = await speaker('127.0.0.76', 65076);
    const c = await speaker('127.0.0.77', 65077);
    const d = await speaker('127.0.0.78', 65078);
    link(a, b, { password: 's3cret' }, { password: 'wrong' });
    link(c, d, { password: 's3cret' }); // d expects no signature
    await new Promise((r) => setTimeout(r, 4000));
    for (const s of [a, b, c, d]) expect(s.peerStates()[0]!.state).not.toBe('Established');
    expect(b.peerStates()[0]!.state).not.toBe('OpenConfirm');
  }, 10_000);

  run(skipTitle('TCP-MD5: a key removed from a listener no longer lets the peer in; GTSM option is accepted', unavailable), async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen({ host: '::', port: 0, ipv6Only: false }, r));
    try {
      setMd5(server, '127.0.0.79', 'k');
      setMd5(server, '127.0.0.79', '');
      setMd5(server, '127.0.0.79', ''); // removing twice is fine
      setMd5(server, '2001:db8::1', 'k6');
      setMinTtl(server, '127.0.0.79', 254);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const s = preparedSocket({ peer: '::1', ttl: 9, md5Key: 'x' });
    s.destroy();
    expect(() => setMd5(s, '127.0.0.1', 'x')).toThrow(/file descriptor/);
  });
});
