import { describe, expect, it } from 'vitest';
import { Framer, type Line } from './framer.js';

function lines(f: Framer): Array<string | Exclude<Line['kind'], 'line'>> {
  const out: Array<string | Exclude<Line['kind'], 'line'>> = [];
  for (let l = f.readLine(); l; l = f.readLine()) out.push(l.kind === 'line' ? l.bytes.toString('latin1') : l.kind);
  return out;
}

function feed(input: string, maxLine = 32, step = input.length || 1): Array<string | Exclude<Line['kind'], 'line'>> {
  const f = new Framer({ maxLine });
  const out: Array<string | Exclude<Line['kind'], 'line'>> = [];
  for (let i = 0; i < input.length; i += step) {
    f.push(Buffer.from(input.slice(i, i + step), 'latin1'));
    out.push(...lines(f));
  }
  return out;
}

describe('Framer lines', () => {
  const cases: Array<[string, string, Array<string | Exclude<Line['kind'], 'line'>>]> = [
    ['one line', 'NOOP\r\n', ['NOOP']],
    ['pipelined', 'EHLO a\r\nNOOP\r\nQUIT\r\n', ['EHLO a', 'NOOP', 'QUIT']],
    ['partial stays buffered', 'NOOP\r\nQU', ['NOOP']],
    ['bare LF is refused', 'NOOP\nQUIT\r\n', ['bare-lf', 'QUIT']],
    ['empty bare LF', '\n', ['bare-lf']],
    ['empty line', '\r\n', ['']],
    ['bare CR stays inside the line', 'NO\rOP\r\n', ['NO\rOP']],
    ['line of exactly the limit', `${'a'.repeat(30)}\r\n`, ['a'.repeat(30)]],
    ['line over the limit', `${'a'.repeat(31)}\r\nNOOP\r\n`, ['too-long', 'NOOP']],
    ['very long line', `${'a'.repeat(500)}\r\nNOOP\r\n`, ['too-long', 'NOOP']],
  ];
  it.each(cases)('%s', (_name, input, want) => {
    expect(feed(input)).toEqual(want);
  });
  it.each(cases)('%s, one octet at a time', (_name, input, want) => {
    expect(feed(input, 32, 1)).toEqual(want);
  });
  it.each(cases)('%s, in threes', (_name, input, want) => {
    expect(feed(input, 32, 3)).toEqual(want);
  });

  it('never buffers more than the limit of an endless line', () => {
    const f = new Framer({ maxLine: 32 });
    for (let i = 0; i < 100; i++) {
      f.push(Buffer.alloc(1000, 0x61));
      expect(f.readLine()).toBeUndefined();
      expect(f.buffered).toBeLessThanOrEqual(1000);
    }
    f.push(Buffer.from('\r\nNOOP\r\n'));
    expect(lines(f)).toEqual(['too-long', 'NOOP']);
  });

  it('hasLine reports a waiting line', () => {
    const f = new Framer({ maxLine: 32 });
    f.push(Buffer.from('NOOP'));
    expect(f.hasLine()).toBe(false);
    f.push(Buffer.from('\r\n'));
    expect(f.hasLine()).toBe(true);
  });
});

describe('Framer DATA', () => {
  function data(input: string, step: number): { body: string; after: string[] } {
    const f = new Framer({ maxLine: 64 });
    f.push(Buffer.from('DATA\r\n'));
    expect(f.readLine()).toMatchObject({ kind: 'line' });
    f.beginData();
    const body: Buffer[] = [];
    let ended = false;
    const after: string[] = [];
    for (let i = 0; i < input.length; i += step) {
      f.push(Buffer.from(input.slice(i, i + step), 'latin1'));
      if (!ended) {
        const r = f.readData();
        body.push(...r.data);
        ended = r.end;
      }
      if (ended) after.push(...(lines(f) as string[]));
    }
    return { body: Buffer.concat(body).toString('latin1'), after };
  }
  it.each([1, 2, 5, 1000])('reads the body and the commands pipelined after it, step %i', (step) => {
    expect(data('Subject: x\r\n\r\n..dot\r\n.\r\nQUIT\r\n', step)).toEqual({ body: 'Subject: x\r\n\r\n.dot\r\n', after: ['QUIT'] });
  });
  it('treats long body lines as data, not as over-long commands', () => {
    const long = 'y'.repeat(5000);
    expect(data(`${long}\r\n.\r\nNOOP\r\n`, 700)).toEqual({ body: `${long}\r\n`, after: ['NOOP'] });
  });
});

describe('Framer chunks and discard', () => {
  it('hands out raw BDAT octets, even those that look like an over-long line', () => {
    const f = new Framer({ maxLine: 16 });
    f.push(Buffer.from(`BDAT 40 LAST\r\n${'z'.repeat(40)}NOOP\r\n`));
    expect(f.readLine()).toMatchObject({ kind: 'line' });
    expect(f.readChunk(25)?.toString()).toBe('z'.repeat(25));
    expect(f.readChunk(15)?.toString()).toBe('z'.repeat(15));
    expect(lines(f)).toEqual(['NOOP']);
    expect(f.readChunk(10)).toBeUndefined();
  });
  it('discard drops everything buffered (STARTTLS)', () => {
    const f = new Framer({ maxLine: 64 });
    f.push(Buffer.from('STARTTLS\r\nMAIL FROM:<evil@x.test>\r\nRCPT'));
    expect(f.readLine()).toMatchObject({ kind: 'line' });
    expect(f.discard()).toBe('MAIL FROM:<evil@x.test>\r\nRCPT'.length);
    expect(f.readLine()).toBeUndefined();
    expect(f.buffered).toBe(0);
  });
});
