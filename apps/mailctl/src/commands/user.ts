// mailctl user add|del|passwd|quota|enable|disable|list|show: accounts in the user file (Dovecot passwd-file).
// Passwords come from a no-echo prompt or the first line of standard input, never from the command line.
import { hashPassword, parseStorableAddress, type Account, type FilesDirectory } from '@mail/auth';
import { takeFlag, takeOption, type Command } from '../command.js';
import {
  CommandError,
  configFromArgs,
  Exit,
  formatSize,
  openDirectory,
  parseQuota,
  readNewPassword,
  rejectUnknownOptions,
  runCommand,
  table,
  usageError,
  type SecretIo,
} from './directory-support.js';

const USAGE = {
  add: 'user add ADDRESS [--password-stdin] [--quota SIZE] [--messages N]',
  del: 'user del ADDRESS',
  passwd: 'user passwd ADDRESS [--password-stdin]',
  quota: 'user quota ADDRESS SIZE|none [--messages N|none]',
  enable: 'user enable|disable ADDRESS',
  list: 'user list [DOMAIN]',
  show: 'user show ADDRESS',
};

function messagesOption(text: string | undefined, usage: string): number | undefined {
  if (text === undefined || /^(none|0)$/i.test(text)) return undefined;
  if (!/^\d+$/.test(text)) throw usageError(usage);
  return Number(text);
}

function quota(bytes: number | undefined, messages: number | undefined): Account['quota'] {
  return { ...(bytes !== undefined && { bytes }), ...(messages !== undefined && { messages }) };
}

function quotaText(a: Account): string {
  const parts = [];
  if (a.quota.bytes !== undefined) parts.push(formatSize(a.quota.bytes));
  if (a.quota.messages !== undefined) parts.push(`${a.quota.messages} messages`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Only the scheme of a stored password is ever shown. */
function schemeText(hash: string): string {
  if (hash === '') return 'none (logins impossible)';
  return /^\{[^}]+\}/.exec(hash)?.[0] ?? '{CRYPT}';
}

/** One positional argument, after refusing unknown options. */
function single(args: string[], usage: string): string {
  rejectUnknownOptions(args, usage);
  if (args.length !== 1) throw usageError(usage);
  return args[0]!;
}

async function existing(dir: FilesDirectory, address: string): Promise<Account> {
  const account = await dir.findAccount(address);
  if (!account) throw new CommandError(Exit.noUser, `no account ${address}`);
  return account;
}

export const userCommand: Command = {
  name: 'user',
  usage: Object.values(USAGE).join('\n  '),
  run(args, io: SecretIo) {
    return runCommand('user', io, async () => {
      const config = configFromArgs(args, io);
      const dir = openDirectory(config);
      const sub = args.shift();
      switch (sub) {
        case 'add': {
          const fromStdin = takeFlag(args, '--password-stdin');
          const quotaArg = takeOption(args, '--quota');
          const messages = messagesOption(takeOption(args, '--messages'), USAGE.add);
          const address = single(args, USAGE.add);
          const bytes = quotaArg === undefined ? undefined : parseQuota(quotaArg);
          // Refuse what addAccount would refuse before asking for a password.
          const { domain } = parseStorableAddress(address);
          if ((await dir.domainKind(domain)) !== 'local') throw new CommandError(Exit.noHost, `${domain} is not a local domain (mailctl domain add ${domain})`);
          if (await dir.findAccount(address)) throw new CommandError(Exit.cantCreate, `account ${address} exists already`);
          const passwordHash = await hashPassword(await readNewPassword(io, fromStdin));
          const account = await dir.addAccount({ address, passwordHash, quota: quota(bytes, messages) });
          io.out(`added ${account.address}; mailbox ${account.mailbox} (created on first delivery)`);
          return Exit.ok;
        }
        case 'del': {
          const account = await existing(dir, single(args, USAGE.del));
          await dir.removeAccount(account.address);
          io.out(`deleted ${account.address}; its mailbox ${account.mailbox} is left on disk`);
          return Exit.ok;
        }
        case 'passwd': {
          const fromStdin = takeFlag(args, '--password-stdin');
          const current = await existing(dir, single(args, USAGE.passwd));
          const passwordHash = await hashPassword(await readNewPassword(io, fromStdin));
          const account = await dir.updateAccount(current.address, { passwordHash });
          io.out(`changed the password of ${account.address}`);
          return Exit.ok;
        }
        case 'quota': {
          const messagesArg = takeOption(args, '--messages');
          rejectUnknownOptions(args, USAGE.quota);
          if (args.length !== 2) throw usageError(USAGE.quota);
          const current = await existing(dir, args[0]!);
          const bytes = parseQuota(args[1]!);
          const messages = messagesArg === undefined ? current.quota.messages : messagesOption(messagesArg, USAGE.quota);
          const account = await dir.updateAccount(current.address, { quota: quota(bytes, messages) });
          io.out(`quota of ${account.address}: ${quotaText(account)}`);
          return Exit.ok;
        }
        case 'enable':
        case 'disable': {
          const account = await dir.updateAccount(single(args, USAGE.enable), { enabled: sub === 'enable' });
          io.out(`${account.address}: logins ${account.enabled ? 'allowed' : 'refused (mail is still delivered)'}`);
          return Exit.ok;
        }
        case 'list': {
          rejectUnknownOptions(args, USAGE.list);
          if (args.length > 1) throw usageError(USAGE.list);
          const accounts = await dir.listAccounts(args[0]);
          if (accounts.length) io.out(table([['ADDRESS', 'QUOTA', 'LOGIN'], ...accounts.map((a) => [a.address, quotaText(a), a.enabled ? 'enabled' : 'disabled'])]));
          return Exit.ok;
        }
        case 'show': {
          const a = await existing(dir, single(args, USAGE.show));
          io.out(
            table([
              ['address:', a.address],
              ['password:', schemeText(a.passwordHash)],
              ['mailbox:', a.mailbox],
              ['quota:', quotaText(a)],
              ['login:', a.enabled ? 'enabled' : 'disabled'],
            ]),
          );
          return Exit.ok;
        }
        default:
          throw new CommandError(Exit.usage, `usage:\n  mailctl ${Object.values(USAGE).join('\n  mailctl ')}`);
      }
    });
  },
};
