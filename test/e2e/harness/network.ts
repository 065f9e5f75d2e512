// The e2e network (test/e2e/README.md has the picture): one L2 segment, a Linux bridge `br0` in a
// "lan" namespace, with the external host, the route reflector and the cluster nodes each on a
// veth enslaved to it; every node routes to a "pod" namespace behind it, and the service VIP sits
// on the loopback of the VIP nodes. Everything lives in namespaces the test creates
// (wren-test-<pid>-...), removed by the Lab's cleanup; nothing touches the root namespace.
//
//   LAN     192.168.100.0/24, fd00:100::/64: host .1 / ::1, rr .2 / ::2, node i .1i / ::1i (eth0)
//   pod i   10.244.i.2/26 and fd00:244::i:2/122 (eth0), default route via the node's
//           10.244.i.1 / fd00:244::i:1 (dev pod0): the first /26 and /122 block of node i
//   VIP     10.96.0.10/32 and fd00:96::a/128 on lo of every VIP node

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { calicoBlock6, DaemonProcess, makeWorkDir, removeWorkDir, type Lab, type Netns } from '../../interop/harness/index.js';
import { waitFor } from '../../interop/harness/wait.js';

export const lan4 = (n: number): string => `192.168.100.${n}`;
export const lan6 = (n: number): string => `fd00:100::${n}`;
export const HOST = 1;
export const RR = 2;
export const nodeHost = (i: number): number => 10 + i;
export const SERVICE_VIP = '10.96.0.10/32';
export const SERVICE_VIP6 = 'fd00:96::a/128';
/** The port the pods' and VIP nodes' stand-in workloads answer on. */
export const APP_PORT = 8080;
/** The host's interface on the LAN. */
export const HOST_DEV = 'eth0';

const TCP_ANSWER = fileURLToPath(new URL('../fixtures/tcp-answer.mjs', import.meta.url));

export interface Pod {
  readonly node: number;
  readonly ns: Netns;
  readonly address: string;
  readonly address6: string;
}

export interface E2eNetwork {
  readonly lan: Netns;
  readonly host: Netns;
  readonly rr: Netns;
  /** nodes[i - 1] is node i. */
  readonly nodes: readonly Netns[];
  readonly pods: readonly Pod[];
  readonly vipNodes: readonly number[];
  /** Takes node i's port on the bridge down or up (a pulled cable: nothing leaves or arrives). */
  setNodeLink(i: number, up: boolean): Promise<void>;
}

let probed: string | null | undefined;

/**
 * Whether a namespace here can hold a Linux bridge and a veth pair (some kernels lack the
 * modules): null, or the reason. Run only when root and `ip netns add` work.
 */
export function bridgeReason(): string | null {
  if (probed !== undefined) return probed;
  const ns = `wren-test-${process.pid}-probe-br`;
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe', timeout: 5000 });
  try {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ip('-n', ns, 'link', 'set', 'v0', 'master', 'br0');
    probed = null;
  } catch (e) {
    const msg = (e as Error & { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
    probed = `no Linux bridge or veth in a network namespace here (${msg.split('\n')[0]})`;
  } finally {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not created
    }
  }
  return probed;
}

const setSysctl = (ns: Netns, key: string, value: string): Promise<string> => ns.runOk('sh', ['-c', `echo ${value} > /proc/sys/${key.replace(/\./g, '/')}`]);

/** Builds the namespaces, the bridge, the veths, addresses, routes and the stand-in workloads. */
export async function buildNetwork(lab: Lab, opts: { nodes?: number; vipNodes?: readonly number[] } = {}): Promise<E2eNetwork> {
  const n = opts.nodes ?? 3;
  const vipNodes = opts.vipNodes ?? [1, 2];
  const lan = await lab.netns('lan');
  await lan.ip('link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
  await lan.ip('link', 'set', 'br0', 'up');
  const lanPorts = new Map<string, string>();

  /** A station on the LAN: veth eth0 in `ns`, its other end a port of br0. */
  const attach = async (ns: Netns, key: string, hostNumber: number): Promise<void> => {
    const v = await lab.veth({ netns: ns, name: HOST_DEV, addresses: [`${lan4(hostNumber)}/24`, `${lan6(hostNumber)}/64`] }, { netns: lan });
    await lan.ip('link', 'set', v.b, 'master', 'br0');
    lanPorts.set(key, v.b);
  };

  const [host, rr] = await Promise.all([lab.netns('host'), lab.netns('rr')]);
  await Promise.all([
    attach(host, 'host', HOST),
    attach(rr, 'rr', RR),
    // Every flow hashed on its ports, so that the VIP's two next hops both carry connections.
    setSysctl(host, 'net.ipv4.fib_multipath_hash_policy', '1'),
    setSysctl(host, 'net.ipv6.fib_multipath_hash_policy', '1'),
  ]);

  const built = await Promise.all(
    Array.from({ length: n }, async (_, k): Promise<{ node: Netns; pod: Pod }> => {
      const i = k + 1;
      const node = await lab.netns(`node${i}`);
      await attach(node, `node${i}`, nodeHost(i));
      await setSysctl(node, 'net.ipv4.ip_forward', '1');
      await setSysctl(node, 'net.ipv6.conf.all.forwarding', '1');
      // The node's first block: the node is the pod's gateway (Calico uses /32s and proxy ARP;
      // a plain subnet gives the same forwarding for the test).
      const block6 = calicoBlock6(i, 0).replace(/0\/122$/, '');
      const podNs = await lab.netns(`pod${i}`);
      await lab.veth({ netns: node, name: 'pod0', addresses: [`10.244.${i}.1/26`, `${block6}1/122`] }, { netns: podNs, name: HOST_DEV, addresses: [`10.244.${i}.2/26`, `${block6}2/122`] });
      await podNs.ip('route', 'add', 'default', 'via', `10.244.${i}.1`);
      await podNs.ip('-6', 'route', 'add', 'default', 'via', `${block6}1`);
      if (vipNodes.includes(i)) {
        await node.addAddress(SERVICE_VIP);
        await node.addAddress(SERVICE_VIP6);
      }
      return { node, pod: { node: i, ns: podNs, address: `10.244.${i}.2`, address6: `${block6}2` } };
    }),
  );
  const nodes = built.map((b) => b.node);
  const pods = built.map((b) => b.pod);

  // Stand-in workloads: every pod answers "podN", every VIP node answers "nodeN" on the VIP.
  const answer = async (ns: Netns, label: string, addresses: string[]): Promise<void> => {
    const dir = makeWorkDir(`e2e-${label}`);
    const proc = DaemonProcess.start({ name: `tcp ${label}`, cmd: process.execPath, args: [TCP_ANSWER, label, String(APP_PORT), ...addresses], cwd: dir, netns: ns.name, pidFile: `${dir}/daemon.pid` });
    lab.defer(`tcp ${label}`, async () => {
      await proc.stop({ graceMs: 2000 });
      removeWorkDir(dir);
    });
    await waitFor(`${label} listening`, () => proc.stdio().includes('listening'), { timeoutMs: 10_000, abort: () => (proc.running ? undefined : `${proc.exitDescription}: ${proc.stdio()}`) });
  };
  await Promise.all([
    ...pods.map((p) => answer(p.ns, `pod${p.node}`, [p.address, p.address6])),
    ...vipNodes.map((i) => answer(nodes[i - 1]!, `node${i}`, [SERVICE_VIP.split('/')[0]!, SERVICE_VIP6.split('/')[0]!])),
  ]);

  return {
    lan,
    host,
    rr,
    nodes,
    pods,
    vipNodes,
    async setNodeLink(i, up) {
      const port = lanPorts.get(`node${i}`);
      if (!port) throw new Error(`no node ${i}`);
      await lan.ip('link', 'set', port, up ? 'up' : 'down');
    },
  };
}
