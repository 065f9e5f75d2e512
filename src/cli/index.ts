// The `wren` command line. Each command lives in its own module; this file only wires them.
import { Command, CommanderError } from 'commander';
import { registerCheckConfig } from './check-config.js';
import { registerClient } from './client.js';
import { registerConfig } from './config-cmd.js';
import { registerDecode } from './decode.js';
import { registerLab } from './lab.js';
import { registerReplay } from './replay.js';
import { registerRun } from './run.js';
import { VERSION } from '../version.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('wren')
    .description('Wren: a BGP-4 speaker and route advertiser')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  registerRun(program, setExit);
  registerCheckConfig(program, setExit);
  registerConfig(program, setExit);
  registerClient(program, setExit);
  registerDecode(program, setExit);
  registerLab(program, setExit);
  registerReplay(program, setExit);
  try {
    await program.parseAsync(argv as string[]);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return exitCode;
}
