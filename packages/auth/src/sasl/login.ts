// LOGIN (draft-murchison-sasl-login): challenges "Username:" then "Password:". An initial response is allowed and is
// the user name; an empty initial response (`=`) is treated as none, as Dovecot does. No authorization identity.
import { badCredentials, challenge, checkPlain, malformed, MAX_FIELD, outOfSequence, utf8, validIdentity } from './outcome.js';
import type { SaslBackend, SaslMechanism, SaslStep } from './types.js';

export class LoginMechanism implements SaslMechanism {
  readonly name = 'LOGIN' as const;
  readonly initialResponse = true;
  private state: 'start' | 'username' | 'password' | 'done' = 'start';
  private username = '';

  constructor(private readonly backend: SaslBackend) {}

  async start(initialResponse?: Buffer): Promise<SaslStep> {
    if (this.state !== 'start') return outOfSequence();
    if (initialResponse === undefined || initialResponse.length === 0) {
      this.state = 'username';
      return challenge('Username:');
    }
    return this.takeUsername(initialResponse);
  }

  async step(response: Buffer): Promise<SaslStep> {
    if (this.state === 'username') return this.takeUsername(response);
    if (this.state === 'password') return this.takePassword(response);
    return outOfSequence();
  }

  private takeUsername(data: Buffer): SaslStep {
    const name = utf8(data);
    if (name === null || !validIdentity(name)) {
      this.state = 'done';
      return malformed('LOGIN: bad user name');
    }
    this.username = name;
    this.state = 'password';
    return challenge('Password:');
  }

  private async takePassword(data: Buffer): Promise<SaslStep> {
    this.state = 'done';
    const password = utf8(data);
    if (password === null || password === '' || data.length > MAX_FIELD || data.includes(0)) return malformed('LOGIN: bad password');
    const checked = await checkPlain(this.backend, this.username, password);
    if ('error' in checked) return checked.error;
    if (checked.account === null) return badCredentials();
    return { kind: 'success', authcid: checked.account, authzid: checked.account };
  }
}
