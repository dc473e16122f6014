// Property tests: the parsers never throw anything but their typed errors, and the framer and DATA decoder give
// the same result however the input is split.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSyntaxError, parsePathOnly } from './address.js';
import { ArgumentError, decodeCommandLine, parseAuthArgs, parseBdatArgs, parseHeloArgs, parseMailArgs, parseRcptArgs, splitCommand } from './command.js';
import { DotDecoder } from './dot.js';
import { Framer } from './framer.js';
import { ParamError, parseMailParams, parseRcptParams, splitParams } from './params.js';
import { decodeUtf8AddrXtext, decodeXtext } from './xtext.js';

const seeds = [
  'MAIL FROM:<user@example.com> SIZE=1000 BODY=8BITMIME',
  'MAIL FROM:<> RET=HDRS ENVID=QQ+2B314',
  'MAIL FROM:<"quoted user"@[192.0.2.1]> SMTPUTF8 AUTH=<>',
  'RCPT TO:<@a.test,@b.test:user@c.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;user+40c.test',
  'RCPT TO:<用户@例子.测试> ORCPT=utf-8;\\x{7528}@x.test',
  'RCPT TO:<Postmaster>',
  'BDAT 1000 LAST',
  'AUTH PLAIN AGFsaWNlAHNlY3JldA==',
  'EHLO [IPv6:2001:db8::1]',
];

/** Real commands with random edits: characters inserted, deleted or replaced. */
const mutated = fc
  .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 6 }))
  .map(([seed, edits]) => {
    let s = seed;
    for (const [pos, del, ins] of edits) {
      const at = pos % (s.length + 1);
      s = s.slice(0, at) + ins + s.slice(at + del);
    }
    return s;
  });

const anyLine = fc.oneof(mutated, fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }));

const typed = (err: unknown): boolean => err instanceof ArgumentError || err instanceof AddressSyntaxError || err instanceof ParamError;

function neverThrowsUntyped(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!typed(err)) throw err;
  }
}

describe('parsers never throw untyped errors', () => {
  it('command lines', () => {
    fc.assert(
      fc.property(anyLine, (line) => {
        const decoded = decodeCommandLine(Buffer.from(line, 'utf8'));
        if ('problem' in decoded) return;
        const { verb, args } = splitCommand(decoded.text);
        neverThrowsUntyped(() => {
          if (verb === 'MAIL') parseMailParams(parseMailArgs(args).params);
          else if (verb === 'RCPT') parseRcptParams(parseRcptArgs(args, 'mx.test').params);
          else if (verb === 'BDAT') parseBdatArgs(args);
          else if (verb === 'AUTH') parseAuthArgs(args);
          else if (verb === 'EHLO') parseHeloArgs(args);
          parseMailArgs(args);
          parseRcptArgs(args, 'mx.test');
          parsePathOnly(args, { allowNull: true });
          parseMailParams(splitParams(args));
          parseRcptParams(splitParams(args));
        });
        decodeXtext(args);
        decodeUtf8AddrXtext(args);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepted addresses re-parse to themselves', () => {
    fc.assert(
      fc.property(anyLine, (line) => {
        let address: string;
        try {
          const p = parsePathOnly(line.replace(/^[^<]*/, ''));
          if ('null' in p) return;
          address = p.mailbox.address;
        } catch (err) {
          if (typed(err)) return;
          throw err;
        }
        const again = parsePathOnly(`<${address}>`);
        expect('null' in again ? '' : again.mailbox.address).toBe(address);
      }),
      { numRuns: 2000 },
    );
  });
});

const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
/** Inputs rich in the octets that matter: CR, LF, dot, NUL. */
const smtpish = fc
  .array(fc.constantFrom('\r', '\n', '.', '\r\n', '\r\n.\r\n', 'a', 'MAIL', '\0', '..'), { maxLength: 60 })
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));
const input = fc.oneof(bytes, smtpish);
const cuts = fc.array(fc.nat(400), { maxLength: 8 }).map((a) => [...a].sort((x, y) => x - y));

function decodeSplit(buf: Buffer, at: number[]): string {
  const d = new DotDecoder();
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...at.map((x) => Math.min(x, buf.length)), buf.length]) {
    const r = d.decode(buf.subarray(prev, c));
    out.push(...r.output);
    if (r.end) return `${Buffer.concat(out).toString('latin1')}|END@${prev + r.consumed}`;
    prev = c;
  }
  return Buffer.concat(out).toString('latin1');
}

describe('DATA decoder', () => {
  it('is independent of how the input is split', () => {
    fc.assert(fc.property(input, cuts, (buf, at) => {
        expect(decodeSplit(buf, at)).toBe(decodeSplit(buf, []));
      }), { numRuns: 3000 });
  });
  it('ends exactly at the first <CRLF>.<CRLF> (or a leading .<CRLF>)', () => {
    fc.assert(
      fc.property(input, (buf) => {
        const text = `\r\n${buf.toString('latin1')}`;
        const at = text.indexOf('\r\n.\r\n');
        // Dot-stuffed "..\r\n" lines are not ends: only count a marker whose dot starts a line that is just ".".
        const r = new DotDecoder().decode(buf);
        if (at < 0) expect(r.end).toBe(false);
        else expect(r.end).toBe(true);
        if (r.end) expect(r.consumed).toBe(at + 3);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('Framer', () => {
  function frame(buf: Buffer, at: number[]): string[] {
    const f = new Framer({ maxLine: 40 });
    const out: string[] = [];
    let prev = 0;
    for (const c of [...at.map((x) => Math.min(x, buf.length)), buf.length]) {
      f.push(buf.subarray(prev, c));
      for (let l = f.readLine(); l; l = f.readLine()) out.push(l.kind === 'line' ? l.bytes.toString('latin1') : `<${l.kind}>`);
      prev = c;
    }
    return out;
  }
  it('gives the same lines however the input is split', () => {
    fc.assert(fc.property(input, cuts, (buf, at) => {
        expect(frame(buf, at)).toEqual(frame(buf, []));
      }), { numRuns: 3000 });
  });
});
