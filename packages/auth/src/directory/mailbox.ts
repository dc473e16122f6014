// Where an account's Maildir is: its own userdb_mail / userdb_mail_path field, else the configured template
// (paths.mailboxes with %d domain, %n local part, %u full address).
import type { ExtraField } from './passwd-file.js';

export interface MailboxVariables {
  address: string;
  local: string;
  domain: string;
  home: string;
}

/** Expands %u %n %d %h, their long forms %{user} %{username} %{domain} %{home}, and %%. */
export function expandMailboxTemplate(template: string, v: MailboxVariables): string {
  const long: Record<string, string> = { user: v.address, username: v.local, domain: v.domain, home: v.home };
  const short: Record<string, string> = { u: v.address, n: v.local, d: v.domain, h: v.home, '%': '%' };
  return template.replace(/%(\{([a-z]+)\}|[undh%])/g, (whole, spec: string, name: string | undefined) => {
    const value = name !== undefined ? long[name] : short[spec];
    return value ?? whole;
  });
}

/**
 * The Maildir path an entry names, or null when it names none. Accepts Dovecot 2.4 `userdb_mail_path=PATH` and
 * Dovecot 2.3 `userdb_mail=maildir:PATH[:OPTIONS]`; `~` stands for the home directory.
 * Throws an Error with the reason when the field is present but unusable here (another mailbox format, `~` without home).
 */
export function mailboxFromExtra(extra: readonly ExtraField[], v: MailboxVariables): string | null {
  const get = (key: string) => extra.find(([k]) => k === key)?.[1];
  let path = get('userdb_mail_path');
  if (path === undefined) {
    const location = get('userdb_mail');
    if (location === undefined) return null;
    const m = /^([a-z0-9]+):(.*)$/i.exec(location);
    const driver = m ? m[1]!.toLowerCase() : 'maildir';
    if (driver !== 'maildir') throw new Error(`userdb_mail uses the ${driver} format; only maildir is supported`);
    path = (m ? m[2]! : location).split(':')[0]!;
  }
  if (path === '~' || path.startsWith('~/')) {
    if (!v.home) throw new Error('the mailbox path starts with ~ but the entry has no home directory');
    path = v.home.replace(/\/$/, '') + path.slice(1);
  }
  path = expandMailboxTemplate(path, v);
  if (!path.startsWith('/')) throw new Error(`the mailbox path '${path}' is not absolute`);
  return path;
}
