// mailctl pw [--scheme SCHEME] [--password-stdin] [--rounds N]: hash a password as `doveadm pw -s` does and print {SCHEME}hash.
// The password comes from a no-echo prompt (asked twice) or the first line of standard input, never from the command line.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { hashPassword, normalizeScheme, PasswordSchemeError, SCHEMES, DEFAULT_SCHEME, type SchemeName } from '@mail/auth';
import { takeFlag, takeOption, type Command, type Io } from '../command.js';

/** An Io that may ask for a secret without echo; tests provide readSecret, the terminal path uses node:readline. */
export interface PromptIo extends Io {
  readSecret?(prompt: string): Promise<string>;
  /** Whether standard input is a terminal (default: process.stdin.isTTY). */
  isTTY?: boolean;
}

const EX_USAGE = 64;
const EX_DATAERR = 65;

class PwError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Asks on the terminal through node:readline with its echo muted; the prompt goes to stderr so stdout holds only the hash. */
export function readSecretFromTerminal(prompt: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<string> {
  let muted = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) output.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input, output: sink, terminal: true, historySize: 0 });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.on('SIGINT', () => {
      rl.close();
    });
    rl.on('close', () => {
      output.write('\n');
      if (!answered) reject(new PwError(EX_USAGE, 'aborted'));
    });
    rl.question(prompt, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
    muted = true;
  });
}

async function readPassword(io: PromptIo, fromStdin: boolean): Promise<string> {
  let password: string;
  if (fromStdin) {
    password = ((await io.stdin()).split('\n')[0] ?? '').replace(/\r$/, '');
  } else {
    const ask = io.readSecret?.bind(io) ?? ((io.isTTY ?? process.stdin.isTTY) ? (p: string) => readSecretFromTerminal(p) : undefined);
    if (!ask) throw new PwError(EX_USAGE, 'standard input is not a terminal; use --password-stdin');
    password = await ask('Enter new password: ');
    if ((await ask('Retype new password: ')) !== password) throw new PwError(EX_DATAERR, 'the passwords do not match');
  }
  if (password === '') throw new PwError(EX_DATAERR, 'the password is empty');
  return password;
}

/** Fails when an option that needs a value is last or followed by another option. */
function requireValues(args: string[], names: string[]): void {
  for (const name of names) {
    const i = args.indexOf(name);
    const value = i < 0 ? '' : args[i + 1];
    if (i >= 0 && (value === undefined || value === '' || value.startsWith('-'))) throw new PwError(EX_USAGE, `${name} needs a value`);
  }
}

function parseRounds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text)) throw new PwError(EX_USAGE, `--rounds needs a whole number, not '${text}'`);
  return Number(text);
}

export const pwCommand: Command = {
  name: 'pw',
  usage: `pw [--scheme SCHEME] [--password-stdin] [--rounds N] [--list]   hash a password (default ${DEFAULT_SCHEME}) and print {SCHEME}hash`,
  async run(args, io) {
    const pio = io as PromptIo;
    try {
      if (takeFlag(args, '--list')) {
        io.out(SCHEMES.join(' '));
        return 0;
      }
      requireValues(args, ['--scheme', '-s', '--rounds', '-r']);
      const schemeText = takeOption(args, '--scheme') ?? takeOption(args, '-s');
      const roundsText = takeOption(args, '--rounds') ?? takeOption(args, '-r');
      const fromStdin = takeFlag(args, '--password-stdin');
      if (args.some((a) => a === '-p' || a === '--password')) {
        throw new PwError(EX_USAGE, 'passwords are not taken on the command line, where other users can read them; use the prompt or --password-stdin');
      }
      if (args.length > 0) throw new PwError(EX_USAGE, `usage: mailctl ${this.usage}`);
      let scheme: SchemeName = DEFAULT_SCHEME;
      if (schemeText !== undefined) {
        try {
          scheme = normalizeScheme(schemeText);
        } catch (err) {
          if (err instanceof PasswordSchemeError) throw new PwError(EX_USAGE, err.message);
          throw err;
        }
      }
      const rounds = parseRounds(roundsText);
      const password = await readPassword(pio, fromStdin);
      io.out(await hashPassword(password, scheme, rounds === undefined ? {} : { rounds }));
      return 0;
    } catch (err) {
      if (err instanceof PwError) {
        io.err(`mailctl pw: ${err.message}`);
        return err.exitCode;
      }
      if (err instanceof PasswordSchemeError) {
        io.err(`mailctl pw: ${err.message}`);
        return err.code === 'bad-password' ? EX_DATAERR : EX_USAGE;
      }
      throw err;
    }
  },
};
