// Wire form of replies: status lines with response codes, multi-line bodies with byte-stuffing.
import { describe, expect, it } from 'vitest';
import { RespCode } from './codes.js';
import { formatReply, ok, Pop3Error } from './reply.js';

describe('formatReply', () => {
  it.each([
    [ok(), '+OK\r\n'],
    [ok('2 320'), '+OK 2 320\r\n'],
    [ok('', { lines: ['1 120', '2 200'] }), '+OK\r\n1 120\r\n2 200\r\n.\r\n'],
    [ok('list', { lines: [] }), '+OK list\r\n.\r\n'],
    [ok('', { lines: ['.hidden', 'x'] }), '+OK\r\n..hidden\r\nx\r\n.\r\n'],
    [new Pop3Error('Authentication failed.', { code: RespCode.Auth }).toReply(), '-ERR [AUTH] Authentication failed.\r\n'],
    [new Pop3Error('Mailbox is locked.', { code: RespCode.InUse }).toReply(), '-ERR [IN-USE] Mailbox is locked.\r\n'],
    [new Pop3Error('x', { code: RespCode.SysTemp }).toReply(), '-ERR [SYS/TEMP] x\r\n'],
    [new Pop3Error('Unknown command.').toReply(), '-ERR Unknown command.\r\n'],
  ])('%j', (reply, wire) => {
    expect(formatReply(reply)).toBe(wire);
  });
});
