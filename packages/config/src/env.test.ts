// MAIL_* environment overrides: name → key mapping, value parsing, precedence over the file, errors.
import { describe, expect, it } from 'vitest';
import { applyEnv, envKeyToPath, isOverrideVariable, pathToEnvName } from './env.js';
import { ConfigError } from './errors.js';
import { referenceEntries } from './reference.js';

describe('variable name → key', () => {
  it.each([
    ['MAIL_HOSTNAME', 'hostname'],
    ['MAIL_SMTPD__MAX_ERRORS', 'smtpd.maxErrors'],
    ['MAIL_REDIS__URL', 'redis.url'],
    ['MAIL_QUEUE_RUNNER__RETRY_SCHEDULE__GIVE_UP', 'queueRunner.retrySchedule.giveUp'],
    ['MAIL_LIMITS__CONNECTIONS_PER_IP', 'limits.connectionsPerIp'],
    ['MAIL_TLS__SELF_SIGNED', 'tls.selfSigned'],
    ['MAIL_POP3D__LISTENERS__0__PORT', 'pop3d.listeners.0.port'],
    ['MAIL_REDIS__SENTINEL__PASSWORD_FILE', 'redis.sentinel.passwordFile'],
  ])('%s sets %s', (name, key) => {
    expect(envKeyToPath(name).join('.')).toBe(key);
    expect(pathToEnvName(key.split('.'))).toBe(name);
  });

  it('every key of the schema has a variable that maps back to it', () => {
    const keys = referenceEntries()
      .map((e) => e.key)
      .filter((k) => !k.includes('[]') && !k.includes('<name>'));
    expect(keys.length).toBeGreaterThan(50);
    for (const key of keys) expect(envKeyToPath(pathToEnvName(key.split('.'))).join('.')).toBe(key);
  });

  it.each([
    ['MAIL_CONFIG', false],
    ['MAIL_APPS_DIR', false],
    ['MAIL_TEST_REDIS_URL', false],
    ['MAIL', false],
    ['MAILPATH', false],
    ['MAIL_LOG__LEVEL', true],
    ['MAIL_FOO', true],
  ])('%s is an override: %s', (name, yes) => expect(isOverrideVariable(name)).toBe(yes));
});

describe('values', () => {
  it.each([
    ['MAIL_SMTPD__MAX_ERRORS', '3', ['smtpd', 'maxErrors'], 3],
    ['MAIL_SMTPD__EXPN', 'true', ['smtpd', 'expn'], true],
    ['MAIL_LIMITS__MESSAGE_SIZE', '10M', ['limits', 'messageSize'], '10M'],
    ['MAIL_LIMITS__MESSAGE_SIZE', '1048576', ['limits', 'messageSize'], 1_048_576],
    ['MAIL_DOMAINS', '[a.test, b.test]', ['domains'], ['a.test', 'b.test']],
    ['MAIL_QUEUE_RUNNER__TRANSPORT', '{example.org: "smtp:[relay]:25"}', ['queueRunner', 'transport'], { 'example.org': 'smtp:[relay]:25' }],
    ['MAIL_REDIS__CLUSTER', '{nodes: [{host: r1, port: 7000}]}', ['redis', 'cluster'], { nodes: [{ host: 'r1', port: 7000 }] }],
    // String keys take the text as it is: no YAML typing, no comments, no quotes removed.
    ['MAIL_REDIS__PASSWORD', '123456', ['redis', 'password'], '123456'],
    ['MAIL_REDIS__PASSWORD', 'p@ss: word #1', ['redis', 'password'], 'p@ss: word #1'],
    ['MAIL_HOSTNAME', 'mail.example.org', ['hostname'], 'mail.example.org'],
    ['MAIL_MDA__RECIPIENT_DELIMITER', '', ['mda', 'recipientDelimiter'], ''],
    ['MAIL_LOG__LEVEL', 'debug', ['log', 'level'], 'debug'],
    ['MAIL_TLS__MIN_VERSION', 'TLSv1.3', ['tls', 'minVersion'], 'TLSv1.3'],
    ['MAIL_IMAPD__HIERARCHY_SEPARATOR', '.', ['imapd', 'hierarchySeparator'], '.'],
  ])('%s=%j sets %j to %j', (name, text, path, value) => {
    const raw: Record<string, unknown> = {};
    const origins = applyEnv(raw, { [name]: text }, '/');
    let node: unknown = raw;
    for (const seg of path) node = (node as Record<string, unknown>)[seg];
    expect(node).toEqual(value);
    expect(origins.get(path.join('.'))).toBe(`environment ${name}`);
  });

  it('overrides the file key by key and keeps its other keys', () => {
    const raw: Record<string, unknown> = { smtpd: { maxErrors: 5, banner: 'hi' }, hostname: 'a' };
    applyEnv(raw, { MAIL_SMTPD__MAX_ERRORS: '7', MAIL_CONFIG: '/x.yaml', MAIL_TEST_REDIS_URL: 'redis://x' });
    expect(raw).toEqual({ smtpd: { maxErrors: 7, banner: 'hi' }, hostname: 'a' });
  });

  it('applies a parent before its children, whatever the order of the environment', () => {
    const raw: Record<string, unknown> = {};
    applyEnv(raw, { MAIL_REDIS__URL: 'redis://b:6379/1', MAIL_REDIS: '{url: "redis://a:6379/0", prefix: p}' });
    expect(raw).toEqual({ redis: { url: 'redis://b:6379/1', prefix: 'p' } });
  });

  it('indexes into a list from the file', () => {
    const raw: Record<string, unknown> = { pop3d: { listeners: [{ port: 110 }, { port: 995, tls: 'implicit' }] } };
    applyEnv(raw, { MAIL_POP3D__LISTENERS__1__PORT: '1995' });
    expect(raw).toEqual({ pop3d: { listeners: [{ port: 110 }, { port: 1995, tls: 'implicit' }] } });
  });

  it('resolves relative paths against the working directory', () => {
    const raw: Record<string, unknown> = {};
    applyEnv(raw, { MAIL_PATHS__DATA: 'var/data', MAIL_TLS__CERT: '/abs/cert.pem', MAIL_PATHS: '{users: etc/users}' }, '/srv/mail');
    expect(raw).toEqual({ paths: { data: '/srv/mail/var/data', users: '/srv/mail/etc/users' }, tls: { cert: '/abs/cert.pem' } });
  });

  it.each([
    ['MAIL_SMTPD__LISTENERS', '[{port: 25', 'environment MAIL_SMTPD__LISTENERS: smtpd.listeners: not a YAML value'],
    ['MAIL_SMTPD____MAX_ERRORS', '3', 'environment MAIL_SMTPD____MAX_ERRORS: smtpd..maxErrors: not a configuration key'],
    ['MAIL_SMTPD__', '3', 'environment MAIL_SMTPD__: smtpd.: not a configuration key'],
    ['MAIL_CONSTRUCTOR__PROTOTYPE', '{}', 'environment MAIL_CONSTRUCTOR__PROTOTYPE: constructor.prototype: not a configuration key'],
  ])('%s=%j is refused', (name, text, message) => {
    const raw: Record<string, unknown> = {};
    let error: unknown;
    try {
      applyEnv(raw, { [name]: text });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
