// One POP3 connection: greeting, the command loop with pipelining, STLS, the idle timer, the bad-command and
// failed-login limits, and the end of the session (\Seen for retrieved messages, lock released, on any exit).
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Account } from '@mail/auth';
import type { Logger } from '@mail/log';
import { Connection } from './connection.js';
import type { CommandContext, ConnectionInfo, SessionState } from './context.js';
import { dispatch } from './dispatch.js';
import type { Pop3Deps } from './ports.js';
import { RespCode } from './protocol/codes.js';
import { formatReply, Pop3Error, type Reply } from './protocol/reply.js';
import type { Pop3Settings } from './settings.js';
import { beginTransaction } from './transaction.js';

/** Commands counted in the session's last log line. */
const COUNTED = new Map<string, 'retr' | 'top' | 'dele'>([
  ['RETR', 'retr'],
  ['TOP', 'top'],
  ['DELE', 'dele'],
]);

export interface SessionOptions {
  deps: Pop3Deps;
  settings: Pop3Settings;
  log: Logger;
  info: ConnectionInfo;
}

export class Pop3Session {
  readonly info: ConnectionInfo;
  readonly state: SessionState = { phase: 'AUTHORIZATION', user: null, apopTimestamp: null, authFailures: 0, account: null, maildrop: null, lock: null };
  private readonly conn: Connection;
  private readonly log: Logger;
  private readonly ctx: CommandContext;
  private idleTimer: NodeJS.Timeout | undefined;
  private badCommands = 0;
  private stopping = false;
  /** A command is being handled (its reply may be streaming): nothing else may be written meanwhile. */
  private busy = false;
  /** Why the session ended, and what it did: the one log line of a finished session (as Dovecot's "Disconnected"). */
  private endReason = 'connection closed';
  private readonly stats = { retr: 0, top: 0, dele: 0, octets: 0 };

  constructor(
    socket: Socket,
    private readonly options: SessionOptions,
  ) {
    this.info = options.info;
    this.log = options.log.child({ conn: options.info.id });
    this.conn = new Connection(socket, options.settings.maxLine, () => this.touch());
    this.ctx = this.context();
  }

  /** Runs the session to its end; never rejects. */
  async run(): Promise<void> {
    this.touch();
    try {
      await this.greet();
      await this.loop();
    } catch (err) {
      this.log.error({ err }, 'session failed');
    } finally {
      await this.finish();
    }
  }

  /** Server shutdown: tells the client and closes (a command in progress finishes first). */
  shutdown(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (!this.busy) this.sayGoodbye();
  }

  private sayGoodbye(): void {
    this.endReason = 'server shutting down';
    this.conn.write(formatReply({ kind: 'err', code: RespCode.SysTemp, text: 'Server shutting down.' }));
    void this.conn.end(1000);
  }

  private context(): CommandContext {
    const { deps, settings } = this.options;
    return {
      conn: this.info,
      state: this.state,
      settings,
      deps,
      log: this.log,
      plaintextAllowed: () => this.info.secure || this.info.loopback || settings.allowInsecureAuth,
      exchange: (text) => this.exchange(text),
      enterTransaction: (account, method) => this.enterTransaction(account, method),
      authFailed: (text, code) => {
        this.state.authFailures++;
        const last = this.state.authFailures >= settings.authFailures;
        if (last) this.log.info({ failures: this.state.authFailures }, 'too many failed logins; closing');
        return new Pop3Error(text, { ...(code ? { code } : {}), after: last ? 'close' : 'continue' });
      },
    };
  }

  private async greet(): Promise<void> {
    const { deps, settings } = this.options;
    let apop = false;
    if (settings.apop && deps.apopAvailable) {
      try {
        apop = await deps.apopAvailable();
      } catch (err) {
        this.log.warn({ err }, 'cannot tell whether APOP is available; not offering it');
      }
    }
    if (apop) this.state.apopTimestamp = `<${process.pid}.${randomBytes(8).toString('hex')}.${Math.floor(Date.now() / 1000)}@${settings.hostname}>`;
    this.conn.write(formatReply({ kind: 'ok', text: this.state.apopTimestamp ? `POP3 server ready ${this.state.apopTimestamp}` : 'POP3 server ready.' }));
    this.conn.flush();
  }

  private async loop(): Promise<void> {
    for (;;) {
      const line = await this.conn.nextLine();
      if (line === null || this.conn.closed) {
        if (line === null && !this.conn.closed) this.endReason = 'client closed its side';
        return;
      }
      this.busy = true;
      const d = await dispatch(this.ctx, line);
      let reply = d.reply;
      if (d.bad && ++this.badCommands >= this.options.settings.badCommands) {
        this.endReason = 'too many bad commands';
        reply = { kind: 'err', text: 'Too many bad commands.', after: 'close' };
      }
      const counted = COUNTED.get(d.command);
      if (reply.kind === 'ok' && counted) this.stats[counted]++;
      if (reply.after === 'close' && this.endReason === 'connection closed') this.endReason = d.command === 'QUIT' && reply.kind === 'ok' ? 'logged out' : reply.text;
      if (!(await this.send(reply))) return;
      // A client that pipelines without reading (LIST after LIST) must not make replies pile up in memory.
      if (this.conn.needsDrain && !(await this.conn.drained())) return;
      this.busy = false;
      if (this.stopping) {
        if (reply.after !== 'close') this.sayGoodbye();
        return;
      }
      // The session ends: finish() releases the mailbox before the connection is closed.
      if (reply.after === 'close') return;
      if (reply.after === 'starttls' && !(await this.startTls())) return;
      if (!this.conn.hasPendingLine) this.conn.flush();
    }
  }

  /** Writes a reply; false when the connection went away during a streamed body. */
  private async send(reply: Reply): Promise<boolean> {
    this.conn.write(formatReply(reply));
    if (reply.kind !== 'ok' || !reply.stream) return true;
    const body = reply.stream;
    let complete = false;
    try {
      complete = await this.conn.writeStream(body.chunks, body.written);
    } catch (err) {
      // The message became unreadable after +OK: the response cannot be completed; drop the connection.
      this.log.error({ err }, 'reading the message failed during the transfer');
      this.conn.destroy();
      return false;
    } finally {
      if (!complete) body.abort();
    }
    if (complete) body.sent?.();
    this.stats.octets += body.octets();
    if (complete && body.expectedOctets !== undefined && body.octets() !== body.expectedOctets) {
      this.log.warn({ announced: body.expectedOctets, sent: body.octets() }, 'message size differs from its recorded size');
    }
    return complete;
  }

  /** RFC 2595 §4: after "+OK", discard buffered plaintext, negotiate TLS, forget what USER said. */
  private async startTls(): Promise<boolean> {
    const tls = this.options.deps.tls;
    this.conn.flush();
    if (!tls || !(await this.conn.drained())) return false;
    const plain = this.conn.detach();
    try {
      const secure = await tls.upgrade(plain, { timeout: this.options.settings.tlsTimeoutMs });
      this.conn.attach(secure);
    } catch (err) {
      this.endReason = 'STLS handshake failed';
      this.log.info({ err: (err as Error).message }, 'STLS handshake failed');
      this.conn.destroy();
      return false;
    }
    this.info.secure = true;
    this.state.user = null;
    this.log.debug('TLS started');
    this.touch();
    return true;
  }

  /** Sends a SASL continuation and reads the answer; the answer is a raw line, never a command. */
  private async exchange(text: string): Promise<string> {
    this.conn.write(`+ ${text}\r\n`);
    this.conn.flush();
    const line = await this.conn.nextLine();
    if (line === null) throw new Pop3Error('Connection closed.', { after: 'close' });
    if (line.kind === 'too-long') throw new Pop3Error('Authentication response too long.', { bad: true });
    return line.bytes.toString('latin1');
  }

  private async enterTransaction(account: Account, method: string): Promise<void> {
    const { maildrop, lock } = await beginTransaction(this.options.deps, account, this.log);
    Object.assign(this.state, { phase: 'TRANSACTION', user: null, account, maildrop, lock });
    const { count, octets } = maildrop.stat();
    this.log.info({ user: account.address, method, tls: this.info.secure, messages: count, octets }, 'logged in');
  }

  private touch(): void {
    const ms = this.options.settings.idleTimeoutMs;
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => this.idle(), ms);
      this.idleTimer.unref();
    }
  }

  /** RFC 1939 §3: an idle client is dropped without entering UPDATE. */
  private idle(): void {
    if (this.conn.closed) return;
    this.endReason = 'idle timeout';
    if (this.busy) {
      this.conn.destroy(); // the client stopped reading a response: nothing more can be said
      return;
    }
    this.conn.write(formatReply({ kind: 'err', text: 'Disconnected for inactivity.' }));
    void this.conn.end(1000);
  }

  private async finish(): Promise<void> {
    clearTimeout(this.idleTimer);
    const { maildrop, lock } = this.state;
    if (maildrop) {
      try {
        await maildrop.markSeen();
      } catch (err) {
        this.log.warn({ err }, 'cannot set \\Seen on retrieved messages');
      }
      this.state.maildrop = null;
    }
    if (lock) {
      await lock.release();
      this.state.lock = null;
    }
    if (!this.conn.closed) await this.conn.end();
    const user = this.state.account?.address;
    this.log.info({ ...(user ? { user, ...this.stats } : {}), reason: this.endReason }, 'disconnected');
  }
}
