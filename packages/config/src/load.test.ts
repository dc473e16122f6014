// Loading a configuration: defaults, the file, unknown keys, wrong types, error messages, relative paths, secrets.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from './diff.js';
import { ConfigError } from './errors.js';
import { loadConfig, resolveConfigFile, type LoadOptions } from './load.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await tempDir('mail-config-');
});
afterAll(async () => {
  await dir.cleanup();
});

let counter = 0;
/** Writes a configuration file in its own directory and returns its path. */
function configFile(text: string, name = 'mail.yaml'): string {
  const sub = join(dir.path, String(++counter));
  mkdirSync(sub);
  const file = join(sub, name);
  writeFileSync(file, text);
  return file;
}

function load(text: string, options: LoadOptions = {}) {
  return loadConfig({ file: configFile(text), env: {}, defaultFile: null, ...options });
}

/** The message of the ConfigError that loading throws, with the file name shortened to FILE. */
function errorOf(text: string, env: NodeJS.ProcessEnv = {}): string {
  const file = configFile(text);
  try {
    loadConfig({ file, env, defaultFile: null });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.file).toBe(file);
    return err.message.split(file).join('FILE');
  }
  throw new Error('loading succeeded');
}

describe('defaults', () => {
  it('an empty file, a file of comments and no file give the same configuration', () => {
    const none = loadConfig({ env: {}, defaultFile: null });
    expect(load('')).toEqual(none);
    expect(load('# nothing set\n')).toEqual(none);
    expect(none).toEqual(defaults());
  });

  it.each([
    ['hostname', 'localhost'],
    ['mynetworks', ['127.0.0.0/8', '::1/128']],
    ['redis.url', 'redis://127.0.0.1:6379/0'],
    ['paths.mailboxes', '/var/lib/mail/mailboxes/%d/%n/Maildir'],
    ['limits.messageSize', 52_428_800],
    ['limits.idleTimeout', 1_800_000],
    ['smtpd.listeners', [
      { host: '::', port: 25, tls: 'starttls', mode: 'mx' },
      { host: '::', port: 587, tls: 'starttls', mode: 'submission' },
      { host: '::', port: 465, tls: 'implicit', mode: 'submissions' },
    ]],
    ['smtpd.greetDelay', 0],
    ['queueRunner.retrySchedule', { first: 300_000, max: 3_600_000, giveUp: 432_000_000 }],
    ['imapd.listeners', [{ host: '::', port: 143, tls: 'starttls' }, { host: '::', port: 993, tls: 'implicit' }]],
    ['tls.selfSigned', false],
    ['log.level', 'info'],
  ])('%s defaults to %j', (key, value) => {
    let node: unknown = defaults();
    for (const seg of key.split('.')) node = (node as Record<string, unknown>)[seg];
    expect(node).toEqual(value);
  });

  it('fills defaults inside list items and sections', () => {
    const config = load('smtpd:\n  listeners:\n    - { port: 2525, mode: mx }\nqueueRunner:\n  retrySchedule: { first: 1m }\n');
    expect(config.smtpd.listeners).toEqual([{ host: '::', port: 2525, tls: 'starttls', mode: 'mx' }]);
    expect(config.queueRunner.retrySchedule).toEqual({ first: 60_000, max: 3_600_000, giveUp: 432_000_000 });
  });

  it('a section with only comments under it takes its defaults', () => {
    const config = load('redis:\n  # url: redis://other:6379/0\nsmtpd:\n  # maxErrors: 3\nqueueRunner:\n  retrySchedule:\n');
    expect(config).toEqual(defaults());
  });

  it('reads sizes and durations with units', () => {
    const config = load('limits: { messageSize: 25M, idleTimeout: 90s, literalSize: 1048576 }\nmda: { quotaGrace: 2h }\n');
    expect(config.limits).toMatchObject({ messageSize: 26_214_400, idleTimeout: 90_000, literalSize: 1_048_576 });
    expect(config.mda.quotaGrace).toBe(7_200_000);
  });
});

describe('errors name the file, the key and the problem', () => {
  it.each([
    // unknown keys, at every depth
    ['hostnam: x\n', 'FILE: hostnam: unknown key (did you mean hostname?) (line 1)'],
    ['smtpd:\n  max_errors: 3\n', 'FILE: smtpd.max_errors: unknown key (did you mean smtpd.maxErrors?) (line 2)'],
    ['smtpd:\n  listeners:\n    - { port: 25, mode: mx, bind: x }\n', 'FILE: smtpd.listeners.0.bind: unknown key (line 3)'],
    ['redis:\n  sentinel: { name: m, sentinels: [{ host: a, port: 1, weight: 2 }] }\n', 'FILE: redis.sentinel.sentinels.0.weight: unknown key (line 2)'],
    ['tls:\n  sni:\n    mail.example.org: { cert: a, key: b, chain: c }\n', 'FILE: tls.sni["mail.example.org"].chain: unknown key (line 3)'],
    ['queueRunner:\n  retrySchedule: { frist: 1m }\n', 'FILE: queueRunner.retrySchedule.frist: unknown key (did you mean queueRunner.retrySchedule.first?) (line 2)'],
    ['limits: { lineLength: 1000, foo: 1 }\n', 'FILE: limits.foo: unknown key (line 1)'],
    // wrong types
    ['smtpd:\n  maxErrors: lots\n', 'FILE: smtpd.maxErrors: expected a number, got "lots" (line 2)'],
    ['smtpd:\n  maxErrors: 2.5\n', 'FILE: smtpd.maxErrors: expected a whole number, got 2.5 (line 2)'],
    ['smtpd:\n  maxErrors: 0\n', 'FILE: smtpd.maxErrors: at least 1, got 0 (line 2)'],
    ['smtpd:\n  expn: yes\n', 'FILE: smtpd.expn: expected true or false, got "yes" (line 2)'],
    ['smtpd:\n  vrfy: maybe\n', 'FILE: smtpd.vrfy: expected one of: off, ambiguous, on, got "maybe" (line 2)'],
    ['smtpd: [1, 2]\n', 'FILE: smtpd: expected a mapping of keys, got a list (line 1)'],
    ['smtpd:\n  listeners: { port: 25 }\n', 'FILE: smtpd.listeners: expected a list, got a mapping (line 2)'],
    ['smtpd:\n  listeners:\n    - { port: 25 }\n', 'FILE: smtpd.listeners.0.mode: required (line 3)'],
    ['smtpd:\n  listeners:\n    - { port: 70000, mode: mx }\n', 'FILE: smtpd.listeners.0.port: a port from 1 to 65535, got 70000 (line 3)'],
    ['hostname: ""\n', 'FILE: hostname: must not be empty, got "" (line 1)'],
    ['hostname:\n', 'FILE: hostname: expected a string, got nothing (line 1)'],
    ['limits:\n  messageSize: 10Q\n', 'FILE: limits.messageSize: a size such as 512K, 25M or 1G, got "10Q" (line 2)'],
    ['limits:\n  idleTimeout: true\n', 'FILE: limits.idleTimeout: a duration such as 500ms, 30s, 5m, 1h or 5d, got true (line 2)'],
    ['mynetworks: [10.0.0.0/33]\n', 'FILE: mynetworks.0: an address or network such as 192.0.2.0/24 or 2001:db8::/32, got "10.0.0.0/33" (line 1)'],
    ['redis:\n  url: http://x\n', 'FILE: redis.url: a redis:// or rediss:// URL, got "http://x" (line 2)'],
    ['redis:\n  redis:\n', 'FILE: redis.redis: unknown key (line 2)'],
    ['redis:\n  password: 123456\n', 'FILE: redis.password: expected a string, got a value (not shown) (line 2)'],
    ['log: { level: loud }\n', 'FILE: log.level: expected one of: trace, debug, info, warn, error, fatal, silent, got "loud" (line 1)'],
    // rules between keys
    ['tls:\n  cert: a.pem\n', 'FILE: tls.key: required when tls.cert is set (line 1)'],
    ['redis: { password: a, passwordFile: b }\n', 'FILE: redis.passwordFile: set either password or passwordFile, not both (line 1)'],
    ['redis:\n  sentinel: { name: m, sentinels: [{ host: a, port: 1 }] }\n  cluster: { nodes: [{ host: b, port: 2 }] }\n', 'FILE: redis.cluster: set either sentinel or cluster, not both (line 3)'],
    // the document itself
    ['- a\n- b\n', 'FILE: line 1: the document must be a mapping of keys (key: value)'],
    ['just text\n', 'FILE: line 1: the document must be a mapping of keys (key: value)'],
  ])('%j', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('lists every problem, in the order of the file', () => {
    expect(errorOf('hostname: ""\nsmtpd:\n  maxErrors: x\nfoo: 1\n').split('\n')).toEqual([
      'FILE: hostname: must not be empty, got "" (line 1)',
      'FILE: smtpd.maxErrors: expected a number, got "x" (line 3)',
      'FILE: foo: unknown key (line 4)',
    ]);
  });

  it('never shows a password, even inside a URL', () => {
    expect(errorOf('redis:\n  url: "http://u:hunter2@x"\n')).toBe('FILE: redis.url: a redis:// or rediss:// URL, got "http://u:********@x" (line 2)');
    expect(errorOf('redis:\n  sentinel: { name: m, sentinels: [], password: [hunter2] }\n')).not.toContain('hunter2');
  });

  it.each([
    ['smtpd:\n  maxErrors: 3\n  banner: x\n banner: y\n', /^FILE: line 4, column \d+: YAML syntax error: /],
    ['a: b: c\n', /^FILE: line 1, column 4: YAML syntax error: Nested mappings are not allowed in compact mappings$/],
    ['hostname: a\nhostname: b\n', /^FILE: line 2, column 1: YAML syntax error: Map keys must be unique$/],
    ['hostname: "a\n', /^FILE: line 2, column 1: YAML syntax error: Missing closing "quote$/],
    ['hostname: a\n---\nhostname: b\n', /^FILE: line 2, column 1: YAML syntax error: a configuration file holds one document/],
    ['limits: { lineLength: 1000\n', /^FILE: line 2, column 1: YAML syntax error: /],
  ])('a YAML syntax error names the file and the line: %j', (text, pattern) => {
    expect(errorOf(text).split('\n')[0]).toMatch(pattern);
  });

  it('names the environment variable when the value came from it', () => {
    expect(errorOf('smtpd:\n  maxErrors: 3\n', { MAIL_SMTPD__MAX_ERRORS: 'lots' })).toBe(
      'environment MAIL_SMTPD__MAX_ERRORS: smtpd.maxErrors: expected a number, got "lots"',
    );
    expect(errorOf('', { MAIL_SMTPD__MAXERRORS: '3' })).toBe('environment MAIL_SMTPD__MAXERRORS: smtpd.maxerrors: unknown key (did you mean smtpd.maxErrors?)');
    expect(errorOf('', { MAIL_REDIS: '{url: "redis://a", bogus: 1}' })).toBe('environment MAIL_REDIS: redis.bogus: unknown key');
    expect(errorOf('', { MAIL_SMTPD__LISTENERS__0__PORT: '2525' })).toBe('environment MAIL_SMTPD__LISTENERS__0__PORT: smtpd.listeners.0.mode: required');
    expect(errorOf('', { MAIL_IMAPD__LISTENERS: '[{port: 143' })).toMatch(/^environment MAIL_IMAPD__LISTENERS: imapd.listeners: not a YAML value: /);
  });

  it('names the file it cannot read', () => {
    const file = join(dir.path, 'missing.yaml');
    expect(() => loadConfig({ file, env: {} })).toThrow(`${file}: cannot read: ENOENT`);
  });
});

describe('the environment', () => {
  it('overrides the file', () => {
    const config = load('smtpd:\n  maxErrors: 3\n  banner: Hi\n', { env: { MAIL_SMTPD__MAX_ERRORS: '5', MAIL_REDIS__URL: 'redis://redis:6379/0' } });
    expect(config.smtpd.maxErrors).toBe(5);
    expect(config.smtpd.banner).toBe('Hi');
    expect(config.redis.url).toBe('redis://redis:6379/0');
  });

  it('MAIL_CONFIG names the file when --config does not', () => {
    const file = configFile('hostname: from-env\n');
    expect(loadConfig({ env: { MAIL_CONFIG: file }, defaultFile: null }).hostname).toBe('from-env');
    expect(loadConfig({ file: configFile('hostname: from-flag\n'), env: { MAIL_CONFIG: file } }).hostname).toBe('from-flag');
  });
});

describe('which file', () => {
  it('prefers --config, then MAIL_CONFIG, then the default file when it exists', () => {
    const fallback = configFile('');
    expect(resolveConfigFile({ file: 'a.yaml', env: { MAIL_CONFIG: 'b.yaml' }, defaultFile: fallback })).toBe('a.yaml');
    expect(resolveConfigFile({ env: { MAIL_CONFIG: 'b.yaml' }, defaultFile: fallback })).toBe('b.yaml');
    expect(resolveConfigFile({ env: {}, defaultFile: fallback })).toBe(fallback);
    expect(resolveConfigFile({ env: {}, defaultFile: join(dir.path, 'absent.yaml') })).toBeUndefined();
    expect(resolveConfigFile({ env: {}, defaultFile: null })).toBeUndefined();
  });
});

describe('relative paths', () => {
  it('are resolved against the directory of the file, whatever the working directory', () => {
    const file = configFile(
      'paths:\n  data: ../var/data\n  mailboxes: ./mail/%d/%n/Maildir\n  users: /etc/users\ntls:\n  cert: tls/cert.pem\n  key: tls/key.pem\n  sni:\n    mail.other.test: { cert: other.pem, key: /abs/other.key }\nqueueRunner: { saslPasswords: sasl }\n',
    );
    const base = join(file, '..');
    const config = loadConfig({ file, env: {}, cwd: '/' });
    expect(config.paths).toMatchObject({
      data: join(base, '../var/data'),
      mailboxes: join(base, 'mail/%d/%n/Maildir'),
      users: '/etc/users',
      domains: '/etc/mail/domains',
    });
    expect(config.tls).toMatchObject({ cert: join(base, 'tls/cert.pem'), key: join(base, 'tls/key.pem') });
    expect(config.tls.sni['mail.other.test']).toEqual({ cert: join(base, 'other.pem'), key: '/abs/other.key' });
    expect(config.queueRunner.saslPasswords).toBe(join(base, 'sasl'));
  });

  it('leaves other strings alone', () => {
    const config = load('hostname: ./x\nmailctl: { redisServer: redis-server }\nmda: { spamCommand: ./spamc -c }\n');
    expect(config.hostname).toBe('./x');
    expect(config.mailctl.redisServer).toBe('redis-server');
    expect(config.mda.spamCommand).toBe('./spamc -c');
  });

  it('a relative --config is found from the working directory', () => {
    const file = configFile('paths: { data: data }\n');
    const config = loadConfig({ file: 'mail.yaml', cwd: join(file, '..'), env: {} });
    expect(config.paths.data).toBe(join(file, '../data'));
  });
});

describe('secrets in files', () => {
  it('reads the password from passwordFile, relative to the configuration file', () => {
    const file = configFile('redis:\n  passwordFile: redis-password\n  sentinel: { name: m, sentinels: [{ host: s, port: 26379 }], passwordFile: /dev/null }\n');
    writeFileSync(join(file, '../redis-password'), 's3cret\nignored second line\n');
    let error: unknown;
    try {
      loadConfig({ file, env: {} });
    } catch (err) {
      error = err;
    }
    // /dev/null is empty: the sentinel password is refused, naming the key.
    expect((error as ConfigError).message).toBe(`${file}: redis.sentinel.passwordFile: cannot read the password: the first line of /dev/null is empty`);
    writeFileSync(join(file, '../sentinel-password'), 'other\r\n');
    writeFileSync(file, 'redis:\n  passwordFile: redis-password\n  sentinel: { name: m, sentinels: [{ host: s, port: 26379 }], passwordFile: sentinel-password }\n');
    const config = loadConfig({ file, env: {} });
    expect(config.redis.password).toBe('s3cret');
    expect(config.redis.sentinel?.password).toBe('other');
  });

  it('names the file it cannot read, and the variable that set it', () => {
    const missing = join(dir.path, 'no-such-secret');
    expect(() => load('', { env: { MAIL_REDIS__PASSWORD_FILE: missing } })).toThrow(
      `environment MAIL_REDIS__PASSWORD_FILE: redis.passwordFile: cannot read the password: ENOENT: no such file or directory, open '${missing}'`,
    );
  });
});

describe('YAML features', () => {
  it('anchors, aliases and merge keys work; top-level x- keys only hold anchors', () => {
    const config = load(
      'x-loopback: &loopback { host: 127.0.0.1 }\nsmtpd:\n  listeners:\n    - { <<: *loopback, port: 2525, mode: mx }\n    - { <<: *loopback, port: 2587, mode: submission }\n',
    );
    expect(config.smtpd.listeners.map((l) => `${l.host}:${l.port}`)).toEqual(['127.0.0.1:2525', '127.0.0.1:2587']);
  });

  it('a key named __proto__ is an unknown key, not a prototype', () => {
    expect(errorOf('__proto__: { hostname: evil }\n')).toBe('FILE: __proto__: unknown key (line 1)');
    expect(errorOf('smtpd:\n  __proto__: { maxErrors: 1 }\n')).toBe('FILE: smtpd.__proto__: unknown key (line 2)');
  });
});
