// HTTP(S) probe: one GET; up when the status is expected (by default 200-399, as HAProxy's
// httpchk counts a redirect as alive). Redirects are not followed, the body is not read: the
// status line says whether the service answers, and a large body must not slow the check.
import { get as httpGet, type ClientRequest, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { errorCode, runAttempt } from './attempt.js';
import type { HealthProbe, ProbeOptions, ProbeResult } from './types.js';

type HttpProbe = Extract<HealthProbe, { kind: 'http' }>;

export function probeHttp(probe: HttpProbe, options: ProbeOptions): Promise<ProbeResult> {
  return runAttempt(options, (settle) => {
    let url: URL;
    try {
      url = new URL(probe.url);
    } catch {
      settle(false, `not a URL: ${probe.url}`);
      return () => {};
    }
    const get = url.protocol === 'https:' ? httpsGet : url.protocol === 'http:' ? httpGet : undefined;
    if (!get) {
      settle(false, `not an http: or https: URL: ${probe.url}`);
      return () => {};
    }
    const expected = probe.expectStatus?.length ? probe.expectStatus : undefined;
    // agent: false: a fresh connection per probe, so a check never passes on a pooled socket to a
    // server that no longer accepts new ones.
    const req: ClientRequest = get(url, { agent: false, headers: { 'user-agent': 'wren-healthcheck', connection: 'close' } }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const ok = expected ? expected.includes(status) : status >= 200 && status <= 399;
      // Destroying the request ends the response early; its 'error' is expected and ignored.
      res.on('error', () => {});
      req.destroy();
      settle(ok, ok ? `HTTP ${status}` : `HTTP ${status} (expected ${expected ? expected.join(', ') : '200-399'})`);
    });
    req.on('error', (e) => settle(false, `GET ${probe.url}: ${errorCode(e)}`));
    return (reason) => {
      req.destroy();
      settle(false, `${reason} waiting for ${probe.url}`);
    };
  });
}
