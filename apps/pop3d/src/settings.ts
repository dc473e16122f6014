// The settings one POP3 session runs with, from the configuration's pop3d and limits sections.
import type { Config } from '@mail/config';
import { DEFAULT_MECHANISMS } from '@mail/auth';

export interface Pop3Settings {
  hostname: string;
  /** USER/PASS and plaintext SASL without TLS from non-loopback clients. */
  allowInsecureAuth: boolean;
  /** Offer APOP (where some stored password allows it). */
  apop: boolean;
  /** SASL mechanisms enabled (auth.mechanisms; @mail/auth's defaults when unset). */
  mechanisms: readonly string[];
  /** Seconds advertised with LOGIN-DELAY. */
  loginDelay?: number;
  /** EXPIRE argument: days or NEVER. */
  expire?: string;
  /** IMPLEMENTATION capability argument; absent: not advertised. */
  implementation?: string;
  /** Longest command line, CRLF included. */
  maxLine: number;
  idleTimeoutMs: number;
  /** Bad commands before the connection is closed. */
  badCommands: number;
  /** Failed authentications per connection before it is closed. */
  authFailures: number;
  /** Time the client has to complete the STLS handshake. */
  tlsTimeoutMs: number;
  /** Secret for SCRAM salts of {PLAIN} users, shared by every pop3d (derived from nothing secret when absent). */
  saslSecret?: Buffer;
}

export const DEFAULT_SETTINGS: Pop3Settings = {
  hostname: 'localhost',
  allowInsecureAuth: false,
  apop: true,
  mechanisms: DEFAULT_MECHANISMS,
  maxLine: 8192,
  idleTimeoutMs: 30 * 60_000,
  badCommands: 20,
  authFailures: 3,
  tlsTimeoutMs: 30_000,
  implementation: 'mail-suite pop3d',
};

export function settingsFromConfig(config: Config): Pop3Settings {
  const p = config.pop3d;
  const s: Pop3Settings = {
    ...DEFAULT_SETTINGS,
    hostname: config.hostname,
    allowInsecureAuth: p.allowInsecureAuth,
    apop: p.apop,
    mechanisms: config.auth.mechanisms ?? DEFAULT_MECHANISMS,
    maxLine: config.limits.lineLength,
    idleTimeoutMs: config.limits.idleTimeout,
    badCommands: config.limits.badCommands,
    authFailures: config.limits.authFailures,
  };
  if (p.loginDelay !== undefined) s.loginDelay = Math.ceil(p.loginDelay / 1000);
  if (p.expire !== undefined) s.expire = p.expire;
  return s;
}
