// The auth section of the configuration schema: how the account directory is read and how failed logins are throttled.
import { z } from 'zod';
import { Duration } from './values.js';

export const Throttle = z
  .strictObject({
    enabled: z.boolean().default(true).describe('count failed logins in Redis and slow down or lock out repeated failures'),
    window: Duration.prefault('15m').describe('failed logins are counted over this sliding period'),
    freeFailures: z.number().int().min(0).default(1).describe('failures within the window answered without delay'),
    delay: Duration.prefault('1s').describe('delay after the first failure beyond freeFailures; each further failure doubles it'),
    maxDelay: Duration.prefault('16s').describe('longest delay before a failed login is answered'),
    accountLockout: z.number().int().min(1).default(10).describe('failures for one login name within the window that lock it out'),
    ipLockout: z.number().int().min(1).default(30).describe('failures from one client address (an IPv6 /64) within the window that lock it out'),
    lockout: Duration.prefault('15m').describe('how long a lockout lasts; logins are refused without checking the password meanwhile'),
  })
  .prefault({})
  .describe('slowing down and locking out repeated failed logins (IMAP, POP3, SMTP AUTH)');

/** The SASL mechanisms @mail/auth implements, strongest first. */
export const SASL_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'CRAM-MD5', 'PLAIN', 'LOGIN'] as const;

export const Auth = z
  .strictObject({
    reloadInterval: Duration.prefault('1s').describe('how often the users, domains, aliases and virtual files are checked for changes (one stat each)'),
    aliasRecursionLimit: z.number().int().min(1).default(1000).describe('deepest nesting of aliases followed (Postfix virtual_alias_recursion_limit)'),
    aliasExpansionLimit: z.number().int().min(1).default(1000).describe('most addresses visited while expanding one recipient (Postfix virtual_alias_expansion_limit)'),
    mechanisms: z
      .array(z.enum(SASL_MECHANISMS))
      .min(1)
      .optional()
      .describe(
        'SASL mechanisms smtpd, pop3d and imapd offer, e.g. [SCRAM-SHA-256, PLAIN, LOGIN]; CRAM-MD5 and SCRAM work only for passwords stored in a scheme that allows them; PLAIN and LOGIN are offered without TLS only to loopback clients or with allowInsecureAuth (unset: PLAIN, LOGIN; imapd also SCRAM-SHA-256)',
      ),
    throttle: Throttle,
  })
  .prefault({})
  .describe('the account directory and login protection shared by smtpd, pop3d, imapd and mda');
export type Auth = z.infer<typeof Auth>;
