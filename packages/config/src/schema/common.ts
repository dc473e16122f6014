// Shared sections of the configuration schema: listeners, limits, paths, TLS, Redis, logging.
// Every object is strict: a key the schema does not know is an error, never silently ignored.
import { z } from 'zod';
import { Duration, FilePath, Size } from './values.js';

export * from './values.js';

export const TlsMode = z.enum(['none', 'starttls', 'implicit']).describe('none: plaintext only; starttls: upgrade on request; implicit: TLS from the first byte');

export const Port = z.number().int('a whole port number').min(1, 'a port from 1 to 65535').max(65535, 'a port from 1 to 65535');

export const Listener = z.strictObject({
  host: z.string().min(1).default('::').describe('address to bind; "::" listens on every IPv4 and IPv6 address'),
  port: Port.describe('TCP port'),
  tls: TlsMode.default('starttls'),
});
export type Listener = z.infer<typeof Listener>;

export const Limits = z
  .strictObject({
    lineLength: z.number().int().min(512).default(8192).describe('longest command line in octets, CRLF included (SMTP uses 1000 on the wire per RFC 5321 for text lines)'),
    messageSize: Size.prefault('50M').describe('largest message accepted (SMTP SIZE, IMAP APPENDLIMIT)'),
    literalSize: Size.prefault('50M').describe('largest IMAP literal'),
    recipients: z.number().int().min(1).default(1000).describe('most recipients per SMTP transaction'),
    connections: z.number().int().min(1).default(2000).describe('most connections one listener accepts at once'),
    connectionsPerIp: z.number().int().min(1).default(50).describe('most connections from one client address'),
    connectionsPerUser: z.number().int().min(1).default(20).describe('most IMAP/POP3 sessions one account may hold (imapd counts them over every process sharing the Redis)'),
    idleTimeout: Duration.prefault('30m').describe('an IMAP/POP3 connection idle this long is closed'),
    commandTimeout: Duration.prefault('5m').describe('an SMTP client silent this long is closed'),
    badCommands: z.number().int().min(1).default(20).describe('errors tolerated before the connection is closed'),
    authFailures: z.number().int().min(1).default(3).describe('failed authentications tolerated per connection'),
  })
  .prefault({})
  .describe('limits every listener enforces');
export type Limits = z.infer<typeof Limits>;

const CertPair = z.strictObject({
  cert: FilePath.describe('PEM certificate (with its chain, leaf first)'),
  key: FilePath.describe('PEM private key'),
  ca: FilePath.optional().describe('PEM chain file, when not appended to cert'),
});

export const Tls = z
  .strictObject({
    cert: FilePath.optional().describe('PEM certificate for the default hostname'),
    key: FilePath.optional().describe('PEM private key for the default hostname'),
    ca: FilePath.optional().describe('PEM intermediate chain, when not appended to cert'),
    sni: z.record(z.string(), CertPair).default({}).describe('more certificates by server name (SNI), e.g. "mail.other.test": {cert, key}; "*.example.test" matches one label'),
    selfSigned: z.boolean().default(false).describe('generate a self-signed certificate for hostname under paths.data/tls when cert/key are not set (development only)'),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2').describe('oldest protocol version offered'),
    ciphers: z.string().optional().describe('OpenSSL cipher list for TLS 1.2 (default: forward-secret AEAD suites only)'),
    reloadInterval: Duration.prefault('10s').describe('how often certificate files are checked for changes'),
  })
  .superRefine((tls, ctx) => {
    if (tls.cert !== undefined && tls.key === undefined) ctx.addIssue({ code: 'custom', path: ['key'], message: 'required when tls.cert is set' });
    if (tls.key !== undefined && tls.cert === undefined) ctx.addIssue({ code: 'custom', path: ['cert'], message: 'required when tls.key is set' });
  })
  .prefault({})
  .describe('certificates and protocol settings shared by every TLS listener');
export type Tls = z.infer<typeof Tls>;

const Host = z.strictObject({ host: z.string().min(1).describe('host name or address'), port: Port.describe('TCP port') });

/** Both `password` and `passwordFile` may not be set; the loader reads `passwordFile` into `password`. */
function oneSecret(value: { password?: string | undefined; passwordFile?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.password !== undefined && value.passwordFile !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'set either password or passwordFile, not both' });
  }
}

export const Redis = z
  .strictObject({
    url: z
      .string()
      .regex(/^rediss?:\/\/[^\s]+$/, 'a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379/0')
      .describe('single-node Redis URL (redis:// or rediss://), with the database number as its path'),
    prefix: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only').default('mail').describe('key prefix; wrapped in a hash tag {prefix} so every key of the suite lives in one Cluster slot'),
    username: z.string().optional().describe('ACL user name'),
    password: z.string().optional().describe('password (overrides the URL); prefer passwordFile or MAIL_REDIS__PASSWORD'),
    passwordFile: FilePath.optional().describe('file whose first line is the password (a Docker or systemd secret); excludes password'),
    sentinel: z
      .strictObject({
        name: z.string().min(1).describe('master group name'),
        sentinels: z.array(Host).min(1).describe('sentinel addresses, e.g. [{host: s1, port: 26379}]'),
        password: z.string().optional().describe('password of the sentinels themselves'),
        passwordFile: FilePath.optional().describe('file whose first line is the sentinels’ password; excludes password'),
      })
      .superRefine(oneSecret)
      .optional()
      .describe('connect through Redis Sentinel instead of url'),
    cluster: z
      .strictObject({ nodes: z.array(Host).min(1).describe('seed nodes of the cluster') })
      .optional()
      .describe('connect to a Redis Cluster instead of url'),
  })
  .superRefine((redis, ctx) => {
    oneSecret(redis, ctx);
    if (redis.sentinel && redis.cluster) ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'set either sentinel or cluster, not both' });
  })
  .prefault({})
  .describe('the Redis that carries the queues, the message spool and events');
export type Redis = z.infer<typeof Redis>;

export const Paths = z
  .strictObject({
    data: FilePath.default('/var/lib/mail').describe('state directory (generated certificates, locks)'),
    mailboxes: FilePath.default('/var/lib/mail/mailboxes/%d/%n/Maildir').describe('Maildir location template: %d domain, %n local part, %u full address'),
    users: FilePath.default('/etc/mail/users').describe('accounts, Dovecot passwd-file format'),
    domains: FilePath.default('/etc/mail/domains').describe('local and virtual domains, one per line'),
    aliases: FilePath.default('/etc/mail/aliases').describe('Postfix/sendmail aliases file for local parts'),
    virtual: FilePath.default('/etc/mail/virtual').describe('Postfix-style virtual alias map (address or @domain → targets)'),
    dkim: FilePath.default('/etc/mail/dkim').describe('DKIM private keys, <domain>.<selector>.key'),
  })
  .prefault({})
  .describe('where the suite keeps its files');
export type Paths = z.infer<typeof Paths>;

export const Log = z
  .strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info').describe('least severe level written'),
    format: z.enum(['json', 'pretty']).default('json').describe('json for collectors; pretty for a terminal'),
  })
  .prefault({})
  .describe('log output of every daemon (standard output)');
export type Log = z.infer<typeof Log>;
