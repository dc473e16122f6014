// The per-daemon sections of the configuration schema.
import { z } from 'zod';
import { Duration, FilePath, Listener, Size } from './common.js';

const SmtpListener = Listener.extend({
  mode: z.enum(['mx', 'submission', 'submissions']).describe('mx: inbound from the world (no AUTH required); submission: AUTH required; submissions: submission over implicit TLS'),
});

/** How many processes a daemon with listeners runs (smtpd, imapd). */
const Processes = z
  .number()
  .int()
  .min(1)
  .max(256)
  .default(1)
  .describe('worker processes sharing the listeners (each runs sessions on one core); above 1, a primary process accepts and hands each connection to the least busy worker, and the connection limits hold over all of them');

export const Smtpd = z
  .strictObject({
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
    requireTlsForAuth: z.boolean().default(true).describe('offer AUTH only on TLS-protected connections'),
    greetDelay: Duration.prefault('0ms').describe('wait this long before the banner; clients that talk first are dropped (postscreen-style)'),
    maxErrors: z.number().int().min(1).default(10).describe('bad commands before 421 and close'),
    processes: Processes,
  })
  .prefault({})
  .describe('the SMTP receiver (MX, submission)');

export const Mda = z
  .strictObject({
    concurrency: z.number().int().min(1).default(32).describe('deliver jobs processed at once by one mda process (deliveries to one mailbox are stored in batches, so more at once means fewer locks and syncs per message)'),
    recipientDelimiter: z.string().max(4).default('+').describe('plus-addressing delimiter characters ("" disables)'),
    maxHops: z.number().int().min(1).default(50).describe('Received/Delivered-To headers above this count bounce as a loop'),
    quotaGrace: Duration.prefault('1d').describe('how long an over-quota recipient is retried before the message bounces'),
    spamCommand: z.string().optional().describe('command that reads the message on stdin and exits 1 for spam (e.g. spamc -c)'),
    virusCommand: z.string().optional().describe('command that reads the message on stdin and exits 1 for a virus (e.g. clamdscan --no-summary -)'),
    hookTimeout: Duration.prefault('1m').describe('a spam or virus command still running after this long is killed and the delivery is retried later'),
    jobLock: Duration.prefault('1m').describe('a delivery whose mda stopped answering for this long (crashed, host lost) is taken over by another mda'),
    authenticationResults: z.boolean().default(true).describe('check SPF, DKIM and DMARC of mail from clients neither authenticated nor in mynetworks, and add Authentication-Results and Received-SPF fields (nothing is rejected)'),
    dnsServers: z.array(z.string()).default([]).describe('resolvers for the SPF, DKIM and DMARC lookups (ip or ip:port); empty uses the system resolver'),
  })
  .prefault({})
  .describe('local delivery into Maildir');

export const QueueRunner = z
  .strictObject({
    concurrency: z.number().int().min(1).default(20).describe('outbound deliveries at once'),
    perDomainConcurrency: z.number().int().min(1).default(5).describe('connections at once to one destination domain'),
    relayhost: z.string().optional().describe('smarthost, Postfix syntax: [host]:port (no MX lookup) or host:port'),
    saslPasswords: FilePath.optional().describe('file of "[host]:port user:password" lines for smarthost AUTH'),
    transport: z.record(z.string(), z.string()).default({}).describe('transport map: domain or address → smtp:[host]:port, smtp:host or local'),
    tls: z.enum(['may', 'encrypt']).default('may').describe('may: STARTTLS when offered; encrypt: refuse to send without TLS'),
    tlsPolicy: z.record(z.string(), z.enum(['may', 'encrypt'])).default({}).describe('per-destination TLS policy'),
    dnsServers: z.array(z.string()).default([]).describe('resolvers for MX lookups (ip or ip:port); empty uses the system resolver'),
    sourceAddress: z.string().optional().describe('local address for outgoing connections'),
    retrySchedule: z
      .strictObject({
        first: Duration.prefault('5m').describe('wait before the first retry; each later wait doubles'),
        max: Duration.prefault('1h').describe('longest wait between two retries'),
        giveUp: Duration.prefault('5d').describe('a message still undelivered this long after it was queued bounces (maximal_queue_lifetime)'),
        delayWarning: Duration.optional().describe('send a "delayed" DSN after this long (off when unset)'),
      })
      .prefault({})
      .describe('when failed outbound deliveries are tried again'),
    connectTimeout: Duration.prefault('30s').describe('give up connecting to one remote address after this long'),
    dkimSelector: z.string().default('mail').describe('default DKIM selector'),
  })
  .prefault({})
  .describe('outbound delivery to other domains');

export const Pop3d = z
  .strictObject({
    listeners: z
      .array(Listener)
      .default([
        { host: '::', port: 110, tls: 'starttls' },
        { host: '::', port: 995, tls: 'implicit' },
      ])
      .describe('POP3 listeners'),
    allowInsecureAuth: z.boolean().default(false).describe('accept USER/PASS and plaintext AUTH without TLS on non-loopback connections'),
    apop: z.boolean().default(true).describe('offer APOP where the stored scheme allows it'),
    loginDelay: Duration.optional().describe('advertised LOGIN-DELAY'),
    expire: z.string().optional().describe('advertised EXPIRE value (days or NEVER)'),
  })
  .prefault({})
  .describe('the POP3 server');

export const Imapd = z
  .strictObject({
    listeners: z
      .array(Listener)
      .default([
        { host: '::', port: 143, tls: 'starttls' },
        { host: '::', port: 993, tls: 'implicit' },
      ])
      .describe('IMAP listeners'),
    allowInsecureAuth: z.boolean().default(false).describe('accept LOGIN/AUTHENTICATE without TLS on non-loopback connections'),
    hierarchySeparator: z.enum(['/', '.']).default('/').describe('character between the levels of a mailbox name as clients see it (Maildir++ stores "." on disk either way)'),
    appendLimit: Size.optional().describe('APPENDLIMIT; defaults to limits.messageSize'),
    loginTimeout: Duration.prefault('60s').describe('a connection not logged in this long after it opened is closed (Dovecot login timeout); limits.idleTimeout applies after login'),
    processes: Processes,
  })
  .prefault({})
  .describe('the IMAP server');

export const Mailctl = z
  .strictObject({
    redisServer: z.string().default('redis-server').describe('redis-server binary used by `mailctl up` when Redis is not reachable'),
  })
  .prefault({})
  .describe('the administrator’s command line');
