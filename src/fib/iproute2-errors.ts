// What `ip` prints when the kernel refuses a route, back to an errno name. iproute2 prints either
// strerror() after "RTNETLINK answers: " or, when the kernel sent an extended ack, only its text
// after "Error: ", so both forms are listed (iproute2 6.1, Linux 6.x).

import type { FibErrorCode } from './types.js';

const PATTERNS: readonly (readonly [RegExp, FibErrorCode])[] = [
  [/No such process/, 'ESRCH'],
  [/File exists/, 'EEXIST'],
  [/Network is unreachable|Nexthop has invalid gateway/, 'ENETUNREACH'],
  [/No route to host/, 'EHOSTUNREACH'],
  [/Cannot find device|No such device/, 'ENODEV'],
  [/Operation not permitted/, 'EPERM'],
];

/** The errno name for the text `ip` printed about one failed command; EINVAL when unknown. */
export function iproute2ErrorCode(text: string): FibErrorCode {
  for (const [re, code] of PATTERNS) if (re.test(text)) return code;
  return 'EINVAL';
}

/** The message without iproute2's decoration ("RTNETLINK answers: ", "Error: "). */
export function iproute2ErrorMessage(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const last = lines[lines.length - 1] ?? 'failed (no message)';
  return last.replace(/^RTNETLINK answers: /, '').replace(/^Error: /, '');
}
