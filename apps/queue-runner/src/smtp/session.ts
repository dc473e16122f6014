// One client session with a remote SMTP server: greeting, EHLO (HELO fallback), STARTTLS by policy, SASL AUTH
// PLAIN/LOGIN, and RSET/QUIT for connection reuse. Transactions are in transaction.ts.
import type { ConnectionOptions } from 'node:tls';
import { classify, parseEhlo, replyText, type SmtpReply } from './reply.js';
import { Wire } from './wire.js';

/** may: STARTTLS when offered; encrypt: no mail without TLS (Postfix smtp_tls_security_level). */
export type TlsLevel = 'may' | 'encrypt';

export interface SessionOptions {
  /** IP address to connect to. */
  address: string;
  port: number;
  /** The host name, for TLS SNI and messages. */
  hostname: string;
  /** Our EHLO name (config.hostname). */
  ehloName: string;
  tls: TlsLevel;
  /** Extra TLS settings (CA, verification); by default the certificate is not verified (opportunistic/encrypt levels). */
  tlsOptions?: ConnectionOptions;
  credentials?: { user: string; readonly password: string };
  localAddress?: string;
  connectTimeout: number;
  /** Timeout for each reply, RFC 5321 §4.5.3.2 suggests minutes. */
  commandTimeout: number;
}

export type SmtpPhase = 'connect' | 'greeting' | 'ehlo' | 'starttls' | 'auth' | 'mail' | 'rcpt' | 'data' | 'message';

/** A session-level failure with what the server said, if anything; `permanent` only for a 5xx that applies to any message. */
export class SmtpSessionError extends Error {
  override name = 'SmtpSessionError';
  constructor(
    message: string,
    readonly phase: SmtpPhase,
    readonly permanent: boolean,
    readonly reply?: SmtpReply,
  ) {
    super(message);
  }
}

export class SmtpSession {
  /** AUTH succeeded on this session (235): only then does MAIL FROM carry AUTH= (RFC 4954 §5). */
  authenticated = false;

  private constructor(
    readonly wire: Wire,
    readonly options: SessionOptions,
    public capabilities: Map<string, string[]>,
    public esmtp: boolean,
  ) {}

  /** Connects and negotiates up to a session ready for MAIL FROM. Throws SmtpSessionError. */
  static async open(options: SessionOptions): Promise<SmtpSession> {
    const where = `${options.hostname}[${options.address}]:${options.port}`;
    let wire: Wire;
    try {
      wire = await Wire.connect(options.address, options.port, options.connectTimeout, options.localAddress);
    } catch (err) {
      throw new SmtpSessionError(`${where}: ${(err as Error).message}`, 'connect', false);
    }
    const session = new SmtpSession(wire, options, new Map(), false);
    try {
      await session.expect('greeting', 'the greeting');
      await session.hello();
      if (session.capabilities.has('STARTTLS')) await session.startTls();
      else if (options.tls === 'encrypt') throw new SmtpSessionError(`${where}: TLS is required for this destination but the server does not offer STARTTLS`, 'starttls', false);
      if (options.credentials) await session.authenticate(options.credentials);
      return session;
    } catch (err) {
      session.close();
      if (err instanceof SmtpSessionError) throw new SmtpSessionError(err.message.startsWith(where) ? err.message : `${where}: ${err.message}`, err.phase, err.permanent, err.reply);
      throw new SmtpSessionError(`${where}: ${(err as Error).message}`, 'connect', false);
    }
  }

  get encrypted(): boolean {
    return this.wire.encrypted;
  }

  has(keyword: string): boolean {
    return this.capabilities.has(keyword);
  }

  /** The SIZE the server declared (0 or absent: no limit). */
  get sizeLimit(): number {
    const n = Number(this.capabilities.get('SIZE')?.[0] ?? 0);
    return Number.isFinite(n) && n > 0 ? n : 0;
  }

  async command(line: string): Promise<SmtpReply> {
    await this.wire.write(`${line}\r\n`);
    return this.wire.read(this.options.commandTimeout);
  }

  private async expect(phase: SmtpPhase, what: string, line?: string): Promise<SmtpReply> {
    const reply = line === undefined ? await this.readOrFail(phase) : await this.commandOrFail(phase, line);
    const cls = classify(reply.code);
    if (cls === 'success' || (cls === 'intermediate' && phase === 'auth')) return reply;
    throw new SmtpSessionError(`${what}: ${replyText(reply)}`, phase, false, reply);
  }

  private async readOrFail(phase: SmtpPhase): Promise<SmtpReply> {
    try {
      return await this.wire.read(this.options.commandTimeout);
    } catch (err) {
      throw new SmtpSessionError((err as Error).message, phase, false);
    }
  }

  private async commandOrFail(phase: SmtpPhase, line: string): Promise<SmtpReply> {
    try {
      return await this.command(line);
    } catch (err) {
      // Name the command, never its argument: in AUTH exchanges the line is a credential.
      const verb = phase === 'auth' ? 'AUTH' : (line.split(' ')[0] ?? '');
      throw new SmtpSessionError(`${(err as Error).message} (after ${verb})`, phase, false);
    }
  }

  private async hello(): Promise<void> {
    const ehlo = await this.commandOrFail('ehlo', `EHLO ${this.options.ehloName}`);
    if (classify(ehlo.code) === 'success') {
      this.capabilities = parseEhlo(ehlo);
      this.esmtp = true;
      return;
    }
    // RFC 5321 §3.2: a server that does not know EHLO answers 5xx (500, 502); then HELO. A 4xx is a refusal.
    if (classify(ehlo.code) !== 'permanent') throw new SmtpSessionError(`EHLO: ${replyText(ehlo)}`, 'ehlo', false, ehlo);
    await this.expect('ehlo', 'HELO', `HELO ${this.options.ehloName}`);
    this.capabilities = new Map();
    this.esmtp = false;
  }

  private async startTls(): Promise<void> {
    const reply = await this.commandOrFail('starttls', 'STARTTLS');
    if (classify(reply.code) !== 'success') {
      if (this.options.tls === 'encrypt') throw new SmtpSessionError(`STARTTLS refused: ${replyText(reply)}`, 'starttls', false, reply);
      return; // opportunistic: continue in plaintext
    }
    try {
      await this.wire.startTls(
        { servername: this.options.hostname, rejectUnauthorized: false, minVersion: 'TLSv1.2', ...this.options.tlsOptions },
        this.options.commandTimeout,
      );
    } catch (err) {
      throw new SmtpSessionError((err as Error).message, 'starttls', false);
    }
    await this.hello();
  }

  private async authenticate(credentials: { user: string; readonly password: string }): Promise<void> {
    if (!this.encrypted) throw new SmtpSessionError('refusing to send credentials without TLS', 'auth', false);
    const mechanisms = (this.capabilities.get('AUTH') ?? []).map((m) => m.toUpperCase());
    const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
    let reply: SmtpReply;
    if (mechanisms.includes('PLAIN')) {
      reply = await this.commandOrFail('auth', `AUTH PLAIN ${b64(`\0${credentials.user}\0${credentials.password}`)}`);
    } else if (mechanisms.includes('LOGIN')) {
      reply = await this.commandOrFail('auth', 'AUTH LOGIN');
      if (reply.code === 334) reply = await this.commandOrFail('auth', b64(credentials.user));
      if (reply.code === 334) reply = await this.commandOrFail('auth', b64(credentials.password));
    } else {
      throw new SmtpSessionError(`the server offers no usable AUTH mechanism (PLAIN or LOGIN)${mechanisms.length ? `; it offers ${mechanisms.join(' ')}` : ''}`, 'auth', false);
    }
    // Authentication failures are deferred, not bounced: the fix (a password) is on this side (Postfix does the same).
    if (reply.code !== 235) throw new SmtpSessionError(`authentication as ${credentials.user} failed: ${replyText(reply)}`, 'auth', false, reply);
    this.authenticated = true;
  }

  /** RSET between two transactions on a reused connection; false when the connection is no longer usable. */
  async reset(): Promise<boolean> {
    if (this.wire.closed) return false;
    try {
      return classify((await this.command('RSET')).code) === 'success';
    } catch {
      return false;
    }
  }

  /** QUIT politely (bounded by a short timeout), then close. */
  async quit(): Promise<void> {
    if (!this.wire.closed) {
      try {
        await this.wire.write('QUIT\r\n');
        await this.wire.read(Math.min(this.options.commandTimeout, 5_000));
      } catch {
        // the connection is closed below either way
      }
    }
    this.close();
  }

  close(): void {
    this.wire.destroy();
  }
}
