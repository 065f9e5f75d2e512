// The `wren` command line. Each command lives in its own module; this file only wires them.
import { Command, CommanderError } from 'commander';
import { registerDecode } from './decode.js';
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
  registerDecode(program, setExit);
  try {
    await program.parseAsync(argv as string[]);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return exitCode;
}
