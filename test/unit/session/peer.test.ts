// Two PeerSessions over real loopback TCP: the FSM driven by sockets and (manual) timers.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import pino from 'pino';
import { PeerSession, type PeerHooks } from '../../../src/session/peer.js';
import { ManualClock, systemClock, type Clock } from '../../../src/session/clock.js';
import { familyKey, prefixList, type UpdateMessage } from '../../../src/wire/index.js';
import type { State } from '../../../src/fsm/index.js';

const logger = pino({ level: 'silent' });
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Recorder extends PeerHooks {
  states: State[];
  updates: UpdateMessage[];
  downs: string[];
}

function recorder(): Recorder {
  const r: Recorder = {
    states: [],
    updates: [],
    downs: [],
    onStateChange: (_p, _f, to) => r.states.push(to),
    onEstablished: () => undefined,
    onUpdate: (_p, u) => r.updates.push(u),
    onDown: (_p, info) => r.downs.push(`${info.reason}${info.notification ? ` ${info.notification.direction} ${info.notification.message.code}/${info.notification.message.subcode}` : ''}`),
  };
  return r;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A listener that hands every connection to `peer` (what the speaker's listener will do). */
async function listenFor(getPeer: () => PeerSession): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => getPeer().acceptSocket(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(() => r())));
  return { server, port: (server.address() as { port: number }).port };
}

function pair(clock: Clock, opts: { holdTime?: number; bAsn?: number; clockB?: Clock } = {}) {
  const ra = recorder();
  const rb = recorder();
  let b!: PeerSession;
  const holdTime = opts.holdTime ?? 90;
  return listenFor(() => b).then(({ port }) => {
    const a = new PeerSession({
      transport: { address: '127.0.0.1', port },
      expectations: { localAsn: 65001, peerAsn: 65002, localRouterId: '10.0.0.1', families: [familyKey(1, 1)], holdTime },
      clock,
      logger,
      hooks: ra,
    });
    b = new PeerSession({
      transport: { address: '127.0.0.1', passive: true },
      expectations: { localAsn: opts.bAsn ?? 65002, peerAsn: 65001, localRouterId: '10.0.0.2', families: [familyKey(1, 1)], holdTime },
      clock: opts.clockB ?? clock,
      logger,
      hooks: rb,
    });
    cleanups.push(() => {
      a.destroy();
      b.destroy();
    });
    return { a, b, ra, rb };
  });
}

describe('PeerSession', () => {
  it('reaches Established both ways and carries an UPDATE', async () => {
    const { a, b, rb } = await pair(systemClock);
    b.start();
    a.start();
    await until(() => a.state === 'Established' && b.state === 'Established');
    expect(a.negotiated).toMatchObject({ peerAsn: 65002, holdTime: 90, keepaliveTime: 30, ibgp: false });
    a.send({
      type: 'update',
      withdrawn: prefixList(1, []),
      attributes: [
        { type: 'origin', flags: 0x40, origin: 0 },
        { type: 'as-path', flags: 0x40, segments: [{ type: 2, asns: [65001] }] },
        { type: 'next-hop', flags: 0x40, nextHop: '10.0.0.1' },
      ],
      nlri: prefixList(1, ['10.244.1.0/26']),
    });
    await until(() => rb.updates.length > 0);
    expect(rb.updates[0]!.nlri.count).toBe(1);
    expect(rb.states).toEqual(['Active', 'OpenSent', 'OpenConfirm', 'Established']);
  });

  it('stops with Cease / Administrative Shutdown and the communication reaches the peer', async () => {
    const { a, b, rb } = await pair(systemClock);
    b.start();
    a.start();
    await until(() => b.state === 'Established');
    a.stop('maintenance');
    await until(() => rb.downs.length > 0);
    expect(rb.downs[0]).toBe('NotifMsg received 6/2');
    expect(b.info).toContain('"maintenance"');
  });

  it('hold timer expiry sends Hold Timer Expired when the peer goes silent', async () => {
    // Each side has its own manual clock; only a's moves, so b never sends a KEEPALIVE.
    const clockA = new ManualClock();
    const clockB = new ManualClock();
    const { a, b, ra, rb } = await pair(clockA, { holdTime: 9, clockB });
    b.start();
    a.start();
    await until(() => a.state === 'Established' && b.state === 'Established');
    clockA.advance(8_000);
    expect(a.state).toBe('Established');
    clockA.advance(1_001);
    expect(ra.downs).toEqual(['HoldTimer_Expires sent 4/0']);
    await until(() => rb.downs.length > 0);
    expect(rb.downs[0]).toBe('NotifMsg received 4/0');
  });

  it('refuses a peer in the wrong AS with Bad Peer AS', async () => {
    const { a, b, ra } = await pair(systemClock, { bAsn: 65003 });
    b.start();
    a.start();
    await until(() => ra.downs.length > 0);
    expect(ra.downs[0]).toContain('sent 2/2');
    expect(a.state).toBe('Idle');
  });
});
