// CRAM-MD5 mechanism: RFC 2195's example against {PLAIN} and {CRAM-MD5} stored passwords, and every way to fail.
import { describe, expect, it } from 'vitest';
import { CramMd5Mechanism, parseCramResponse } from './cram-md5.js';
import { memoryBackend } from './test-backend.js';

const RFC_CHALLENGE = '<1896.697170952@postoffice.reston.mci.net>';
const RFC_RESPONSE = Buffer.from('tim b913a602c7eda7a495b4e6e7334d3890');
const opts = { hostname: 'mail.example.test', cramChallenge: () => RFC_CHALLENGE };
const b = (s: string) => Buffer.from(s, 'utf8');

describe('CRAM-MD5', () => {
  it.each([
    ['{PLAIN}tanstaaftanstaaf'],
    // doveadm pw -s CRAM-MD5 -p tanstaaftanstaaf
    ['{CRAM-MD5}d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e035e7015116b'],
  ])('verifies RFC 2195 §2 example with %s', async (stored) => {
    const m = new CramMd5Mechanism(memoryBackend({ tim: stored }), opts);
    expect(await m.start()).toEqual({ kind: 'challenge', data: b(RFC_CHALLENGE) });
    expect(await m.step(RFC_RESPONSE)).toEqual({ kind: 'success', authcid: 'tim', authzid: 'tim' });
    expect(await m.step(RFC_RESPONSE)).toMatchObject({ kind: 'failure', reason: 'sequence' });
  });

  it('accepts an upper-case digest', async () => {
    const m = new CramMd5Mechanism(memoryBackend({ tim: '{PLAIN}tanstaaftanstaaf' }), opts);
    await m.start();
    expect(await m.step(b('tim B913A602C7EDA7A495B4E6E7334D3890'))).toMatchObject({ kind: 'success' });
  });

  it('makes a fresh challenge of the form <random.time@hostname>', async () => {
    const m1 = new CramMd5Mechanism(memoryBackend({}), { hostname: 'mail.example.test' });
    const m2 = new CramMd5Mechanism(memoryBackend({}), { hostname: 'mail.example.test' });
    const c1 = await m1.start();
    const c2 = await m2.start();
    expect(c1.kind === 'challenge' && c1.data.toString()).toMatch(/^<\d+\.\d+@mail\.example\.test>$/);
    expect(c1).not.toEqual(c2);
  });

  it('fails a wrong password, an unknown user and a scheme that cannot serve CRAM-MD5 the same way', async () => {
    for (const users of [{ tim: '{PLAIN}other' }, {} as Record<string, string>, { tim: '{SHA256}E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=' }, { tim: '{BROKEN' }]) {
      const m = new CramMd5Mechanism(memoryBackend(users), opts);
      await m.start();
      expect(await m.step(RFC_RESPONSE)).toEqual({ kind: 'failure', reason: 'credentials', detail: 'wrong user or password' });
    }
  });

  it('refuses an initial response; an empty one is ignored', async () => {
    expect(await new CramMd5Mechanism(memoryBackend({}), opts).start(b('tim'))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    expect(await new CramMd5Mechanism(memoryBackend({}), opts).start(Buffer.alloc(0))).toMatchObject({ kind: 'challenge' });
  });

  it('reports a backend outage as temporary', async () => {
    const m = new CramMd5Mechanism(memoryBackend({}, { failing: true }), opts);
    await m.start();
    expect(await m.step(RFC_RESPONSE)).toMatchObject({ kind: 'failure', reason: 'unavailable', temporary: true });
  });

  it.each([
    ['', 'needs'],
    ['timb913a602c7eda7a495b4e6e7334d3890', 'needs'],
    ['tim b913a602c7eda7a495b4e6e7334d389', 'hex'],
    ['tim b913a602c7eda7a495b4e6e7334d3890 ', 'hex'],
    [' b913a602c7eda7a495b4e6e7334d3890', 'user'],
    ['ti\rm b913a602c7eda7a495b4e6e7334d3890', 'user'],
  ])('rejects response %j', async (text, reason) => {
    expect(parseCramResponse(b(text))).toContain(reason);
    const m = new CramMd5Mechanism(memoryBackend({}), opts);
    await m.start();
    expect(await m.step(b(text))).toMatchObject({ kind: 'failure', reason: 'malformed' });
  });

  it('reads user names with spaces', () => {
    expect(parseCramResponse(b('tim smith b913a602c7eda7a495b4e6e7334d3890'))).toMatchObject({ user: 'tim smith' });
  });
});
