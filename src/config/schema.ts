// The zod schema of the configuration file (docs/config.md). Keys are camelCase; objects are
// strict, so a misspelt key is an error that suggests the nearest known one. Scalars go through
// the parsers of values.ts, whose messages say what was expected and what was found. Checks that
// span several fields (a peer has an address or a listen range; a policy name exists; no prefix
// is announced twice) and the final shape (WrenConfig) are in build.ts.

import * as z from 'zod';
import { compilePolicy, isPolicyErrors, type PolicyDecl } from '../policy/index.js';
import { WREN_ROUTE_PROTOCOL } from '../fib/index.js';
import type { AddPathSendMode } from '../rib/index.js';
import type { HealthCheckSpec, HealthProbe } from '../health/types.js';
import { buildConfig } from './build.js';
import { nearest } from './suggest.js';
import { DEFAULT_API_SOCKET, type WrenConfig } from './types.js';
import { parsePathText } from './yaml-source.js';
import {
  absolutePath,
  address,
  asn,
  boolean,
  community,
  durationMs,
  durationS,
  envName,
  fail,
  holdTime,
  hostPort,
  integer,
  ipAddress,
  addressText,
  largeCommunity,
  ok,
  oneOf,
  port,
  prefix,
  routerId,
  show,
  text,
  u32,
  type ValueParser,
} from './values.js';

// --- building blocks -----------------------------------------------------------------------

/** Marks the message of an unrecognized_keys issue: errors.ts turns it into one error per key. */
export const UNKNOWN_KEYS_MARK = '\u0000unknown-keys:';

export interface UnknownKeyNote {
  readonly key: string;
  readonly message: string;
  /** The known key it probably stands for. */
  readonly suggestion?: string;
}

/**
 * A strict object. `hints` name the right key for likely wrong ones (`asn` -> remoteAsn), or
 * say in words what to write instead (a sentence: it has a space).
 */
function obj<S extends z.ZodRawShape>(shape: S, hints: Readonly<Record<string, string>> = {}) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== 'unrecognized_keys') return undefined;
      const notes: UnknownKeyNote[] = iss.keys.map((key) => {
        const hint = hintFor(key, hints);
        const suggestion = hint && !hint.includes(' ') ? hint : nearest(key, known);
        return { key, message: unknownKeyMessage(key, known, hints), ...(suggestion ? { suggestion } : {}) };
      });
      return `${UNKNOWN_KEYS_MARK}${JSON.stringify(notes)}`;
    },
  });
}

/** A hint for a key (own properties only: the key may be __proto__ or constructor). */
function hintFor(key: string, hints: Readonly<Record<string, string>>): string | undefined {
  if (Object.hasOwn(hints, key)) return hints[key];
  const lower = key.toLowerCase();
  return Object.hasOwn(hints, lower) ? hints[lower] : undefined;
}

function unknownKeyMessage(key: string, known: readonly string[], hints: Readonly<Record<string, string>>): string {
  const hint = hintFor(key, hints);
  if (hint?.includes(' ')) return `unknown key: ${hint}`;
  const near = hint ?? nearest(key, known);
  return near ? `unknown key; did you mean ${near}?` : `unknown key; expected one of ${known.join(', ')}`;
}

/** A scalar read by a ValueParser; absent is "is required" unless made .optional() / .default(). */
export function val<T>(p: ValueParser<T>) {
  return z.unknown().transform((v, ctx): T => {
    const r = v === undefined ? fail(`is required: expected ${p.expected}`) : p.parse(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.message, input: v });
    return z.NEVER;
  });
}

/** A list of items; a single scalar stands for a list of one (`families: ipv4-unicast`). */
function list<T>(p: ValueParser<T>) {
  return z.preprocess((v) => (typeof v === 'string' || typeof v === 'number' ? [v] : v), z.array(val(p)));
}

/** An empty value (`peers:` with nothing under it) counts as absent. */
function nullAsAbsent<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema);
}

// --- value parsers specific to the file ------------------------------------------------------

const FAMILIES = ['ipv4-unicast', 'ipv6-unicast'] as const;
const family = oneOf(FAMILIES);
const ROLES = ['provider', 'rs', 'rs-client', 'customer', 'peer'] as const;
const ADD_PATH_SEND_MODE = 'all, ecmp, or { best: N } with N 1..64';

/** Which paths go out under ADD-PATH send: all, ecmp, or { best: N }. */
const addPathSendMode: ValueParser<AddPathSendMode> = {
  expected: ADD_PATH_SEND_MODE,
  parse: (v) => {
    if (v === 'all' || v === 'ecmp') return ok(v);
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).join() === 'best') {
      const best = (v as { best: unknown }).best;
      if (typeof best === 'number' && Number.isInteger(best) && best >= 1 && best <= 64) return ok({ best });
    }
    return fail(`expected ${ADD_PATH_SEND_MODE}, got ${show(v)}`);
  },
};
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const remoteAsn: ValueParser<number | 'any'> = {
  expected: `${asn.expected}, or any (dynamic neighbors only)`,
  parse: (v) => (v === 'any' ? ok('any' as const) : asn.parse(v)),
};

const nextHop: ValueParser<string> = {
  expected: 'self or an IP address',
  parse: (v) => (v === 'self' ? ok('self') : address().parse(v)),
};

const multihop: ValueParser<number> = {
  expected: 'a TTL 1..255 (true: 255)',
  parse: (v) => (v === true ? ok(255) : integer(1, 255, 'a TTL 1..255 (true: 255)').parse(v)),
};

/** RT_TABLE_LOCAL (255) holds the host's own addresses: never ours. */
const fibTable: ValueParser<number | 'main'> = {
  expected: 'main or a table id 1..4294967295 (not 255)',
  parse: (v) => {
    if (v === 'main') return ok('main' as const);
    if (v === 255 || v === 'local') return fail('table 255 (local) holds the addresses of this host; choose main or another table');
    return integer(1, 0xffffffff, 'main or a table id 1..4294967295 (not 255)').parse(v);
  },
};

/** "10.255.0.1/28" (an interface address with its subnet) or a bare address. */
const interfaceAddress: ValueParser<string> = {
  expected: 'an address, or an interface address with its subnet length (10.255.0.1/28)',
  parse: (v) => {
    if (typeof v === 'string' && v.includes('/')) {
      const [a, len] = v.split('/', 2);
      const p = ipAddress(a);
      const n = Number(len);
      if (p && /^\d{1,3}$/.test(len ?? '') && n <= (p.afi === 1 ? 32 : 128)) return ok(`${addressText(p)}/${n}`);
      return fail(`expected an address, or an interface address with its subnet length (10.255.0.1/28), got ${show(v)}`);
    }
    return address().parse(v);
  },
};

/** A Unix file mode, octal: "0660", 0660 (kept as its text by the loader), 0o660, or 660. */
const fileMode: ValueParser<number> = {
  expected: 'a file mode such as "0660"',
  parse: (v) => {
    const t = typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
    const m = /^(?:0o|0)?([0-7]{3,4})$/.exec(t);
    return m ? ok(parseInt(m[1]!, 8)) : fail(`expected a file mode such as "0660", got ${show(v)}`);
  },
};

/** A health-check command: a program (string) or a list: program and arguments. */
const command: ValueParser<readonly string[] | string> = {
  expected: 'a command: a program path, or a list of the program and its arguments',
  parse: (v) => {
    if (typeof v === 'string' && v.trim().length > 0) return ok(v);
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.length > 0)) return ok(v as string[]);
    return fail(`expected a command: a program path, or a list of the program and its arguments, got ${show(v)}`);
  },
};

const tcpTarget: ValueParser<{ host: string; port: number }> = {
  expected: 'host:port, such as 127.0.0.1:53 or [::1]:53',
  parse: (v) => {
    const m = typeof v === 'string' ? /^(?:\[([^\]]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(v.trim()) : null;
    const p = m ? Number(m[3]) : 0;
    if (!m || p < 1 || p > 65535) return fail(`expected host:port, such as 127.0.0.1:53 or [::1]:53, got ${show(v)}`);
    const host = m[1] ?? m[2]!;
    if (m[1] !== undefined && ipAddress(host)?.afi !== 2) return fail(`expected an IPv6 address in brackets, got ${show(v)}`);
    return ok({ host, port: p });
  },
};

const httpUrl: ValueParser<string> = {
  expected: 'an http:// or https:// URL',
  parse: (v) => {
    if (typeof v !== 'string') return fail(`expected an http:// or https:// URL, got ${show(v)}`);
    try {
      const u = new URL(v);
      if (u.protocol === 'http:' || u.protocol === 'https:') return ok(v);
    } catch {
      // fall through
    }
    return fail(`expected an http:// or https:// URL, got ${show(v)}`);
  },
};

// --- policies ------------------------------------------------------------------------------

/** A policy in a peer: a declaration (checked here), or the name of one under `policies:`. */
export type PolicyField = { readonly decl: PolicyDecl } | { readonly ref: string };

function policyDecl(allowRef: boolean) {
  return z.unknown().transform((v, ctx): PolicyField => {
    if (allowRef && typeof v === 'string' && v !== 'accept' && v !== 'reject') return { ref: v };
    const compiled = compilePolicy(v, '');
    if (isPolicyErrors(compiled)) {
      // An unknown field is reported at its key (params.at), other errors at the value.
      for (const e of compiled) ctx.addIssue({ code: 'custom', path: parsePathText(e.path), message: e.message, ...(e.message.startsWith('unknown field') ? { params: { at: 'key' } } : {}) });
      return z.NEVER;
    }
    return { decl: v as PolicyDecl };
  });
}

/** `policies:` name -> declaration. Not z.record: a key named __proto__ must stay a key. */
const policiesSchema = z.unknown().transform((v, ctx): Record<string, PolicyField> => {
  const out: Record<string, PolicyField> = {};
  if (v === undefined || v === null) return out;
  if (typeof v !== 'object' || Array.isArray(v)) {
    ctx.addIssue({ code: 'custom', message: `expected a mapping of policy names to policies, got ${show(v)}`, input: v });
    return z.NEVER;
  }
  const decl = policyDecl(false);
  for (const [name, value] of Object.entries(v)) {
    const r = decl.safeParse(value);
    if (r.success) Object.defineProperty(out, name, { value: r.data, enumerable: true, writable: true, configurable: true });
    else for (const iss of r.error.issues) ctx.addIssue({ ...(iss as z.core.$ZodRawIssue), path: [name, ...iss.path] });
  }
  return out;
});

// --- the sections --------------------------------------------------------------------------

const PEER_HINTS = {
  asn: 'remoteAsn',
  peerAsn: 'remoteAsn',
  remoteAs: 'remoteAsn',
  'remote-as': 'remoteAsn',
  neighbor: 'address',
  peerIP: 'address',
  ip: 'address',
  range: 'listenRange',
  prefix: 'listenRange',
  password: 'the password itself does not go in the configuration: write passwordFile (a file holding it) or passwordEnv (an environment variable)',
  ttl: 'multihop',
  ebgpMultihop: 'multihop',
  rrClient: 'routeReflectorClient',
  importPolicy: 'import',
  exportPolicy: 'export',
};

export const peerSchema = obj(
  {
    address: val(address()).optional(),
    listenRange: val(prefix()).optional(),
    remoteAsn: val(remoteAsn),
    port: val(port).optional(),
    localAddress: val(address()).optional(),
    localPort: val(port).optional(),
    passive: val(boolean).optional(),
    holdTime: val(holdTime).optional(),
    families: list(family).optional(),
    multihop: val(multihop).optional(),
    passwordFile: val(absolutePath).optional(),
    passwordEnv: val(envName).optional(),
    routeReflectorClient: val(boolean).optional(),
    import: policyDecl(true).optional(),
    export: policyDecl(true).optional(),
    maxPrefix: val(integer(1, 0xffffffff)).optional(),
    nextHopSelf: val(boolean).optional(),
    nextHopV6: val(address(2)).optional(),
    addPathReceive: list(family).optional(),
    addPathSend: list(family).optional(),
    addPathSendMode: val(addPathSendMode).optional(),
    allowAsIn: val(integer(1, 10)).optional(),
    description: val(text).optional(),
    role: val(oneOf(ROLES)).optional(),
    strictRole: val(boolean).optional(),
  },
  PEER_HINTS,
);

export const healthCheckSchema = obj(
  {
    command: val(command).optional(),
    args: list(text).optional(),
    shell: val(boolean).optional(),
    tcp: val(tcpTarget).optional(),
    http: val(httpUrl).optional(),
    expectStatus: list(integer(100, 599, 'an HTTP status 100..599')).optional(),
    interval: val(durationMs(100, 86_400_000)).optional(),
    timeout: val(durationMs(10, 86_400_000)).optional(),
    rise: val(integer(1, 1000)).optional(),
    fall: val(integer(1, 1000)).optional(),
    initial: val(oneOf(['up', 'down'] as const)).optional(),
  },
  { url: 'http', exec: 'command', run: 'command', intervalMs: 'interval', timeoutMs: 'timeout' },
).transform((h, ctx): HealthCheckSpec => {
  const kinds = (['command', 'tcp', 'http'] as const).filter((k) => h[k] !== undefined);
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (kinds.length !== 1) {
    if (kinds.length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'expected one probe: command, tcp or http' });
    else issue(kinds[1]!, `a health check has one probe; ${kinds.join(' and ')} are both given`);
    return z.NEVER;
  }
  if (h.args !== undefined && (h.command === undefined || Array.isArray(h.command) || h.shell)) {
    issue('args', h.command === undefined ? 'only for a command probe' : h.shell ? 'not with shell: true (the command is one shell line)' : 'not with a command list (put the arguments in the list)');
  }
  if (h.shell !== undefined && (h.command === undefined || Array.isArray(h.command))) issue('shell', 'only for a command given as one string');
  if (typeof h.command === 'string' && !h.shell && /\s/.test(h.command.trim())) {
    issue('command', `${JSON.stringify(h.command)} is run as one program name: give a list [program, arguments...] or set shell: true`);
  }
  if (h.expectStatus !== undefined && h.http === undefined) issue('expectStatus', 'only for an http probe');
  const interval = h.interval ?? 5000;
  const timeout = h.timeout ?? Math.min(2000, interval);
  if (timeout > interval) issue('timeout', `must not be longer than the interval (${interval} ms), got ${timeout} ms`);
  let probe: HealthProbe;
  if (h.command !== undefined) {
    const argv = Array.isArray(h.command) ? h.command : [h.command as string, ...(h.args ?? [])];
    probe = { kind: 'command', command: argv[0]!, ...(argv.length > 1 ? { args: argv.slice(1) } : {}), ...(h.shell ? { shell: true } : {}) };
  } else if (h.tcp !== undefined) {
    probe = { kind: 'tcp', host: h.tcp.host, port: h.tcp.port };
  } else {
    probe = { kind: 'http', url: h.http!, ...(h.expectStatus ? { expectStatus: h.expectStatus } : {}) };
  }
  return {
    probe,
    ...(h.interval !== undefined ? { intervalMs: h.interval } : {}),
    ...(h.timeout !== undefined ? { timeoutMs: h.timeout } : {}),
    ...(h.rise !== undefined ? { rise: h.rise } : {}),
    ...(h.fall !== undefined ? { fall: h.fall } : {}),
    ...(h.initial !== undefined ? { initial: h.initial } : {}),
  };
});

export const announcementSchema = obj(
  {
    prefix: val(prefix()),
    nextHop: val(nextHop).optional(),
    communities: list(community).optional(),
    largeCommunities: list(largeCommunity).optional(),
    med: val(u32).optional(),
    localPref: val(u32).optional(),
    asPathPrepend: val(integer(0, 32)).optional(),
    origin: val(oneOf(['igp', 'egp', 'incomplete'] as const)).optional(),
    healthCheck: healthCheckSchema.optional(),
  },
  { prepend: 'asPathPrepend', community: 'communities', check: 'healthCheck', health: 'healthCheck', 'next-hop': 'nextHop' },
);

const fibSchema = obj(
  {
    backend: val(oneOf(['kernel', 'memory', 'plan', 'none'] as const)).default('kernel'),
    transport: val(oneOf(['auto', 'netlink', 'iproute2'] as const)).default('auto'),
    table: val(fibTable).default('main'),
    metric: val(u32).default(0),
    protocol: val(integer(5, 255, 'a route protocol id 5..255')).default(WREN_ROUTE_PROTOCOL),
    onlink: val(boolean).default(false),
    allowedPrefixes: list(prefix()).optional(),
    maxRoutes: val(integer(1, 100_000_000)).optional(),
    hostAddresses: list(interfaceAddress).optional(),
    connectedSubnets: list(prefix()).optional(),
    refuseSupernets: val(boolean).default(false),
    keepOnExit: val(boolean).default(false),
    foreignChanges: val(oneOf(['restore', 'report'] as const)).default('restore'),
    syncDelay: val(durationMs(0, 3_600_000)).optional(),
    maxBatch: val(integer(1, 1_000_000)).optional(),
    delay: val(durationMs(0, 60_000)).optional(),
  },
  { allowed: 'allowedPrefixes', allow: 'allowedPrefixes', prefixes: 'allowedPrefixes', keepOnStop: 'keepOnExit', keep: 'keepOnExit' },
);

const listenSchema = z.preprocess(
  (v) => (v === false ? { enabled: false } : v === true ? {} : v),
  obj({ enabled: val(boolean).default(true), address: val(address()).default('::'), port: val(integer(0, 65535, 'a TCP port 0..65535')).default(179) }),
);

const metricsSchema = z.preprocess(
  (v) => (v === false || v === null ? { enabled: false } : typeof v === 'string' ? { listen: v } : v),
  obj({ enabled: val(boolean).default(true), listen: val(hostPort('::')).optional() }, { address: 'listen', port: 'listen' }),
);

const gracefulRestartSchema = z.preprocess(
  (v) => (typeof v === 'boolean' ? { enabled: v } : v),
  obj({
    enabled: val(boolean).default(true),
    // RFC 4724 s3: Restart Time is 12 bits; RFC 9494 s2: the LLGR stale time is 24 bits.
    restartTime: val(durationS(1, 4095)).default(120),
    llgrStaleTime: val(durationS(0, 16_777_215)).default(0),
  }),
);

const pathCount = integer(1, 256, 'a number of paths 1..256');
const maxPathsObject = obj({ ibgp: val(pathCount).default(1), ebgp: val(pathCount).default(1) });

/** `maxPaths: 8` (iBGP and eBGP) or `maxPaths: { ibgp: 8, ebgp: 4 }`. */
const maxPathsSchema = z.unknown().transform((v, ctx): { ibgp: number; ebgp: number } => {
  if (v === undefined || v === null) return { ibgp: 1, ebgp: 1 };
  if (typeof v !== 'object') {
    const n = pathCount.parse(v);
    if (n.ok) return { ibgp: n.value, ebgp: n.value };
    ctx.addIssue({ code: 'custom', message: `expected a number of paths 1..256 or { ibgp, ebgp }, got ${show(v)}`, input: v });
    return z.NEVER;
  }
  const r = maxPathsObject.safeParse(v, { reportInput: true });
  if (r.success) return r.data;
  for (const iss of r.error.issues) ctx.addIssue(iss as z.core.$ZodRawIssue);
  return z.NEVER;
});

const ecmpSchema = obj(
  {
    maxPaths: maxPathsSchema.default({ ibgp: 1, ebgp: 1 }),
    multipathRelax: val(boolean).default(false),
  },
  { paths: 'maxPaths', relax: 'multipathRelax' },
);

const ROOT_HINTS = {
  asn: 'localAsn',
  as: 'localAsn',
  localAs: 'localAsn',
  myAsn: 'localAsn',
  id: 'routerId',
  bgpId: 'routerId',
  neighbors: 'peers',
  neighbours: 'peers',
  dynamicNeighbors: 'dynamic neighbors are peers with a listenRange instead of an address',
  maxPaths: 'maxPaths goes under ecmp: (ecmp: { maxPaths: 8 })',
  multipathRelax: 'multipathRelax goes under ecmp: (ecmp: { multipathRelax: true })',
  logLevel: 'the log level goes under log: (log: { level: debug })',
  listenPort: 'the port goes under listen: (listen: { port: 179 })',
  socket: 'the socket goes under api: (api: { socket: /run/wren/wren.sock })',
  prefixes: 'announcements',
  routes: 'announcements',
  announce: 'announcements',
  kernel: 'fib',
  policy: 'policies',
};

export const rawConfigSchema = obj(
  {
    localAsn: val(asn),
    routerId: val(routerId),
    clusterId: val(address(1)).optional(),
    listen: listenSchema.prefault({}),
    holdTime: val(holdTime).default(90),
    connectRetryTime: val(durationS(1, 65535)).default(30),
    idleHoldTime: val(durationS(0, 65535)).default(5),
    ecmp: nullAsAbsent(ecmpSchema.prefault({})),
    alwaysCompareMed: val(boolean).default(false),
    gracefulRestart: gracefulRestartSchema.prefault({}),
    policies: policiesSchema.default({}),
    peers: nullAsAbsent(z.array(peerSchema).default([])),
    announcements: nullAsAbsent(z.array(announcementSchema).default([])),
    fib: nullAsAbsent(fibSchema.prefault({})),
    api: nullAsAbsent(obj({ socket: val(absolutePath).default(DEFAULT_API_SOCKET), mode: val(fileMode).default(0o660) }).prefault({})),
    metrics: nullAsAbsent(metricsSchema.prefault({ enabled: false })),
    log: nullAsAbsent(obj({ level: val(oneOf(LOG_LEVELS)).default('info'), format: val(oneOf(['json', 'pretty'] as const)).default('json') }).prefault({})),
  },
  ROOT_HINTS,
);

export type RawConfig = z.output<typeof rawConfigSchema>;
export type RawPeer = z.output<typeof peerSchema>;

/** The whole file: fields, then the cross-field checks and the final shape. */
export const configSchema: z.ZodType<WrenConfig, unknown> = rawConfigSchema.transform((raw, ctx) => buildConfig(raw, ctx));
