import { describe, expect, it } from 'vitest';
import { fromDomain } from '../dkim.js';
import { splitDiagnostic } from './bounce.js';
import { wireAddress } from './destination.js';
import { temporaryStatus } from './handler.js';
import { KeyedLimits, Semaphore } from './limits.js';

describe('splitDiagnostic', () => {
  it.each([
    ['host mx.example.net[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO)', { remoteMta: 'mx.example.net', reply: '550 5.1.1 no such user' }],
    ['host mx.example.net[192.0.2.1] said: 452 4.2.2 full (in reply to end of DATA)', { remoteMta: 'mx.example.net', reply: '452 4.2.2 full' }],
    ['550 5.7.1 refused', { reply: '550 5.7.1 refused' }],
    ['connect to 192.0.2.1:25 failed: ECONNREFUSED', {}],
    ['domain x.test does not accept mail (null MX, RFC 7505)', {}],
  ])('%j', (text, expected) => {
    expect(splitDiagnostic(text)).toEqual(expected);
  });
});

describe('fromDomain', () => {
  const msg = (head: string): Buffer => Buffer.from(`${head}\r\nSubject: x\r\n\r\nFrom: body@ignored.test\r\n`);
  it.each([
    ['From: Alice <alice@Example.COM>', 'example.com'],
    ['From: alice@example.org', 'example.org'],
    ['From: "Smith, <fake@quoted.test>" <real@real.test>', 'real.test'],
    ['From: (comment <c@comment.test>) bob@bob.test', 'bob.test'],
    ['from:\r\n  folded <f@folded.test>', 'folded.test'],
    ['From: Jörg <j@bücher.test>', 'xn--bcher-kva.test'],
    ['Sender: s@sender.test', undefined],
  ])('%j → %j', (head, expected) => {
    expect(fromDomain(msg(head))).toBe(expected);
  });
});

describe('wireAddress', () => {
  it.each([
    ['bob@bücher.test', false, 'bob@xn--bcher-kva.test'],
    ['bob@bücher.test', true, 'bob@bücher.test'],
    ['bob@example.com', false, 'bob@example.com'],
  ] as const)('%s (smtputf8 %s)', (input, utf8, expected) => {
    expect(wireAddress(input, utf8)).toBe(expected);
  });
});

describe('limits', () => {
  it('lets at most `limit` run at once, per key', async () => {
    const limits = new KeyedLimits(2);
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
    };
    await Promise.all(Array.from({ length: 8 }, () => limits.run('a', task)));
    expect(peak).toBe(2);
    const s = new Semaphore(1);
    await s.acquire();
    let second = false;
    const p = s.acquire().then(() => (second = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(second).toBe(false);
    s.release();
    await p;
    expect(second).toBe(true);
  });
});

describe('temporaryStatus', () => {
  it.each([
    ['host mx.x.test[192.0.2.1] said: 451 4.2.1 busy', '4.2.1'],
    ['host mx.x.test[192.0.2.1] said: 421 service not available', '4.0.0'],
    ['connect to 192.0.2.1:25 failed: ECONNREFUSED', '4.4.1'],
    [undefined, '4.4.1'],
  ])('%j → %s', (text, expected) => {
    expect(temporaryStatus(text)).toBe(expected);
  });
});
