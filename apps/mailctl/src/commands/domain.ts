// mailctl domain add|del|list: the domains this server hosts (the domains file; the configuration's
// `domains` are listed too but changed only there).
import { parseDomain } from '@mail/auth';
import { takeFlag, type Command } from '../command.js';
import { CommandError, configFromArgs, Exit, openDirectory, rejectUnknownOptions, runCommand, table, usageError } from './directory-support.js';

const USAGE = {
  add: 'domain add DOMAIN [--alias]',
  del: 'domain del DOMAIN',
  list: 'domain list',
};

const KIND_TEXT = { local: 'local (mailboxes here)', alias: 'alias (addresses are virtual aliases)' } as const;

export const domainCommand: Command = {
  name: 'domain',
  usage: Object.values(USAGE).join('\n  '),
  run(args, io) {
    return runCommand('domain', io, async () => {
      const config = configFromArgs(args, io);
      const dir = openDirectory(config);
      const sub = args.shift();
      switch (sub) {
        case 'add': {
          const alias = takeFlag(args, '--alias');
          rejectUnknownOptions(args, USAGE.add);
          if (args.length !== 1) throw usageError(USAGE.add);
          const name = parseDomain(args[0]!);
          await dir.addDomain(name, alias ? 'alias' : 'local');
          io.out(`added ${name}: ${KIND_TEXT[alias ? 'alias' : 'local']}`);
          return Exit.ok;
        }
        case 'del': {
          rejectUnknownOptions(args, USAGE.del);
          if (args.length !== 1) throw usageError(USAGE.del);
          const name = parseDomain(args[0]!);
          await dir.removeDomain(name);
          io.out(`deleted ${name}`);
          return Exit.ok;
        }
        case 'list': {
          rejectUnknownOptions(args, USAGE.list);
          if (args.length) throw usageError(USAGE.list);
          const domains = await dir.listDomains();
          const from = { file: config.paths.domains, config: 'configuration', virtual: config.paths.virtual };
          if (domains.length) io.out(table([['DOMAIN', 'KIND', 'FROM'], ...domains.map((d) => [d.name, d.kind, from[d.source]])]));
          return Exit.ok;
        }
        default:
          throw new CommandError(Exit.usage, `usage:\n  mailctl ${Object.values(USAGE).join('\n  mailctl ')}`);
      }
    });
  },
};
