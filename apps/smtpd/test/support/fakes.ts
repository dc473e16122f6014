// In-memory collaborators for session tests: a sink that records messages, a recipient policy over a few maps,
// SASL PLAIN/LOGIN over a user table, a login gate, and a fixed reverse resolver.
import type { Envelope, LoginGate, MessageSink, RecipientPolicy, ReverseResolver, SaslProvider } from '../../src/main.js';
import type { SaslMechanism, SaslStep } from '../../src/ports.js';

export interface Stored {
  envelope: Envelope;
  message: string;
}

export class MemorySink implements MessageSink {
  readonly messages: Stored[] = [];
  /** Aborted attempts: the body threw (client error) or the sink failed. */
  readonly aborted: unknown[] = [];
  /** 'before': throw without reading; 'after': read everything, then throw (queue write failure). */
  fail: 'before' | 'after' | undefined;
  /** Milliseconds to take after reading the message, as a real queue write would. */
  delay = 0;

  async accept(envelope: Envelope, message: AsyncIterable<Buffer>): Promise<{ queueId: string }> {
    if (this.fail === 'before') throw new Error('queue down');
    const parts: Buffer[] = [];
    try {
      for await (const p of message) parts.push(p);
    } catch (err) {
      this.aborted.push(err);
      throw err;
    }
    if (this.delay > 0) await new Promise((r) => setTimeout(r, this.delay));
    if (this.fail === 'after') {
      this.aborted.push(new Error('write failed'));
      throw new Error('write failed');
    }
    this.messages.push({ envelope, message: Buffer.concat(parts).toString('utf8') });
    return { queueId: envelope.id };
  }

  get last(): Stored | undefined {
    return this.messages[this.messages.length - 1];
  }
}

export class MemoryPolicy implements RecipientPolicy {
  /** address (lowercase) → owning account */
  readonly addresses = new Map<string, string>();
  readonly domains = new Set<string>();
  readonly catchAll = new Set<string>();

  constructor(init: { domains?: string[]; users?: string[]; aliases?: Record<string, string>; catchAll?: string[] } = {}) {
    for (const d of init.domains ?? []) this.domains.add(d);
    for (const u of init.users ?? []) this.addresses.set(u.toLowerCase(), u.toLowerCase());
    for (const [alias, owner] of Object.entries(init.aliases ?? {})) this.addresses.set(alias.toLowerCase(), owner.toLowerCase());
    for (const d of init.catchAll ?? []) this.catchAll.add(d);
  }

  async isLocalDomain(domain: string): Promise<boolean> {
    return this.domains.has(domain);
  }

  async resolve(address: string): Promise<'local' | 'unknown'> {
    if (this.addresses.has(address.toLowerCase())) return 'local';
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    return this.catchAll.has(domain) ? 'local' : 'unknown';
  }

  async ownsSender(account: string, address: string): Promise<boolean> {
    return this.addresses.get(address.toLowerCase()) === account.toLowerCase();
  }

  async expand(address: string): Promise<string[] | undefined> {
    const owner = this.addresses.get(address.toLowerCase());
    return owner && owner !== address.toLowerCase() ? [owner] : undefined;
  }
}

const challenge = (text: string): SaslStep => ({ kind: 'challenge', data: Buffer.from(text) });

/** PLAIN (RFC 4616) and LOGIN over a table of user → password; the secrets never leave this object. */
export class FakeSasl implements SaslProvider {
  readonly attempts: string[] = [];
  constructor(private readonly users: Record<string, string>) {}

  mechanisms(c: { tls: boolean; loopback: boolean; allowInsecure: boolean }): readonly string[] {
    return c.tls || c.loopback || c.allowInsecure ? ['PLAIN', 'LOGIN'] : [];
  }

  private check(user: string, pass: string): SaslStep {
    this.attempts.push(user);
    return this.users[user] === pass ? { kind: 'success', authcid: user, authzid: user } : { kind: 'failure', reason: 'credentials' };
  }

  create(name: string): SaslMechanism | undefined {
    if (name === 'PLAIN') {
      const plain = (data: Buffer): SaslStep => {
        const parts = data.toString('utf8').split('\0');
        if (parts.length !== 3) return { kind: 'failure', reason: 'malformed' };
        return this.check(parts[1]!, parts[2]!);
      };
      return {
        name,
        start: async (ir) => (ir === undefined || ir.length === 0 ? challenge('') : plain(ir)),
        step: async (r) => plain(r),
      };
    }
    if (name === 'LOGIN') {
      let user: string | undefined;
      return {
        name,
        start: async (ir) => {
          if (ir && ir.length) {
            user = ir.toString('utf8');
            return challenge('Password:');
          }
          return challenge('Username:');
        },
        step: async (r) => {
          if (user === undefined) {
            user = r.toString('utf8');
            return challenge('Password:');
          }
          return this.check(user, r.toString('utf8'));
        },
      };
    }
    return undefined;
  }
}

export class FakeGate implements LoginGate {
  locked = false;
  readonly records: Array<{ ip: string; ok: boolean }> = [];
  async check(): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    return this.locked ? { allowed: false, retryAfterMs: 60_000 } : { allowed: true };
  }
  async record(ip: string, outcome: { ok: boolean }): Promise<void> {
    this.records.push({ ip, ok: outcome.ok });
  }
}

export const fixedResolver = (name?: string): ReverseResolver => ({ lookup: async () => name });
