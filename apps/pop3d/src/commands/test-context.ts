// Test support for command modules: a CommandContext over an in-memory directory, store and locks, no socket.
import { Authenticator, hashPassword, MemoryDirectory } from '@mail/auth';
import { createLogger } from '@mail/log';
import { MemoryStore, type MailFolder } from '@mail/maildir';
import type { CommandContext, ConnectionInfo, Phase, SessionState } from '../context.js';
import { MemoryMailboxLocks } from '../lock.js';
import type { Pop3Deps } from '../ports.js';
import { COMMANDS } from './index.js';
import { Pop3Error, type Reply } from '../protocol/reply.js';
import { DEFAULT_SETTINGS, type Pop3Settings } from '../settings.js';
import { beginTransaction } from '../transaction.js';

export const USER = 'alice@example.test';
export const PASSWORD = 'secret';
export const HASHED_USER = 'bob@example.test';

export interface FakeOptions {
  messages?: string[];
  conn?: Partial<ConnectionInfo>;
  settings?: Partial<Pop3Settings>;
  /** Log in as USER before the test. */
  loggedIn?: boolean;
  /** The client's answers to SASL continuations, in order. */
  answers?: string[];
  apopTimestamp?: string;
  deps?: Partial<Pop3Deps>;
}

export interface Fake {
  ctx: CommandContext;
  state: SessionState;
  store: MemoryStore;
  locks: MemoryMailboxLocks;
  /** Continuations the server sent (the text after "+ "). */
  challenges: string[];
  inbox(): Promise<MailFolder>;
  /** Runs a command through its module (state check included) and returns the reply or the error reply. */
  run(line: string): Promise<Reply & { bad?: boolean }>;
  /** Collects a streamed body as text. */
  body(reply: Reply): Promise<string>;
}

export async function fakeContext(options: FakeOptions = {}): Promise<Fake> {
  const directory = new MemoryDirectory({ configDomains: ['example.test'] });
  await directory.addAccount({ address: USER, passwordHash: `{PLAIN}${PASSWORD}` });
  await directory.addAccount({ address: HASHED_USER, passwordHash: await hashPassword(PASSWORD, 'SHA256-CRYPT') });
  const store = new MemoryStore();
  for (const m of options.messages ?? []) await store.deliver(USER, 'INBOX', m);
  const locks = new MemoryMailboxLocks();
  const deps: Pop3Deps = {
    auth: new Authenticator({ directory, sleep: async () => undefined }),
    accounts: directory,
    inboxes: { open: async (account) => (await store.openMailbox(account.address)).folder('INBOX') },
    locks,
    tls: { upgrade: async () => Promise.reject(new Error('not in unit tests')) },
    ...options.deps,
  };
  const settings: Pop3Settings = { ...DEFAULT_SETTINGS, hostname: 'pop.example.test', ...options.settings };
  const conn: ConnectionInfo = { id: 't', remoteIp: '192.0.2.1', remotePort: 1, loopback: false, secure: true, starttls: true, ...options.conn };
  const state: SessionState = { phase: 'AUTHORIZATION', user: null, apopTimestamp: options.apopTimestamp ?? null, authFailures: 0, account: null, maildrop: null, lock: null };
  const log = createLogger('pop3d-test', { level: 'silent' });
  const answers = [...(options.answers ?? [])];
  const challenges: string[] = [];
  const ctx: CommandContext = {
    conn,
    state,
    settings,
    deps,
    log,
    plaintextAllowed: () => conn.secure || conn.loopback || settings.allowInsecureAuth,
    async exchange(text) {
      challenges.push(text);
      const next = answers.shift();
      if (next === undefined) throw new Error(`no answer scripted for challenge ${text}`);
      return next;
    },
    async enterTransaction(account) {
      const { maildrop, lock } = await beginTransaction(deps, account, log);
      Object.assign(state, { phase: 'TRANSACTION' as Phase, account, maildrop, lock });
    },
    authFailed(text, code) {
      state.authFailures++;
      return new Pop3Error(text, { ...(code ? { code } : {}), after: state.authFailures >= settings.authFailures ? 'close' : 'continue' });
    },
  };
  const fake: Fake = {
    ctx,
    state,
    store,
    locks,
    challenges,
    inbox: async () => (await store.openMailbox(USER)).folder('INBOX'),
    async run(line) {
      const space = line.indexOf(' ');
      const name = (space < 0 ? line : line.slice(0, space)).toUpperCase();
      const args = space < 0 ? '' : line.slice(space + 1);
      const cmd = COMMANDS.get(name);
      if (!cmd) throw new Error(`no command ${name}`);
      try {
        if (!cmd.states.has(state.phase)) throw new Pop3Error('wrong state', { bad: true });
        return await cmd.handle(ctx, cmd.parse(args));
      } catch (err) {
        if (err instanceof Pop3Error) return { ...err.toReply(), bad: err.bad };
        throw err;
      }
    },
    async body(reply) {
      if (reply.kind !== 'ok' || !reply.stream) throw new Error('no streamed body');
      const parts: Buffer[] = [];
      for await (const c of reply.stream.chunks) parts.push(c);
      reply.stream.sent?.(); // as the session does once the whole body is handed to the socket
      return Buffer.concat(parts).toString('latin1');
    },
  };
  if (options.loggedIn) {
    const account = await directory.findAccount(USER);
    await ctx.enterTransaction(account!, 'test');
  }
  return fake;
}
