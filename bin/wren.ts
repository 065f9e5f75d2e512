#!/usr/bin/env node
// Thin entry point: everything lives in src/cli.
import { main } from '../src/cli/index.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`wren: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
