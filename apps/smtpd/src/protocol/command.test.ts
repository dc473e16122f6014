import { describe, expect, it } from 'vitest';
import { ArgumentError, decodeCommandLine, parseAuthArgs, parseBdatArgs, parseHeloArgs, parseMailArgs, parseRcptArgs, splitCommand } from './command.js';

describe('decodeCommandLine', () => {
  it.each<[string, unknown]>([
    ['NOOP', { text: 'NOOP' }],
    ['MAIL FROM:<ü@x.test>', { text: 'MAIL FROM:<ü@x.test>' }],
    ['NO\x00OP', { problem: 'control' }],
    ['NO\rOP', { problem: 'control' }],
    ['NO\tOP', { problem: 'control' }],
    ['NO\x7fOP', { problem: 'control' }],
  ])('%j', (input, want) => {
    expect(decodeCommandLine(Buffer.from(input, 'utf8'))).toEqual(want);
  });
  it('refuses invalid UTF-8', () => {
    expect(decodeCommandLine(Buffer.from([0x4d, 0xc3, 0x28]))).toEqual({ problem: 'utf8' });
  });
});

describe('splitCommand', () => {
  it.each([
    ['noop', { verb: 'NOOP', args: '' }],
    ['MAIL FROM:<a@b>', { verb: 'MAIL', args: 'FROM:<a@b>' }],
    ['EHLO  x', { verb: 'EHLO', args: ' x' }],
    ['', { verb: '', args: '' }],
    ['123', { verb: '', args: '123' }],
    [' NOOP', { verb: '', args: ' NOOP' }],
    ['GET / HTTP/1.1', { verb: 'GET', args: '/ HTTP/1.1' }],
    ['MAIL:FROM', { verb: '', args: 'MAIL:FROM' }],
  ])('%j', (input, want) => {
    expect(splitCommand(input)).toEqual(want);
  });
});

describe('parseMailArgs', () => {
  it.each([
    ['FROM:<a@b.test>', 'a@b.test', []],
    ['from: <a@b.test>', 'a@b.test', []],
    ['FROM:<> SIZE=10 BODY=8BITMIME', null, ['SIZE', 'BODY']],
    ['FROM:<@r.test:a@b.test> SMTPUTF8', 'a@b.test', ['SMTPUTF8']],
  ])('%j', (input, address, keywords) => {
    const r = parseMailArgs(input);
    expect('null' in r.path ? null : r.path.mailbox.address).toBe(address);
    expect(r.params.map((p) => p.keyword)).toEqual(keywords);
  });
  it.each<[string, ArgumentError['kind']]>([
    ['<a@b.test>', 'syntax'],
    ['FROM a@b.test', 'syntax'],
    ['FROM:a@b.test', 'address'],
    ['FROM:<a@b.test>SIZE=1', 'address'],
    ['FROM:<a@b.test> SIZE=', 'param-syntax'],
    ['FROM:<a@b.test> SIZE=1 SIZE=2', 'param-syntax'],
  ])('rejects %j as %s', (input, kind) => {
    try {
      parseMailArgs(input);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ArgumentError);
      expect((err as ArgumentError).kind).toBe(kind);
    }
  });
});

describe('parseRcptArgs', () => {
  it('parses a path and parameters', () => {
    const r = parseRcptArgs('TO:<x@y.test> NOTIFY=NEVER', 'mx.test');
    expect(r.path.mailbox.address).toBe('x@y.test');
    expect(r.params).toEqual([{ keyword: 'NOTIFY', value: 'NEVER' }]);
  });
  it('maps <postmaster>', () => {
    expect(parseRcptArgs('TO:<postmaster>', 'mx.test').path.mailbox.address).toBe('postmaster@mx.test');
  });
  it('refuses <> as a recipient', () => {
    expect(() => parseRcptArgs('TO:<>', 'mx.test')).toThrow(ArgumentError);
  });
});

describe('parseBdatArgs', () => {
  it.each([
    ['0 LAST', { size: 0, last: true }],
    ['1000', { size: 1000, last: false }],
    ['12 last', { size: 12, last: true }],
  ])('%j', (input, want) => {
    expect(parseBdatArgs(input)).toEqual(want);
  });
  it.each(['', 'x', '-1', '1 FIRST', '1.5', '9999999999999999'])('rejects %j', (input) => {
    expect(() => parseBdatArgs(input)).toThrow(ArgumentError);
  });
});

describe('parseAuthArgs', () => {
  it.each([
    ['PLAIN', { mechanism: 'PLAIN' }],
    ['plain AGEAYg==', { mechanism: 'PLAIN', initial: 'AGEAYg==' }],
    ['SCRAM-SHA-256 =', { mechanism: 'SCRAM-SHA-256', initial: '=' }],
  ])('%j', (input, want) => {
    expect(parseAuthArgs(input)).toEqual(want);
  });
  it.each(['', 'PLAIN a b', 'PL!AIN'])('rejects %j', (input) => {
    expect(() => parseAuthArgs(input)).toThrow(ArgumentError);
  });
});

describe('parseHeloArgs', () => {
  it.each(['client.example', 'localhost', '[192.0.2.1]', '[IPv6:::1]', 'my_pc.lan', 'host.example.', 'bücher.example'])('accepts %j', (name) => {
    expect(parseHeloArgs(name)).toBe(name);
  });
  it.each(['', ' ', 'two words', '[nope]', 'a..b', '-x'])('rejects %j', (name) => {
    expect(() => parseHeloArgs(name)).toThrow(ArgumentError);
  });
});
