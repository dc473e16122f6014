import { describe, expect, it } from 'vitest';
import { Enhanced, Reply } from './codes.js';
import { echo, formatReply, reply } from './reply.js';

describe('formatReply', () => {
  it.each([
    [reply(Reply.Ok, Enhanced.Ok, 'Ok'), '250 2.0.0 Ok\r\n'],
    [reply(Reply.Ok, undefined, ['mx.test', 'PIPELINING', 'SIZE 10']), '250-mx.test\r\n250-PIPELINING\r\n250 SIZE 10\r\n'],
    [reply(Reply.AuthContinue, undefined, ''), '334 \r\n'],
    [reply(Reply.BadSequence, Enhanced.BadCommandOrSequence, ['a', 'b']), '503-5.5.1 a\r\n503 5.5.1 b\r\n'],
    [reply(Reply.MailboxUnavailable, Enhanced.BadDestinationMailbox, 'x\r\n250 forged'), '550 5.1.1 x??250 forged\r\n'],
  ])('%#', (r, wire) => {
    expect(formatReply(r)).toBe(wire);
  });
  it('closes on 421 and when asked', () => {
    expect(reply(421, Enhanced.TempSecurityOther, 'bye').closes).toBe(true);
    expect(reply(554, Enhanced.SecurityOther, 'x').closes).toBe(false);
    expect(reply(554, Enhanced.SecurityOther, 'x').closing().closes).toBe(true);
  });
  it('counts errors unless told otherwise', () => {
    expect(reply(550, undefined, 'x').countsAsError).toBe(true);
    expect(reply(250, undefined, 'x').countsAsError).toBe(false);
    expect(reply(452, undefined, 'x', { countsAsError: false }).countsAsError).toBe(false);
  });
  it('echo shortens and cleans client text', () => {
    expect(echo('a\r\nb')).toBe('a??b');
    expect(echo('x'.repeat(300))).toHaveLength(203);
  });
});
