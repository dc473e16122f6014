// What a POP3 session needs from the rest of the suite, as interfaces: accounts and logins (@mail/auth), the INBOX
// of an account (@mail/maildir), the per-mailbox session lock, and TLS. main.ts gives concrete ones; tests give
// in-memory ones.
import type { Account, ClientBackend, LoginContext, LoginResult } from '@mail/auth';
import type { MailFolder } from '@mail/maildir';
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';

/** Logins: the part of @mail/auth's Authenticator a session uses (with the failed-login throttle behind it). */
export interface Pop3Authenticator {
  /** USER/PASS: a plaintext password. */
  login(user: string, password: string, ctx: LoginContext): Promise<LoginResult>;
  /** APOP: the stored password of an enabled account that is not locked out, or null. */
  storedSecret(user: string, ctx: LoginContext): Promise<{ account: string; stored: string } | null>;
  /** Counts an APOP or challenge-response outcome. */
  report(user: string, ok: boolean, ctx: LoginContext): Promise<void>;
  /** The SASL backend for one connection (attempts counted against its address). */
  forClient(ctx: LoginContext): ClientBackend;
}

export interface AccountLookup {
  findAccount(address: string): Promise<Account | null>;
}

/** Opens the INBOX of an account. */
export interface InboxOpener {
  open(account: Account): Promise<MailFolder>;
}

/** One held mailbox lock. */
export interface MailboxLock {
  /** Whether the lock is still held by this session (and renews it); false when it was lost meanwhile. */
  verify(): Promise<boolean>;
  /** Gives the lock up; never throws. */
  release(): Promise<void>;
}

/** One POP3 session per mailbox at a time (RFC 2449 [IN-USE]), across processes and hosts. */
export interface MailboxLocks {
  /** The lock of the account's mailbox, or null when another session holds it. Throws when the lock store fails. */
  acquire(account: Account): Promise<MailboxLock | null>;
}

/** STLS: turns a plaintext socket into a TLS socket (@mail/tls provider.upgrade). */
export interface TlsUpgrader {
  upgrade(socket: Socket, options?: { timeout?: number }): Promise<TLSSocket>;
}

export interface Pop3Deps {
  auth: Pop3Authenticator;
  accounts: AccountLookup;
  inboxes: InboxOpener;
  locks: MailboxLocks;
  /** Absent: no STLS. */
  tls?: TlsUpgrader;
  /** Whether APOP can succeed for anyone (some account has a {PLAIN} password); APOP off when absent. */
  apopAvailable?: () => Promise<boolean>;
}
