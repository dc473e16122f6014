// auth.mechanisms: the SASL mechanisms pop3d offers in CAPA and accepts in AUTH are exactly the configured ones.
import { createHmac } from 'node:crypto';
import { DEFAULT_MECHANISMS } from '@mail/auth';
import { ConfigError, parseConfig } from '@mail/config';
import { describe, expect, it } from 'vitest';
import { fakeContext, PASSWORD, USER } from './commands/test-context.js';
import { settingsFromConfig } from './settings.js';

const settingsWith = (auth: Record<string, unknown>) => settingsFromConfig(parseConfig({ hostname: 'pop.example.test', auth }));

async function saslLine(mechanisms: readonly string[]): Promise<string | undefined> {
  const f = await fakeContext({ settings: { mechanisms }, conn: { secure: true } });
  const reply = await f.run('CAPA');
  return reply.kind === 'ok' ? reply.lines?.find((l) => l.startsWith('SASL')) : undefined;
}

describe('auth.mechanisms', () => {
  it('defaults to @mail/auth’s mechanisms (PLAIN, LOGIN)', async () => {
    const settings = settingsWith({});
    expect(settings.mechanisms).toEqual(DEFAULT_MECHANISMS);
    expect(await saslLine(settings.mechanisms)).toBe('SASL PLAIN LOGIN');
  });

  it.each([
    [['CRAM-MD5', 'SCRAM-SHA-256'], 'SASL SCRAM-SHA-256 CRAM-MD5'],
    [['PLAIN'], 'SASL PLAIN'],
    [['LOGIN', 'SCRAM-SHA-1', 'PLAIN', 'SCRAM-SHA-256', 'CRAM-MD5'], 'SASL SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5 PLAIN LOGIN'],
  ])('CAPA lists exactly %j (strongest first)', async (mechanisms, expected) => {
    expect(await saslLine(settingsWith({ mechanisms }).mechanisms)).toBe(expected);
  });

  it('refuses a mechanism the configuration leaves out and runs one it enables', async () => {
    const settings = settingsWith({ mechanisms: ['CRAM-MD5'] });
    const f = await fakeContext({ settings, conn: { secure: true }, answers: [] });
    let challenges = 0;
    f.ctx.exchange = async (text) => {
      challenges++;
      const challenge = Buffer.from(text, 'base64').toString();
      return Buffer.from(`${USER} ${createHmac('md5', PASSWORD).update(challenge).digest('hex')}`).toString('base64');
    };
    for (const refused of ['AUTH PLAIN', 'AUTH LOGIN', 'AUTH SCRAM-SHA-256', `AUTH PLAIN ${Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64')}`]) {
      expect(await f.run(refused)).toMatchObject({ kind: 'err', text: 'Unsupported authentication mechanism.' });
    }
    expect(challenges).toBe(0);
    expect(await f.run('AUTH CRAM-MD5')).toMatchObject({ kind: 'ok' });
    expect(challenges).toBe(1);
  });

  it.each([[['GSSAPI']], [[]], [['plain']]])('rejects %j', (mechanisms) => {
    expect(() => settingsWith({ mechanisms })).toThrow(ConfigError);
  });
});
