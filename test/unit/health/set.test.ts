// HealthSet: a reload touches only the checks that changed.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/session/clock.js';
import { HealthSet, sameHealthCheck, type HealthCheckSpec, type HealthProbe } from '../../../src/health/index.js';
import { advance, scripted } from './fake.js';

const cmd = (command: string): HealthProbe => ({ kind: 'command', command });
const spec = (command: string, extra: Partial<HealthCheckSpec> = {}): HealthCheckSpec => ({ probe: cmd(command), intervalMs: 10, rise: 1, ...extra });

function setup() {
  const clock = new ManualClock();
  // Every command named "ok..." is up, anything else down.
  const fake = scripted(clock, [], (p) => p.kind === 'command' && p.command.startsWith('ok'));
  const set = new HealthSet({ clock, runProbe: fake.runner });
  const changes: string[] = [];
  set.on('change', (id, state, reason) => changes.push(`${id} ${state}: ${reason}`));
  return { clock, set, changes };
}

describe('HealthSet', () => {
  it('starts a checker per id and forwards its events with the id', async () => {
    const { clock, set, changes } = setup();
    const probes: string[] = [];
    set.on('probe', (id, r) => probes.push(`${id} ${r.ok}`));
    expect(set.update(new Map([['vip-a', spec('ok-a')], ['vip-b', spec('bad-b')]]))).toEqual({ added: ['vip-a', 'vip-b'], removed: [], replaced: [], kept: [] });
    expect(set.state('vip-a')).toBe('down');
    await advance(clock, 1);
    expect(probes).toEqual(['vip-a true', 'vip-b false']);
    expect(changes).toEqual(['vip-a up: fake up (1 success in a row)']);
    set.stop();
  });

  it('on reload keeps unchanged checks running with their state, replaces changed ones, drops removed ones', async () => {
    const { clock, set, changes } = setup();
    set.update(new Map([['keep', spec('ok-1')], ['change', spec('ok-2')], ['gone', spec('ok-3')]]));
    await advance(clock, 1);
    expect(set.ids().map((id) => set.state(id))).toEqual(['up', 'up', 'up']);
    const kept = set.get('keep');
    changes.length = 0;

    // `keep` is written differently but means the same (defaults spelled out); `change` has a new probe.
    const result = set.update(new Map([['keep', spec('ok-1', { fall: 3, initial: 'down', timeoutMs: 2000 })], ['change', spec('ok-2b')], ['new', spec('ok-4')]]));
    expect(result).toEqual({ added: ['new'], removed: ['gone'], replaced: ['change'], kept: ['keep'] });
    expect(set.get('keep')).toBe(kept);
    expect(set.state('keep')).toBe('up');
    expect(kept?.isRunning).toBe(true);
    // The replacement starts from its initial state, and says so: its route must be withdrawn.
    expect(set.state('change')).toBe('down');
    expect(changes).toEqual(['change down: health check changed; starting down']);
    expect(set.state('gone')).toBeUndefined();
    await advance(clock, 1);
    expect(set.state('change')).toBe('up');
    set.stop();
    expect(set.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('rejects a reload with an invalid spec and changes nothing', async () => {
    const { clock, set } = setup();
    set.update(new Map([['a', spec('ok')]]));
    const before = set.get('a');
    expect(() => set.update(new Map([['a', spec('ok2')], ['b', spec('ok', { fall: 0 })]]))).toThrow(/^b: health check: fall must be a positive integer/);
    expect(set.get('a')).toBe(before);
    expect(set.ids()).toEqual(['a']);
    set.stop();
    await advance(clock, 20);
    expect(clock.pending).toBe(0);
  });

  it('compares specs after defaults', () => {
    expect(sameHealthCheck({ probe: cmd('x') }, { probe: { kind: 'command', command: 'x', args: [], shell: false }, intervalMs: 5000, rise: 2 })).toBe(true);
    expect(sameHealthCheck({ probe: cmd('x') }, { probe: cmd('x'), initial: 'up' })).toBe(false);
    expect(sameHealthCheck({ probe: { kind: 'http', url: 'http://a/' } }, { probe: { kind: 'http', url: 'http://a/', expectStatus: [200] } })).toBe(false);
  });
});
