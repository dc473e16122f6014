// SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677), without channel binding: gs2 header `n,,` or `y,,` only.
// Client-first: an initial response is allowed and is the client-first-message; without one the server sends an
// empty challenge; an empty initial response (`=`) is an empty client-first-message, which is malformed.
// Keys come from a stored {SCRAM-SHA-*} secret or are derived from a {PLAIN} password; any other user (unknown, or
// stored in another scheme) gets a made-up salt and fails at the proof, so the exchange does not reveal which it was.
import { createHmac, randomBytes } from 'node:crypto';
import { equalBytes } from '../password/compare.js';
import { digest, hmac, keysFromSalted, saltedPassword, SCRAM_DEFAULT_ITERATIONS, SCRAM_HASH_LENGTH, type ScramHash, type ScramKeys } from '../password/scram-secret.js';
import { parseStored } from '../password/stored.js';
import { authorize, badCredentials, challenge, malformed, outOfSequence, unavailable } from './outcome.js';
import { parseClientFinal, parseClientFirst, type ClientFirst } from './scram-messages.js';
import type { SaslBackend, SaslMechanism, SaslOptions, SaslStep } from './types.js';

/** Per-process secret for made-up and derived salts when SaslOptions.secret is not set. */
const PROCESS_SECRET = randomBytes(32);

interface Pending {
  first: ClientFirst;
  serverFirst: string;
  nonce: string;
  /** null: the user cannot use this mechanism; the proof will fail. */
  keys: ScramKeys | null;
  account: string | null;
}

export class ScramMechanism implements SaslMechanism {
  readonly name: 'SCRAM-SHA-1' | 'SCRAM-SHA-256';
  readonly initialResponse = true;
  private state: 'start' | 'first' | 'final' | 'done' = 'start';
  private pending: Pending | undefined;

  constructor(
    private readonly hash: ScramHash,
    private readonly backend: SaslBackend,
    private readonly options: SaslOptions,
  ) {
    this.name = hash === 'sha1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256';
  }

  async start(initialResponse?: Buffer): Promise<SaslStep> {
    if (this.state !== 'start') return outOfSequence();
    if (initialResponse === undefined) {
      this.state = 'first';
      return challenge(Buffer.alloc(0));
    }
    return this.clientFirst(initialResponse);
  }

  async step(response: Buffer): Promise<SaslStep> {
    if (this.state === 'first') return this.clientFirst(response);
    if (this.state === 'final') return this.clientFinal(response);
    return outOfSequence();
  }

  private salt(kind: string, user: string): Buffer {
    return createHmac('sha256', this.options.secret ?? PROCESS_SECRET).update(`${this.name}\0${kind}\0${user}`).digest().subarray(0, 16);
  }

  private async clientFirst(data: Buffer): Promise<SaslStep> {
    this.state = 'done';
    const first = parseClientFirst(data);
    if (typeof first === 'string') return malformed(`${this.name}: ${first}`);
    let secret: { account: string; stored: string } | null;
    try {
      secret = await this.backend.storedSecret(first.username);
    } catch {
      return unavailable('the backend failed to look up the user');
    }
    const found = secret ? this.keysFrom(secret.stored, secret.account) : null;
    const keys = found instanceof Promise ? await found : found;
    const salt = keys?.salt ?? this.salt('unknown', first.username);
    const iterations = keys?.iterations ?? (this.options.scramIterations ?? SCRAM_DEFAULT_ITERATIONS);
    // Every user costs one key derivation, as a {PLAIN} user does, so timing does not tell the kinds of user apart.
    if (!(found instanceof Promise)) await saltedPassword(this.hash, '', salt, Math.min(iterations, this.options.scramIterations ?? SCRAM_DEFAULT_ITERATIONS));
    const nonce = first.clientNonce + (this.options.serverNonce?.() ?? randomBytes(18).toString('base64'));
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
    this.pending = { first, serverFirst, nonce, keys, account: keys ? (secret?.account ?? null) : null };
    this.state = 'final';
    return challenge(serverFirst);
  }

  /** The SCRAM keys a stored password provides for this hash, or null when it provides none. */
  private keysFrom(stored: string, account: string): ScramKeys | null | Promise<ScramKeys> {
    let parsed;
    try {
      parsed = parseStored(stored);
    } catch {
      return null;
    }
    if (parsed.kind === 'scram') return parsed.keys.hash === this.hash ? parsed.keys : null;
    if (parsed.kind !== 'plain') return null;
    const salt = this.salt('plain', account);
    const iterations = this.options.scramIterations ?? SCRAM_DEFAULT_ITERATIONS;
    return saltedPassword(this.hash, parsed.password, salt, iterations).then((salted) => keysFromSalted(this.hash, salted, salt, iterations));
  }

  private async clientFinal(data: Buffer): Promise<SaslStep> {
    this.state = 'done';
    const p = this.pending;
    this.pending = undefined;
    if (!p) return outOfSequence();
    const final = parseClientFinal(data);
    if (typeof final === 'string') return malformed(`${this.name}: ${final}`);
    if (!final.channelBinding.equals(Buffer.from(p.first.gs2Header, 'utf8'))) return malformed(`${this.name}: c= does not repeat the gs2 header`);
    if (final.nonce !== p.nonce) return malformed(`${this.name}: nonce mismatch`);
    const len = SCRAM_HASH_LENGTH[this.hash];
    if (final.proof.length !== len) return malformed(`${this.name}: proof must be ${len} bytes`);

    const authMessage = `${p.first.bare},${p.serverFirst},${final.withoutProof}`;
    // Without keys, check against random ones: same work, certain failure.
    const storedKey = p.keys?.storedKey ?? randomBytes(len);
    const clientSignature = hmac(this.hash, storedKey, authMessage);
    const clientKey = Buffer.alloc(len);
    for (let i = 0; i < len; i++) clientKey[i] = (final.proof[i] ?? 0) ^ (clientSignature[i] ?? 0);
    const match = equalBytes(digest(this.hash, clientKey), storedKey);
    if (!match || !p.keys || p.account === null) return badCredentials();
    const serverSignature = hmac(this.hash, p.keys.serverKey, authMessage);
    const serverFinal = Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
    return authorize(this.backend, p.first.username, p.account, p.first.authzid, serverFinal);
  }
}
