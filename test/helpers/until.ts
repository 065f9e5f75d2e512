// Polling wait for tests that watch real sockets and daemons: bounded, with a message that says
// what was awaited.
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000, everyMs = 20): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** "title (skipped: reason)" so that a skip says why in the test output. */
export function skipTitle(title: string, reason: string | null): string {
  return reason ? `${title} (skipped: ${reason})` : title;
}
