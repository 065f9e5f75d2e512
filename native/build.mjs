// The `npm install` hook (package.json "install"): builds the native shim (rtnetlink; TCP-MD5 and TTL socket options), native/*.c ->
// build/Release/wren_netlink.node, with node-gyp. It never fails the install: Wren works without the shim (it writes the FIB through
// `ip -batch`; TCP-MD5 passwords and multihop TTL are then not available), so a failed build prints one line and exits 0. The full node-gyp output goes to
// build/native-build.log.
//
// An explicit "install" script stops npm from running `node-gyp rebuild` on its own for binding.gyp,
// so this script is the only build. npm puts its bundled node-gyp on PATH for scripts
// (@npmcli/run-script's node-gyp-bin) and names it in npm_config_node_gyp.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fallback = 'Wren will write the kernel FIB with `ip -batch` instead, and TCP-MD5 passwords and multihop TTL are not available';

function say(line) {
  process.stdout.write(`wren: ${line}\n`);
}

/** npm's node-gyp (also when this script is run by hand), else one on PATH. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  const script = candidates.find((p) => p && existsSync(p));
  return script ? [process.execPath, [script]] : ['node-gyp', []];
}

/** Headers next to this node (a distribution's package), so that node-gyp need not download them. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function main() {
  if (process.platform !== 'linux') return say(`native shim not built (not Linux); ${fallback}.`);
  if (process.env.WREN_SKIP_NATIVE) return say(`native shim not built (WREN_SKIP_NATIVE is set); ${fallback}.`);
  const [command, prefix] = nodeGyp();
  const res = spawnSync(command, [...prefix, 'rebuild', ...nodedirArgs()], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  const log = `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? `\n${res.error.message}\n` : ''}`;
  try {
    mkdirSync(join(root, 'build'), { recursive: true });
    writeFileSync(join(root, 'build', 'native-build.log'), log);
  } catch {
    // The log is a courtesy.
  }
  if (res.status === 0 && existsSync(join(root, 'build', 'Release', 'wren_netlink.node'))) return say('native shim built (build/Release/wren_netlink.node): rtnetlink, TCP-MD5, TTL.');
  return say(`native shim not built (${reason(res, log).slice(0, 160)}); ${fallback}. Details: build/native-build.log`);
}

/** The line of node-gyp's output that says what went wrong: the compiler's or make's words first. */
function reason(res, log) {
  if (res.error) return res.error.message;
  const lines = log.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('gyp info'));
  const said = lines.find((l) => /No such file or directory|not found|fatal error|error:/i.test(l)) ?? lines.find((l) => l.startsWith('gyp ERR! stack Error'))?.replace('gyp ERR! stack ', '');
  return said ?? `node-gyp exited with ${String(res.status)}`;
}

try {
  main();
} catch (err) {
  say(`native shim not built (${err instanceof Error ? err.message : String(err)}); ${fallback}.`);
}
process.exitCode = 0;
