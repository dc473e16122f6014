// smtpd's LoginGate over @mail/auth's LoginThrottle (failures counted in Redis, shared with pop3d and imapd): a
// locked-out client address is refused before the exchange; unless the SASL backend counts outcomes itself, a
// failure is counted per address and waits the delay it earns, and a success clears the login name's count.
// When Redis cannot be reached, logins go through unthrottled and a warning is logged.
import type { LoginThrottle } from '@mail/auth';
import type { Logger } from '@mail/log';
import type { LoginGate } from '../ports.js';

export interface ThrottleGateOptions {
  log: Logger;
  /**
   * Count failures and successes here (default). Off when the SASL backend is @mail/auth's Authenticator with the
   * same throttle, which counts each login per address and login name and waits the delay itself.
   */
  recordOutcomes?: boolean;
  /** Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export function throttleGate(throttle: LoginThrottle, options: ThrottleGateOptions): LoginGate {
  const { log } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async check(ip) {
      try {
        const c = await throttle.check({ ip });
        return c.locked ? { allowed: false, retryAfterMs: c.retryAfterMs } : { allowed: true };
      } catch (err) {
        log.warn({ err: (err as Error).message, op: 'check' }, 'login throttling unavailable');
        return { allowed: true };
      }
    },
    async record(ip, outcome) {
      if (options.recordOutcomes === false) return;
      try {
        if (outcome.ok) {
          await throttle.success({ ip, account: outcome.authcid });
          return;
        }
        // A failed exchange does not say which login name it tried: failures count per client address.
        const r = await throttle.failure({ ip });
        if (r.lockedNow.length) log.warn({ ip, failures: r.failures }, 'lockout started after repeated failed logins');
        if (r.delayMs > 0) await sleep(r.delayMs);
      } catch (err) {
        log.warn({ err: (err as Error).message, op: outcome.ok ? 'success' : 'failure' }, 'login throttling unavailable');
      }
    },
  };
}
