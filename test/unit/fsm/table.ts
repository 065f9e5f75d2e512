// Runs one state's table of RFC 4271 s8.2.2: every event, the next state, the exact actions.
import { expect, it } from 'vitest';
import { step, type FsmConfig, type FsmEventType, type State } from '../../../src/fsm/index.js';
import { briefs, config, EVENT_TYPES, reach, sample } from './fixtures.js';

export type Row = readonly [FsmEventType, State, readonly string[]];

export function walk(state: State, rows: readonly Row[], cfg: FsmConfig = config()): void {
  it('has a row for every event', () => {
    expect(rows.map((r) => r[0]).sort()).toEqual([...EVENT_TYPES].sort());
  });
  it.each(rows)('%s -> %s', (type, next, actions) => {
    const r = step(reach(state, cfg), sample(type), cfg);
    expect(r.fsm.state).toBe(next);
    expect(briefs(r.actions)).toEqual(actions);
  });
}

/** "maintenance" as an RFC 9003 shutdown communication: length octet, then UTF-8. */
export const SHUTDOWN = '6/2 0b6d61696e74656e616e6365';

/**
 * The way back to Idle: NOTIFICATION sent (if any), timers stopped, connection dropped, resources
 * released, sessionDown, and (unless restart is false) the automatic restart after IdleHoldTime 5.
 */
export function down(
  reason: FsmEventType,
  o: { send?: string; recv?: string; stops?: readonly string[]; est?: boolean; restart?: boolean } = {},
): string[] {
  const codeOf = (s: string) => s.split(' ')[0]!;
  const how = o.send ? ` sent ${codeOf(o.send)}` : o.recv ? ` received ${o.recv}` : '';
  return [
    ...(o.send ? [`notify ${o.send}`] : []),
    ...(o.stops ?? []).map((t) => `stop ${t}`),
    'dropConnection',
    'releaseResources',
    `down ${reason}${o.est ? ' est' : ''}${how}`,
    ...(o.restart === false ? [] : ['start idleHold 5']),
  ];
}
