// @mail/log: structured logging for every daemon of the suite (pino): JSON lines by default, a readable form for terminals, secrets redacted.
import { pino, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LogSettings {
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  format?: 'json' | 'pretty';
}

/** Field names whose values never reach a log line. */
export const REDACTED_FIELDS = [
  'password',
  'pass',
  'secret',
  'token',
  'authorization',
  '*.password',
  '*.pass',
  '*.secret',
  '*.token',
  '*.authorization',
  'credentials',
  '*.credentials',
];

/** A logger for one daemon; `name` becomes the `svc` field of every line. */
export function createLogger(name: string, settings: LogSettings = {}, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level: process.env.MAIL_LOG__LEVEL ?? settings.level ?? 'info',
    base: { svc: name, pid: process.pid },
    redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const format = process.env.MAIL_LOG__FORMAT ?? settings.format ?? 'json';
  if (format === 'pretty') {
    const stream = pretty({ colorize: process.stdout.isTTY, ignore: 'pid,hostname,svc', translateTime: 'HH:MM:ss.l', sync: true, destination: destination ?? 1 });
    return pino(options, stream);
  }
  return destination ? pino(options, destination) : pino(options);
}
