// AUTH (RFC 5034): mechanism list, initial responses, continuations, cancel, SCRAM's final message, plaintext rules.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fakeContext, HASHED_USER, PASSWORD, USER } from './test-context.js';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const ALL = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'CRAM-MD5', 'PLAIN', 'LOGIN'];

/** A SCRAM-SHA-256 client (RFC 5802, RFC 7677) for the exchange. */
function scram(user: string, password: string) {
  const nonce = randomBytes(12).toString('base64');
  const bare = `n=${user},r=${nonce}`;
  let serverSignature = '';
  return {
    first: b64(`n,,${bare}`),
    final(serverFirstB64: string): string {
      const serverFirst = Buffer.from(serverFirstB64, 'base64').toString();
      const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
      const salted = pbkdf2Sync(password, Buffer.from(attrs.s!, 'base64'), Number(attrs.i), 32, 'sha256');
      const clientKey = createHmac('sha256', salted).update('Client Key').digest();
      const storedKey = createHash('sha256').update(clientKey).digest();
      const withoutProof = `c=biws,r=${attrs.r}`;
      const authMessage = `${bare},${serverFirst},${withoutProof}`;
      const signature = createHmac('sha256', storedKey).update(authMessage).digest();
      const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
      serverSignature = createHmac('sha256', createHmac('sha256', salted).update('Server Key').digest()).update(authMessage).digest('base64');
      return b64(`${withoutProof},p=${proof.toString('base64')}`);
    },
    serverSignature: () => serverSignature,
  };
}

describe('AUTH', () => {
  it('without arguments lists the mechanisms usable on the connection', async () => {
    expect(await (await fakeContext({ settings: { mechanisms: ALL } })).run('AUTH')).toMatchObject({ kind: 'ok', lines: ALL });
    const plain = await fakeContext({ settings: { mechanisms: ALL }, conn: { secure: false } });
    expect(await plain.run('AUTH')).toMatchObject({ kind: 'ok', lines: ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'CRAM-MD5'] });
  });

  it('PLAIN with an initial response', async () => {
    const f = await fakeContext();
    expect(await f.run(`AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).toEqual({ kind: 'ok', text: 'Logged in.' });
    expect(f.state.account?.address).toBe(USER);
    expect(f.challenges).toEqual([]);
  });

  it('PLAIN without an initial response gets an empty continuation', async () => {
    const f = await fakeContext({ answers: [b64(`\0${HASHED_USER}\0${PASSWORD}`)] });
    expect(await f.run('auth plain')).toMatchObject({ kind: 'ok' });
    expect(f.challenges).toEqual(['']);
  });

  it('LOGIN asks for the name and the password', async () => {
    const f = await fakeContext({ answers: [b64(USER), b64(PASSWORD)] });
    expect(await f.run('AUTH LOGIN')).toMatchObject({ kind: 'ok' });
    expect(f.challenges.map((c) => Buffer.from(c, 'base64').toString())).toEqual(['Username:', 'Password:']);
  });

  it('CRAM-MD5', async () => {
    const f = await fakeContext({ settings: { mechanisms: ALL }, answers: [] });
    f.ctx.exchange = async (text) => {
      const challenge = Buffer.from(text, 'base64').toString();
      return b64(`${USER} ${createHmac('md5', PASSWORD).update(challenge).digest('hex')}`);
    };
    expect(await f.run('AUTH CRAM-MD5')).toMatchObject({ kind: 'ok' });
  });

  it('SCRAM-SHA-256: the server-final message is one more continuation, answered by an empty line', async () => {
    const client = scram(USER, PASSWORD);
    const f = await fakeContext({ settings: { mechanisms: ALL } });
    const seen: string[] = [];
    f.ctx.exchange = async (text) => {
      seen.push(text);
      return seen.length === 1 ? client.final(text) : '';
    };
    expect(await f.run(`AUTH SCRAM-SHA-256 ${client.first}`)).toEqual({ kind: 'ok', text: 'Logged in.' });
    expect(Buffer.from(seen[1]!, 'base64').toString()).toBe(`v=${client.serverSignature()}`);
  });

  it('SCRAM-SHA-256 with a wrong password fails with [AUTH]', async () => {
    const client = scram(USER, 'wrong');
    const f = await fakeContext({ settings: { mechanisms: ALL } });
    f.ctx.exchange = async (text) => client.final(text);
    expect(await f.run(`AUTH SCRAM-SHA-256 ${client.first}`)).toMatchObject({ kind: 'err', code: 'AUTH', text: 'Authentication failed.' });
    expect(f.state.authFailures).toBe(1);
  });

  it.each([
    ['wrong password', `AUTH PLAIN ${b64(`\0${USER}\0nope`)}`, [], { kind: 'err', code: 'AUTH', text: 'Authentication failed.' }],
    ['malformed PLAIN', `AUTH PLAIN ${b64('no separators')}`, [], { kind: 'err', code: 'AUTH', text: 'Invalid authentication data.' }],
    ['empty initial response', 'AUTH PLAIN =', [], { kind: 'err', code: 'AUTH' }],
    ['cancel', 'AUTH PLAIN', ['*'], { kind: 'err', text: 'Authentication cancelled.' }],
    ['invalid base64', 'AUTH PLAIN', ['%%%'], { kind: 'err', text: 'Invalid base64 data in the response.', bad: true }],
    ['invalid base64 initial response', 'AUTH PLAIN !!!', [], { kind: 'err', text: 'Invalid base64 data in the response.', bad: true }],
    ['unknown mechanism', 'AUTH GSSAPI', [], { kind: 'err', text: 'Unsupported authentication mechanism.' }],
    ['mechanism not enabled', 'AUTH CRAM-MD5', [], { kind: 'err', text: 'Unsupported authentication mechanism.' }],
  ])('%s', async (_name, line, answers, expected) => {
    const f = await fakeContext({ answers });
    expect(await f.run(line)).toMatchObject(expected);
    expect(f.state.phase).toBe('AUTHORIZATION');
  });

  it('plaintext mechanisms are refused without TLS from a remote client', async () => {
    const f = await fakeContext({ conn: { secure: false } });
    expect(await f.run(`AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).toMatchObject({ kind: 'err', code: 'AUTH', text: 'Plaintext authentication disallowed on non-secure (SSL/TLS) connections.' });
  });

  it('is refused after login', async () => {
    const f = await fakeContext({ loggedIn: true });
    expect(await f.run('AUTH PLAIN')).toMatchObject({ kind: 'err', bad: true });
  });
});
