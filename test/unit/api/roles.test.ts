// RFC 9234 roles: negotiation refuses incompatible roles; OTC stops route leaks.
import { describe, expect, it } from 'vitest';
import { otcEgress, otcIngress } from '../../../src/api/roles.js';
import { Role, type PathAttribute } from '../../../src/wire/index.js';
import { until } from '../../helpers/until.js';
import { useSpeakers } from '../../helpers/speakers.js';

const { speaker } = useSpeakers();

const base: PathAttribute[] = [{ type: 'origin', flags: 0x40, origin: 0 }];
const otc = (asn: number): PathAttribute => ({ type: 'otc', flags: 0xc0, asn });

describe('OTC rules (RFC 9234 s5)', () => {
  it('ingress: leaks from customers and RS clients, and mismatched OTC from peers, are refused', () => {
    expect(otcIngress([...base, otc(1)], Role.PROVIDER, 65001)).toBeNull();
    expect(otcIngress([...base, otc(1)], Role.RS, 65001)).toBeNull();
    expect(otcIngress([...base, otc(1)], Role.PEER, 65001)).toBeNull();
    expect(otcIngress([...base, otc(65001)], Role.PEER, 65001)).toEqual([...base, otc(65001)]);
  });
  it('ingress: routes from providers, peers and RSes get OTC = the neighbour', () => {
    for (const local of [Role.CUSTOMER, Role.PEER, Role.RS_CLIENT]) expect(otcIngress(base, local, 65001)).toEqual([...base, otc(65001)]);
    expect(otcIngress(base, Role.PROVIDER, 65001)).toBe(base);
  });
  it('egress: OTC routes never go up or sideways; others towards customers and peers get our AS', () => {
    for (const local of [Role.CUSTOMER, Role.PEER, Role.RS_CLIENT]) expect(otcEgress([...base, otc(9)], local, 64512)).toBeNull();
    expect(otcEgress([...base, otc(9)], Role.PROVIDER, 64512)).toEqual([...base, otc(9)]);
    for (const local of [Role.PROVIDER, Role.PEER, Role.RS]) expect(otcEgress(base, local, 64512)).toEqual([...base, otc(64512)]);
    expect(otcEgress(base, Role.CUSTOMER, 64512)).toBe(base);
  });
});

describe('roles between speakers', () => {
  it('two providers: Role Mismatch (2/11)', async () => {
    const a = await speaker('127.0.3.1', 65001);
    const b = await speaker('127.0.3.2', 65002);
    b.addPeer({ address: '127.0.3.1', remoteAsn: 65001, passive: true, role: 'provider' });
    a.addPeer({ address: '127.0.3.2', remoteAsn: 65002, port: b.listenAddress!.port, localAddress: '127.0.3.1', role: 'provider' });
    await until('the refusal', () => a.peerStates()[0]!.info.includes('Role Mismatch') || b.peerStates()[0]!.info.includes('Role Mismatch'));
  });

  it("a customer does not leak one provider's route to another provider", async () => {
    const c = await speaker('127.0.3.10', 65010);
    const p1 = await speaker('127.0.3.11', 65011);
    const p2 = await speaker('127.0.3.12', 65012);
    for (const p of [p1, p2]) {
      const addr = p.listenAddress!.address;
      c.addPeer({ address: addr, remoteAsn: p.options.localAsn, passive: true, role: 'customer' });
      p.addPeer({ address: '127.0.3.10', remoteAsn: 65010, port: c.listenAddress!.port, localAddress: addr, role: 'provider' });
    }
    await until('both sessions', () => c.peerStates().every((p) => p.state === 'Established'));
    p1.announce({ prefix: '198.51.100.0/24' });
    c.announce({ prefix: '203.0.113.0/24' });
    await until('the route at the customer', () => c.route('198.51.100.0/24') !== null);
    // Marked on the way down: OTC = the provider's AS (egress at p1, RFC 9234 s5).
    expect(c.route('198.51.100.0/24')!.best.attributes.find((a) => a.type === 'otc')).toMatchObject({ asn: 65011 });
    // The customer's own route reaches both providers; the provider's route reaches only p1.
    await until("the customer's route at p2", () => p2.route('203.0.113.0/24') !== null);
    await new Promise((r) => setTimeout(r, 200));
    expect(p2.route('198.51.100.0/24')).toBeNull();
  });
});
