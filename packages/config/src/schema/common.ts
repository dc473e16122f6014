// Shared pieces of the configuration schema: listeners, limits, paths, TLS, Redis.
import { z } from 'zod';

/** A size in bytes, written as a number or with a unit: 10M, 512K, 1G. */
export const Size = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*[KMGT]?i?B?$/i, 'a size such as 512K, 25M or 1G')])
  .transform((v) => (typeof v === 'number' ? v : parseSize(v)));

/** A duration in milliseconds, written as a number of ms or with a unit: 30s, 5m, 1h, 5d. */
export const Duration = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'a duration such as 500ms, 30s, 5m, 1h or 5d')])
  .transform((v) => (typeof v === 'number' ? v : parseDuration(v)));

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)/i.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text}`);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[(m[2] ?? '').toUpperCase()] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

export const TlsMode = z.enum(['none', 'starttls', 'implicit']).describe('none: plaintext only; starttls: upgrade on request; implicit: TLS from the first byte');

export const Listener = z.object({
  host: z.string().default('::').describe('address to bind; "::" listens on every IPv4 and IPv6 address'),
  port: z.number().int().min(1).max(65535).describe('TCP port'),
  tls: TlsMode.default('starttls'),
});
export type Listener = z.infer<typeof Listener>;

export const Limits = z
  .object({
    lineLength: z.number().int().min(512).default(8192).describe('longest command line in octets, CRLF included (SMTP uses 1000 on the wire per RFC 5321 for text lines)'),
    messageSize: Size.default(52_428_800).describe('largest message accepted (SMTP SIZE, IMAP APPENDLIMIT)'),
    literalSize: Size.default(52_428_800).describe('largest IMAP literal'),
    recipients: z.number().int().min(1).default(1000).describe('most recipients per SMTP transaction'),
    connections: z.number().int().min(1).default(2000).describe('most connections one listener accepts at once'),
    connectionsPerIp: z.number().int().min(1).default(50).describe('most connections from one client address'),
    connectionsPerUser: z.number().int().min(1).default(20).describe('most IMAP/POP3 sessions one account may hold'),
    idleTimeout: Duration.prefault('30m').describe('an IMAP/POP3 connection idle this long is closed'),
    commandTimeout: Duration.prefault('5m').describe('an SMTP client silent this long is closed'),
    badCommands: z.number().int().min(1).default(20).describe('errors tolerated before the connection is closed'),
    authFailures: z.number().int().min(1).default(3).describe('failed authentications tolerated per connection'),
  })
  .prefault({});
export type Limits = z.infer<typeof Limits>;

const CertPair = z.object({
  cert: z.string().describe('PEM certificate (with its chain, leaf first)'),
  key: z.string().describe('PEM private key'),
  ca: z.string().optional().describe('PEM chain file, when not appended to cert'),
});

export const Tls = z
  .object({
    cert: z.string().optional().describe('PEM certificate for the default hostname'),
    key: z.string().optional().describe('PEM private key for the default hostname'),
    ca: z.string().optional().describe('PEM intermediate chain, when not appended to cert'),
    sni: z.record(z.string(), CertPair).default({}).describe('more certificates by server name (SNI), e.g. "mail.other.test": {cert, key}; "*.example.test" matches one label'),
    selfSigned: z.boolean().default(false).describe('generate a self-signed certificate for hostname under paths.data/tls when cert/key are not set (development only)'),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2').describe('oldest protocol version offered'),
    ciphers: z.string().optional().describe('OpenSSL cipher list for TLS 1.2 (default: forward-secret AEAD suites only)'),
    reloadInterval: Duration.prefault('10s').describe('how often certificate files are checked for changes'),
  })
  .prefault({});
export type Tls = z.infer<typeof Tls>;

const Host = z.object({ host: z.string(), port: z.number().int().min(1).max(65535) });

export const Redis = z
  .object({
    url: z.string().default('redis://127.0.0.1:6379/0').describe('single-node Redis URL (redis:// or rediss://)'),
    prefix: z.string().regex(/^[A-Za-z0-9_.:-]+$/).default('mail').describe('key prefix; wrapped in a hash tag {prefix} so every key of the suite lives in one Cluster slot'),
    password: z.string().optional().describe('password (overrides the URL); prefer MAIL_REDIS__PASSWORD'),
    username: z.string().optional().describe('ACL user name'),
    sentinel: z
      .object({
        name: z.string().describe('master group name'),
        sentinels: z.array(Host).min(1),
        password: z.string().optional().describe('password of the sentinels themselves'),
      })
      .optional()
      .describe('connect through Redis Sentinel instead of url'),
    cluster: z
      .object({ nodes: z.array(Host).min(1) })
      .optional()
      .describe('connect to a Redis Cluster instead of url'),
  })
  .prefault({});
export type Redis = z.infer<typeof Redis>;

export const Paths = z
  .object({
    data: z.string().default('/var/lib/mail').describe('state directory (generated certificates, locks)'),
    mailboxes: z.string().default('/var/lib/mail/mailboxes/%d/%n/Maildir').describe('Maildir location template: %d domain, %n local part, %u full address'),
    users: z.string().default('/etc/mail/users').describe('accounts, Dovecot passwd-file format'),
    domains: z.string().default('/etc/mail/domains').describe('local and virtual domains, one per line'),
    aliases: z.string().default('/etc/mail/aliases').describe('Postfix/sendmail aliases file for local parts'),
    virtual: z.string().default('/etc/mail/virtual').describe('Postfix-style virtual alias map (address or @domain → targets)'),
    dkim: z.string().default('/etc/mail/dkim').describe('DKIM private keys, <domain>.<selector>.key'),
  })
  .prefault({});
export type Paths = z.infer<typeof Paths>;

export const Log = z
  .object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    format: z.enum(['json', 'pretty']).default('json').describe('json for collectors; pretty for a terminal'),
  })
  .prefault({});
