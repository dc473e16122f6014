// What a session runs with: its settings, its collaborators (accounts, storage, TLS) and the types of the
// command table the dispatcher walks.
import type { Account, ClientBackend, LoginResult } from '@mail/auth';
import type { ChangeListener, Mailbox } from '@mail/maildir';
import type { Logger } from '@mail/log';
import type { TlsUpgrader } from './connection.js';
import type { Command, CommandName, FramerLimits, ResponseCode } from './protocol/index.js';
import type { Session } from './session.js';

export type ImapState = 'NotAuth' | 'Auth' | 'Selected' | 'Logout';

/** Account checks: @mail/auth's Authenticator. */
export interface Accounts {
  login(user: string, password: string, ctx: { remoteIp?: string }): Promise<LoginResult>;
  forClient(ctx: { remoteIp?: string }): ClientBackend;
  /** The account of a SASL-authenticated identity. */
  account(address: string): Promise<Account | null>;
}

/** Storage: an account's folders and the change records of the account. */
export interface MailboxProvider {
  open(account: Account): Promise<Mailbox>;
  subscribe(account: string, listener: ChangeListener): () => void;
}

export interface ImapdDeps {
  accounts: Accounts;
  mailboxes: MailboxProvider;
  tls?: TlsUpgrader | undefined;
  /** SASL mechanisms offered (filtered by the TLS rule); default SCRAM-SHA-256, PLAIN, LOGIN. */
  saslMechanisms?: readonly string[];
  /** Whether an address counts as loopback (plaintext logins allowed); default 127/8 and ::1. */
  isLoopback?: (ip: string) => boolean;
  /** Secret SCRAM salts of unknown users are derived from (the same for every instance). */
  saslSecret?: Buffer;
  /** limits.connectionsPerUser over every process (Redis); default this process's count alone. */
  userSessions?: UserSessionLimit;
}

export interface ImapdSettings {
  hostname: string;
  allowInsecureAuth: boolean;
  appendLimit: number;
  badCommands: number;
  authFailures: number;
  idleTimeoutMs: number;
  /** A connection must be logged in this long after it opened (imapd.loginTimeout). */
  loginTimeoutMs: number;
  connectionsPerUser: number;
  framer: Partial<FramerLimits>;
}

/** limits.connectionsPerUser: the sessions an account holds. */
export interface UserSessionLimit {
  /** Takes a slot for the account; null when it has as many sessions as allowed. The function gives it back. */
  acquire(account: string): Promise<(() => void) | null>;
}

/** Sessions of each account in this process. */
export class UserSessions implements UserSessionLimit {
  private readonly counts = new Map<string, number>();
  constructor(private readonly max: number) {}
  async acquire(account: string): Promise<(() => void) | null> {
    const key = account.toLowerCase();
    const n = this.counts.get(key) ?? 0;
    if (n >= this.max) return null;
    this.counts.set(key, n + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }
}

/** What a handler may add to its tagged OK. */
export interface Done {
  code?: ResponseCode;
  text?: string;
  /** The handler already sent the tagged reply (STARTTLS). */
  silent?: boolean;
}

type Narrow<C, N> = C extends { name: infer M } ? (N extends M ? C & { name: N } : never) : never;
/** The typed command a module receives (members shared by several names are narrowed to one). */
export type CommandOf<N extends CommandName> = Narrow<Command, N>;

export interface CommandModule<N extends CommandName = CommandName> {
  name: N;
  states: readonly ImapState[];
  handle(session: Session, command: CommandOf<N>): Promise<Done | void>;
}

export type AnyCommand = CommandModule<CommandName>;

export type { Logger };
