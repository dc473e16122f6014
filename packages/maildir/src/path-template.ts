// Expands the mailbox location template (paths.mailboxes: %d domain, %n local part, %u full address) into one account's Maildir root.
import { isAbsolute, normalize, sep } from 'node:path';
import { AccountNameError } from './errors.js';

/** Longest address part accepted in a path (a file name component holds 255 bytes). */
const MAX_PART_BYTES = 255;

export interface AccountParts {
  /** The canonical address: all in lower case, as Dovecot's default auth_username_format (%Lu). */
  address: string;
  local: string;
  domain: string;
}

/**
 * Splits and checks an account address. The whole address is lower-cased, like Dovecot's default
 * auth_username_format (%Lu), so "Bob@Example.test" and "bob@example.test" are one mailbox.
 */
export function parseAccount(account: string): AccountParts {
  if (typeof account !== 'string' || account.length === 0) throw new AccountNameError(String(account), 'empty');
  const at = account.lastIndexOf('@');
  if (account.indexOf('@') !== at) throw new AccountNameError(account, 'more than one @');
  const local = (at < 0 ? account : account.slice(0, at)).toLowerCase();
  const domain = at < 0 ? '' : account.slice(at + 1).toLowerCase();
  checkPart(account, local, 'local part');
  if (at >= 0) checkPart(account, domain, 'domain');
  return { address: domain ? `${local}@${domain}` : local, local, domain };
}

function checkPart(account: string, part: string, what: string): void {
  if (part.length === 0) throw new AccountNameError(account, `empty ${what}`);
  if (Buffer.byteLength(part) > MAX_PART_BYTES) throw new AccountNameError(account, `${what} too long`);
  if (part === '.' || part === '..') throw new AccountNameError(account, `${what} is a path component`);
  if (part.startsWith('.')) throw new AccountNameError(account, `${what} starts with a dot`);
  if (part.startsWith('~')) throw new AccountNameError(account, `${what} starts with ~`);
  for (const ch of part) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c === 0x7f) throw new AccountNameError(account, `${what} contains a control character`);
    if (ch === '/' || ch === '\\') throw new AccountNameError(account, `${what} contains a path separator`);
  }
}

/**
 * Expands `template` for `account`. `%d` is the domain, `%n` the local part, `%u` the whole address,
 * `%%` a percent sign; anything else after `%` is refused. The result is an absolute, normalized path
 * with no `..` components, so no account name can reach outside the configured tree.
 */
export function expandMailboxPath(template: string, account: string): string {
  const parts = parseAccount(account);
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const key = template[++i];
    switch (key) {
      case 'd':
        if (!parts.domain) throw new AccountNameError(account, 'the mailbox template needs a domain (%d)');
        out += parts.domain;
        break;
      case 'n':
        out += parts.local;
        break;
      case 'u':
        out += parts.address;
        break;
      case '%':
        out += '%';
        break;
      default:
        throw new AccountNameError(account, `unknown variable %${key ?? ''} in mailbox template ${JSON.stringify(template)}`);
    }
  }
  if (!isAbsolute(out)) throw new AccountNameError(account, `mailbox template ${JSON.stringify(template)} is not an absolute path`);
  const normalized = normalize(out);
  if (normalized.split(sep).includes('..')) throw new AccountNameError(account, 'expanded path leaves the mailbox tree');
  return normalized.length > 1 && normalized.endsWith(sep) ? normalized.slice(0, -1) : normalized;
}
