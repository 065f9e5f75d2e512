// RFC 4271 s8.2.2, Idle state, event by event.
import { describe, expect, it } from 'vitest';
import { initialFsm, step } from '../../../src/fsm/index.js';
import { briefs, config, run, sample, T0 } from './fixtures.js';
import { walk, type Row } from './table.js';

const START = ['start connectRetry 120', 'connect', 'listen'];
const PASSIVE_START = ['start connectRetry 120', 'listen'];

const rows: Row[] = [
  ['ManualStart', 'Connect', START],
  ['ManualStop', 'Idle', []],
  ['AutomaticStart', 'Connect', START],
  ['ManualStart_with_PassiveTcpEstablishment', 'Active', PASSIVE_START],
  ['AutomaticStart_with_PassiveTcpEstablishment', 'Active', PASSIVE_START],
  ['AutomaticStop', 'Idle', []],
  ['ConnectRetryTimer_Expires', 'Idle', []],
  ['HoldTimer_Expires', 'Idle', []],
  ['KeepaliveTimer_Expires', 'Idle', []],
  ['DelayOpenTimer_Expires', 'Idle', []],
  ['IdleHoldTimer_Expires', 'Connect', START],
  ['TcpConnection_Valid', 'Idle', ['rejectConnection']],
  ['Tcp_CR_Invalid', 'Idle', []],
  ['Tcp_CR_Acked', 'Idle', ['dropConnection']],
  ['TcpConnectionConfirmed', 'Idle', ['dropConnection']],
  ['TcpConnectionFails', 'Idle', []],
  ['BGPOpen', 'Idle', []],
  ['BGPHeaderErr', 'Idle', []],
  ['BGPOpenMsgErr', 'Idle', []],
  ['OpenCollisionDump', 'Idle', []],
  ['NotifMsgVerErr', 'Idle', []],
  ['NotifMsg', 'Idle', []],
  ['KeepAliveMsg', 'Idle', []],
  ['UpdateMsg', 'Idle', []],
  ['UpdateMsgErr', 'Idle', []],
  ['RouteRefreshMsg', 'Idle', []],
  ['RouteRefreshMsgErr', 'Idle', []],
];

describe('Idle (RFC 4271 s8.2.2)', () => {
  walk('Idle', rows);

  it('a start sets ConnectRetryCounter to zero', () => {
    const failed = run(initialFsm(config()), [sample('ManualStart'), sample('TcpConnectionFails'), sample('ManualStart'), sample('HoldTimer_Expires')]).fsm;
    expect(failed.connectRetryCounter).toBe(1);
    expect(step(failed, sample('ManualStart'), config()).fsm.connectRetryCounter).toBe(0);
  });

  it('a passive peer never connects and runs no ConnectRetryTimer', () => {
    const cfg = config({ passive: true });
    for (const type of ['ManualStart', 'AutomaticStart', 'IdleHoldTimer_Expires'] as const) {
      const r = step(initialFsm(cfg), sample(type), cfg);
      expect(r.fsm.state).toBe('Active');
      expect(briefs(r.actions)).toEqual(['listen']);
    }
  });

  it('ManualStop cancels a scheduled automatic restart; AutomaticStop too', () => {
    const down = run(initialFsm(config()), [sample('ManualStart'), sample('HoldTimer_Expires')]).fsm;
    expect(down.timers.idleHold).toBe(true);
    for (const type of ['ManualStop', 'AutomaticStop'] as const) {
      const r = step(down, sample(type), config());
      expect(briefs(r.actions)).toEqual(['stop idleHold']);
      expect(r.fsm.timers.idleHold).toBe(false);
    }
  });

  it('an automatic start while the restart is scheduled waits for it', () => {
    const down = run(initialFsm(config()), [sample('ManualStart'), sample('HoldTimer_Expires')]).fsm;
    const r = step(down, sample('AutomaticStart'), config());
    expect(r.fsm.state).toBe('Idle');
    expect(r.actions).toEqual([]);
  });

  it('a manual start does not wait', () => {
    const down = run(initialFsm(config()), [sample('ManualStart'), sample('HoldTimer_Expires')]).fsm;
    const r = step(down, sample('ManualStart'), config());
    expect(r.fsm.state).toBe('Connect');
    expect(briefs(r.actions)).toEqual(['stop idleHold', 'start connectRetry 120', 'connect', 'listen']);
  });

  it('events carry their time; Idle ignores it', () => {
    expect(step(initialFsm(config()), sample('KeepAliveMsg', T0 + 5), config()).fsm).toEqual(initialFsm(config()));
  });
});
