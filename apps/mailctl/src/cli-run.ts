// mailctl: the administrator's command line. One module per command group under commands/.
import { aliasCommand } from './commands/alias.js';
import { authCommand } from './commands/auth.js';
import { configCommand } from './commands/config.js';
import { dkimCommand } from './commands/dkim.js';
import { domainCommand } from './commands/domain.js';
import { pwCommand } from './commands/pw.js';
import { queueCommand } from './commands/queue.js';
import { upCommand } from './commands/up.js';
import { userCommand } from './commands/user.js';
import type { Command, Io } from './command.js';

const commands = new Map<string, Command>([
  ['config', configCommand],
  ['up', upCommand],
  ['user', userCommand],
  ['domain', domainCommand],
  ['alias', aliasCommand],
  ['auth', authCommand],
  ['pw', pwCommand],
  ['dkim', dkimCommand],
  ['queue', queueCommand],
]);

function usage(): string {
  return [
    'usage: mailctl <command> [args]',
    '',
    ...[...commands.values()].map((c) => `  ${c.usage}`),
    '',
    'Global option: --config FILE (default: $MAIL_CONFIG or /etc/mail/mail.yaml)',
  ].join('\n');
}

/** Runs one mailctl command line; returns the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return name ? 0 : 64;
  }
  const command = commands.get(name);
  if (!command) {
    io.err(`mailctl: unknown command '${name}'\n${usage()}`);
    return 64;
  }
  return command.run(rest, io);
}
