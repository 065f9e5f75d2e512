// Safety nets, registered as file-level hooks when a test file imports the harness:
// - beforeAll: remove work directories and namespaces left by earlier runs that crashed (their
//   owner pid is dead); live parallel test files are never touched.
// - afterAll: stop any daemon and remove any namespace or veth the file's own cleanup missed.
// Vitest ends its fork workers with a signal, so a process 'exit' hook alone would not run.

import { afterAll, beforeAll } from 'vitest';
import { sweepOnce } from './lab.js';
import { cleanupLeftovers } from './proc.js';

beforeAll(() => sweepOnce(), 30_000);

afterAll(async () => {
  const left = await cleanupLeftovers();
  if (left.length > 0) console.warn(`interop harness: cleaned up after the tests: ${left.join(', ')} (a test did not call lab.cleanup()/dispose())`);
}, 30_000);
