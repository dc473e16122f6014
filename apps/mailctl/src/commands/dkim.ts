// mailctl dkim generate DOMAIN [--selector S] [--algorithm rsa|ed25519] [--bits N] [--force]: creates the DKIM key
// that queue-runner signs with (<paths.dkim>/<domain>.<selector>.key, mode 0600) and prints the DNS TXT record to publish.
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import { promisify } from 'node:util';
import { takeFlag, takeOption, type Command } from '../command.js';
import { CommandError, configFromArgs, Exit, rejectUnknownOptions, runCommand } from './directory-support.js';

const USAGE = 'dkim generate DOMAIN [--selector S] [--algorithm rsa|ed25519] [--bits 2048] [--force]';
const generate = promisify(generateKeyPair);
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** The TXT record value, split into strings of at most 255 octets as a zone file needs (RFC 1035 §3.3.14). */
export function txtRecord(algorithm: 'rsa' | 'ed25519', publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  // RFC 8463 §4.2: an Ed25519 record carries the bare 32-octet key, not the SubjectPublicKeyInfo.
  const p = (algorithm === 'ed25519' ? der.subarray(der.length - 32) : der).toString('base64');
  const value = `v=DKIM1; k=${algorithm}; p=${p}`;
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(`"${value.slice(i, i + 255)}"`);
  return parts.join(' ');
}

function checkDomain(text: string): string {
  const ascii = domainToASCII(text.trim().replace(/\.$/, '')).toLowerCase();
  if (!ascii || !ascii.includes('.') || !ascii.split('.').every((l) => LABEL.test(l))) throw new CommandError(Exit.dataErr, `'${text}' is not a domain name`);
  return ascii;
}

function checkSelector(text: string): string {
  const s = text.trim().toLowerCase();
  if (!s.split('.').every((l) => LABEL.test(l))) throw new CommandError(Exit.dataErr, `'${text}' is not a DKIM selector (letters, digits, '-' and '.')`);
  return s;
}

/** Writes `data` to `file` with mode 0600, refusing to replace an existing file unless `force`. */
async function writeKey(file: string, data: string, force: boolean): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
  try {
    if (force) {
      await rm(file, { force: true });
    }
    // link() fails with EEXIST instead of replacing, so a key in use is never overwritten by accident.
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new CommandError(Exit.cantCreate, `${file} exists; use --force to replace it (and publish the new record)`);
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

export const dkimCommand: Command = {
  name: 'dkim',
  usage: USAGE,
  run(args, io) {
    return runCommand('dkim', io, async () => {
      const config = configFromArgs(args, io);
      const selectorOption = takeOption(args, '--selector');
      const algorithm = (takeOption(args, '--algorithm') ?? 'rsa').toLowerCase();
      const bitsOption = takeOption(args, '--bits');
      const force = takeFlag(args, '--force');
      rejectUnknownOptions(args, USAGE);
      if (args.shift() !== 'generate' || args.length !== 1) throw new CommandError(Exit.usage, `usage: mailctl ${USAGE}`);
      if (algorithm !== 'rsa' && algorithm !== 'ed25519') throw new CommandError(Exit.usage, `--algorithm is rsa or ed25519, not '${algorithm}'`);
      const bits = bitsOption === undefined ? 2048 : Number(bitsOption);
      if (!Number.isInteger(bits) || bits < 1024 || bits > 4096 || bits % 8 !== 0) throw new CommandError(Exit.usage, '--bits is a multiple of 8 from 1024 to 4096');
      if (algorithm === 'ed25519' && bitsOption !== undefined) throw new CommandError(Exit.usage, '--bits applies to rsa keys only');
      const domain = checkDomain(args[0]!);
      const selector = checkSelector(selectorOption ?? config.queueRunner.dkimSelector);
      const pair = algorithm === 'rsa' ? await generate('rsa', { modulusLength: bits }) : await generate('ed25519');
      const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await mkdir(config.paths.dkim, { recursive: true, mode: 0o750 });
      const file = join(config.paths.dkim, `${domain}.${selector}.key`);
      await writeKey(file, pem, force);
      io.err(`wrote ${file}; publish this record:`);
      io.out(`${selector}._domainkey.${domain} IN TXT ${txtRecord(algorithm, pair.publicKey)}`);
      return Exit.ok;
    });
  },
};
