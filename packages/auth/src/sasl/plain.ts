// PLAIN (RFC 4616): message = [authzid] NUL authcid NUL passwd, UTF-8. Initial response allowed; without one the
// server sends an empty challenge. An empty initial response (`=`) is an empty message, which is malformed.
import { authorize, badCredentials, challenge, checkPlain, malformed, MAX_FIELD, MAX_MESSAGE, outOfSequence, utf8, validIdentity } from './outcome.js';
import type { SaslBackend, SaslMechanism, SaslStep } from './types.js';

export interface PlainMessage {
  authzid: string;
  authcid: string;
  password: string;
}

/** Parses a PLAIN message; returns a reason string when it breaks RFC 4616 §2. */
export function parsePlainMessage(message: Buffer): PlainMessage | string {
  if (message.length > MAX_MESSAGE) return 'message too long';
  const first = message.indexOf(0);
  const second = first < 0 ? -1 : message.indexOf(0, first + 1);
  if (first < 0 || second < 0) return 'needs two NUL separators';
  if (message.indexOf(0, second + 1) >= 0) return 'more than two NUL separators';
  const authzid = utf8(message.subarray(0, first));
  const authcid = utf8(message.subarray(first + 1, second));
  const password = utf8(message.subarray(second + 1));
  if (authzid === null || authcid === null || password === null) return 'not UTF-8';
  if (authcid === '') return 'empty authentication identity';
  if (password === '') return 'empty password';
  if (Buffer.byteLength(password, 'utf8') > MAX_FIELD) return 'password too long';
  if (!validIdentity(authcid) || (authzid !== '' && !validIdentity(authzid))) return 'bad identity';
  return { authzid, authcid, password };
}

export class PlainMechanism implements SaslMechanism {
  readonly name = 'PLAIN' as const;
  readonly initialResponse = true;
  private state: 'start' | 'message' | 'done' = 'start';

  constructor(private readonly backend: SaslBackend) {}

  async start(initialResponse?: Buffer): Promise<SaslStep> {
    if (this.state !== 'start') return outOfSequence();
    if (initialResponse === undefined) {
      this.state = 'message';
      return challenge(Buffer.alloc(0));
    }
    return this.finish(initialResponse);
  }

  async step(response: Buffer): Promise<SaslStep> {
    if (this.state !== 'message') return outOfSequence();
    return this.finish(response);
  }

  private async finish(message: Buffer): Promise<SaslStep> {
    this.state = 'done';
    const parsed = parsePlainMessage(message);
    if (typeof parsed === 'string') return malformed(`PLAIN: ${parsed}`);
    const checked = await checkPlain(this.backend, parsed.authcid, parsed.password);
    if ('error' in checked) return checked.error;
    if (checked.account === null) return badCredentials();
    return authorize(this.backend, parsed.authcid, checked.account, parsed.authzid);
  }
}
