// ADD-PATH send (RFC 7911) between Wren speakers in one process, over loopback TCP: a Wren route
// reflector passes on both paths of an anycast VIP, so a host behind it builds its ECMP set.
import { afterEach, describe, expect, it } from 'vitest';
import { Speaker, type PeerConfig, type SpeakerOptions } from '../../../src/api/speaker.js';
import type { Negotiated } from '../../../src/fsm/index.js';
import { IPV4_UNICAST } from '../../../src/wire/index.js';
import { until } from '../../helpers/until.js';

const VIP = '10.96.0.10/32';
const ASN = 64512;

const speakers: Speaker[] = [];
afterEach(async () => {
  await Promise.all(speakers.splice(0).map((s) => s.stop()));
});

async function speaker(address: string, extra: Partial<SpeakerOptions> = {}): Promise<Speaker> {
  const s = new Speaker({ localAsn: ASN, routerId: address, listen: { address, port: 0 }, idleHoldTime: 1, connectRetryTime: 1, ...extra });
  await s.start();
  speakers.push(s);
  return s;
}

/** a connects to b (b only waits); extraB configures b's side of the session. */
function link(a: Speaker, b: Speaker, extraA: Partial<PeerConfig> = {}, extraB: Partial<PeerConfig> = {}): void {
  const aAddr = a.listenAddress!.address;
  b.addPeer({ address: aAddr, remoteAsn: ASN, passive: true, ...extraB });
  a.addPeer({ address: b.listenAddress!.address, remoteAsn: ASN, port: b.listenAddress!.port, localAddress: aAddr, ...extraA });
}

const established = (s: Speaker, n: number) => () => s.peerStates().filter((p) => p.state === 'Established').length === n;
const hops = (s: Speaker, prefix = VIP) => [...(s.route(prefix)?.nextHops ?? [])].sort();

/**
 * A Wren reflector with two clients that announce the VIP (next hop themselves) and a third
 * client, the host, with ECMP up to 8 paths. `rrToHost` / `hostToRr` configure the session.
 */
async function cluster(base: string, o: { rr?: Partial<SpeakerOptions>; rrToHost?: Partial<PeerConfig>; hostToRr?: Partial<PeerConfig> }) {
  const rr = await speaker(`${base}.1`, { clusterId: '244.0.0.1', ...o.rr });
  const host = await speaker(`${base}.2`, { maxPaths: { ibgp: 8 } });
  const n1 = await speaker(`${base}.11`);
  const n2 = await speaker(`${base}.12`);
  const negotiated = new Map<string, Negotiated>();
  rr.on('established', (p, n) => negotiated.set(p.address, n));
  link(n1, rr, {}, { routeReflectorClient: true });
  link(n2, rr, {}, { routeReflectorClient: true });
  link(host, rr, o.hostToRr ?? {}, { routeReflectorClient: true, ...o.rrToHost });
  await until('the reflector sessions', established(rr, 3));
  n1.announce({ prefix: VIP, nextHop: `${base}.11` });
  n2.announce({ prefix: VIP, nextHop: `${base}.12` });
  await until('both VIP paths at the reflector', () => rr.route(VIP)?.pathCount === 2);
  return { rr, host, n1, n2, hostSession: () => negotiated.get(`${base}.2`) };
}

describe('ADD-PATH send through a Wren route reflector', () => {
  it("gives the host both VIP next hops (mode 'ecmp', the reflector's multipath set), and shrinks the set on a withdrawal", async () => {
    const { host, n2, hostSession } = await cluster('127.0.6', {
      rr: { maxPaths: { ibgp: 8 } },
      rrToHost: { addPathSend: ['ipv4-unicast'] },
      hostToRr: { addPathReceive: ['ipv4-unicast'] },
    });
    expect(hostSession()!.addPathSend).toEqual(new Set([IPV4_UNICAST]));
    await until('two next hops at the host', () => hops(host).length === 2);
    expect(hops(host)).toEqual(['127.0.6.11', '127.0.6.12']);
    // Two paths from one peer, told apart by their path ids; each reflected (RFC 4456).
    const paths = host.explain(VIP)!.candidates;
    expect(paths.map((c) => c.path.pathId).sort()).toEqual([1, 2]);
    expect(paths.every((c) => c.multipath && c.path.peerId === '127.0.6.1')).toBe(true);
    for (const c of paths) {
      expect(c.path.attributes.find((a) => a.type === 'originator-id')).toMatchObject({ originatorId: c.path.nextHop });
      expect(c.path.attributes.find((a) => a.type === 'cluster-list')).toMatchObject({ clusterIds: ['244.0.0.1'] });
    }
    n2.withdraw(VIP);
    await until('one next hop at the host', () => hops(host).length === 1);
    expect(hops(host)).toEqual(['127.0.6.11']);
    expect(host.explain(VIP)!.candidates).toHaveLength(1);
  });

  it("mode 'all' needs no multipath at the reflector", async () => {
    const { host, n1 } = await cluster('127.0.7', {
      rrToHost: { addPathSend: ['ipv4-unicast'], addPathSendMode: 'all' },
      hostToRr: { addPathReceive: ['ipv4-unicast'] },
    });
    await until('two next hops at the host', () => hops(host).length === 2);
    // The node that goes away takes its path only; the other keeps its path id.
    const kept = host.explain(VIP)!.candidates.find((c) => c.path.nextHop === '127.0.7.12')!.path.pathId;
    await n1.stop();
    await until('one next hop at the host', () => hops(host).length === 1);
    expect(hops(host)).toEqual(['127.0.7.12']);
    expect(host.explain(VIP)!.candidates.map((c) => c.path.pathId)).toEqual([kept]);
  });

  it('an export policy applies per path: a changed policy withdraws the refused path by its id', async () => {
    const { rr, host } = await cluster('127.0.11', {
      rrToHost: { addPathSend: ['ipv4-unicast'], addPathSendMode: 'all' },
      hostToRr: { addPathReceive: ['ipv4-unicast'] },
    });
    await until('two next hops at the host', () => hops(host).length === 2);
    const kept = host.explain(VIP)!.candidates.find((c) => c.path.nextHop === '127.0.11.11')!.path.pathId;
    const result = rr.setPeerPolicy('127.0.11.2', {
      export: { name: 'not-node-2', default: 'accept', terms: [{ match: { nextHop: '127.0.11.12' }, then: 'reject' }] },
    });
    expect(result.export).toBe('resent');
    await until('one next hop at the host', () => hops(host).length === 1);
    expect(hops(host)).toEqual(['127.0.11.11']);
    expect(host.explain(VIP)!.candidates.map((c) => c.path.pathId)).toEqual([kept]);
    // And back: the path returns (under the id that is free).
    rr.setPeerPolicy('127.0.11.2', { export: null });
    await until('two next hops again', () => hops(host).length === 2);
  });

  it('without ADD-PATH the host sees the best path only', async () => {
    const { host, rr } = await cluster('127.0.8', { rr: { maxPaths: { ibgp: 8 } } });
    expect(rr.route(VIP)!.nextHops).toHaveLength(2);
    await until('the VIP at the host', () => host.route(VIP) !== null);
    await new Promise((r) => setTimeout(r, 100));
    expect(hops(host)).toEqual(['127.0.8.11']);
  });

  it('sends no path ids when the host did not say it can receive them (RFC 7911 s4)', async () => {
    const { host, hostSession } = await cluster('127.0.9', {
      rr: { maxPaths: { ibgp: 8 } },
      rrToHost: { addPathSend: ['ipv4-unicast'], addPathSendMode: 'all' },
    });
    expect(hostSession()!.addPathSend.size).toBe(0);
    await until('the VIP at the host', () => host.route(VIP) !== null);
    await new Promise((r) => setTimeout(r, 100));
    expect(hops(host)).toEqual(['127.0.9.11']);
    expect(host.explain(VIP)!.candidates.map((c) => c.path.pathId)).toEqual([0]);
  });

  it('refuses a { best: n } mode without a whole n >= 1', () => {
    const s = new Speaker({ localAsn: ASN, routerId: '127.0.10.1', listen: false });
    expect(() => s.addPeer({ address: '127.0.10.2', remoteAsn: ASN, addPathSend: ['ipv4-unicast'], addPathSendMode: { best: 0 } })).toThrow(/addPathSendMode/);
  });
});
