// Table tests of the command-line and argument parsers.
import { describe, expect, it } from 'vitest';
import {
  apopArguments,
  authArguments,
  noArguments,
  optionalMessageNumber,
  passArgument,
  requiredMessageNumber,
  splitCommandLine,
  topArguments,
  userArgument,
} from './command.js';
import { Pop3Error } from './reply.js';

function err(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof Pop3Error) return `${e.bad ? 'bad' : 'err'}: ${e.message}`;
    throw e;
  }
  throw new Error('no error');
}

describe('splitCommandLine', () => {
  it.each([
    ['STAT', { name: 'STAT', args: '' }],
    ['stat', { name: 'STAT', args: '' }],
    ['Retr 1', { name: 'RETR', args: '1' }],
    ['PASS  two  spaces ', { name: 'PASS', args: ' two  spaces ' }],
    ['TOP 1 10', { name: 'TOP', args: '1 10' }],
    ['USER jürgen@example.test', { name: 'USER', args: 'jürgen@example.test' }],
    ['PASS tab\there', { name: 'PASS', args: 'tab\there' }],
    // A keyword the table does not know is the dispatcher's business, not the parser's.
    ['GET / HTTP/1.1', { name: 'GET', args: '/ HTTP/1.1' }],
  ])('%j', (line, expected) => {
    expect(splitCommandLine(Buffer.from(line))).toEqual(expected);
  });

  it.each([
    [Buffer.from(''), 'bad: Empty command.'],
    [Buffer.from(' STAT'), 'bad: Empty command.'],
    [Buffer.from('ST4T'), 'bad: Unknown command.'],
    [Buffer.from('STAT\0'), 'bad: Invalid characters in the command line.'],
    [Buffer.from([0x55, 0x53, 0x45, 0x52, 0x20, 0xff]), 'bad: Invalid characters in the command line.'],
  ])('refuses %j', (bytes, expected) => {
    expect(err(() => splitCommandLine(bytes))).toBe(expected);
  });
});

describe('argument parsers', () => {
  it.each([
    ['', undefined],
    ['1', 1],
    ['007', 7],
    ['12 ', 12],
    ['0', 0],
  ])('optional message number %j', (args, expected) => {
    expect(optionalMessageNumber(args)).toBe(expected);
  });

  it.each([
    ['', 'bad: Message number expected.'],
    ['1 2', 'bad: Too many arguments.'],
    ['-1', 'bad: Invalid message number: -1'],
    ['one', 'bad: Invalid message number: one'],
    ['1234567890123456', 'bad: Invalid message number: 1234567890123456'],
  ])('required message number %j', (args, expected) => {
    expect(err(() => requiredMessageNumber(args))).toBe(expected);
  });

  it.each([
    ['1 0', { msg: 1, lines: 0 }],
    ['2 10', { msg: 2, lines: 10 }],
    ['3 5 ', { msg: 3, lines: 5 }],
  ])('TOP %j', (args, expected) => {
    expect(topArguments(args)).toEqual(expected);
  });

  it.each([
    ['1', 'bad: Usage: TOP <message> <lines>.'],
    ['1 x', 'bad: Invalid line count: x'],
    ['1 -1', 'bad: Invalid line count: -1'],
  ])('TOP refuses %j', (args, expected) => {
    expect(err(() => topArguments(args))).toBe(expected);
  });

  it('USER and PASS', () => {
    expect(userArgument(' alice@example.test ')).toBe('alice@example.test');
    expect(err(() => userArgument(''))).toBe('bad: User name expected.');
    expect(err(() => userArgument('x'.repeat(600)))).toBe('bad: User name too long.');
    expect(passArgument(' secret with spaces ')).toBe(' secret with spaces ');
    expect(err(() => passArgument(''))).toBe('bad: Password expected.');
  });

  it('APOP (RFC 1939 §7 example)', () => {
    expect(apopArguments('mrose c4c9334bac560ecc979e58001b3e22fb')).toEqual({ user: 'mrose', digest: 'c4c9334bac560ecc979e58001b3e22fb' });
    expect(apopArguments('first last C4C9334BAC560ECC979E58001B3E22FB')).toEqual({ user: 'first last', digest: 'c4c9334bac560ecc979e58001b3e22fb' });
    expect(err(() => apopArguments('mrose'))).toBe('bad: Usage: APOP <name> <digest>.');
    expect(err(() => apopArguments('mrose xyz'))).toBe('bad: The digest must be 32 hexadecimal digits.');
  });

  it.each([
    ['', {}],
    ['plain', { mechanism: 'PLAIN' }],
    ['PLAIN AGFsaWNlAHNlY3JldA==', { mechanism: 'PLAIN', initial: 'AGFsaWNlAHNlY3JldA==' }],
    ['SCRAM-SHA-256 =', { mechanism: 'SCRAM-SHA-256', initial: '=' }],
  ])('AUTH %j', (args, expected) => {
    expect(authArguments(args)).toEqual(expected);
  });

  it('AUTH refuses junk', () => {
    expect(err(() => authArguments('PLAIN a b'))).toBe('bad: Usage: AUTH <mechanism> [<initial-response>].');
    expect(err(() => authArguments('PL/AIN'))).toBe('bad: Invalid mechanism name.');
  });

  it('commands without arguments', () => {
    expect(() => noArguments('')).not.toThrow();
    expect(() => noArguments(' ')).not.toThrow();
    expect(err(() => noArguments('x'))).toBe('bad: No arguments allowed.');
  });
});
