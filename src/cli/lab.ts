// `wren lab`: the in-process Calico-style topology (src/lab, docs/lab.md). `npm start` runs it.
import { InvalidArgumentError, Option, type Command } from 'commander';
import pino from 'pino';
import { LAB_MODES, MAX_NODES, runLab, type LabMode } from '../lab/index.js';

interface LabCliOptions {
  nodes?: number;
  blocks?: number;
  mode?: LabMode;
  kernel?: boolean;
  json?: boolean;
  follow?: boolean;
  verbose?: boolean;
}

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`a whole number ${min}..${max}`);
    return n;
  };
}

export function registerLab(program: Command, setExit: (code: number) => void): void {
  program
    .command('lab')
    .description('run a Calico-style cluster (route reflector, nodes with /26 pod blocks, an anycast VIP) and a host that learns and installs the routes, all in this process')
    .option('-n, --nodes <n>', `Calico nodes (1..${MAX_NODES})`, wholeNumber(1, MAX_NODES), 3)
    .option('-b, --blocks <n>', '/26 pod blocks per node (default: 2 for node-1, 1 for the others)', wholeNumber(0, 1024))
    .addOption(new Option('-m, --mode <mode>', 'gateway: the host is an eBGP peer of every node (ECMP); rr: the host is a client of the route reflector').choices(LAB_MODES).default('gateway'))
    .option('--kernel', 'install into the kernel table of a network namespace the lab creates (root)')
    .option('--json', 'print the views as JSON instead of tables')
    .option('-f, --follow', 'keep running; read commands (down N, up N, status, routes, fib, quit) from stdin')
    .option('-v, --verbose', 'log the speakers (pino, to stderr)')
    .addHelpText('after', '\nExit status: 0 done, 1 a bad option or the lab failed (did not converge; --kernel without root), 130 interrupted.')
    .action(async (opts: LabCliOptions) => {
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      // `wren lab | head`: a closed pipe stops the lab (and removes its namespace) instead of crashing.
      const onStdoutError = (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        controller.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      process.stdout.on('error', onStdoutError);
      try {
        const tty = process.stdout.isTTY === true;
        const code = await runLab(
          {
            ...(opts.nodes !== undefined ? { nodes: opts.nodes } : {}),
            ...(opts.blocks !== undefined ? { blocks: opts.blocks } : {}),
            ...(opts.mode ? { mode: opts.mode } : {}),
            kernel: opts.kernel ?? false,
            json: opts.json ?? false,
            follow: opts.follow ?? false,
            color: tty && !process.env.NO_COLOR,
            ...(tty && process.stdout.columns ? { width: process.stdout.columns } : {}),
            ...(opts.verbose ? { logger: pino({ level: 'info' }, pino.destination(2)) } : {}),
          },
          {
            out: (s) => {
              if (!controller.signal.aborted) process.stdout.write(s);
            },
            err: (s) => process.stderr.write(s),
            input: process.stdin,
            signal: controller.signal,
          },
        );
        setExit(code);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.stdout.off('error', onStdoutError);
      }
    });
}
