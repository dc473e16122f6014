// One IMAP session: the state machine (NotAuth → Auth ⇄ Selected → Logout), the greeting, literal decisions
// (APPEND literals streamed to a spool file, others buffered within the command limit), the parse → dispatch
// loop with its bad-command counter, and the account's change records feeding the selected mailbox.
import type { Account } from '@mail/auth';
import { MailboxNoSelectError, MailboxNotFoundError, type Mailbox } from '@mail/maildir';
import { capabilities, saslMechanisms, DEFAULT_SASL } from './capabilities.js';
import { ConnectionClosedError, IdleTimeoutError, ShutdownError, type Connection } from './connection.js';
import type { ImapdDeps, ImapdSettings, ImapState, Logger, UserSessionLimit } from './context.js';
import { dispatch } from './dispatch.js';
import { ImapBad, ImapNo } from './errors.js';
import { ImapParseError, parseCommand } from './protocol/index.js';
import type { Command, FramerEvent, LiteralAnnouncement, Response, SequenceSet } from './protocol/index.js';
import type { SelectedMailbox } from './selected.js';
import { LiteralSpool } from './spool.js';

export interface ClientInfo {
  ip: string;
  loopback: boolean;
}

export interface SessionOptions {
  conn: Connection;
  deps: ImapdDeps;
  settings: ImapdSettings;
  client: ClientInfo;
  log: Logger;
  users: UserSessionLimit;
}

/** Ends the session after the current reply (LOGOUT, too many errors). */
export class EndSession extends Error {
  override readonly name = 'EndSession';
}

export class Session {
  state: ImapState = 'NotAuth';
  account: Account | null = null;
  mailbox: Mailbox | null = null;
  selected: SelectedMailbox | null = null;
  /** Extensions turned on with ENABLE (upper case). */
  readonly enabled = new Set<string>();
  /** UIDs saved by SEARCH RETURN (SAVE). */
  saved: number[] = [];
  authFailures = 0;
  badCommands = 0;
  /** Change records of the account received so far (SELECT looks whether one arrived while it read the folder). */
  changeCount = 0;
  readonly conn: Connection;
  readonly deps: ImapdDeps;
  readonly settings: ImapdSettings;
  readonly client: ClientInfo;
  log: Logger;
  readonly spool = new LiteralSpool();
  private readonly users: UserSessionLimit;
  private releaseUser: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  /** When the connection must be logged in by (imapd.loginTimeout). */
  private readonly loginDeadline: number;
  /** The current wait ends at the login deadline rather than after the idle timeout. */
  private waitingForLogin = false;

  constructor(options: SessionOptions) {
    this.conn = options.conn;
    this.deps = options.deps;
    this.settings = options.settings;
    this.client = options.client;
    this.log = options.log;
    this.users = options.users;
    this.loginDeadline = Date.now() + options.settings.loginTimeoutMs;
  }

  /** How long to wait for input: what is left of the login timeout before login, the idle timeout after. */
  private waitOptions(wakeable = false): { wakeable: boolean; timeoutMs?: number } {
    this.waitingForLogin = false;
    if (this.state !== 'NotAuth') return { wakeable };
    const left = Math.max(1, this.loginDeadline - Date.now());
    this.waitingForLogin = left < this.settings.idleTimeoutMs;
    return { wakeable, timeoutMs: Math.min(left, this.settings.idleTimeoutMs) };
  }

  get tls(): boolean {
    return this.conn.isTls;
  }

  get rev2(): boolean {
    return this.enabled.has('IMAP4REV2');
  }

  get condstore(): boolean {
    return this.enabled.has('CONDSTORE');
  }

  /** Plaintext credentials may be sent now (RFC 9051 §6.2.3 LOGINDISABLED otherwise). */
  get plaintextOk(): boolean {
    return this.tls || this.client.loopback || this.settings.allowInsecureAuth;
  }

  /** The account's folders; only in the authenticated states (the dispatcher checks). */
  get mail(): Mailbox {
    if (!this.mailbox) throw new Error('no mailbox outside the authenticated state');
    return this.mailbox;
  }

  get delimiter(): string {
    return this.mailbox?.separator ?? '/';
  }

  capabilities(): string[] {
    return capabilities({
      authenticated: this.state === 'Auth' || this.state === 'Selected',
      tls: this.tls,
      starttls: this.deps.tls !== undefined,
      plaintextOk: this.plaintextOk,
      loopback: this.client.loopback,
      allowInsecure: this.settings.allowInsecureAuth,
      mechanisms: this.deps.saslMechanisms ?? DEFAULT_SASL,
      appendLimit: this.settings.appendLimit,
    });
  }

  saslMechanisms(): string[] {
    return saslMechanisms({ tls: this.tls, loopback: this.client.loopback, allowInsecure: this.settings.allowInsecureAuth, mechanisms: this.deps.saslMechanisms ?? DEFAULT_SASL });
  }

  async send(response: Response): Promise<void> {
    if (response.type === 'RECENT' && this.rev2) return;
    await this.conn.send(response);
  }

  /** Reads one plain line (AUTHENTICATE responses, IDLE's DONE); `wakeable` returns 'wake' on mailbox changes. */
  async readLine(wakeable = false): Promise<Buffer | 'wake'> {
    this.conn.framer.expectLine();
    for (;;) {
      const event = await this.conn.next(this.waitOptions(wakeable));
      if (event === 'wake') return event;
      if (event.type === 'line') return event.line;
      if (event.type === 'error' && event.error.fatal) throw new EndSession('Too much data');
      // An over-long line (or anything but a plain line) ends the exchange with BAD.
      if (event.type === 'error') throw new ImapBad(null, 'Line too long');
    }
  }

  /** Logs in as `account`: counts the session against the account, opens its folders, listens to its changes. */
  async login(account: Account): Promise<void> {
    const release = await this.users.acquire(account.address);
    if (!release) throw new ImapNo('LIMIT', 'Too many sessions for this account');
    try {
      this.mailbox = await this.deps.mailboxes.open(account);
    } catch (err) {
      release();
      throw err;
    }
    this.releaseUser = release;
    this.account = account;
    this.state = 'Auth';
    this.log = this.log.child({ user: account.address });
    this.unsubscribe = this.deps.mailboxes.subscribe(account.address, (change) => {
      this.changeCount += 1;
      const sel = this.selected;
      if (!sel) return;
      // Folder names are case-sensitive except INBOX, which the store always spells in capitals.
      if (change.folder === sel.name) {
        sel.hear(change);
        this.conn.wake();
      }
    });
    this.log.info({ tls: this.tls }, 'login');
  }

  /** Sends what changed in the selected mailbox since the client last heard. */
  async reportChanges(expunge: boolean, force = false): Promise<void> {
    const sel = this.selected;
    if (!sel) return;
    let responses: Response[];
    try {
      responses = await sel.sync({ expunge, condstore: this.condstore }, force);
    } catch (err) {
      // Another session deleted or renamed the folder: nothing consistent can be said any more (as Dovecot does).
      if (err instanceof MailboxNotFoundError || err instanceof MailboxNoSelectError) throw new EndSession('Selected mailbox was deleted, have to disconnect');
      throw err;
    }
    for (const r of responses) await this.send(r);
  }

  /** Saved search result as UIDs, for "$". */
  savedFor(set: SequenceSet): number[] {
    return set.saved ? this.saved : [];
  }

  async run(): Promise<void> {
    try {
      await this.send({ type: 'untagged', status: 'OK', code: { code: 'CAPABILITY', capabilities: this.capabilities() }, text: `${this.settings.hostname} IMAP ready` });
      for (;;) {
        const event = await this.conn.next(this.waitOptions());
        if (event === 'wake') continue;
        await this.onEvent(event);
        if (this.state === 'Logout') break;
      }
    } catch (err) {
      if (err instanceof IdleTimeoutError) {
        const text = this.waitingForLogin ? 'Disconnected: no login in time' : 'Disconnected for inactivity';
        await this.send({ type: 'untagged', status: 'BYE', text }).catch(() => undefined);
      } else if (err instanceof ShutdownError) {
        await this.send({ type: 'untagged', status: 'BYE', text: 'Server shutting down' }).catch(() => undefined);
      } else if (err instanceof EndSession) {
        await this.send({ type: 'untagged', status: 'BYE', text: err.message }).catch(() => undefined);
      } else if (!(err instanceof ConnectionClosedError)) {
        this.log.error({ err }, 'session failed');
        await this.send({ type: 'untagged', status: 'BYE', text: 'Internal error' }).catch(() => undefined);
      }
    } finally {
      this.unsubscribe?.();
      this.releaseUser?.();
      await this.spool.clear();
      await this.conn.close();
      this.log.info('disconnect');
    }
  }

  private async onEvent(event: FramerEvent): Promise<void> {
    switch (event.type) {
      case 'literal':
        await this.onLiteral(event.literal);
        return;
      case 'literal-data':
        this.spool.write(event.index, event.data);
        return;
      case 'literal-end':
        await this.spool.end(event.index);
        return;
      case 'line':
        return;
      case 'error': {
        const e = event.error;
        const r: Response = e.tag ? { type: 'tagged', tag: e.tag, status: 'BAD', code: { code: 'TOOBIG' }, text: e.message } : { type: 'untagged', status: 'BAD', code: { code: 'TOOBIG' }, text: e.message };
        await this.send(r);
        await this.spool.clear();
        if (e.fatal) throw new EndSession('Too much data');
        await this.countBad();
        return;
      }
      case 'command': {
        let command: Command;
        try {
          command = parseCommand(event.unit, { utf8: this.conn.utf8, delimiter: this.mailbox?.separator ?? null });
        } catch (err) {
          await this.spool.clear();
          if (!(err instanceof ImapParseError)) throw err;
          await this.send(err.tag ? { type: 'tagged', tag: err.tag, status: err.status, ...(err.code ? { code: err.code } : {}), text: err.message } : { type: 'untagged', status: 'BAD', text: err.message });
          await this.countBad();
          return;
        }
        try {
          await dispatch(this, command);
        } finally {
          await this.spool.clear();
        }
      }
    }
  }

  async countBad(): Promise<void> {
    this.badCommands += 1;
    if (this.badCommands >= this.settings.badCommands) throw new EndSession('Too many invalid commands');
  }

  private async onLiteral(literal: LiteralAnnouncement): Promise<void> {
    const framer = this.conn.framer;
    const refuse = async (status: 'NO' | 'BAD', text: string, code?: 'TOOBIG'): Promise<void> => {
      if (literal.tag) await this.send({ type: 'tagged', tag: literal.tag, status, ...(code ? { code: { code } } : {}), text });
      else await this.send({ type: 'untagged', status: 'BAD', text });
      const keep = framer.reject();
      await this.spool.clear();
      if (!keep) throw new EndSession('Too much data');
    };
    if (literal.command === 'APPEND') {
      if (this.state !== 'Auth' && this.state !== 'Selected') return refuse('BAD', 'APPEND not allowed now');
      if (literal.size > this.settings.appendLimit) return refuse('NO', 'Message too large', 'TOOBIG');
      if (literal.sync) await this.send({ type: 'continue', text: 'Ready for literal data' });
      if (literal.bufferable && literal.size < 64 * 1024) framer.accept('buffer');
      else {
        await this.spool.begin(literal.index);
        framer.accept('stream');
      }
      return;
    }
    if (!literal.bufferable) return refuse('BAD', 'Literal too large', 'TOOBIG');
    if (literal.sync) await this.send({ type: 'continue', text: 'Ready for literal data' });
    framer.accept('buffer');
  }

  /** Ends the session after the tagged LOGOUT reply. */
  logout(): void {
    this.state = 'Logout';
  }

  async releaseSelected(): Promise<void> {
    this.selected = null;
    this.saved = [];
    if (this.state === 'Selected') this.state = 'Auth';
  }
}
