// mailctl alias add|del|list: the virtual alias map (full addresses and @domain catch-alls, local or remote
// targets); list also shows the aliases(5) file, which is edited by hand.
import type { Command } from '../command.js';
import { CommandError, configFromArgs, Exit, openDirectory, rejectUnknownOptions, runCommand, table, usageError } from './directory-support.js';

const USAGE = {
  add: 'alias add ADDRESS|@DOMAIN TARGET...',
  del: 'alias del ADDRESS|@DOMAIN [TARGET]',
  list: 'alias list',
};

export const aliasCommand: Command = {
  name: 'alias',
  usage: Object.values(USAGE).join('\n  '),
  run(args, io) {
    return runCommand('alias', io, async () => {
      const config = configFromArgs(args, io);
      const dir = openDirectory(config);
      const sub = args.shift();
      switch (sub) {
        case 'add': {
          rejectUnknownOptions(args, USAGE.add);
          const [source, ...targets] = args;
          if (!source || targets.length === 0) throw usageError(USAGE.add);
          const all = await dir.addAlias(source, targets.flatMap((t) => t.split(',')).filter((t) => t.trim() !== ''));
          io.out(`${source} → ${all.join(', ')}`);
          return Exit.ok;
        }
        case 'del': {
          rejectUnknownOptions(args, USAGE.del);
          const [source, target, ...extra] = args;
          if (!source || extra.length) throw usageError(USAGE.del);
          await dir.removeAlias(source, target);
          io.out(target === undefined ? `deleted ${source}` : `deleted ${target} from ${source}`);
          return Exit.ok;
        }
        case 'list': {
          rejectUnknownOptions(args, USAGE.list);
          if (args.length) throw usageError(USAGE.list);
          const aliases = await dir.listAliases();
          const map = { virtual: config.paths.virtual, aliases: config.paths.aliases };
          if (aliases.length) io.out(table([['ALIAS', 'TARGETS', 'FROM'], ...aliases.map((a) => [a.source, a.targets.join(', '), map[a.map]])]));
          return Exit.ok;
        }
        default:
          throw new CommandError(Exit.usage, `usage:\n  mailctl ${Object.values(USAGE).join('\n  mailctl ')}`);
      }
    });
  },
};
