// mailctl config check|show [--config FILE]: validate the configuration, or print what differs from the defaults (postconf -n).
import { ConfigError, defaults, differences, loadConfig, redact } from '@mail/config';
import { stringify } from 'yaml';
import { takeOption, type Command } from '../command.js';

export const configCommand: Command = {
  name: 'config',
  usage: 'config check|show [--config FILE]   validate, or print keys that differ from the defaults',
  async run(args, io) {
    const file = takeOption(args, '--config') ?? io.env.MAIL_CONFIG;
    const sub = args[0];
    if (sub !== 'check' && sub !== 'show') {
      io.err(`usage: mailctl ${this.usage}`);
      return 64;
    }
    try {
      const config = loadConfig({ file, env: io.env });
      if (sub === 'check') {
        io.out(`${file ?? 'defaults'}: ok`);
      } else {
        const diff = differences(config, defaults()) ?? {};
        io.out(Object.keys(diff).length ? stringify(redact(diff)).trimEnd() : '# every key has its default value');
      }
      return 0;
    } catch (err) {
      if (err instanceof ConfigError) {
        io.err(err.message);
        return 78;
      }
      throw err;
    }
  },
};
