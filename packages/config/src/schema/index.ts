// The whole configuration schema: shared sections plus one section per daemon.
import { z } from 'zod';
import { Auth } from './auth.js';
import { Cidr, Limits, Log, Paths, Redis, Tls } from './common.js';
import { Imapd, Mailctl, Mda, Pop3d, QueueRunner, Smtpd } from './daemons.js';

export const ConfigSchema = z
  .strictObject({
    hostname: z.string().min(1).default('localhost').describe('this server’s name: SMTP banner, EHLO, Received: headers, certificate name'),
    domains: z.array(z.string().min(1)).default([]).describe('local domains besides those in paths.domains'),
    mynetworks: z.array(Cidr).default(['127.0.0.0/8', '::1/128']).describe('client networks trusted to relay without AUTH (CIDR)'),
    redis: Redis,
    paths: Paths,
    tls: Tls,
    limits: Limits,
    auth: Auth,
    log: Log,
    smtpd: Smtpd,
    mda: Mda,
    queueRunner: QueueRunner,
    pop3d: Pop3d,
    imapd: Imapd,
    mailctl: Mailctl,
  });

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export * from './common.js';
export * from './daemons.js';
export * from './auth.js';
