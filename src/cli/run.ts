// `wren run -c FILE`: the daemon in the foreground. SIGTERM/SIGINT stop it cleanly (Cease with a
// shutdown communication to every peer, our routes out of the table unless kept), SIGHUP reloads
// the config, SIGUSR2 stops for a graceful restart (no NOTIFICATION, routes left in the table).

import type { Command } from 'commander';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../config/load.js';
import { formatConfigError } from '../config/errors.js';
import { DEFAULT_CONFIG_PATH, type FibBackendName } from '../config/types.js';
import { Daemon } from '../daemon/daemon.js';

interface RunOptions {
  config: string;
  fib?: string;
  socket?: string;
  logLevel?: string;
}

const FIB_BACKENDS: readonly FibBackendName[] = ['kernel', 'memory', 'plan', 'none'];

export function registerRun(program: Command, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run the daemon in the foreground (SIGTERM/SIGINT stop, SIGHUP reloads, SIGUSR2 stops for a graceful restart)')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG_PATH)
    .option('--fib <backend>', `forwarding table: ${FIB_BACKENDS.join(', ')} (plan prints the changes as JSON and ip commands without applying them)`)
    .option('--socket <path>', 'control API socket (instead of the config file\'s api.socket)')
    .option('--log-level <level>', 'log level (instead of the config file\'s log.level)')
    .action(async (o: RunOptions) => {
      if (o.fib !== undefined && !FIB_BACKENDS.includes(o.fib as FibBackendName)) {
        process.stderr.write(`wren run: --fib must be one of ${FIB_BACKENDS.join(', ')}, got "${o.fib}"\n`);
        setExit(2);
        return;
      }
      const r = await loadConfig(o.config);
      if (!r.ok) {
        for (const e of r.errors) process.stderr.write(formatConfigError(e) + '\n');
        setExit(1);
        return;
      }
      const config = r.config;
      const logger = makeLogger(o.logLevel ?? config.log.level, config.log.format);
      let daemon: Daemon;
      try {
        daemon = await Daemon.start(config, {
          configPath: o.config,
          logger,
          ...(o.fib ? { fibOverride: o.fib as FibBackendName } : {}),
          ...(o.socket ? { socketOverride: o.socket } : {}),
        });
      } catch (err) {
        logger.fatal({ err }, 'Wren could not start');
        logger.flush();
        setExit(1);
        return;
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string, gracefulRestart = false) => {
          process.off('SIGHUP', hup);
          daemon.stop({ reason: `${signal} received`, gracefulRestart }).then(resolve, (err: unknown) => {
            logger.error({ err }, 'stop failed');
            setExit(1);
            resolve();
          });
        };
        const hup = () => {
          logger.info('SIGHUP: reloading the configuration');
          void daemon.reload().catch((err: unknown) => logger.error({ err }, 'reload failed'));
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGUSR2', () => stop('SIGUSR2', true));
        process.on('SIGHUP', hup);
        daemon.onStopRequested((gracefulRestart) => stop('stop request', gracefulRestart));
      });
      logger.flush();
    });
}

/** pino JSON; readable lines when stdout is a terminal (or log.format: pretty). */
function makeLogger(level: string, format: 'json' | 'pretty'): Logger {
  const pretty = format === 'pretty' || process.stdout.isTTY === true;
  if (!pretty) return pino({ level, base: { pid: process.pid }, redact: ['*.password', 'password'] });
  return pino({
    level,
    redact: ['*.password', 'password'],
    transport: { target: 'pino-pretty', options: { colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}
