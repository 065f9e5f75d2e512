// What the daemon announces: the config's announcements, gated by their health checks, plus the
// operator's (`wren announce` / `wren withdraw`). One announcement per prefix. The speaker is told
// the whole desired set each time (Speaker.setAnnouncements diffs it against what is out).
//
// An operator's announcement replaces the config's of the same prefix until `wren withdraw`;
// `wren withdraw` of a config prefix holds it back until the next `wren announce` of it or a
// reload that changes it. Both last until the daemon stops; a reload keeps them.

import type { Logger } from 'pino';
import { canonicalAnnouncementPrefix, checkAnnouncement, type Announcement } from '../api/announcements.js';
import type { Speaker } from '../api/speaker.js';
import { HealthSet, type HealthCheckerOptions, type HealthCheckSpec, type HealthStatus } from '../health/index.js';

export interface AnnouncementSpec extends Announcement {
  readonly healthCheck?: HealthCheckSpec;
}

export interface AnnouncementView {
  readonly prefix: string;
  readonly source: 'config' | 'operator';
  /** Sent to peers now. */
  readonly announced: boolean;
  /** Why not, when it is not. */
  readonly reason?: string;
  readonly health?: HealthStatus;
  readonly announcement: Announcement;
}

export class Announcer {
  readonly health: HealthSet;
  private config = new Map<string, AnnouncementSpec>();
  private readonly operator = new Map<string, Announcement>();
  private readonly heldBack = new Set<string>();

  constructor(
    private readonly speaker: Speaker,
    private readonly log: Logger,
    healthOptions: HealthCheckerOptions = {},
  ) {
    this.health = new HealthSet(healthOptions);
    this.health.on('change', (prefix, state, reason) => {
      this.log.info({ prefix, state, reason }, state === 'up' ? 'health check up: announcing' : 'health check down: withdrawing');
      this.push();
    });
  }

  /** The config's announcements (at start and on reload). Throws on an invalid health check, changing nothing. */
  setConfig(specs: readonly AnnouncementSpec[]): void {
    const next = new Map(specs.map((s) => [canonical(s.prefix), s]));
    const checks = new Map<string, HealthCheckSpec>();
    for (const [prefix, s] of next) if (s.healthCheck) checks.set(prefix, s.healthCheck);
    this.health.update(checks);
    for (const [prefix, s] of next) {
      const old = this.config.get(prefix);
      if (old && JSON.stringify(old) !== JSON.stringify(s)) this.heldBack.delete(prefix);
    }
    this.config = next;
    this.push();
  }

  /** Announces (or replaces) an operator's announcement; returns its prefix in canonical form. */
  announce(a: Announcement): string {
    const given = a.prefix.includes('/') ? a.prefix : a.prefix.includes(':') ? `${a.prefix}/128` : `${a.prefix}/32`;
    const { prefix } = checkAnnouncement({ ...a, prefix: given });
    this.operator.set(prefix, { ...a, prefix });
    this.heldBack.delete(prefix);
    this.push();
    return prefix;
  }

  /** Returns false when nothing of that prefix is announced or configured. */
  withdraw(prefix: string): boolean {
    const p = canonical(prefix);
    const had = this.operator.delete(p);
    if (this.config.has(p)) this.heldBack.add(p);
    this.push();
    return had || this.config.has(p);
  }

  views(): AnnouncementView[] {
    const out: AnnouncementView[] = [];
    const prefixes = new Set([...this.config.keys(), ...this.operator.keys()]);
    for (const prefix of [...prefixes].sort()) {
      const op = this.operator.get(prefix);
      if (op) {
        out.push({ prefix, source: 'operator', announced: true, announcement: op });
        continue;
      }
      const spec = this.config.get(prefix)!;
      const { healthCheck: _h, ...announcement } = spec;
      const health = this.health.get(prefix)?.status();
      const reason = this.heldBack.has(prefix) ? 'withdrawn by the operator' : health && health.state === 'down' ? `health check down: ${health.reason}` : undefined;
      out.push({ prefix, source: 'config', announced: reason === undefined, ...(reason ? { reason } : {}), ...(health ? { health } : {}), announcement });
    }
    return out;
  }

  healthStates(): Map<string, 'up' | 'down'> {
    const m = new Map<string, 'up' | 'down'>();
    for (const id of this.health.ids()) m.set(id, this.health.state(id)!);
    return m;
  }

  stop(): void {
    this.health.stop();
  }

  private push(): void {
    this.speaker.setAnnouncements(this.views().filter((v) => v.announced).map((v) => v.announcement));
  }
}

/** "10.0.0.1" -> "10.0.0.1/32"; a prefix in one spelling (RFC 5952); the text as given when it is none. */
function canonical(prefix: string): string {
  const text = prefix.includes('/') ? prefix : prefix.includes(':') ? `${prefix}/128` : `${prefix}/32`;
  return canonicalAnnouncementPrefix(text) ?? text;
}
