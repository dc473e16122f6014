// The per-daemon sections of the configuration schema.
import { z } from 'zod';
import { Duration, Listener, Size } from './common.js';

const SmtpListener = Listener.extend({
  mode: z.enum(['mx', 'submission', 'submissions']).describe('mx: inbound from the world (no AUTH required); submission: AUTH required; submissions: submission over implicit TLS'),
});

export const Smtpd = z
  .object({
    listeners: z
      .array(SmtpListener)
      .default([
        { host: '::', port: 25, tls: 'starttls', mode: 'mx' },
        { host: '::', port: 587, tls: 'starttls', mode: 'submission' },
        { host: '::', port: 465, tls: 'implicit', mode: 'submissions' },
      ])
      .describe('SMTP listeners'),
    banner: z.string().default('ESMTP').describe('text after the hostname in the 220 greeting'),
    vrfy: z.enum(['off', 'ambiguous', 'on']).default('ambiguous').describe('VRFY: off → 502, ambiguous → 252 for everything, on → verify against the directory'),
    expn: z.boolean().default(false).describe('answer EXPN (lists alias targets); off by default'),
    allowInsecureAuth: z.boolean().default(false).describe('offer AUTH without TLS on non-loopback connections (never do this in production)'),
    requireTlsForAuth: z.boolean().default(true),
    greetDelay: Duration.prefault('0ms').describe('wait this long before the banner; clients that talk first are dropped (postscreen-style)'),
    maxErrors: z.number().int().min(1).default(10).describe('bad commands before 421 and close'),
  })
  .prefault({});

export const Mda = z
  .object({
    concurrency: z.number().int().min(1).default(8).describe('deliver jobs processed at once by one mda process'),
    recipientDelimiter: z.string().max(4).default('+').describe('plus-addressing delimiter characters ("" disables)'),
    maxHops: z.number().int().min(1).default(50).describe('Received/Delivered-To headers above this count bounce as a loop'),
    quotaGrace: Duration.prefault('1d').describe('how long an over-quota recipient is retried before the message bounces'),
    spamCommand: z.string().optional().describe('command that reads the message on stdin and exits 1 for spam (e.g. spamc -c)'),
    virusCommand: z.string().optional().describe('command that reads the message on stdin and exits 1 for a virus (e.g. clamdscan --no-summary -)'),
  })
  .prefault({});

export const QueueRunner = z
  .object({
    concurrency: z.number().int().min(1).default(20).describe('outbound deliveries at once'),
    perDomainConcurrency: z.number().int().min(1).default(5).describe('connections at once to one destination domain'),
    relayhost: z.string().optional().describe('smarthost, Postfix syntax: [host]:port (no MX lookup) or host:port'),
    saslPasswords: z.string().optional().describe('file of "[host]:port user:password" lines for smarthost AUTH'),
    transport: z.record(z.string(), z.string()).default({}).describe('transport map: domain or address → smtp:[host]:port, smtp:host or local'),
    tls: z.enum(['may', 'encrypt']).default('may').describe('may: STARTTLS when offered; encrypt: refuse to send without TLS'),
    tlsPolicy: z.record(z.string(), z.enum(['may', 'encrypt'])).default({}).describe('per-destination TLS policy'),
    dnsServers: z.array(z.string()).default([]).describe('resolvers for MX lookups (ip or ip:port); empty uses the system resolver'),
    sourceAddress: z.string().optional().describe('local address for outgoing connections'),
    retrySchedule: z
      .object({
        first: Duration.prefault('5m'),
        max: Duration.prefault('1h'),
        giveUp: Duration.prefault('5d'),
        delayWarning: Duration.optional().describe('send a "delayed" DSN after this long (off when unset)'),
      })
      .prefault({}),
    connectTimeout: Duration.prefault('30s'),
    dkimSelector: z.string().default('mail').describe('default DKIM selector'),
  })
  .prefault({});

export const Pop3d = z
  .object({
    listeners: z
      .array(Listener)
      .default([
        { host: '::', port: 110, tls: 'starttls' },
        { host: '::', port: 995, tls: 'implicit' },
      ]),
    allowInsecureAuth: z.boolean().default(false).describe('accept USER/PASS and plaintext AUTH without TLS on non-loopback connections'),
    apop: z.boolean().default(true).describe('offer APOP where the stored scheme allows it'),
    loginDelay: Duration.optional().describe('advertised LOGIN-DELAY'),
    expire: z.string().optional().describe('advertised EXPIRE value (days or NEVER)'),
  })
  .prefault({});

export const Imapd = z
  .object({
    listeners: z
      .array(Listener)
      .default([
        { host: '::', port: 143, tls: 'starttls' },
        { host: '::', port: 993, tls: 'implicit' },
      ]),
    allowInsecureAuth: z.boolean().default(false).describe('accept LOGIN/AUTHENTICATE without TLS on non-loopback connections'),
    hierarchySeparator: z.enum(['/', '.']).default('/'),
    appendLimit: Size.optional().describe('APPENDLIMIT; defaults to limits.messageSize'),
  })
  .prefault({});

export const Mailctl = z
  .object({
    redisServer: z.string().default('redis-server').describe('redis-server binary used by `mailctl up` when Redis is not reachable'),
  })
  .prefault({});
