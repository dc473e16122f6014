// What the user, domain, alias and auth commands share: loading the configuration, opening the directory,
// reading a new password without echo, sizes, and one mapping from typed errors to messages and exit codes.
import { ConfigError, loadConfig, parseSize, type Config } from '@mail/config';
import { DirectoryError, filesDirectoryFromConfig, type FilesDirectory } from '@mail/auth';
import { takeOption, type Io } from '../command.js';

/** sysexits(3) codes mailctl returns. */
export const Exit = {
  ok: 0,
  usage: 64,
  dataErr: 65,
  noUser: 67,
  noHost: 68,
  unavailable: 69,
  software: 70,
  cantCreate: 73,
  ioErr: 74,
  tempFail: 75,
  config: 78,
} as const;

/** A command failure with its message and exit code; thrown inside commands, reported by `runCommand`. */
export class CommandError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

const DIRECTORY_EXIT: Record<DirectoryError['code'], number> = {
  INVALID_ADDRESS: Exit.dataErr,
  INVALID_VALUE: Exit.dataErr,
  EXISTS: Exit.cantCreate,
  NOT_FOUND: Exit.noUser,
  UNKNOWN_DOMAIN: Exit.noHost,
  IN_USE: Exit.dataErr,
  READ_ONLY: Exit.dataErr,
  LOCKED: Exit.tempFail,
  IO: Exit.ioErr,
};

/** Runs a command body, printing errors as `mailctl GROUP: message` and returning the exit code. */
export async function runCommand(group: string, io: Io, body: () => Promise<number | void>): Promise<number> {
  try {
    return (await body()) ?? Exit.ok;
  } catch (err) {
    if (err instanceof CommandError) {
      io.err(`mailctl ${group}: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof DirectoryError) {
      io.err(`mailctl ${group}: ${err.message}`);
      return DIRECTORY_EXIT[err.code];
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return Exit.config;
    }
    if (err instanceof Error && err.name === 'PasswordSchemeError') {
      io.err(`mailctl ${group}: ${err.message}`);
      return Exit.dataErr;
    }
    throw err;
  }
}

export function usageError(usage: string): CommandError {
  return new CommandError(Exit.usage, `usage: mailctl ${usage}`);
}

/** Takes --config out of `args` and loads the configuration (the file, or $MAIL_CONFIG). */
export function configFromArgs(args: string[], io: Io): Config {
  const file = takeOption(args, '--config') ?? io.env.MAIL_CONFIG;
  return loadConfig({ file, env: io.env });
}

export function openDirectory(config: Config): FilesDirectory {
  return filesDirectoryFromConfig(config);
}

/** Refuses leftover options (a mistyped --pasword-stdin must not be taken for an address). */
export function rejectUnknownOptions(args: readonly string[], usage: string): void {
  const unknown = args.find((a) => a.startsWith('--'));
  if (unknown) throw new CommandError(Exit.usage, `unknown option ${unknown}\nusage: mailctl ${usage}`);
}

/** `1G`, `512M`, `1048576`; `none` or `0` for no limit (returned as undefined). */
export function parseQuota(text: string): number | undefined {
  if (/^(none|unlimited|0)$/i.test(text.trim())) return undefined;
  try {
    return parseSize(text);
  } catch {
    throw new CommandError(Exit.dataErr, `'${text}' is not a size such as 512M or 1G (or none)`);
  }
}

export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return 'none';
  for (const [unit, n] of [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return String(bytes);
}

/** An Io that can ask for a secret without echo (a terminal); tests provide one. */
export interface SecretIo extends Io {
  readSecret?(prompt: string): Promise<string>;
}

/** Asks on the controlling terminal with echo off; Ctrl-C or Ctrl-D aborts. */
async function readSecretFromTty(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolve(text);
            return;
          }
          if (ch === '\u0003' || ch === '\u0004') {
            stdin.off('data', onData);
            reject(new CommandError(Exit.usage, 'aborted'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
          else text += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

/**
 * A new password: the first line of standard input with --password-stdin, else asked twice without echo on the
 * terminal. Never from the command line, where other users could read it.
 */
export async function readNewPassword(io: SecretIo, fromStdin: boolean): Promise<string> {
  let password: string;
  if (fromStdin) {
    password = (await io.stdin()).split('\n')[0]!.replace(/\r$/, '');
  } else {
    const ask = io.readSecret?.bind(io) ?? (process.stdin.isTTY ? readSecretFromTty : undefined);
    if (!ask) throw new CommandError(Exit.usage, 'no terminal to ask for the password on; use --password-stdin');
    password = await ask('New password: ');
    if ((await ask('Repeat the password: ')) !== password) throw new CommandError(Exit.dataErr, 'the passwords do not match');
  }
  if (password === '') throw new CommandError(Exit.dataErr, 'the password is empty');
  return password;
}

/** Columns padded to their widest cell. */
export function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
