// Logins against the account directory: password verification with equal cost for unknown users, refusal of
// disabled accounts, and failed-login throttling; the SaslBackend the SASL mechanisms and USER/PASS, LOGIN use.
import type { Account, Directory } from './directory/index.js';
import { dummyVerify, verifyPassword } from './password/index.js';
import type { SaslBackend } from './sasl/index.js';
import type { LoginThrottle } from './throttle/index.js';


/** Where an attempt comes from. */
export interface LoginContext {
  /** The client's IP address (IPv6 is counted by its /64). */
  remoteIp?: string | undefined;
}

export type LoginResult =
  | { ok: true; account: Account }
  /**
   * credentials: unknown name, wrong password or disabled account (indistinguishable to the client);
   * locked: too many failures, the password was not looked at.
   */
  | { ok: false; reason: 'credentials' | 'locked'; retryAfterMs?: number };

/** The part of a pino logger the authenticator writes to. Passwords are never logged. */
export interface AuthLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface PasswordFunctions {
  verify(password: string, stored: string): Promise<boolean>;
  /** Spends the time of one verification (for unknown users). */
  dummy(password: string): Promise<unknown>;
}

export interface AuthenticatorOptions {
  directory: Directory;
  /** Without one, failed logins are not counted (connection limits still apply in the daemons). */
  throttle?: LoginThrottle;
  /** When Redis cannot be reached: 'open' lets logins through unthrottled (default), 'closed' refuses them. */
  throttleFailure?: 'open' | 'closed';
  log?: AuthLogger;
  /** Default: verifyPassword and dummyVerify of ./password. */
  passwords?: PasswordFunctions;
  /** Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultPasswords: PasswordFunctions = { verify: (p, s) => verifyPassword(p, s), dummy: (p) => dummyVerify(p) };

/** A SaslBackend bound to one client connection, plus the outcome reports challenge-response mechanisms need. */
export interface ClientBackend extends SaslBackend {
  /**
   * After a CRAM-MD5 or SCRAM exchange (which verify inside the mechanism): count a failure, or forget the
   * login name's failures on success. Resolves after the failure delay.
   */
  report(authcid: string, ok: boolean): Promise<void>;
}

export class Authenticator implements SaslBackend {
  private readonly directory: Directory;
  private readonly throttle: LoginThrottle | undefined;
  private readonly failClosed: boolean;
  private readonly log: AuthLogger | undefined;
  private readonly passwords: PasswordFunctions;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: AuthenticatorOptions) {
    this.directory = options.directory;
    this.throttle = options.throttle;
    this.failClosed = options.throttleFailure === 'closed';
    this.log = options.log;
    this.passwords = options.passwords ?? defaultPasswords;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Runs a throttle call; Redis trouble is logged and, unless failing closed, ignored. */
  private async guarded<T>(what: string, fn: (t: LoginThrottle) => Promise<T>, fallback: T): Promise<T | 'unavailable'> {
    if (!this.throttle) return fallback;
    try {
      return await fn(this.throttle);
    } catch (err) {
      this.log?.warn({ err, op: what }, 'login throttling unavailable');
      return this.failClosed ? 'unavailable' : fallback;
    }
  }

  /** Whether the attempt is refused before any password is looked at. */
  private async locked(authcid: string, ctx: LoginContext): Promise<LoginResult | null> {
    const check = await this.guarded('check', (t) => t.check({ ip: ctx.remoteIp, account: authcid }), { locked: false } as const);
    if (check === 'unavailable') return { ok: false, reason: 'locked' };
    if (!check.locked) return null;
    this.log?.info({ user: authcid, ip: ctx.remoteIp, by: check.by }, 'login refused: locked out after repeated failures');
    return { ok: false, reason: 'locked', retryAfterMs: check.retryAfterMs };
  }

  /** Counts a failure and waits the delay it earns. */
  private async failed(authcid: string, ctx: LoginContext, why: string): Promise<void> {
    this.log?.info({ user: authcid, ip: ctx.remoteIp, why }, 'login failed');
    const outcome = await this.guarded('failure', (t) => t.failure({ ip: ctx.remoteIp, account: authcid }), null);
    if (outcome && outcome !== 'unavailable') {
      if (outcome.lockedNow.length) this.log?.warn({ user: authcid, ip: ctx.remoteIp, lockedNow: outcome.lockedNow, failures: outcome.failures }, 'lockout started');
      if (outcome.delayMs > 0) await this.sleep(outcome.delayMs);
    }
  }

  private async succeeded(authcid: string, ctx: LoginContext): Promise<void> {
    await this.guarded('success', (t) => t.success({ ip: ctx.remoteIp, account: authcid }), undefined);
  }

  /** Checks a login name and plaintext password. Unknown names cost one dummy verification. */
  async login(authcid: string, password: string, ctx: LoginContext = {}): Promise<LoginResult> {
    const refused = await this.locked(authcid, ctx);
    if (refused) return refused;
    const account = await this.directory.findAccount(authcid);
    let match = false;
    if (account && account.passwordHash !== '') match = await this.passwords.verify(password, account.passwordHash);
    else await this.passwords.dummy(password);
    if (!match || !account) {
      await this.failed(authcid, ctx, account ? 'wrong password' : 'unknown user');
      return { ok: false, reason: 'credentials' };
    }
    if (!account.enabled) {
      await this.failed(authcid, ctx, 'account disabled');
      return { ok: false, reason: 'credentials' };
    }
    await this.succeeded(authcid, ctx);
    return { ok: true, account };
  }

  /** SaslBackend: the canonical address, or null. Throttled per login name only (no client address here). */
  async verifyPlain(authcid: string, password: string): Promise<string | null> {
    const result = await this.login(authcid, password);
    return result.ok ? result.account.address : null;
  }

  /** SaslBackend: the stored password of an enabled account that is not locked out; null otherwise. */
  async storedSecret(authcid: string, ctx: LoginContext = {}): Promise<{ account: string; stored: string } | null> {
    if (await this.locked(authcid, ctx)) return null;
    const account = await this.directory.findAccount(authcid);
    if (!account || !account.enabled || account.passwordHash === '') return null;
    return { account: account.address, stored: account.passwordHash };
  }

  /** Records the outcome of an exchange verified inside a mechanism (CRAM-MD5, SCRAM). */
  async report(authcid: string, ok: boolean, ctx: LoginContext = {}): Promise<void> {
    if (ok) await this.succeeded(authcid, ctx);
    else await this.failed(authcid, ctx, 'challenge-response failed');
  }

  /** The backend for one connection: every attempt is also counted against the client's address. */
  forClient(ctx: LoginContext): ClientBackend {
    return {
      verifyPlain: async (authcid, password) => {
        const result = await this.login(authcid, password, ctx);
        return result.ok ? result.account.address : null;
      },
      storedSecret: (authcid) => this.storedSecret(authcid, ctx),
      report: (authcid, ok) => this.report(authcid, ok, ctx),
    };
  }
}
