import { describe, expect, it } from 'vitest';
import { ParamError, parseMailParams, parseRcptParams, splitParams, type MailParams, type RcptParams } from './params.js';

function mail(text: string): MailParams {
  return parseMailParams(splitParams(text));
}
function rcpt(text: string): RcptParams {
  return parseRcptParams(splitParams(text));
}

describe('splitParams', () => {
  it.each([
    ['', []],
    [' SIZE=10', [{ keyword: 'SIZE', value: '10' }]],
    [' size=10  body=8bitmime ', [{ keyword: 'SIZE', value: '10' }, { keyword: 'BODY', value: '8bitmime' }]],
    [' SMTPUTF8', [{ keyword: 'SMTPUTF8' }]],
    [' X-FOO=é', [{ keyword: 'X-FOO', value: 'é' }]],
  ])('%j', (input, want) => {
    expect(splitParams(input)).toEqual(want);
  });

  it.each([' =1', ' SIZE=', ' SIZE=1=2', ' SIZE=1 SIZE=2', ' -X=1', ' A_B=1'])('rejects %j', (input) => {
    expect(() => splitParams(input)).toThrow(ParamError);
  });
});

describe('parseMailParams', () => {
  it.each<[string, MailParams]>([
    ['', { smtputf8: false }],
    [' SIZE=1000', { smtputf8: false, size: 1000 }],
    [' SIZE=99999999999999999999', { smtputf8: false, size: Infinity }],
    [' BODY=8BITMIME', { smtputf8: false, body: '8BITMIME' }],
    [' BODY=binarymime', { smtputf8: false, body: 'BINARYMIME' }],
    [' BODY=7bit SMTPUTF8', { smtputf8: true, body: '7BIT' }],
    [' RET=hdrs ENVID=QQ314159', { smtputf8: false, ret: 'HDRS', envid: 'QQ314159' }],
    [' ENVID=a+2Bb', { smtputf8: false, envid: 'a+b' }],
    [' AUTH=<>', { smtputf8: false, auth: null }],
    [' AUTH=e+3Dmc2@example.com', { smtputf8: false, auth: 'e=mc2@example.com' }],
  ])('%j', (input, want) => {
    expect(mail(input)).toEqual(want);
  });

  it.each<[string, 'syntax' | 'unknown']>([
    [' SIZE=abc', 'syntax'],
    [' SIZE', 'syntax'],
    [' BODY=9BIT', 'syntax'],
    [' SMTPUTF8=yes', 'syntax'],
    [' RET=ALL', 'syntax'],
    [` ENVID=${'x'.repeat(101)}`, 'syntax'],
    [' ENVID=a+0Ab', 'syntax'],
    [' AUTH=not-an-address', 'syntax'],
    [' NOTIFY=NEVER', 'unknown'],
    [' XCLIENT=1', 'unknown'],
  ])('rejects %j as %s', (input, kind) => {
    try {
      mail(input);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ParamError);
      expect((err as ParamError).kind).toBe(kind);
    }
  });
});

describe('parseRcptParams', () => {
  it.each<[string, RcptParams]>([
    ['', {}],
    [' NOTIFY=NEVER', { notify: { never: true, success: false, failure: false, delay: false } }],
    [' NOTIFY=success,FAILURE', { notify: { never: false, success: true, failure: true, delay: false } }],
    [' ORCPT=rfc822;bob+40example.com', { orcpt: { type: 'rfc822', address: 'bob@example.com' } }],
    [' ORCPT=RFC822;a+2Bb@example.com', { orcpt: { type: 'rfc822', address: 'a+b@example.com' } }],
    [' ORCPT=utf-8;\\x{E9}@example.com', { orcpt: { type: 'utf-8', address: 'é@example.com' } }],
    [' ORCPT=x-local;abc NOTIFY=DELAY', { orcpt: { type: 'x-local', address: 'abc' }, notify: { never: false, success: false, failure: false, delay: true } }],
  ])('%j', (input, want) => {
    expect(rcpt(input)).toEqual(want);
  });

  it.each([' NOTIFY=NEVER,SUCCESS', ' NOTIFY=SOMETIMES', ' NOTIFY=', ' ORCPT=bob@example.com', ' ORCPT=;bob', ' ORCPT=rfc822;', ' ORCPT=rfc822;a+zz', ' SIZE=1'])(
    'rejects %j',
    (input) => {
      expect(() => rcpt(input)).toThrow(ParamError);
    },
  );
});
