// Table tests for the trace fields: hop counting, Delivered-To loops, line endings and the prepended fields.
import { parseHeader } from '@mail/mime';
import { describe, expect, it } from 'vitest';
import { deliveredToAddress, lineEnding, loopReason, traceFacts, traceFields } from './trace.js';

const header = (lines: string[]) => parseHeader(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`));

describe('traceFacts', () => {
  it.each([
    ['no trace fields', ['Subject: x'], 0, []],
    ['two Received', ['Received: from a by b', 'Received: from c\r\n by d', 'Subject: x'], 2, []],
    ['Delivered-To forms', ['Delivered-To: bob@example.test', 'Delivered-To: <Carol@Example.TEST>', 'delivered-to: dave@example.test (comment)'], 0, ['bob@example.test', 'carol@example.test', 'dave@example.test']],
    ['empty Delivered-To is ignored', ['Delivered-To: '], 0, []],
  ])('%s', (_name, lines, received, deliveredTo) => {
    expect(traceFacts(header(lines))).toEqual({ received, deliveredTo });
  });
});

describe('deliveredToAddress', () => {
  it.each([
    ['bob@example.test', 'bob@example.test'],
    [' <bob@example.test> ', 'bob@example.test'],
    ['bob@example.test (via alias)', 'bob@example.test'],
    ['\xc3\xbc@example.test', 'ü@example.test'],
  ])('%j → %s', (value, address) => {
    expect(deliveredToAddress(value)).toBe(address);
  });
});

describe('loopReason', () => {
  const facts = (received: number, deliveredTo: string[] = []) => ({ received, deliveredTo });
  it.each([
    ['few hops', facts(3), 'bob@example.test', 50, undefined],
    ['exactly the limit', facts(50), 'bob@example.test', 50, undefined],
    ['one above the limit', facts(51), 'bob@example.test', 50, /too many hops \(51/],
    ['Delivered-To count as hops', facts(49, ['a@x.test', 'b@x.test']), 'bob@example.test', 50, /too many hops/],
    ['delivered to this mailbox before', facts(2, ['bob@example.test']), 'Bob@Example.test', 50, /mail forwarding loop/],
    ['delivered to another mailbox', facts(2, ['carol@example.test']), 'bob@example.test', 50, undefined],
  ])('%s', (_name, f, mailbox, max, expected) => {
    const reason = loopReason(f, mailbox, max);
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toMatch(expected);
    if (reason) expect(reason).toMatch(/^554 5\.4\.6 /);
  });
});

describe('lineEnding', () => {
  it.each([
    ['Subject: x\r\n\r\nbody', '\r\n'],
    ['Subject: x\n\nbody', '\n'],
    ['no line end at all', '\r\n'],
    ['\nbody', '\r\n'],
  ])('%j → %j', (text, eol) => {
    expect(lineEnding(Buffer.from(text))).toBe(eol);
  });
});

describe('traceFields', () => {
  it.each([
    [{ sender: 'alice@example.org', recipient: 'bob@example.test' }, '\r\n', 'Return-Path: <alice@example.org>\r\nDelivered-To: bob@example.test\r\n'],
    [{ sender: '', recipient: 'bob@example.test' }, '\r\n', 'Return-Path: <>\r\nDelivered-To: bob@example.test\r\n'],
    [{ sender: 'a@b', recipient: 'c@d', extra: [['X-Spam-Flag', 'YES']] as const }, '\n', 'Return-Path: <a@b>\nDelivered-To: c@d\nX-Spam-Flag: YES\n'],
    [{ sender: 'jürgen@bücher.example', recipient: 'bob@example.test' }, '\r\n', 'Return-Path: <jürgen@bücher.example>\r\nDelivered-To: bob@example.test\r\n'],
    [{ sender: 'a@b\r\nX-Evil: 1', recipient: 'c@d' }, '\r\n', 'Return-Path: <a@bX-Evil: 1>\r\nDelivered-To: c@d\r\n'],
  ])('%j', (input, eol, expected) => {
    expect(traceFields(input, eol as '\r\n' | '\n').toString('utf8')).toBe(expected);
  });
});
