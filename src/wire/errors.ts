// The one error type the codec produces. It carries the NOTIFICATION a speaker must send
// (RFC 4271 s6) and the action RFC 7606 prescribes, so that the session layer never has to
// guess how bad a malformed message is.

/** RFC 4271 s4.5 error codes. */
export const ErrorCode = {
  MESSAGE_HEADER: 1,
  OPEN_MESSAGE: 2,
  UPDATE_MESSAGE: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM: 5,
  CEASE: 6,
  ROUTE_REFRESH_MESSAGE: 7,
} as const;

/** RFC 4271 s6.1 */
export const HeaderSubcode = {
  CONNECTION_NOT_SYNCHRONIZED: 1,
  BAD_MESSAGE_LENGTH: 2,
  BAD_MESSAGE_TYPE: 3,
} as const;

/** RFC 4271 s6.2, RFC 5492, RFC 9234 */
export const OpenSubcode = {
  UNSPECIFIC: 0,
  UNSUPPORTED_VERSION_NUMBER: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7,
  ROLE_MISMATCH: 11,
} as const;

/** RFC 4271 s6.3 */
export const UpdateSubcode = {
  UNSPECIFIC: 0,
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE: 2,
  MISSING_WELL_KNOWN_ATTRIBUTE: 3,
  ATTRIBUTE_FLAGS_ERROR: 4,
  ATTRIBUTE_LENGTH_ERROR: 5,
  INVALID_ORIGIN_ATTRIBUTE: 6,
  INVALID_NEXT_HOP_ATTRIBUTE: 8,
  OPTIONAL_ATTRIBUTE_ERROR: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11,
} as const;

/** RFC 6608 */
export const FsmSubcode = {
  UNSPECIFIED: 0,
  UNEXPECTED_IN_OPENSENT: 1,
  UNEXPECTED_IN_OPENCONFIRM: 2,
  UNEXPECTED_IN_ESTABLISHED: 3,
} as const;

/** RFC 4486, RFC 8538 */
export const CeaseSubcode = {
  MAXIMUM_PREFIXES_REACHED: 1,
  ADMINISTRATIVE_SHUTDOWN: 2,
  PEER_DECONFIGURED: 3,
  ADMINISTRATIVE_RESET: 4,
  CONNECTION_REJECTED: 5,
  OTHER_CONFIGURATION_CHANGE: 6,
  CONNECTION_COLLISION_RESOLUTION: 7,
  OUT_OF_RESOURCES: 8,
  HARD_RESET: 9,
  BFD_DOWN: 10,
} as const;

/** RFC 7313 */
export const RouteRefreshSubcode = { INVALID_MESSAGE_LENGTH: 1 } as const;

const CODE_NAMES: Record<number, string> = {
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
  7: 'ROUTE-REFRESH Message Error',
  8: 'Send Hold Timer Expired',
};

const SUBCODE_NAMES: Record<number, Record<number, string>> = {
  1: { 0: 'Unspecific', 1: 'Connection Not Synchronized', 2: 'Bad Message Length', 3: 'Bad Message Type' },
  2: {
    0: 'Unspecific',
    1: 'Unsupported Version Number',
    2: 'Bad Peer AS',
    3: 'Bad BGP Identifier',
    4: 'Unsupported Optional Parameter',
    5: 'Authentication Failure (deprecated)',
    6: 'Unacceptable Hold Time',
    7: 'Unsupported Capability',
    8: 'Grouping Conflict (deprecated)',
    9: 'Grouping Required (deprecated)',
    10: 'Capability Value Mismatch (deprecated)',
    11: 'Role Mismatch',
  },
  3: {
    0: 'Unspecific',
    1: 'Malformed Attribute List',
    2: 'Unrecognized Well-known Attribute',
    3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error',
    5: 'Attribute Length Error',
    6: 'Invalid ORIGIN Attribute',
    7: 'AS Routing Loop (deprecated)',
    8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error',
    10: 'Invalid Network Field',
    11: 'Malformed AS_PATH',
  },
  4: { 0: 'Unspecific' },
  5: {
    0: 'Unspecified Error',
    1: 'Receive Unexpected Message in OpenSent State',
    2: 'Receive Unexpected Message in OpenConfirm State',
    3: 'Receive Unexpected Message in Established State',
  },
  6: {
    0: 'Unspecific',
    1: 'Maximum Number of Prefixes Reached',
    2: 'Administrative Shutdown',
    3: 'Peer De-configured',
    4: 'Administrative Reset',
    5: 'Connection Rejected',
    6: 'Other Configuration Change',
    7: 'Connection Collision Resolution',
    8: 'Out of Resources',
    9: 'Hard Reset',
    10: 'BFD Down',
  },
  7: { 0: 'Reserved', 1: 'Invalid Message Length' },
  8: { 0: 'Unspecific' },
};

export function errorCodeName(code: number): string {
  return CODE_NAMES[code] ?? `Unknown Error Code ${code}`;
}

export function errorSubcodeName(code: number, subcode: number): string {
  return SUBCODE_NAMES[code]?.[subcode] ?? `Unknown Subcode ${subcode}`;
}

/** "UPDATE Message Error / Malformed AS_PATH" */
export function notificationName(code: number, subcode: number): string {
  return `${errorCodeName(code)} / ${errorSubcodeName(code, subcode)}`;
}

/**
 * RFC 7606 s2: what the receiver of a malformed message does.
 * - session-reset: send the NOTIFICATION and close (RFC 4271 behaviour).
 * - afi-safi-disable: RFC 4760 s7, stop using the family on this session (we reset when it cannot be isolated).
 * - treat-as-withdraw: keep the session; the UPDATE's NLRI are handled as withdrawn.
 * - attribute-discard: keep the session and the routes; drop the malformed attribute.
 */
export type ErrorAction = 'session-reset' | 'afi-safi-disable' | 'treat-as-withdraw' | 'attribute-discard';

const EMPTY = new Uint8Array(0);

export class BgpError extends Error {
  override readonly name = 'BgpError';
  readonly code: number;
  readonly subcode: number;
  /** The NOTIFICATION's data field: exactly the bytes RFC 4271 s6 asks to be echoed. */
  readonly data: Uint8Array;
  readonly action: ErrorAction;
  /** Byte offset in the decoded message where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(
    code: number,
    subcode: number,
    detail: string,
    options: { data?: Uint8Array; action?: ErrorAction; offset?: number } = {},
  ) {
    super(`${notificationName(code, subcode)}: ${detail}`);
    this.code = code;
    this.subcode = subcode;
    this.data = options.data ?? EMPTY;
    this.action = options.action ?? 'session-reset';
    this.offset = options.offset;
  }

  /** A copy with another RFC 7606 action; the NOTIFICATION fields stay. */
  withAction(action: ErrorAction): BgpError {
    return new BgpError(this.code, this.subcode, this.message.slice(this.message.indexOf(': ') + 2), {
      data: this.data,
      action,
      ...(this.offset === undefined ? {} : { offset: this.offset }),
    });
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      subcode: this.subcode,
      name: notificationName(this.code, this.subcode),
      action: this.action,
      message: this.message,
      data: Buffer.from(this.data).toString('hex'),
      ...(this.offset === undefined ? {} : { offset: this.offset }),
    };
  }
}

export function isBgpError(e: unknown): e is BgpError {
  return e instanceof BgpError;
}
