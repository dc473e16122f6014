// CRAM-MD5 (RFC 2195): the server sends `<random.time@hostname>`, the client answers `user SP hex(HMAC-MD5(password, challenge))`.
// No initial response: a non-empty one fails; an empty one (`=`) is treated as none. Needs a {PLAIN} or {CRAM-MD5} stored password.
import { randomBytes } from 'node:crypto';
import { cramMd5Context, cramMd5FromContext, cramMd5FromPassword } from '../password/cram-md5.js';
import { equalBytes } from '../password/compare.js';
import { parseStored } from '../password/stored.js';
import { badCredentials, challenge, malformed, MAX_MESSAGE, outOfSequence, unavailable, utf8, validIdentity } from './outcome.js';
import type { SaslBackend, SaslMechanism, SaslOptions, SaslStep } from './types.js';

/** Splits `user SP digest`; the user name may itself contain spaces, the digest is the last word. */
export function parseCramResponse(data: Buffer): { user: string; digest: Buffer } | string {
  if (data.length > MAX_MESSAGE) return 'response too long';
  const text = utf8(data);
  if (text === null) return 'not UTF-8';
  const space = text.lastIndexOf(' ');
  if (space < 0) return 'needs "user digest"';
  const user = text.slice(0, space);
  const hex = text.slice(space + 1);
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return 'digest is not 32 hex digits';
  if (!validIdentity(user)) return 'bad user name';
  return { user, digest: Buffer.from(hex, 'hex') };
}

function defaultChallenge(hostname: string): string {
  return `<${randomBytes(8).readBigUInt64BE()}.${Math.floor(Date.now() / 1000)}@${hostname}>`;
}

export class CramMd5Mechanism implements SaslMechanism {
  readonly name = 'CRAM-MD5' as const;
  readonly initialResponse = false;
  private state: 'start' | 'response' | 'done' = 'start';
  private challengeText = '';

  constructor(
    private readonly backend: SaslBackend,
    private readonly options: SaslOptions,
  ) {}

  async start(initialResponse?: Buffer): Promise<SaslStep> {
    if (this.state !== 'start') return outOfSequence();
    if (initialResponse !== undefined && initialResponse.length > 0) {
      this.state = 'done';
      return malformed('CRAM-MD5 does not take an initial response');
    }
    this.challengeText = this.options.cramChallenge?.() ?? defaultChallenge(this.options.hostname);
    this.state = 'response';
    return challenge(this.challengeText);
  }

  async step(response: Buffer): Promise<SaslStep> {
    if (this.state !== 'response') return outOfSequence();
    this.state = 'done';
    const parsed = parseCramResponse(response);
    if (typeof parsed === 'string') return malformed(`CRAM-MD5: ${parsed}`);
    const challengeBytes = Buffer.from(this.challengeText, 'utf8');
    let secret: { account: string; stored: string } | null;
    try {
      secret = await this.backend.storedSecret(parsed.user);
    } catch {
      return unavailable('the backend failed to look up the user');
    }
    const expected = secret ? expectedDigest(secret.stored, challengeBytes) : null;
    // Unknown users and unusable schemes cost the same HMAC as real ones and fail the same way.
    const match = equalBytes(expected ?? cramMd5FromContext(cramMd5Context(randomBytes(16)), challengeBytes), parsed.digest);
    if (!secret || !expected || !match) return badCredentials();
    return { kind: 'success', authcid: secret.account, authzid: secret.account };
  }
}

/** The digest a client with the right password sends, or null when the stored scheme cannot serve CRAM-MD5. */
function expectedDigest(stored: string, challengeBytes: Buffer): Buffer | null {
  try {
    const parsed = parseStored(stored);
    if (parsed.kind === 'plain') return cramMd5FromPassword(Buffer.from(parsed.password, 'utf8'), challengeBytes);
    if (parsed.kind === 'cram-md5') return cramMd5FromContext(parsed.context, challengeBytes);
    return null;
  } catch {
    return null;
  }
}
