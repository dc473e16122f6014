// mailctl config check|show [--all] [--config FILE]: validate the configuration, or print what differs from the
// defaults (postconf -n; --all prints every key, as postconf does). Passwords are always masked.
import { ConfigError, defaults, differences, humanize, loadConfig, redact, resolveConfigFile } from '@mail/config';
import { stringify } from 'yaml';
import { takeFlag, takeOption, type Command } from '../command.js';

/** Exit status for a bad command line (sysexits EX_USAGE). */
const EX_USAGE = 64;
/** Exit status for a bad configuration (sysexits EX_CONFIG). */
const EX_CONFIG = 78;

export const configCommand: Command = {
  name: 'config',
  usage: 'config check|show [--all] [--config FILE]   validate, or print the keys that differ from the defaults (--all: every key)',
  async run(args, io) {
    const wantsFile = args.includes('--config');
    const file = takeOption(args, '--config');
    const all = takeFlag(args, '--all');
    const [sub, ...extra] = args;
    if ((sub !== 'check' && sub !== 'show') || extra.length > 0 || (wantsFile && !file) || (all && sub !== 'show')) {
      io.err(`usage: mailctl ${this.usage}`);
      return EX_USAGE;
    }
    try {
      const config = loadConfig({ file, env: io.env });
      if (sub === 'check') {
        io.out(`${resolveConfigFile({ file, env: io.env }) ?? 'defaults and environment (no file)'}: ok`);
        return 0;
      }
      const shown = all ? config : (differences(config, defaults()) ?? {});
      io.out(Object.keys(shown).length > 0 ? stringify(redact(humanize(shown))).trimEnd() : '# every key has its default value');
      return 0;
    } catch (err) {
      if (err instanceof ConfigError) {
        io.err(err.message);
        return EX_CONFIG;
      }
      throw err;
    }
  },
};
