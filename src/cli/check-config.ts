// `wren check-config [FILE]`: validates a configuration file and prints "configuration OK", or
// every error as FILE:LINE:COLUMN: FIELD: MESSAGE (the way `bgpd -n` checks OpenBGPD's).
import type { Command } from 'commander';
import { DEFAULT_CONFIG_PATH, formatConfigError, loadConfig } from '../config/index.js';

interface CheckConfigOptions {
  print?: boolean;
  quiet?: boolean;
}

export function registerCheckConfig(program: Command, setExit: (code: number) => void): void {
  program
    .command('check-config')
    .description('check a configuration file: prints "configuration OK" or its errors with file, line, column and field')
    .argument('[file]', 'the configuration file', DEFAULT_CONFIG_PATH)
    .option('--print', 'when valid, also print the configuration as Wren reads it (JSON, defaults filled in)')
    .option('-q, --quiet', 'print nothing when the configuration is valid (warnings still go to stderr)')
    .addHelpText('after', '\nExit status: 0 the configuration is valid, 1 it is not or cannot be read.')
    .action(async (file: string, opts: CheckConfigOptions) => {
      setExit(await runCheckConfig(file, opts, (s) => process.stdout.write(s), (s) => process.stderr.write(s)));
    });
}

export async function runCheckConfig(file: string, opts: CheckConfigOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const r = await loadConfig(file);
  for (const w of r.warnings) err(`${formatConfigError(w)}\n`);
  if (!r.ok) {
    for (const e of r.errors) err(`${formatConfigError(e)}\n`);
    err(`${r.errors.length} error${r.errors.length === 1 ? '' : 's'}\n`);
    return 1;
  }
  if (opts.print) out(`${JSON.stringify(r.config, null, 2)}\n`);
  if (!opts.quiet) out('configuration OK\n');
  return 0;
}
