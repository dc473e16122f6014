// The smarthost credentials file, Postfix sasl_passwd syntax: "[host]:port user:password" per line, # comments.
import { readFile } from 'node:fs/promises';
import { nexthopKey, parseNexthop } from './nexthop.js';

export interface SaslCredentials {
  user: string;
  /** Never logged: the class hides it from JSON and inspection. */
  readonly password: string;
}

export class SaslPasswordsError extends Error {
  override name = 'SaslPasswordsError';
}

class Credentials implements SaslCredentials {
  readonly #password: string;
  constructor(
    readonly user: string,
    password: string,
  ) {
    this.#password = password;
  }
  get password(): string {
    return this.#password;
  }
  toJSON(): { user: string } {
    return { user: this.user };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SaslCredentials { user: ${JSON.stringify(this.user)} }`;
  }
}

/** Parses the file's text; keys are canonical next hops (`[host]:port` or `host:port`). Errors name the line, not the secret. */
export function parseSaslPasswords(text: string, file = 'sasl_passwd'): Map<string, SaslCredentials> {
  const table = new Map<string, SaslCredentials>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\S+)\s+(.+)$/.exec(line);
    const where = `${file} line ${i + 1}`;
    if (!m) throw new SaslPasswordsError(`${where}: expected "[host]:port user:password"`);
    const value = m[2]!;
    const colon = value.indexOf(':');
    if (colon <= 0) throw new SaslPasswordsError(`${where}: expected user:password after the next hop`);
    let key: string;
    try {
      key = nexthopKey(parseNexthop(m[1]!));
    } catch (err) {
      throw new SaslPasswordsError(`${where}: ${(err as Error).message}`);
    }
    table.set(key, new Credentials(value.slice(0, colon), value.slice(colon + 1)));
  });
  return table;
}

/** Reads and parses the file. */
export async function loadSaslPasswords(file: string): Promise<Map<string, SaslCredentials>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SaslPasswordsError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseSaslPasswords(text, file);
}
