// DKIM signing (RFC 6376, relaxed/relaxed; rsa-sha256 and RFC 8463 ed25519-sha256) with the key of the message's
// From domain (else the envelope sender's), read from <dir>/<domain>.<selector>.key and reloaded when it changes.
import { createPrivateKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import type { Logger } from '@mail/log';
import { dkimSign } from 'mailauth';

interface LoadedKey {
  pem: string;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
  mtimeMs: number;
}

export class DkimError extends Error {
  override name = 'DkimError';
}

/** The domain of the (first) address in the message's From: header, lowercased and in A-labels; undefined if none. */
export function fromDomain(message: Buffer): string | undefined {
  const end = message.indexOf('\r\n\r\n');
  const head = message.subarray(0, end < 0 ? Math.min(message.length, 65_536) : end).toString('utf8');
  const m = /^From:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(head);
  if (!m) return undefined;
  const value = m[1]!.replace(/\r?\n[ \t]/g, ' ').replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\((?:[^()\\]|\\.)*\)/g, '');
  const angle = /<[^<>@]*@([^<>\s]+)>/.exec(value);
  const bare = /[^\s<>,;:@]+@([^\s<>,;]+)/.exec(value);
  const domain = (angle?.[1] ?? bare?.[1])?.replace(/\.$/, '');
  if (!domain) return undefined;
  return (domainToASCII(domain) || domain).toLowerCase();
}

export class DkimSigner {
  private readonly keys = new Map<string, LoadedKey | null>();

  constructor(
    private readonly dir: string,
    private readonly selector: string,
    private readonly log?: Logger,
  ) {}

  /** The key for a domain, from the cache unless the file changed; null when there is none. */
  private async key(domain: string): Promise<LoadedKey | null> {
    if (!/^[a-z0-9.-]+$/.test(domain) || domain.includes('..')) return null;
    const file = join(this.dir, `${domain}.${this.selector}.key`);
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(file)).mtimeMs;
    } catch {
      this.keys.set(domain, null);
      return null;
    }
    const cached = this.keys.get(domain);
    if (cached && cached.mtimeMs === mtimeMs) return cached;
    const pem = await readFile(file, 'utf8');
    let type: string | undefined;
    try {
      type = createPrivateKey(pem).asymmetricKeyType;
    } catch (err) {
      throw new DkimError(`DKIM key ${file} is not a private key: ${(err as Error).message}`);
    }
    if (type !== 'rsa' && type !== 'ed25519') throw new DkimError(`DKIM key ${file} is ${type ?? 'unknown'}; rsa or ed25519 is needed`);
    const loaded: LoadedKey = { pem, algorithm: type === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256', mtimeMs };
    this.keys.set(domain, loaded);
    return loaded;
  }

  /**
   * Returns the message with a DKIM-Signature field prepended when a key exists for its From domain or, failing
   * that, the envelope sender's domain; the message unchanged otherwise. Throws DkimError for a broken key.
   */
  async sign(message: Buffer, senderDomain: string | undefined): Promise<Buffer> {
    const candidates = [fromDomain(message), senderDomain?.toLowerCase()].filter((d): d is string => !!d);
    for (const domain of new Set(candidates)) {
      const key = await this.key(domain);
      if (!key) continue;
      const signature = { signingDomain: domain, selector: this.selector, privateKey: key.pem, algorithm: key.algorithm, canonicalization: 'relaxed/relaxed' };
      // mailauth reads the keys from signatureData; the top-level copy satisfies its type declarations.
      const result = await dkimSign(message, { ...signature, signatureData: [signature] });
      if (result.errors.length > 0 || !/^DKIM-Signature:/i.test(result.signatures)) {
        throw new DkimError(`DKIM signing for ${domain} failed: ${result.errors.map((e) => e.message).join('; ') || 'no signature'}`);
      }
      this.log?.debug({ domain, selector: this.selector }, 'DKIM signed');
      return Buffer.concat([Buffer.from(result.signatures, 'utf8'), message]);
    }
    return message;
  }
}
