// Shared fixtures of the FSM tests: a configured peer, its OPENs, one sample of every event, a
// way to reach each state, and actions written as short strings so tables stay readable.
import {
  BgpError,
  emptyUpdate,
  familyKey,
  IPV4_UNICAST,
  IPV6_UNICAST,
  toHex,
  type NotificationMessage,
  type OpenMessage,
} from '../../../src/wire/index.js';
import {
  buildLocalOpen,
  initialFsm,
  step,
  type FsmAction,
  type FsmConfig,
  type FsmData,
  type FsmEvent,
  type FsmEventType,
  type PeerExpectations,
  type State,
} from '../../../src/fsm/index.js';

export const LOCAL_ID = '192.0.2.1';
export const PEER_ID = '192.0.2.2';

export const expectations: PeerExpectations = {
  localAsn: 65001,
  peerAsn: 65002,
  localRouterId: LOCAL_ID,
  families: [IPV4_UNICAST, IPV6_UNICAST],
  holdTime: 90,
};

/** The peer's side of the same session: AS 65002, router id PEER_ID, Hold Time 90. */
export const peerExpectations: PeerExpectations = { ...expectations, localAsn: 65002, peerAsn: 65001, localRouterId: PEER_ID };

export function peerOpen(change: Partial<PeerExpectations> = {}): OpenMessage {
  return buildLocalOpen({ ...peerExpectations, ...change });
}

export function config(change: Partial<FsmConfig> = {}): FsmConfig {
  return { localOpen: buildLocalOpen(expectations), expectations, ...change };
}

export const T0 = 1_000_000;

const notification = (code: number, subcode: number, data: number[] = []): NotificationMessage => ({
  type: 'notification',
  code,
  subcode,
  data: Uint8Array.from(data),
});

/** One event of every type, all at T0. */
export function sample(type: FsmEventType, now = T0): FsmEvent {
  switch (type) {
    case 'ManualStop':
      return { type, communication: 'maintenance', now };
    case 'AutomaticStop':
      return { type, subcode: 1, now };
    case 'BGPOpen':
      return { type, open: peerOpen(), now };
    case 'BGPHeaderErr':
      return { type, error: new BgpError(1, 2, 'length 18', { data: Uint8Array.of(0, 18) }), now };
    case 'BGPOpenMsgErr':
      return { type, error: new BgpError(2, 4, 'unsupported optional parameter'), now };
    case 'NotifMsgVerErr':
      return { type, notification: notification(2, 1, [0, 3]), now };
    case 'NotifMsg':
      return { type, notification: notification(6, 2), now };
    case 'UpdateMsg':
      return { type, update: emptyUpdate(), now };
    case 'UpdateMsgErr':
      return { type, error: new BgpError(3, 1, 'malformed attribute list'), now };
    case 'RouteRefreshMsg':
      return { type, refresh: { type: 'route-refresh', afi: 1, safi: 1, subtype: 0, data: new Uint8Array(0) }, now };
    case 'RouteRefreshMsgErr':
      return { type, error: new BgpError(7, 1, 'length'), now };
    default:
      return { type, now } as FsmEvent;
  }
}

export const EVENT_TYPES: readonly FsmEventType[] = [
  'ManualStart',
  'ManualStop',
  'AutomaticStart',
  'ManualStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_PassiveTcpEstablishment',
  'AutomaticStop',
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
  'BGPOpen',
  'BGPHeaderErr',
  'BGPOpenMsgErr',
  'OpenCollisionDump',
  'NotifMsgVerErr',
  'NotifMsg',
  'KeepAliveMsg',
  'UpdateMsg',
  'UpdateMsgErr',
  'RouteRefreshMsg',
  'RouteRefreshMsgErr',
];

/** Runs events from `fsm`, returning the final data and every action. */
export function run(fsm: FsmData, events: readonly FsmEvent[], cfg: FsmConfig = config()): { fsm: FsmData; actions: FsmAction[] } {
  const actions: FsmAction[] = [];
  for (const e of events) {
    const r = step(fsm, e, cfg);
    fsm = r.fsm;
    actions.push(...r.actions);
  }
  return { fsm, actions };
}

const PATHS: Record<State, FsmEventType[]> = {
  Idle: [],
  Connect: ['ManualStart'],
  Active: ['ManualStart_with_PassiveTcpEstablishment'],
  OpenSent: ['ManualStart', 'Tcp_CR_Acked'],
  OpenConfirm: ['ManualStart', 'Tcp_CR_Acked', 'BGPOpen'],
  Established: ['ManualStart', 'Tcp_CR_Acked', 'BGPOpen', 'KeepAliveMsg'],
};

/** The FSM in `state`, reached the ordinary way (active start) with `cfg`. */
export function reach(state: State, cfg: FsmConfig = config()): FsmData {
  const r = run(initialFsm(cfg), PATHS[state].map((t) => sample(t)), cfg);
  if (r.fsm.state !== state) throw new Error(`reached ${r.fsm.state}, not ${state}`);
  return r.fsm;
}

/** An action as a short string: "start hold 90", "notify 5/1 04", "down NotifMsg est received 6/2". */
export function brief(a: FsmAction): string {
  switch (a.type) {
    case 'startTimer':
      return `start ${a.timer} ${a.seconds}`;
    case 'stopTimer':
      return `stop ${a.timer}`;
    case 'sendNotification': {
      const n = a.notification;
      return `notify ${n.code}/${n.subcode}${n.data.length ? ` ${toHex(n.data)}` : ''}`;
    }
    case 'sessionDown': {
      const n = a.notification;
      return `down ${a.reason}${a.wasEstablished ? ' est' : ''}${n ? ` ${n.direction} ${n.message.code}/${n.message.subcode}` : ''}`;
    }
    default:
      return a.type;
  }
}

export const briefs = (actions: readonly FsmAction[]) => actions.map(brief);

export { familyKey };
