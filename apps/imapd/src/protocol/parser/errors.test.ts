// Parser errors: what is refused, with which tag, status and response code.
import { describe, expect, it } from 'vitest';
import { ImapParseError } from '../errors.js';
import { parseLine } from '../test-support.js';
import type { ParseOptions } from './types.js';

function failure(line: string, options: ParseOptions = { utf8: false }): ImapParseError {
  try {
    parseLine(line, options);
  } catch (err) {
    if (err instanceof ImapParseError) return err;
    throw err;
  }
  throw new Error(`parsed: ${line}`);
}

const tooManyIds = `a ID (${Array.from({ length: 31 }, (_, i) => `"k${i}" "v"`).join(' ')})`;

describe('parser: refused commands', () => {
  const table: [string, string, Partial<ImapParseError>][] = [
    ['tag with "+"', 'a+1 NOOP', { tag: null, status: 'BAD' }],
    ['no tag at all', '+ NOOP', { tag: null }],
    ['quoted tag', '"a" NOOP', { tag: null }],
    ['tag alone', 'a', { tag: 'a', message: 'Missing arguments' }],
    ['unknown command', 'a XYZZY', { tag: 'a', command: 'XYZZY', message: 'Unknown command' }],
    ['command with digits', 'a NOOP2', { tag: 'a', message: 'Unknown command' }],
    ['UID with a command that has no UID form', 'a UID NOOP', { tag: 'a', message: 'Unknown UID command' }],
    ['extra arguments', 'a NOOP now', { tag: 'a', command: 'NOOP', message: 'Unexpected extra arguments' }],
    ['trailing space', 'a CAPABILITY ', { tag: 'a' }],
    ['double space', 'a  NOOP', { tag: 'a' }],
    ['missing argument', 'a LOGIN user', { tag: 'a', command: 'LOGIN', message: 'Missing arguments' }],
    ['unterminated quoted string', 'a LOGIN "user pass', { message: 'Unterminated quoted string' }],
    ['bad escape', 'a LOGIN "us\\er" x', { message: 'Invalid escape in quoted string' }],
    ['8-bit in a quoted string without UTF8=ACCEPT', 'a LOGIN "caf\u00e9" x', { tag: 'a', status: 'BAD' }],
    ['literal8 as a string', 'a LOGIN ~{1}\r\nx y', { message: 'A literal8 is not allowed for user name' }],
    ['NUL in a literal string', 'a LOGIN {3}\r\na\0b y', { message: 'NUL in literal user name' }],
    ['bad base64 initial response', 'a AUTHENTICATE PLAIN abc', { message: 'Invalid base64 in initial response' }],
    ['ENABLE without capabilities', 'a ENABLE', { message: 'Missing arguments' }],
    ['too many ID fields', tooManyIds, { message: 'Too many ID fields' }],
    ['ID field too long', `a ID ("${'k'.repeat(31)}" "v")`, { message: 'ID field name too long' }],
    ['mailbox name that is not modified UTF-7', 'a SELECT "a&b"', { tag: 'a', status: 'NO', code: { code: 'CANNOT' } }],
    ['mailbox name with 8-bit octets in rev1 mode', 'a SELECT {2}\r\n\u00e4', { status: 'NO' }],
    ['unknown select parameter', 'a SELECT INBOX (FOO)', { message: 'Unknown select parameter' }],
    ['empty select parameters', 'a SELECT INBOX ()', { message: 'Empty select parameters' }],
    ['QRESYNC with zero mod-sequence', 'a SELECT INBOX (QRESYNC (1 0))', { message: 'Mod-sequence must not be zero' }],
    ['mod-sequence beyond 2^53', 'a SELECT INBOX (QRESYNC (1 20050715194045000))', { message: 'Mod-sequence out of range' }],
    ['unknown create parameter', 'a CREATE x (FOO)', { message: 'Unknown create parameter' }],
    ['unknown status item', 'a STATUS INBOX (MESSAGES BOGUS)', { message: 'Unknown status item' }],
    ['empty status items', 'a STATUS INBOX ()', { message: 'Empty status items' }],
    ['RECURSIVEMATCH alone', 'a LIST (RECURSIVEMATCH) "" *', { message: 'RECURSIVEMATCH needs another selection option' }],
    ['unknown LIST selection option', 'a LIST (FOO) "" *', { message: 'Unknown LIST selection option' }],
    ['unknown LIST return option', 'a LIST "" * RETURN (MYRIGHTS)', { message: 'Unknown LIST return option' }],
    ['LIST with garbage after the pattern', 'a LIST "" * FOO', { message: 'Expected RETURN' }],
    ['APPEND without message', 'a APPEND INBOX', { message: 'Missing arguments' }],
    ['APPEND with a quoted message', 'a APPEND INBOX "hello"', { message: 'Invalid date-time' }],
    ['APPEND with an impossible date', 'a APPEND INBOX "31-Feb-2020 00:00:00 +0000" {1}\r\nx', { message: 'Invalid date-time' }],
    ['APPEND with NUL in a literal', 'a APPEND INBOX {3}\r\na\0b', { message: 'NUL in a message sent as a literal; use literal8' }],
    ['APPEND UTF8 without literal8', 'a APPEND INBOX UTF8 ({1}\r\nx)', { message: 'UTF8 needs a literal8' }],
    ['STORE \\Recent', 'a STORE 1 +FLAGS (\\Recent)', { message: '\\Recent cannot be set by clients' }],
    ['STORE unknown system flag', 'a STORE 1 +FLAGS (\\Bogus)', { message: 'Unknown system flag' }],
    ['STORE without FLAGS', 'a STORE 1 +LABELS (x)', { message: 'Expected FLAGS, +FLAGS or -FLAGS' }],
    ['STORE unknown modifier', 'a STORE 1 (FOO 1) FLAGS ()', { message: 'Unknown store modifier' }],
    ['sequence number zero', 'a FETCH 0 FLAGS', { tag: 'a', command: 'FETCH', message: 'Invalid sequence set' }],
    ['sequence number beyond 32 bits', 'a UID FETCH 1:4294967296 FLAGS', { command: 'UID FETCH', message: 'Sequence number out of range' }],
    ['empty sequence element', 'a COPY 1,,2 x', { message: 'Invalid sequence set' }],
    ['UID EXPUNGE without set', 'a UID EXPUNGE', { message: 'Missing arguments' }],
    ['plain EXPUNGE with set', 'a EXPUNGE 1:3', { message: 'Unexpected extra arguments' }],
    ['SETQUOTA with a bad limit', 'a SETQUOTA "" (STORAGE x)', { message: 'Expected resource limit' }],
    ['nesting beyond the limit', `a SEARCH ${'('.repeat(300)}ALL${')'.repeat(300)}`, { message: 'Command nested too deeply' }],
    ['NOT chain beyond the limit', `a SEARCH ${'NOT '.repeat(300)}ALL`, { message: 'Command nested too deeply' }],
  ];
  it.each(table)('%s', (_name, line, expected) => {
    expect(failure(line)).toMatchObject({ status: 'BAD', ...expected });
  });

  it('refuses invalid UTF-8 in a literal string', () => {
    const line = Buffer.concat([Buffer.from('a LOGIN x {2}\r\n'), Buffer.from([0xff, 0xfe])]);
    expect(() => parseLine(line)).toThrow('Invalid UTF-8 in password');
  });

  it('accepts 8-bit quoted strings after UTF8=ACCEPT', () => {
    expect(parseLine('a LOGIN "caf\u00e9" x', { utf8: true })).toMatchObject({ username: 'caf\u00e9' });
  });

  it('never echoes client text in the message', () => {
    const err = failure('a LOGIN "\\zzsecretzz" x');
    expect(err.message).not.toContain('secret');
  });
});
