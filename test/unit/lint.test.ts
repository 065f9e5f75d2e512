// The layering rule of docs/architecture.md is enforced by ESLint; prove the rule bites.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const cwd = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${cwd}/${file}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering lint rule', () => {
  it.each([
    ["import { connect } from 'node:net';", 'pure layer: no I/O'],
    ["import pino from 'pino';", 'no logger'],
    ["import { readFileSync } from 'node:fs';", 'pure layer: no I/O'],
    ["import { x } from '../session/index.js';", 'dependencies point down only'],
    ["import { y } from '../rib/index.js';", 'wire/ is the bottom layer'],
  ])('src/wire rejects %s', async (code, why) => {
    const found = await problems('src/wire/example.ts', `${code}\nexport const z = 1;\n`);
    expect(found.some((p) => p.startsWith('no-restricted-imports') && p.includes(why))).toBe(true);
  });

  it('src/rib and src/fsm may not import sockets or the FIB either', async () => {
    expect((await problems('src/rib/example.ts', "import { connect } from 'node:net';\nexport const z = connect;\n")).join()).toContain('no-restricted-imports');
    expect((await problems('src/fsm/example.ts', "import { k } from '../fib/kernel.js';\nexport const z = k;\n")).join()).toContain('no-restricted-imports');
  });

  it('src/fib may not import the session or API layers', async () => {
    expect((await problems('src/fib/example.ts', "import { Speaker } from '../api/speaker.js';\nexport const z = Speaker;\n")).join()).toContain('fib/ depends on wire/ and rib/ types only');
  });

  it('upper layers may import the codec', async () => {
    expect(await problems('src/formats/example.ts', "import { decodeMessage } from '../wire/index.js';\nexport const z = decodeMessage;\n")).toEqual([]);
  });
});
