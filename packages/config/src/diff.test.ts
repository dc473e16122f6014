// differences() (what `mailctl config show` prints) and redact() (what may be printed at all).
import { describe, expect, it } from 'vitest';
import { defaults, differences, isSecretKey, redact, redactString } from './diff.js';
import { parseConfig } from './load.js';

describe('differences', () => {
  it('an unchanged configuration has none', () => {
    expect(differences(defaults(), defaults())).toEqual({});
  });

  it.each([
    [{ hostname: 'mail.example.org' }, { hostname: 'mail.example.org' }],
    [{ smtpd: { maxErrors: 3, banner: 'ESMTP' } }, { smtpd: { maxErrors: 3 } }],
    [{ limits: { messageSize: '25M' } }, { limits: { messageSize: 26_214_400 } }],
    [{ limits: { messageSize: '50M' } }, {}],
    [{ domains: ['a.test'] }, { domains: ['a.test'] }],
    [{ mynetworks: ['127.0.0.0/8', '::1/128'] }, {}],
    // A list is compared whole: one changed listener prints the whole list.
    [
      { pop3d: { listeners: [{ port: 110 }, { port: 1995, tls: 'implicit' }] } },
      { pop3d: { listeners: [{ host: '::', port: 110, tls: 'starttls' }, { host: '::', port: 1995, tls: 'implicit' }] } },
    ],
    [{ tls: { sni: { 'mail.other.test': { cert: '/c', key: '/k' } } } }, { tls: { sni: { 'mail.other.test': { cert: '/c', key: '/k' } } } }],
    [{ queueRunner: { retrySchedule: { giveUp: '2d' } } }, { queueRunner: { retrySchedule: { giveUp: 172_800_000 } } }],
    [{ queueRunner: { retrySchedule: { giveUp: '5d' } } }, {}],
    [{ redis: { sentinel: { name: 'm', sentinels: [{ host: 's', port: 26379 }] } } }, { redis: { sentinel: { name: 'm', sentinels: [{ host: 's', port: 26379 }] } } }],
  ])('%j differs by %j', (input, expected) => {
    expect(differences(parseConfig(input), defaults())).toEqual(expected);
  });

  it('is undefined for values that are not mappings', () => {
    expect(differences([1], {})).toBeUndefined();
    expect(differences({}, null)).toBeUndefined();
  });
});

describe('redact', () => {
  it.each([
    ['password', true],
    ['passwordFile', false],
    ['saslPasswords', false],
    ['clientSecret', true],
    ['apiToken', true],
    ['Password', true],
    ['username', false],
  ])('%s is a secret key: %s', (key, yes) => expect(isSecretKey(key)).toBe(yes));

  it.each([
    ['redis://:hunter2@127.0.0.1:6379/0', 'redis://:********@127.0.0.1:6379/0'],
    ['rediss://user:p%40ss@redis.example.org:6380/1', 'rediss://user:********@redis.example.org:6380/1'],
    ['redis://user:p@ss@host/0', 'redis://user:********@host/0'],
    ['redis://user@host:6379', 'redis://user@host:6379'],
    ['redis://host:6379/0', 'redis://host:6379/0'],
    ['redis://:@host', 'redis://:@host'],
    ['not a url: a:b@c', 'not a url: a:b@c'],
  ])('%s prints as %s', (text, shown) => expect(redactString(text)).toBe(shown));

  it('masks secrets at any depth and leaves everything else', () => {
    const value = {
      redis: { url: 'redis://:pw@r:6379/0', password: 'pw', passwordFile: '/run/secrets/redis', sentinel: { password: 'x', name: 'm' } },
      queueRunner: { saslPasswords: '/etc/mail/sasl' },
      list: [{ token: 't' }, 'redis://u:pw@h'],
      empty: { password: '' },
      n: 3,
    };
    expect(redact(value)).toEqual({
      redis: { url: 'redis://:********@r:6379/0', password: '********', passwordFile: '/run/secrets/redis', sentinel: { password: '********', name: 'm' } },
      queueRunner: { saslPasswords: '/etc/mail/sasl' },
      list: [{ token: '********' }, 'redis://u:********@h'],
      empty: { password: '' },
      n: 3,
    });
  });
});
