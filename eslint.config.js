// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layers that must stay pure: no sockets, no logger, no clocks, nothing above them. */
const pureLayerImports = {
  patterns: [
    { group: ['node:net', 'net', 'node:dgram', 'node:tls', 'node:fs', 'fs', 'node:fs/*', 'node:child_process'], message: 'pure layer: no I/O here (see docs/architecture.md)' },
    { group: ['pino', 'pino-*'], message: 'pure layer: no logger here; return values, let the caller log' },
    { group: ['**/session/**', '**/fib/**', '**/api/**', '**/cli/**', '**/daemon/**', '**/config/**', '**/formats/**', '**/policy/**'], message: 'pure layer: dependencies point down only (docs/architecture.md)' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'pcap-fixtures/**', 'native/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['src/wire/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        ...pureLayerImports,
        patterns: [...pureLayerImports.patterns, { group: ['**/rib/**', '**/fsm/**'], message: 'wire/ is the bottom layer' }],
      }],
    },
  },
  {
    files: ['src/fsm/**/*.ts', 'src/rib/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', pureLayerImports] },
  },
  {
    // The FIB is an I/O layer (it runs `ip`), but it sits below sessions, the API and the daemon.
    files: ['src/fib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/session/**', '**/api/**', '**/cli/**', '**/daemon/**', '**/config/**', '**/fsm/**', '**/policy/**', '**/formats/**'], message: 'fib/ depends on wire/ and rib/ types only (docs/architecture.md)' }],
      }],
    },
  },
);
