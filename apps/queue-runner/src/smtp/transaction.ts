// One mail transaction on an open session (RFC 5321 §3.3): MAIL FROM with SIZE, BODY, SMTPUTF8, RET, ENVID and AUTH,
// RCPT TO with NOTIFY and ORCPT (RFC 3461), DATA with dot-stuffing, pipelined when the server offers PIPELINING
// (RFC 2920); yields one result per recipient.
import { encodeUtf8AddrXtext, encodeXtext } from '@mail/dsn';
import { classify, replyText, statusOf, type SmtpReply } from './reply.js';
import { SmtpSessionError, type SmtpSession } from './session.js';

export interface EnvelopeRecipient {
  address: string;
  notify?: 'NEVER' | ReadonlyArray<'SUCCESS' | 'FAILURE' | 'DELAY'>;
  /** Decoded ORCPT, "rfc822;user@example.com". */
  orcpt?: string;
}

export interface Envelope {
  sender: string;
  recipients: readonly EnvelopeRecipient[];
  smtputf8: boolean;
  eightBitMime: boolean;
  ret?: 'FULL' | 'HDRS';
  envid?: string;
  /** RFC 4954 §5: the mailbox of the message's authorized submitter, or null/absent when it is not known (`<>`). */
  auth?: string | null;
}

export type RecipientOutcome = 'delivered' | 'temporary' | 'permanent';

export interface RecipientResult {
  address: string;
  outcome: RecipientOutcome;
  /** RFC 3463 status for a DSN. */
  status: string;
  /** What happened, quoting the server's reply when there was one. */
  text: string;
  reply?: SmtpReply;
  /** Delivered to a server without the DSN extension: a NOTIFY=SUCCESS request ends here (RFC 3461 §6.2.2, "relayed"). */
  relayed?: boolean;
}

/** The message with CRLF line ends, leading dots doubled (RFC 5321 §4.5.2), and the terminating ".". */
export function dotStuff(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(message.length + Math.ceil(message.length / 20) + 8);
  let o = 0;
  let lineStart = true;
  let buf = out;
  const ensure = (n: number): void => {
    if (o + n <= buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, o + n));
    buf.copy(bigger, 0, 0, o);
    buf = bigger;
  };
  for (let i = 0; i < message.length; i++) {
    const c = message[i]!;
    ensure(3);
    if (lineStart && c === 0x2e) buf[o++] = 0x2e;
    if (c === 0x0a) {
      if (i === 0 || message[i - 1] !== 0x0d) buf[o++] = 0x0d;
      buf[o++] = 0x0a;
      lineStart = true;
      continue;
    }
    if (c === 0x0d && message[i + 1] !== 0x0a) {
      // A bare CR becomes a line end: it must not reach the wire alone (SMTP smuggling, RFC 5321 §2.3.8).
      buf[o++] = 0x0d;
      buf[o++] = 0x0a;
      lineStart = true;
      continue;
    }
    buf[o++] = c;
    lineStart = false;
  }
  ensure(5);
  if (!lineStart) {
    buf[o++] = 0x0d;
    buf[o++] = 0x0a;
  }
  buf.write('.\r\n', o, 'latin1');
  o += 3;
  return buf.subarray(0, o);
}

const isAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);

function orcptParam(orcpt: string | undefined, utf8: boolean): string {
  if (!orcpt) return '';
  const semi = orcpt.indexOf(';');
  if (semi <= 0) return '';
  const type = orcpt.slice(0, semi).trim().toLowerCase();
  const addr = orcpt.slice(semi + 1).trim();
  if (isAscii(addr)) return ` ORCPT=${type};${encodeXtext(addr)}`;
  return utf8 ? ` ORCPT=utf-8;${encodeUtf8AddrXtext(addr)}` : '';
}

function all(recipients: readonly EnvelopeRecipient[], outcome: RecipientOutcome, status: string, text: string, reply?: SmtpReply): RecipientResult[] {
  return recipients.map((r) => ({ address: r.address, outcome, status, text, ...(reply ? { reply } : {}) }));
}

function fromReply(address: string, reply: SmtpReply, host: string): RecipientResult {
  const cls = classify(reply.code);
  const outcome: RecipientOutcome = cls === 'success' ? 'delivered' : cls === 'permanent' ? 'permanent' : 'temporary';
  return { address, outcome, status: statusOf(reply), text: `host ${host} said: ${replyText(reply)}`, reply };
}

/**
 * RFC 4954 §5 AUTH= for MAIL FROM: only to a server that offers AUTH and that this session authenticated to, never
 * to another. The identity as xtext (RFC 3461 §4), or `<>` when it is not known or is no ASCII mailbox (xtext
 * carries ASCII; RFC 4954 asks for `<>` when no valid mailbox can be given).
 */
export function authParam(auth: string | null | undefined, server: { authenticated: boolean; has(keyword: string): boolean }): string {
  if (!server.authenticated || !server.has('AUTH')) return '';
  const known = auth && isAscii(auth) && auth.lastIndexOf('@') > 0 && !/[<>]/.test(auth);
  return ` AUTH=${known ? encodeXtext(auth) : '<>'}`;
}

/** The MAIL FROM command for `envelope` and a message of `size` octets, with the parameters `server` takes. */
export function mailCommand(envelope: Omit<Envelope, 'recipients'>, size: number, server: { authenticated: boolean; has(keyword: string): boolean }): string {
  const dsn = server.has('DSN');
  let mail = `MAIL FROM:<${envelope.sender}>`;
  if (server.has('SIZE')) mail += ` SIZE=${size}`;
  if (envelope.eightBitMime && server.has('8BITMIME')) mail += ' BODY=8BITMIME';
  if (envelope.smtputf8) mail += ' SMTPUTF8';
  if (dsn && envelope.ret) mail += ` RET=${envelope.ret}`;
  if (dsn && envelope.envid && isAscii(envelope.envid)) mail += ` ENVID=${encodeXtext(envelope.envid)}`;
  return mail + authParam(envelope.auth, server);
}

/**
 * Sends `message` to `envelope.recipients` on `session`. Recipient-level results come back; a lost connection or
 * a timeout throws SmtpSessionError (every recipient of this transaction is then undecided: retry).
 */
export async function sendMessage(session: SmtpSession, envelope: Envelope, message: Buffer): Promise<RecipientResult[]> {
  const host = `${session.options.hostname}[${session.options.address}]`;
  const { recipients } = envelope;
  if (envelope.smtputf8 && !session.has('SMTPUTF8')) {
    return all(recipients, 'permanent', '5.6.7', `host ${host} does not support SMTPUTF8, which this message needs (RFC 6531): it cannot be delivered there`);
  }
  const limit = session.sizeLimit;
  if (limit > 0 && message.length > limit) {
    return all(recipients, 'permanent', '5.3.4', `message of ${message.length} octets exceeds the ${limit} octets that host ${host} accepts (SIZE)`);
  }
  const dsn = session.has('DSN');
  const mail = mailCommand(envelope, message.length, session);
  const rcpts = recipients.map((r) => {
    let line = `RCPT TO:<${r.address}>`;
    if (dsn && r.notify) line += ` NOTIFY=${r.notify === 'NEVER' ? 'NEVER' : r.notify.join(',')}`;
    if (dsn) line += orcptParam(r.orcpt, envelope.smtputf8 && session.has('SMTPUTF8'));
    return line;
  });

  const pipelining = session.has('PIPELINING');
  const timeout = session.options.commandTimeout;
  const phaseError = (phase: 'mail' | 'rcpt' | 'data' | 'message', err: unknown): SmtpSessionError =>
    new SmtpSessionError(`${host}: ${(err as Error).message} (in ${phase.toUpperCase()})`, phase, false);

  let mailReply: SmtpReply;
  const rcptReplies: SmtpReply[] = [];
  let dataReply: SmtpReply | undefined;
  try {
    if (pipelining) {
      await session.wire.write([mail, ...rcpts, 'DATA'].map((l) => `${l}\r\n`).join(''));
      mailReply = await session.wire.read(timeout);
      for (let i = 0; i < rcpts.length; i++) rcptReplies.push(await session.wire.read(timeout));
      dataReply = await session.wire.read(timeout);
    } else {
      mailReply = await session.command(mail);
      if (classify(mailReply.code) === 'success') {
        for (const line of rcpts) rcptReplies.push(await session.command(line));
        if (rcptReplies.some((r) => classify(r.code) === 'success')) dataReply = await session.command('DATA');
      }
    }
  } catch (err) {
    throw phaseError(rcptReplies.length === 0 ? 'mail' : 'rcpt', err);
  }

  if (classify(mailReply.code) !== 'success') {
    const outcome = classify(mailReply.code) === 'permanent' ? 'permanent' : 'temporary';
    if (dataReply?.code === 354) await finishEmpty(session, timeout);
    return all(recipients, outcome, statusOf(mailReply), `host ${host} said: ${replyText(mailReply)} (in reply to MAIL FROM)`, mailReply);
  }
  const results = recipients.map((r, i) => fromReply(r.address, rcptReplies[i]!, host));
  const accepted = results.filter((r) => r.outcome === 'delivered');
  if (accepted.length === 0) {
    if (dataReply?.code === 354) await finishEmpty(session, timeout);
    return results;
  }
  if (!dataReply || dataReply.code !== 354) {
    const reply = dataReply!;
    for (const r of accepted) Object.assign(r, fromReply(r.address, reply, host), { text: `host ${host} said: ${replyText(reply)} (in reply to DATA)` });
    if (classify(reply.code) === 'success') for (const r of accepted) Object.assign(r, { outcome: 'temporary', status: '4.5.0', text: `host ${host} answered DATA with ${replyText(reply)} instead of 354` });
    return results;
  }
  let final: SmtpReply;
  try {
    await session.wire.write(dotStuff(message));
    // RFC 5321 §4.5.3.2.6 asks for a longer wait for the reply to the final dot (10 minutes with the default 5).
    final = await session.wire.read(timeout * 2);
  } catch (err) {
    throw phaseError('message', err);
  }
  for (const r of accepted) Object.assign(r, fromReply(r.address, final, host), { text: `host ${host} said: ${replyText(final)} (in reply to end of DATA)` });
  if (!dsn) for (const r of results) if (r.outcome === 'delivered') r.relayed = true;
  return results;
}

/** A 354 came although nothing is to be sent (pipelined DATA after failed RCPTs): send an empty body and read the reply. */
async function finishEmpty(session: SmtpSession, timeout: number): Promise<void> {
  await session.wire.write('.\r\n');
  await session.wire.read(timeout);
}
