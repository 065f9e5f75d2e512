// Connection collision resolution (RFC 4271 s6.8, RFC 6286 s2.3).
import { describe, expect, it } from 'vitest';
import { resolveCollision, type CollisionContext } from '../../../src/fsm/index.js';

const LOW = '10.0.0.1';
const HIGH = '10.0.0.2';

describe('resolveCollision', () => {
  it.each([
    // local id, remote id, existing initiated by us?, outcome
    [LOW, HIGH, true, 'keep-new'], // s6.8 step 2: ours is lower, accept the peer's connection
    [HIGH, LOW, true, 'keep-existing'], // step 3: keep ours
    [LOW, HIGH, false, 'keep-existing'], // the existing one is the peer's: it survives
    [HIGH, LOW, false, 'keep-new'], // the new one is ours: it survives
  ] as const)('local %s remote %s, existing ours: %s -> %s', (l, r, existingInitiatedLocally, outcome) => {
    expect(resolveCollision(l, r, { existing: 'OpenConfirm', existingInitiatedLocally })).toBe(outcome);
  });

  it('compares identifiers as unsigned 32-bit numbers, not as text', () => {
    expect(resolveCollision('9.0.0.1', '10.0.0.1')).toBe('keep-new');
    expect(resolveCollision('200.0.0.1', '10.0.0.1')).toBe('keep-existing');
  });

  it("with two arguments: the existing connection is ours, in OpenConfirm (s6.8's wording)", () => {
    expect(resolveCollision(LOW, HIGH)).toBe('keep-new');
    expect(resolveCollision(HIGH, LOW)).toBe('keep-existing');
  });

  it('an Established connection is kept unless CollisionDetectEstablishedState', () => {
    const c: CollisionContext = { existing: 'Established', existingInitiatedLocally: true };
    expect(resolveCollision(LOW, HIGH, c)).toBe('keep-existing');
    expect(resolveCollision(LOW, HIGH, { ...c, collisionDetectEstablishedState: true })).toBe('keep-new');
  });

  it.each(['Idle', 'Connect', 'Active'] as const)('no collision with a connection in %s', (existing) => {
    expect(resolveCollision(HIGH, LOW, { existing })).toBe('keep-new');
  });

  it('OpenSent (identifier known from configuration) resolves like OpenConfirm', () => {
    expect(resolveCollision(HIGH, LOW, { existing: 'OpenSent' })).toBe('keep-existing');
  });

  it('equal identifiers: the connection initiated by the larger AS survives (RFC 6286 s2.3)', () => {
    expect(resolveCollision(LOW, LOW, { localAsn: 65002, remoteAsn: 65001 })).toBe('keep-existing');
    expect(resolveCollision(LOW, LOW, { localAsn: 65001, remoteAsn: 65002 })).toBe('keep-new');
    expect(resolveCollision(LOW, LOW, { localAsn: 65001, remoteAsn: 65002, existingInitiatedLocally: false })).toBe('keep-existing');
    expect(resolveCollision(LOW, LOW)).toBe('keep-existing');
  });
});
