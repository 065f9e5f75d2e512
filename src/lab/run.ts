// `wren lab`: builds the topology (topology.ts), waits until the host has every route in its RIB
// and its forwarding table, prints the host's status, routes and table, then shows a node going
// away (the VIP's ECMP set shrinks) and stops everything. With `follow` it keeps running and takes
// commands (`down 2`, `up 2`, `routes`, `status`, `fib`, `quit`) from its input.

import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { routesView, statusView, ViewError, type RoutesView, type StatusView } from '../api/views.js';
import { formatRoutes, formatStatus } from '../cli/tables.js';
import { Iproute2Fib, MemoryFib, type FibBackend, type FibRoute } from '../fib/index.js';
import { fibRoutesText } from './fib-text.js';
import { createLabNamespace, kernelUnavailable, LAB_DEV, type LabNamespace } from './netns.js';
import { addressRange, LabOptionError, makePlan, type LabPlan, type LabPlanOptions } from './plan.js';
import { LabTopology } from './topology.js';

export interface LabRunOptions extends LabPlanOptions {
  /** Keep running and read commands from `io.input`. */
  readonly follow?: boolean;
  /** Print the views as JSON instead of tables. */
  readonly json?: boolean;
  /** ANSI colours in the tables. */
  readonly color?: boolean;
  /** Terminal width the tables may use. */
  readonly width?: number;
  /** How long to wait for the host to have every route (10 s). */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

export interface LabIo {
  out(text: string): void;
  err(text: string): void;
  /** Commands for `follow` (default: none; the lab stops at once). */
  readonly input?: NodeJS.ReadableStream;
  /** Aborting stops the lab and cleans up (SIGINT). */
  readonly signal?: AbortSignal;
}

/** What the lab shows at one moment. */
export interface LabSnapshot {
  readonly status: StatusView;
  readonly routes: RoutesView;
  /** The VIP's candidates at the host, ranked, with why (`wren routes 10.96.0.10/32 --why`). */
  readonly vip: RoutesView;
  /** rr mode: the same at the reflector, which has every VIP path and passes on its ECMP set (ADD-PATH). */
  readonly reflectorVip?: RoutesView;
  /** The host's table: the FIB's routes; in kernel mode also `ip -n NS route` as printed. */
  readonly fib: readonly FibRoute[];
  readonly ipRoute?: string;
  /** Kernel mode: the namespace. */
  readonly netns?: string;
}

/** The exit status: 0 done, 1 the lab failed (bad options, did not converge, no kernel), 130 interrupted. */
export async function runLab(o: LabRunOptions, io: LabIo): Promise<number> {
  let plan: LabPlan;
  try {
    plan = makePlan(o);
  } catch (err) {
    if (err instanceof LabOptionError) {
      io.err(`wren lab: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (plan.kernel) {
    const why = kernelUnavailable();
    if (why) {
      io.err(`wren lab: --kernel: ${why}; without --kernel the lab runs with a memory FIB and needs no root\n`);
      return 1;
    }
  }
  let ns: LabNamespace | null = null;
  let fib: FibBackend | null = null;
  let lab: LabTopology | null = null;
  const onAbort = () => void lab?.stop();
  io.signal?.addEventListener('abort', onAbort);
  try {
    if (plan.kernel) {
      ns = await createLabNamespace({ address: plan.kernelLink.address });
      fib = await Iproute2Fib.open({ netns: ns.name });
    } else {
      fib = new MemoryFib();
    }
    if (!o.json) io.out(introText(plan, ns));
    const started = Date.now();
    lab = await LabTopology.start(plan, { fib, ...(o.logger ? { logger: o.logger } : {}) });
    if (io.signal?.aborted) return 130;
    const timeout = o.timeoutMs ?? 10_000;
    if (!(await lab.waitConverged(timeout))) {
      if (io.signal?.aborted) return 130;
      io.err(`wren lab: the host did not learn and install every route within ${timeout} ms; where it stands:\n`);
      io.err(snapshotText(await snapshot(lab, fib, ns), o));
      return 1;
    }
    const first = await snapshot(lab, fib, ns);
    if (o.follow) {
      if (!o.json) io.out(`Converged in ${Date.now() - started} ms.\n\n${snapshotText(first, o)}\n${HELP}`);
      else io.out(`${JSON.stringify({ lab: planJson(plan), ...first })}\n`);
      return await follow(lab, fib, ns, o, io);
    }
    // A VIP node goes, and the ECMP set shrinks (rr mode: the reflector withdraws that path's
    // ADD-PATH id from the host; the other path stays as it was).
    const down = plan.nodes.length >= 2 ? 2 : 1;
    const what =
      plan.nodes.length < 2
        ? 'its sessions close and its routes go'
        : plan.mode === 'gateway'
          ? "its sessions close, its routes go, and the VIP's ECMP set shrinks to one next hop"
          : "its session closes, the reflector withdraws its paths from the host, and the VIP's ECMP set shrinks to one next hop";
    if (!o.json) {
      io.out(`Converged in ${Date.now() - started} ms.\n\n${snapshotText(first, o, true)}\n`);
      io.out(`== node-${down} goes down: ${what} ==\n\n`);
    }
    await lab.nodeDown(down);
    const ok = await lab.waitConverged(timeout);
    if (io.signal?.aborted) return 130;
    const after = await snapshot(lab, fib, ns);
    if (o.json) io.out(`${JSON.stringify({ lab: planJson(plan), converged: first, afterNodeDown: { node: down, ...after } }, null, 2)}\n`);
    else io.out(snapshotText(after, o));
    if (!ok) {
      io.err(`wren lab: the host did not settle within ${timeout} ms after node-${down} went down\n`);
      return 1;
    }
    await lab.stop();
    const left = (await fib.list()).length;
    await fib.close();
    fib = null;
    const nsName = ns?.name;
    await ns?.remove();
    if (!o.json) io.out(`\nStopped: every session closed, the host took its routes out of its table (${left} left)${nsName ? `, namespace ${nsName} removed` : ''}.\n`);
    return 0;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    await lab?.stop();
    await fib?.close().catch(() => undefined);
    await ns?.remove();
    if (io.signal?.aborted) io.err(`wren lab: interrupted; every speaker stopped${ns ? `, namespace ${ns.name} removed` : ''}\n`);
  }
}

const HELP = `Commands: down N | up N | status [rr] | routes [PREFIX] [why] | fib | help | quit  (first letters do: d 2, u 2, s, r, f, q)\n`;

async function follow(lab: LabTopology, fib: FibBackend, ns: LabNamespace | null, o: LabRunOptions, io: LabIo): Promise<number> {
  if (!io.input) return 0;
  const rl = createInterface({ input: io.input, terminal: false });
  const close = () => rl.close();
  io.signal?.addEventListener('abort', close);
  const show = (text: string, json: unknown) => io.out(o.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
  try {
    for await (const raw of rl) {
      const [cmd = '', ...args] = raw.trim().split(/\s+/);
      if (cmd === '') continue;
      const word = cmd.toLowerCase();
      if (word === 'q' || word === 'quit' || word === 'exit') break;
      if (word === 'h' || word === 'help' || word === '?') {
        io.out(HELP);
      } else if (word === 'd' || word === 'down' || word === 'u' || word === 'up') {
        const up = word.startsWith('u');
        const index = Number(args[0]);
        if (!lab.plan.nodes.some((n) => n.index === index)) {
          io.err(`no node ${args[0] ?? ''}: nodes are 1..${lab.plan.nodes.length}\n`);
          continue;
        }
        const changed = up ? await lab.nodeUp(index) : await lab.nodeDown(index);
        if (!changed) {
          io.err(`node-${index} is ${up ? 'up' : 'down'} already\n`);
          continue;
        }
        const settled = await lab.waitConverged(o.timeoutMs ?? 15_000);
        if (io.signal?.aborted) return 130;
        if (!settled) io.err(`the host has not settled yet; showing where it stands\n`);
        const s = await snapshot(lab, fib, ns);
        show(`== node-${index} ${up ? 'up' : 'down'} ==\n\n${snapshotText(s, o)}`, { event: up ? 'up' : 'down', node: index, ...s });
      } else if (word === 's' || word === 'status') {
        const speaker = args[0] === 'rr' ? lab.reflector : lab.host;
        const v = statusView(speaker);
        show(formatStatus(v, tableOptions(o)), v);
      } else if (word === 'r' || word === 'routes') {
        const why = args.includes('why') || args.includes('--why');
        const prefix = args.find((a) => a !== 'why' && a !== '--why');
        try {
          const v = routesView(lab.host, { why, ...(prefix ? { prefix } : {}) });
          show(formatRoutes(v, tableOptions(o)), v);
        } catch (err) {
          if (!(err instanceof ViewError)) throw err;
          io.err(`${err.message}\n`);
        }
      } else if (word === 'f' || word === 'fib') {
        const s = await snapshot(lab, fib, ns);
        show(fibText(s), { fib: s.fib, ...(s.ipRoute !== undefined ? { ipRoute: s.ipRoute } : {}) });
      } else {
        io.err(`unknown command "${cmd}"\n${HELP}`);
      }
    }
    return io.signal?.aborted ? 130 : 0;
  } finally {
    io.signal?.removeEventListener('abort', close);
    rl.close();
  }
}

async function snapshot(lab: LabTopology, fib: FibBackend, ns: LabNamespace | null): Promise<LabSnapshot> {
  const status = statusView(lab.host);
  const routes = routesView(lab.host);
  const vip = routesView(lab.host, { prefix: lab.plan.vip, why: true });
  const table = await fib.list();
  return {
    status,
    routes,
    vip,
    ...(lab.plan.mode === 'rr' ? { reflectorVip: routesView(lab.reflector, { prefix: lab.plan.vip, why: true }) } : {}),
    fib: table,
    ...(ns ? { ipRoute: await ns.routes(), netns: ns.name } : {}),
  };
}

function tableOptions(o: LabRunOptions) {
  return { ...(o.color ? { color: true } : {}), ...(o.width ? { width: o.width } : {}) };
}

function fibText(s: LabSnapshot): string {
  if (s.ipRoute !== undefined) return s.ipRoute || '(no routes)\n';
  return fibRoutesText(s.fib);
}

function snapshotText(s: LabSnapshot, o: LabRunOptions, why = false): string {
  const t = tableOptions(o);
  const title = s.netns !== undefined ? `The host's kernel table (ip -n ${s.netns} route)` : "The host's FIB (memory; as `ip route` prints it)";
  const parts = [`The host's peers (wren status)`, formatStatus(s.status, t), `The host's routes (wren routes)`, formatRoutes(s.routes, t)];
  const vip = s.vip.routes[0];
  if (why && vip) parts.push(`How the host ranks the paths of the VIP (wren routes ${vip.prefix} --why)`, formatRoutes(s.vip, t));
  if (why && s.reflectorVip) parts.push(`The reflector's paths of the VIP: it passes its ECMP set on to the host (ADD-PATH)`, formatRoutes(s.reflectorVip, t));
  parts.push(title, fibText(s));
  return parts.join('\n');
}

function introText(plan: LabPlan, ns: LabNamespace | null): string {
  const nodes = plan.nodes;
  const vipNodes = nodes.filter((n) => n.vip).map((n) => n.name);
  const total = nodes.reduce((s, n) => s + n.blocks.length, 0);
  const blocks =
    total <= 12
      ? nodes.map((n) => `${n.name} ${n.blocks.join(' ') || '(none)'}`).join(', ')
      : nodes.map((n) => `${n.name} ${n.blocks.length}`).join(', ');
  const table = ns
    ? `the kernel table of namespace ${ns.name}; the host's import policy maps the nodes' next hops onto ${addressRange(nodes.map((n) => n.nextHop))} (on ${LAB_DEV}, ${plan.kernelLink.address})`
    : 'a memory FIB (no root needed)';
  const host =
    plan.mode === 'gateway'
      ? `${plan.host.address}, AS ${plan.host.asn}: an eBGP peer of every node, as a Calico global BGPPeer is (the NetScaler set-up)`
      : `${plan.host.address}, AS ${plan.host.asn}: one more client of the route reflector, which sends it several paths per prefix (ADD-PATH)`;
  const lines = [
    `wren lab (${plan.mode} mode): a Calico-style cluster and a host outside it, all Wren speakers in this process on ${plan.base}.0/24`,
    `  cluster  AS ${plan.clusterAsn}: route reflector ${plan.reflector.address} (cluster id ${plan.reflector.clusterId}); ${nodes.length === 1 ? 'node-1' : `node-1..node-${nodes.length}`} at ${addressRange(nodes.map((n) => n.address))} are its clients`,
    `  pods     /26 blocks of ${plan.podCidr}: ${blocks}`,
    `  service  anycast VIP ${plan.vip} from ${vipNodes.join(' and ')}`,
    `  host     ${host}`,
    `  fib      ECMP over up to ${plan.host.maxPaths} paths, installed into ${table}`,
  ];
  if (plan.mode === 'rr') {
    lines.push(
      `  note     a reflector passes on only its best path of a prefix (RFC 4456); this one sends the host its multipath set with ADD-PATH (RFC 7911), so the host has both VIP next hops`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

function planJson(plan: LabPlan) {
  return {
    mode: plan.mode,
    kernel: plan.kernel,
    reflector: { ...plan.reflector, asn: plan.clusterAsn },
    host: plan.host,
    nodes: plan.nodes.map((n) => ({ name: n.name, address: n.address, asn: plan.clusterAsn, nextHop: n.nextHop, blocks: n.blocks, vip: n.vip })),
    vip: plan.vip,
  };
}
