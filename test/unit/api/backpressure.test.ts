// A peer that stops reading must not make Wren buffer without bound, nor delay other peers.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { Speaker } from '../../../src/api/speaker.js';
import { decodeMessage, encodeMessage, MessageFramer, makeContext, type BgpMessage } from '../../../src/wire/index.js';
import { until } from '../../helpers/until.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


/** A raw BGP peer: completes the handshake, then reads (or, paused, reads nothing). */
async function rawPeer(host: string, port: number, localAddress: string, asn: number): Promise<{ socket: Socket; received: () => number }> {
  const ctx = makeContext();
  const socket = connect({ host, port, localAddress });
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  const framer = new MessageFramer();
  let messages = 0;
  socket.on('data', (c: Buffer) => {
    framer.push(c);
    for (let m = framer.next(); m; m = framer.next()) {
      messages++;
      const msg: BgpMessage = decodeMessage(m, ctx).message;
      if (msg.type === 'open') socket.write(encodeMessage({ type: 'keepalive' }, ctx));
    }
  });
  socket.write(
    encodeMessage(
      {
        type: 'open',
        version: 4,
        myAsn: asn,
        holdTime: 0,
        bgpId: localAddress,
        extendedParams: false,
        params: [{ type: 2, capabilities: [{ type: 'multiprotocol', afi: 1, safi: 1, reserved: 0 }, { type: 'four-octet-as', asn }] }],
      },
      ctx,
    ),
  );
  cleanups.push(() => socket.destroy());
  return { socket, received: () => messages };
}

describe('back-pressure', () => {
  it('a peer that stops reading holds only a bounded send buffer, and the other peer gets everything', async () => {
    const wren = new Speaker({ localAsn: 64512, routerId: '127.0.2.1', listen: { address: '127.0.2.1', port: 0 }, gracefulRestart: false });
    await wren.start();
    cleanups.push(() => wren.stop());
    const port = wren.listenAddress!.port;
    wren.addPeer({ address: '127.0.2.2', remoteAsn: 65002, passive: true, holdTime: 0 });
    wren.addPeer({ address: '127.0.2.3', remoteAsn: 65003, passive: true, holdTime: 0 });
    const slow = await rawPeer('127.0.2.1', port, '127.0.2.2', 65002);
    const fast = await rawPeer('127.0.2.1', port, '127.0.2.3', 65003);
    await until('both sessions', () => wren.peerStates().every((p) => p.state === 'Established'));
    slow.socket.pause(); // reads nothing from now on
    // 200,000 routes with distinct attributes: as many UPDATEs, some 11 MB on the wire per peer,
    // more than the kernel buffers of a loopback connection hold.
    const sent = 200_000;
    for (let i = 0; i < sent; i++) wren.announce({ prefix: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`, med: i });
    // The reading peer gets every UPDATE (+ OPEN, KEEPALIVE, End-of-RIB).
    await until('the fast peer to receive everything', () => fast.received() >= sent + 3, 60_000);
    const slowState = wren.peerStates().find((p) => p.address === '127.0.2.2')!;
    expect(slowState.state).toBe('Established');
    // What is queued for the slow peer is bounded by the high-water mark plus one batch, far
    // below the ~11 MB the whole table needs.
    const internals = (wren as unknown as { peers: Map<string, { session: { queuedBytes: number }; sender: { queue: unknown[]; head: number } }> }).peers.get('127.0.2.2')!;
    expect(internals.session.queuedBytes).toBeLessThan(2 * 1024 * 1024);
    // ...because the sender stopped: routes are still waiting, unencoded, for the peer to read.
    expect(internals.sender.queue.length - internals.sender.head).toBeGreaterThan(0);
    expect(slow.received()).toBeLessThan(sent);
    // Once it reads again, it gets the rest.
    slow.socket.resume();
    await until('the slow peer to catch up', () => slow.received() >= sent + 3, 60_000);
  }, 120_000);
});
