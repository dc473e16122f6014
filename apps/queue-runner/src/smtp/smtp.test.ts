import { describe, expect, it } from 'vitest';
import { classify, parseEhlo, ReplyAssembler, ReplySyntaxError, replyText, statusOf, type SmtpReply } from './reply.js';
import { authParam, dotStuff, mailCommand, type Envelope } from './transaction.js';

function assemble(...lines: string[]): SmtpReply {
  const a = new ReplyAssembler();
  let out: SmtpReply | null = null;
  for (const l of lines) out = a.push(l);
  if (!out) throw new Error('incomplete');
  return out;
}

describe('replies', () => {
  it.each([
    [['250 OK'], { code: 250, lines: ['OK'] }],
    [['550 5.1.1 No such user'], { code: 550, enhanced: '5.1.1', lines: ['No such user'] }],
    [['451-4.3.0 Try', '451 4.3.0 again later'], { code: 451, enhanced: '4.3.0', lines: ['Try', 'again later'] }],
    [['250'], { code: 250, lines: [''] }],
    // An enhanced code whose class differs from the reply's is text, not a status (RFC 3463 §3).
    [['550 2.0.0 odd'], { code: 550, lines: ['2.0.0 odd'] }],
  ])('%j', (lines, expected) => {
    expect(assemble(...lines)).toEqual(expected);
  });

  it('returns null until the last line', () => {
    const a = new ReplyAssembler();
    expect(a.push('250-mx.example')).toBeNull();
    expect(a.push('250-PIPELINING')).toBeNull();
    expect(a.push('250 SIZE 1000')).toMatchObject({ code: 250 });
  });

  it.each([['hello'], ['25 short'], ['250-a', '251 b'], ['600 x']])('rejects %j', (...lines) => {
    const a = new ReplyAssembler();
    expect(() => lines.forEach((l) => a.push(l))).toThrow(ReplySyntaxError);
  });

  it.each([
    [250, 'success'],
    [354, 'intermediate'],
    [421, 'temporary'],
    [451, 'temporary'],
    [550, 'permanent'],
    [554, 'permanent'],
  ] as const)('classifies %i as %s', (code, cls) => {
    expect(classify(code)).toBe(cls);
  });

  it('formats replies and statuses for DSNs', () => {
    const r = assemble('550-5.1.1 <bob@example.net>: Recipient', '550 5.1.1 address rejected');
    expect(replyText(r)).toBe('550 5.1.1 <bob@example.net>: Recipient address rejected');
    expect(statusOf(r)).toBe('5.1.1');
    expect(statusOf(assemble('451 later'))).toBe('4.0.0');
    expect(statusOf(assemble('554 no'))).toBe('5.0.0');
  });

  it('parses EHLO keywords', () => {
    const caps = parseEhlo(assemble('250-mx.example greets you', '250-PIPELINING', '250-SIZE 10240000', '250-auth PLAIN LOGIN', '250 SMTPUTF8'));
    expect([...caps.keys()]).toEqual(['PIPELINING', 'SIZE', 'AUTH', 'SMTPUTF8']);
    expect(caps.get('AUTH')).toEqual(['PLAIN', 'LOGIN']);
    expect(caps.get('SIZE')).toEqual(['10240000']);
  });
});

describe('dotStuff', () => {
  it.each([
    ['a\r\nb\r\n', 'a\r\nb\r\n.\r\n'],
    ['a\r\nb', 'a\r\nb\r\n.\r\n'],
    ['.leading\r\n..two\r\nmid.dot\r\n', '..leading\r\n...two\r\nmid.dot\r\n.\r\n'],
    ['bare\nlf\n.x\n', 'bare\r\nlf\r\n..x\r\n.\r\n'],
    ['bare\rcr\r\n', 'bare\r\ncr\r\n.\r\n'],
    ['.', '..\r\n.\r\n'],
    ['', '.\r\n'],
    ['smuggle\n.\r\nMAIL FROM:<x>\r\n', 'smuggle\r\n..\r\nMAIL FROM:<x>\r\n.\r\n'],
  ])('%j', (input, expected) => {
    expect(dotStuff(Buffer.from(input, 'latin1')).toString('latin1')).toBe(expected);
  });

  it('keeps 8-bit octets and grows for many dots', () => {
    const body = Buffer.from('.ü\r\n'.repeat(1000), 'utf8');
    const out = dotStuff(body).toString('utf8');
    expect(out).toBe('..ü\r\n'.repeat(1000) + '.\r\n');
  });
});

describe('MAIL FROM parameters', () => {
  const server = (keywords: string[], authenticated: boolean) => ({ authenticated, has: (k: string) => keywords.includes(k) });
  const envelope: Omit<Envelope, 'recipients'> = { sender: 'alice@local.test', smtputf8: false, eightBitMime: true, ret: 'HDRS', envid: 'Q+1', auth: 'alice@local.test' };
  const all = ['SIZE', '8BITMIME', 'DSN', 'AUTH'];

  it.each<[string, Omit<Envelope, 'recipients'>, ReturnType<typeof server>, string]>([
    ['every parameter to an authenticated smarthost', envelope, server(all, true), 'MAIL FROM:<alice@local.test> SIZE=42 BODY=8BITMIME RET=HDRS ENVID=Q+2B1 AUTH=alice@local.test'],
    ['no AUTH= to a server this session did not authenticate to, even when it offers AUTH', envelope, server(all, false), 'MAIL FROM:<alice@local.test> SIZE=42 BODY=8BITMIME RET=HDRS ENVID=Q+2B1'],
    ['no AUTH= to a server without the AUTH extension', envelope, server(['SIZE'], true), 'MAIL FROM:<alice@local.test> SIZE=42'],
    ['AUTH=<> for an unknown submitter', { ...envelope, auth: null }, server(['AUTH'], true), 'MAIL FROM:<alice@local.test> AUTH=<>'],
    ['AUTH=<> for a job queued without auth', { sender: '', smtputf8: false, eightBitMime: false }, server(['AUTH'], true), 'MAIL FROM:<> AUTH=<>'],
    ['the identity as xtext', { ...envelope, auth: 'a+b=c d@local.test' }, server(['AUTH'], true), 'MAIL FROM:<alice@local.test> AUTH=a+2Bb+3Dc+20d@local.test'],
    ['AUTH=<> for an identity xtext cannot carry', { ...envelope, smtputf8: true, auth: 'δοκιμή@local.test' }, server(['AUTH', 'SMTPUTF8'], true), 'MAIL FROM:<alice@local.test> SMTPUTF8 AUTH=<>'],
  ])('%s', (_name, env, srv, want) => {
    expect(mailCommand(env, 42, srv)).toBe(want);
  });

  it.each<[string | null | undefined, string]>([
    ['bob@remote.test', ' AUTH=bob@remote.test'],
    ['"x=y"@remote.test', ' AUTH="x+3Dy"@remote.test'],
    ['no-domain', ' AUTH=<>'],
    ['', ' AUTH=<>'],
    [null, ' AUTH=<>'],
    [undefined, ' AUTH=<>'],
  ])('AUTH= for %j', (auth, want) => {
    expect(authParam(auth, server(['AUTH'], true))).toBe(want);
    expect(authParam(auth, server(['AUTH'], false))).toBe('');
  });
});
