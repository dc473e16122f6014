// The CAPABILITY list of a session: what the server implements, what the connection allows before login
// (STARTTLS, LOGINDISABLED, AUTH= mechanisms), and ENABLE-able extensions. Only what works is listed.
import { mechanismNames } from '@mail/auth';

/** Extensions implemented in every state after the base protocols. */
const AFTER_LOGIN = [
  'IMAP4rev1',
  'IMAP4rev2',
  'LITERAL+',
  'SASL-IR',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UNSELECT',
  'UIDPLUS',
  'MULTIAPPEND',
  'CHILDREN',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'SPECIAL-USE',
  'CREATE-SPECIAL-USE',
  'STATUS=SIZE',
  'UTF8=ACCEPT',
  'CONDSTORE',
  'ESEARCH',
  'SEARCHRES',
  'MOVE',
  'QUOTA',
  'QUOTA=RES-STORAGE',
  'QUOTA=RES-MESSAGE',
  'BINARY',
];

/** What ENABLE accepts (RFC 5161): these change how the session talks. */
export const ENABLEABLE = new Set(['IMAP4REV2', 'UTF8=ACCEPT', 'CONDSTORE']);

export const DEFAULT_SASL = ['SCRAM-SHA-256', 'PLAIN', 'LOGIN'] as const;

export interface CapabilityContext {
  authenticated: boolean;
  tls: boolean;
  /** The server can offer STARTTLS (a certificate is loaded). */
  starttls: boolean;
  /** Plaintext logins allowed now: TLS, loopback or allowInsecureAuth. */
  plaintextOk: boolean;
  loopback: boolean;
  allowInsecure: boolean;
  mechanisms: readonly string[];
  appendLimit: number;
}

/** The SASL mechanisms this connection may use now. */
export function saslMechanisms(ctx: Pick<CapabilityContext, 'tls' | 'loopback' | 'allowInsecure' | 'mechanisms'>): string[] {
  return mechanismNames({ tls: ctx.tls, loopback: ctx.loopback, allowInsecure: ctx.allowInsecure, enabled: ctx.mechanisms });
}

export function capabilities(ctx: CapabilityContext): string[] {
  if (ctx.authenticated) return [...AFTER_LOGIN, `APPENDLIMIT=${ctx.appendLimit}`];
  const list = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE'];
  if (ctx.starttls && !ctx.tls) list.push('STARTTLS');
  if (!ctx.plaintextOk) list.push('LOGINDISABLED');
  for (const m of saslMechanisms(ctx)) list.push(`AUTH=${m}`);
  return list;
}
