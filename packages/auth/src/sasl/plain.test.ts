// PLAIN and LOGIN: RFC 4616's examples, authorization-identity rules, NUL and UTF-8 rules, sequence and backend errors.
import { describe, expect, it } from 'vitest';
import { LoginMechanism } from './login.js';
import { parsePlainMessage, PlainMechanism } from './plain.js';
import { memoryBackend } from './test-backend.js';

const users = {
  tim: '{PLAIN}tanstaaftanstaaf',
  kurt: '{SHA256}' + '7CAsHE6NjG9zfzP0qpqMe7fOZUPu8XkgjTqeiGTdolE=', // sha256("xipj3plmq")
  'jörg@example.test': '{PLAIN}pässwort',
};
const b = (s: string) => Buffer.from(s, 'utf8');

describe('PLAIN', () => {
  it('accepts RFC 4616 §4 example 1 as an initial response', async () => {
    const m = new PlainMechanism(memoryBackend(users));
    expect(await m.start(b('\0tim\0tanstaaftanstaaf'))).toEqual({ kind: 'success', authcid: 'tim', authzid: 'tim' });
  });

  it('refuses RFC 4616 §4 example 2 (Kurt acting as Ursel) unless the backend allows it', async () => {
    const refused = new PlainMechanism(memoryBackend(users));
    expect(await refused.start(b('Ursel\0Kurt\0xipj3plmq'))).toMatchObject({ kind: 'failure', reason: 'authzid' });
    const allowed = new PlainMechanism(memoryBackend(users, { proxies: { kurt: ['Ursel'] } }));
    expect(await allowed.start(b('Ursel\0Kurt\0xipj3plmq'))).toEqual({ kind: 'success', authcid: 'kurt', authzid: 'Ursel' });
    const noHook = new PlainMechanism({ ...memoryBackend(users), mayActAs: undefined });
    expect(await noHook.start(b('Ursel\0Kurt\0xipj3plmq'))).toMatchObject({ kind: 'failure', reason: 'authzid' });
  });

  it('accepts an authzid equal to the authcid or to the canonical account', async () => {
    expect(await new PlainMechanism(memoryBackend(users)).start(b('Kurt\0Kurt\0xipj3plmq'))).toEqual({ kind: 'success', authcid: 'kurt', authzid: 'kurt' });
    expect(await new PlainMechanism(memoryBackend(users)).start(b('kurt\0Kurt\0xipj3plmq'))).toEqual({ kind: 'success', authcid: 'kurt', authzid: 'kurt' });
  });

  it('sends an empty challenge without an initial response, then takes the message', async () => {
    const m = new PlainMechanism(memoryBackend(users));
    expect(await m.start()).toEqual({ kind: 'challenge', data: Buffer.alloc(0) });
    expect(await m.step(b('\0jörg@example.test\0pässwort'))).toEqual({ kind: 'success', authcid: 'jörg@example.test', authzid: 'jörg@example.test' });
    expect(await m.step(b('\0tim\0tanstaaftanstaaf'))).toMatchObject({ kind: 'failure', reason: 'sequence' });
  });

  it('fails wrong passwords and unknown users alike', async () => {
    expect(await new PlainMechanism(memoryBackend(users)).start(b('\0tim\0wrong'))).toMatchObject({ kind: 'failure', reason: 'credentials' });
    expect(await new PlainMechanism(memoryBackend(users)).start(b('\0nobody\0wrong'))).toMatchObject({ kind: 'failure', reason: 'credentials' });
  });

  it('reports a backend outage as a temporary failure', async () => {
    expect(await new PlainMechanism(memoryBackend(users, { failing: true })).start(b('\0tim\0tanstaaftanstaaf'))).toMatchObject({
      kind: 'failure', reason: 'unavailable', temporary: true,
    });
  });

  // [message, reason substring]
  const BAD: [Buffer, string][] = [
    [Buffer.alloc(0), 'two NUL'],
    [b('tim\0tanstaaf'), 'two NUL'],
    [b('\0tim\0pass\0'), 'more than two'],
    [b('\0\0pass'), 'empty authentication identity'],
    [b('\0tim\0'), 'empty password'],
    [Buffer.from([0, 0x74, 0xff, 0, 0x70]), 'UTF-8'],
    [Buffer.from([0xc3, 0x28, 0, 0x74, 0, 0x70]), 'UTF-8'],
    [b('\0ti\nm\0pass'), 'bad identity'],
    [b(`\0${'u'.repeat(1025)}\0pass`), 'bad identity'],
    [b(`\0tim\0${'p'.repeat(1025)}`), 'too long'],
    [Buffer.alloc(9000, 0x61), 'too long'],
  ];
  it.each(BAD)('rejects malformed message %#', async (message, reason) => {
    expect(parsePlainMessage(message)).toContain(reason);
    const m = new PlainMechanism(memoryBackend(users));
    expect(await m.start(message)).toMatchObject({ kind: 'failure', reason: 'malformed' });
  });
});

describe('LOGIN', () => {
  it('asks for user name and password', async () => {
    const backend = memoryBackend(users);
    const m = new LoginMechanism(backend);
    expect(await m.start()).toEqual({ kind: 'challenge', data: b('Username:') });
    expect(await m.step(b('tim'))).toEqual({ kind: 'challenge', data: b('Password:') });
    expect(await m.step(b('tanstaaftanstaaf'))).toEqual({ kind: 'success', authcid: 'tim', authzid: 'tim' });
    expect(await m.step(b('x'))).toMatchObject({ kind: 'failure', reason: 'sequence' });
  });

  it('takes the user name as initial response, and treats an empty one as none', async () => {
    const m = new LoginMechanism(memoryBackend(users));
    expect(await m.start(b('TIM'))).toEqual({ kind: 'challenge', data: b('Password:') });
    expect(await m.step(b('tanstaaftanstaaf'))).toEqual({ kind: 'success', authcid: 'tim', authzid: 'tim' });
    expect(await new LoginMechanism(memoryBackend(users)).start(Buffer.alloc(0))).toEqual({ kind: 'challenge', data: b('Username:') });
  });

  it('fails wrong passwords, bad names and bad passwords', async () => {
    const wrong = new LoginMechanism(memoryBackend(users));
    await wrong.start(b('tim'));
    expect(await wrong.step(b('nope'))).toMatchObject({ kind: 'failure', reason: 'credentials' });
    expect(await new LoginMechanism(memoryBackend(users)).start(Buffer.from([0xff]))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    const nul = new LoginMechanism(memoryBackend(users));
    await nul.start(b('tim'));
    expect(await nul.step(b('tansta\0af'))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    const empty = new LoginMechanism(memoryBackend(users));
    await empty.start(b('tim'));
    expect(await empty.step(Buffer.alloc(0))).toMatchObject({ kind: 'failure', reason: 'malformed' });
  });
});
