// Random event sequences: step() never throws, always returns a valid state, and keeps the
// invariants the session layer relies on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initialFsm,
  STATES,
  step,
  TIMERS,
  type FsmConfig,
  type FsmData,
  type FsmEvent,
  type State,
  type TimerName,
} from '../../../src/fsm/index.js';
import { BgpError, emptyUpdate, type NotificationMessage } from '../../../src/wire/index.js';
import { arbOpen } from '../../helpers/arbitraries.js';
import { config, expectations, peerOpen } from './fixtures.js';

type Body = FsmEvent extends infer E ? (E extends FsmEvent ? Omit<E, 'now'> : never) : never;

const arbConfig: fc.Arbitrary<FsmConfig> = fc
  .record({
    passive: fc.boolean(),
    delayOpen: fc.constantFrom(0, 5),
    dampPeerOscillations: fc.boolean(),
    automaticRestart: fc.boolean(),
    sendNotificationWithoutOpen: fc.boolean(),
    idleHoldTime: fc.constantFrom(0, 5),
    anyAs: fc.boolean(),
  })
  .map(({ anyAs, ...c }) => config({ ...c, expectations: { ...expectations, peerAsn: anyAs ? 'any' : 65002 } }));

const arbNotification: fc.Arbitrary<NotificationMessage> = fc.record({
  type: fc.constant('notification' as const),
  code: fc.nat(8),
  subcode: fc.nat(12),
  data: fc.uint8Array({ maxLength: 8 }),
});

const arbError = fc.tuple(fc.integer({ min: 1, max: 7 }), fc.nat(12)).map(([code, subcode]) => new BgpError(code, subcode, 'random'));

const arbGoodOpen = fc
  .record({ holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 600 })), localAsn: fc.constantFrom(65002, 65002, 65099, 4_200_000_000) })
  .map((c) => peerOpen(c));

const SIMPLE = [
  'ManualStart',
  'AutomaticStart',
  'ManualStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_PassiveTcpEstablishment',
  'ConnectRetryTimer_Expires',
  'HoldTimer_Expires',
  'KeepaliveTimer_Expires',
  'DelayOpenTimer_Expires',
  'IdleHoldTimer_Expires',
  'TcpConnection_Valid',
  'Tcp_CR_Invalid',
  'Tcp_CR_Acked',
  'TcpConnectionConfirmed',
  'TcpConnectionFails',
  'OpenCollisionDump',
  'KeepAliveMsg',
] as const;

const arbBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...SIMPLE).map((type) => ({ type }) as Body) },
  // What it takes to get somewhere: starts, TCP up, a good OPEN, KEEPALIVE.
  { weight: 6, arbitrary: fc.constantFrom('ManualStart', 'Tcp_CR_Acked', 'TcpConnectionConfirmed', 'KeepAliveMsg', 'IdleHoldTimer_Expires').map((type) => ({ type }) as Body) },
  { weight: 4, arbitrary: arbGoodOpen.map((open) => ({ type: 'BGPOpen', open }) as Body) },
  { weight: 1, arbitrary: arbOpen.map((open) => ({ type: 'BGPOpen', open }) as Body) },
  { weight: 1, arbitrary: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }).map((communication) => ({ type: 'ManualStop', ...(communication === undefined ? {} : { communication }) }) as Body) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }).map((subcode) => ({ type: 'AutomaticStop', subcode }) as Body) },
  { weight: 1, arbitrary: arbNotification.map((notification) => ({ type: notification.code === 2 && notification.subcode === 1 ? 'NotifMsgVerErr' : 'NotifMsg', notification }) as Body) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('BGPHeaderErr', 'BGPOpenMsgErr', 'UpdateMsgErr', 'RouteRefreshMsgErr'), arbError).map(([type, error]) => ({ type, error }) as Body) },
  { weight: 2, arbitrary: fc.constant({ type: 'UpdateMsg', update: emptyUpdate() } as Body) },
  {
    weight: 1,
    arbitrary: fc.record({ afi: fc.constantFrom(1, 2, 25), safi: fc.constantFrom(1, 128), subtype: fc.nat(3) }).map(
      (r) => ({ type: 'RouteRefreshMsg', refresh: { type: 'route-refresh', ...r, data: new Uint8Array(0) } }) as Body,
    ),
  },
);

/** The way up from any state but Established: start, TCP, a good OPEN, KEEPALIVE. */
const arbHappyPath: fc.Arbitrary<Body[]> = arbGoodOpen.map((open) => [
  { type: 'ManualStart' },
  { type: 'Tcp_CR_Acked' },
  { type: 'BGPOpen', open: { ...open, myAsn: 65002, params: peerOpen().params } },
  { type: 'KeepAliveMsg' },
]);

/** Events with increasing time: single random events, and now and then the way up. */
const arbEvents: fc.Arbitrary<FsmEvent[]> = fc
  .array(fc.tuple(fc.oneof({ weight: 12, arbitrary: arbBody.map((b) => [b]) }, { weight: 1, arbitrary: arbHappyPath }), fc.nat(200_000)), { maxLength: 60 })
  .map((chunks) => {
    let now = 1_000_000;
    return chunks.flatMap(([bodies, dt]) => bodies.map((body) => ({ ...body, now: (now += dt) }) as FsmEvent));
  });

const EXPIRING: Partial<Record<FsmEvent['type'], TimerName>> = {
  ConnectRetryTimer_Expires: 'connectRetry',
  HoldTimer_Expires: 'hold',
  KeepaliveTimer_Expires: 'keepalive',
  DelayOpenTimer_Expires: 'delayOpen',
  IdleHoldTimer_Expires: 'idleHold',
};

function checkStep(before: FsmData, event: FsmEvent, cfg: FsmConfig, seen: Set<State>): FsmData {
  const { fsm, actions } = step(before, event, cfg);
  seen.add(fsm.state);
  expect(STATES).toContain(fsm.state);
  expect(fsm.connectRetryCounter).toBeGreaterThanOrEqual(0);

  // Idle after any NOTIFICATION received.
  if (event.type === 'NotifMsg' || event.type === 'NotifMsgVerErr') expect(fsm.state).toBe('Idle');

  // 'established' exactly on OpenConfirm -> Established.
  const established = actions.filter((a) => a.type === 'established').length;
  expect(established).toBe(before.state === 'OpenConfirm' && fsm.state === 'Established' ? 1 : 0);

  // sessionDown exactly when a connection (or attempt) ends in Idle.
  const downs = actions.filter((a) => a.type === 'sessionDown');
  expect(downs.length).toBe(before.state !== 'Idle' && fsm.state === 'Idle' ? 1 : 0);
  for (const d of downs) if (d.type === 'sessionDown') expect(d.wasEstablished).toBe(before.state === 'Established');

  // A NOTIFICATION always closes the connection.
  const sent = actions.findIndex((a) => a.type === 'sendNotification');
  if (sent >= 0) expect(actions.slice(sent).some((a) => a.type === 'dropConnection')).toBe(true);

  // The timers FsmData reports are those the actions left running; only running timers are stopped.
  const timers: Record<TimerName, boolean> = { ...before.timers };
  const expired = EXPIRING[event.type];
  if (expired) timers[expired] = false;
  for (const a of actions) {
    if (a.type === 'startTimer') {
      expect(Number.isFinite(a.seconds) && a.seconds >= 0).toBe(true);
      timers[a.timer] = true;
    }
    if (a.type === 'stopTimer') {
      expect(timers[a.timer]).toBe(true);
      timers[a.timer] = false;
    }
  }
  expect(fsm.timers).toEqual(timers);

  // Per-state invariants.
  if (fsm.state === 'Idle') {
    expect(TIMERS.filter((t) => t !== 'idleHold' && fsm.timers[t])).toEqual([]);
    expect(fsm.negotiated).toBeUndefined();
  }
  if (fsm.state === 'OpenConfirm' || fsm.state === 'Established') expect(fsm.negotiated).toBeDefined();
  if (fsm.state === 'Established') {
    const hold = fsm.negotiated!.holdTime > 0;
    expect([fsm.timers.hold, fsm.timers.keepalive]).toEqual([hold, hold]);
    expect(fsm.establishedAt).toBeDefined();
  }
  if (fsm.state !== 'Idle') expect(fsm.timers.idleHold).toBe(false);
  return fsm;
}

describe('FSM properties', () => {
  it('random event sequences: never throws, valid states, invariants hold', () => {
    const seen = new Set<State>();
    fc.assert(
      fc.property(arbConfig, arbEvents, (cfg, events) => {
        let fsm = initialFsm(cfg);
        for (const e of events) fsm = checkStep(fsm, e, cfg, seen);
      }),
      { numRuns: 300 },
    );
    // The sequences reached every state, so the invariants were checked in each.
    expect([...seen].sort()).toEqual([...STATES].sort());
  });

  it('from every state, any NOTIFICATION leads to Idle', () => {
    fc.assert(
      fc.property(arbConfig, arbEvents, arbNotification, (cfg, events, notification) => {
        let fsm = initialFsm(cfg);
        for (const e of events) {
          fsm = step(fsm, e, cfg).fsm;
          const type = notification.code === 2 && notification.subcode === 1 ? 'NotifMsgVerErr' : 'NotifMsg';
          expect(step(fsm, { type, notification, now: e.now }, cfg).fsm.state).toBe('Idle');
        }
      }),
      { numRuns: 100 },
    );
  });
});
