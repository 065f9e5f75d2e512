// Operator resets of a peer: hard (Cease / Administrative Reset, then the session comes back)
// and soft (ROUTE-REFRESH: the peer sends its routes again, the session stays up).
import { afterEach, describe, expect, it } from 'vitest';
import { Speaker } from '../../../src/api/speaker.js';
import type { PeerDownInfo } from '../../../src/session/peer.js';
import { until } from '../../helpers/until.js';

const speakers: Speaker[] = [];
afterEach(async () => {
  await Promise.all(speakers.splice(0).map((s) => s.stop()));
});

async function pair(): Promise<[Speaker, Speaker]> {
  const a = new Speaker({ localAsn: 65001, routerId: '127.0.0.101', listen: { address: '127.0.0.101', port: 0 }, idleHoldTime: 1, connectRetryTime: 1 });
  const b = new Speaker({ localAsn: 65002, routerId: '127.0.0.102', listen: { address: '127.0.0.102', port: 0 }, idleHoldTime: 1, connectRetryTime: 1 });
  speakers.push(a, b);
  await a.start();
  await b.start();
  b.addPeer({ address: '127.0.0.101', remoteAsn: 65001, passive: true });
  a.addPeer({ address: '127.0.0.102', remoteAsn: 65002, port: b.listenAddress!.port, localAddress: '127.0.0.101' });
  await until('established', () => a.peerStates()[0]?.state === 'Established' && b.peerStates()[0]?.state === 'Established');
  return [a, b];
}

describe('Speaker.resetPeer', () => {
  it('hard: the peer gets Cease / Administrative Reset with the communication, and the session comes back', async () => {
    const [a, b] = await pair();
    b.announce({ prefix: '192.0.2.0/24' });
    await until('route at a', () => a.route('192.0.2.0/24') !== null);
    const downs: PeerDownInfo[] = [];
    b.on('peerDown', (_p, info) => downs.push(info));
    expect(a.resetPeer('127.0.0.102', { communication: 'maintenance' })).toBe('hard');
    await until('b saw the reset', () => downs.length > 0);
    const note = downs[0]!.notification!;
    expect(note.direction).toBe('received');
    expect(note.message).toMatchObject({ code: 6, subcode: 4 });
    expect(a.peerStates()[0]!.stats.notificationsSent['6/4']).toBe(1);
    await until('established again', () => a.peerStates()[0]?.state === 'Established', 10_000);
    await until('route learnt again', () => a.route('192.0.2.0/24') !== null);
  });

  it('soft: ROUTE-REFRESH brings the routes again without resetting the session', async () => {
    const [a, b] = await pair();
    b.announce({ prefix: '198.51.100.0/24' });
    await until('route at a', () => a.route('198.51.100.0/24') !== null);
    let downs = 0;
    a.on('peerDown', () => downs++);
    const before = a.peerStates()[0]!.stats.updatesReceived;
    expect(a.resetPeer('127.0.0.102', { soft: true })).toBe('soft');
    // b answers the refresh with its Adj-RIB-Out: the route's UPDATE again.
    await until('b got the refresh', () => b.peerStates()[0]!.stats.routeRefreshReceived === 1);
    await until('the routes came again', () => a.peerStates()[0]!.stats.updatesReceived > before);
    expect(a.peerStates()[0]!.stats.routeRefreshSent).toBe(1);
    expect(downs).toBe(0);
    expect(a.peerStates()[0]!.state).toBe('Established');
    expect(a.route('198.51.100.0/24')).not.toBeNull();
  });

  it('refuses an unknown peer', () => {
    const s = new Speaker({ localAsn: 65001, routerId: '127.0.0.103', listen: false });
    expect(() => s.resetPeer('192.0.2.1')).toThrow(/no peer/);
  });
});

describe('Speaker.setPeerPolicy', () => {
  it('export: withdraws what the new policy refuses and keeps the session', async () => {
    const [a, b] = await pair();
    a.announce({ prefix: '10.244.1.0/26' });
    a.announce({ prefix: '10.96.0.10/32' });
    await until('both at b', () => b.route('10.244.1.0/26') !== null && b.route('10.96.0.10/32') !== null);
    let downs = 0;
    a.on('peerDown', () => downs++);
    const r = a.setPeerPolicy('127.0.0.102', { export: [{ match: { prefixList: ['10.244.0.0/16 le 32'] }, then: 'accept' }] });
    expect(r.export).toBe('resent');
    await until('VIP withdrawn at b', () => b.route('10.96.0.10/32') === null);
    expect(b.route('10.244.1.0/26')).not.toBeNull();
    // Back to accept-all: the VIP comes back.
    a.setPeerPolicy('127.0.0.102', { export: null });
    await until('VIP back at b', () => b.route('10.96.0.10/32') !== null);
    expect(downs).toBe(0);
  });

  it('import: asks the peer for its routes again and filters them with the new policy', async () => {
    const [a, b] = await pair();
    b.announce({ prefix: '192.0.2.0/24' });
    b.announce({ prefix: '198.51.100.0/24' });
    await until('both at a', () => a.routes().length === 2);
    const r = a.setPeerPolicy('127.0.0.102', { import: [{ match: { prefixList: ['192.0.2.0/24'] }, then: 'accept' }] });
    expect(r.import).toBe('refresh');
    await until('only the accepted one left', () => a.routes().length === 1);
    expect(a.route('192.0.2.0/24')).not.toBeNull();
    expect(a.peerStates()[0]!.state).toBe('Established');
  });
});

describe('announcement prefixes', () => {
  it('are kept in one spelling, so announce and withdraw meet; host bits are refused', () => {
    const s = new Speaker({ localAsn: 65001, routerId: '127.0.0.104', listen: false });
    s.announce({ prefix: '2001:DB8:0::/48' });
    expect(s.announcements.map((a) => a.prefix)).toEqual(['2001:db8::/48']);
    s.withdraw('2001:db8:0:0::/48');
    expect(s.announcements).toEqual([]);
    expect(() => s.announce({ prefix: '10.0.0.1/24' })).toThrow(/host bits set \(the prefix is 10.0.0.0\/24\)/);
  });
});
