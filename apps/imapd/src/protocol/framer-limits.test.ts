// Framer limits: over-long lines, oversized literals, refused literals and how the framer stays in step.
import { describe, expect, it } from 'vitest';
import { Framer } from './framer.js';
import type { FramerEvent } from './framer.js';
import { drain, frameEvents } from './test-support.js';

function summary(events: FramerEvent[]): unknown[] {
  return events.map((e) => {
    if (e.type === 'command') return e.unit.segments.map((s) => s.toString('latin1')).join('|');
    if (e.type === 'error') return `${e.error.code} ${e.error.tag ?? '*'}${e.error.fatal ? ' fatal' : ''}`;
    if (e.type === 'literal') return `literal ${e.literal.size}`;
    if (e.type === 'line') return `line ${e.line.toString('latin1')}`;
    return e.type;
  });
}

describe('framer: line length', () => {
  const limits = { maxLineLength: 64 };

  it('reports an over-long line with its tag and resumes at the next line', () => {
    const events = frameEvents(`A1 SEARCH ${'X'.repeat(100)}\r\nA2 NOOP\r\n`, limits);
    expect(summary(events)).toEqual(['LINE_TOO_LONG A1', 'A2 NOOP']);
  });

  it('accepts a line of exactly the limit, CRLF included', () => {
    const line = `A1 ${'X'.repeat(59)}`;
    expect(summary(frameEvents(`${line}\r\nA2 ${'X'.repeat(60)}\r\n`, limits))).toEqual([line, 'LINE_TOO_LONG A2']);
  });

  it('reports * when the tag is not readable', () => {
    expect(summary(frameEvents(`${'+'.repeat(100)}\r\nA2 NOOP\r\n`, limits))).toEqual(['LINE_TOO_LONG *', 'A2 NOOP']);
  });

  it('discards a 10 MB line without buffering it', () => {
    const framer = new Framer({ maxLineLength: 8192 });
    framer.push(Buffer.from('A1 NOOP '));
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const events: FramerEvent[] = [];
    for (let i = 0; i < 160; i++) {
      framer.push(chunk);
      events.push(...drain(framer));
      expect(framer.pendingBytes).toBe(0);
    }
    framer.push(Buffer.from('\r\nA2 NOOP\r\n'));
    events.push(...drain(framer));
    expect(summary(events)).toEqual(['LINE_TOO_LONG A1', 'A2 NOOP']);
  });

  it('skips a {n+} literal announced at the end of an over-long line (no command injection)', () => {
    const hidden = 'A9 DELETE INBOX\r\n';
    const wire = `A1 APPEND INBOX ${'x'.repeat(100)} {${hidden.length}+}\r\n${hidden}\r\nA2 NOOP\r\n`;
    expect(summary(frameEvents(wire, limits))).toEqual(['LINE_TOO_LONG A1', 'A2 NOOP']);
  });

  it('keeps skipping the rest of the command after that literal', () => {
    const wire = `A1 APPEND INBOX ${'x'.repeat(100)} {3+}\r\nabc {4+}\r\nA9 X\r\nA2 NOOP\r\n`;
    expect(summary(frameEvents(wire, limits))).toEqual(['LINE_TOO_LONG A1', 'A2 NOOP']);
  });

  it('does not skip after a synchronising literal: the client waits for "+" that never comes', () => {
    const wire = `A1 APPEND INBOX ${'x'.repeat(100)} {17}\r\nA2 NOOP\r\n`;
    expect(summary(frameEvents(wire, limits))).toEqual(['LINE_TOO_LONG A1', 'A2 NOOP']);
  });

  it('closes when the end of a discarded line cannot be told apart from a literal marker', () => {
    const wire = `A1 X ${'9'.repeat(200)}+}\r\nA2 NOOP\r\n`;
    const framer = new Framer(limits);
    framer.push(Buffer.from(wire));
    expect(summary(drain(framer))).toEqual(['LINE_TOO_LONG A1', 'DISCARD_LIMIT * fatal']);
    expect(framer.closed).toBe(true);
  });

  it('applies the line limit to lines that follow literals', () => {
    const events = frameEvents(`A1 LOGIN {4}\r\nuser ${'p'.repeat(100)}\r\nA2 NOOP\r\n`, limits);
    expect(summary(events)).toEqual(['literal 4', 'LINE_TOO_LONG A1', 'A2 NOOP']);
  });

  it('applies the limit to plain lines too', () => {
    const framer = new Framer(limits);
    framer.expectLine();
    framer.push(Buffer.from(`${'Q'.repeat(100)}\r\nDONE\r\n`));
    expect(summary(drain(framer))).toEqual(['LINE_TOO_LONG *', 'DONE']);
  });
});

describe('framer: literal size', () => {
  it('refuses an oversized synchronising literal without reading it', () => {
    const events = frameEvents('A1 APPEND INBOX {1000}\r\nA2 NOOP\r\n', { maxLiteralSize: 999 });
    expect(summary(events)).toEqual(['LITERAL_TOO_BIG A1', 'A2 NOOP']);
  });

  it('reads and drops an oversized {n+} literal within maxDiscard', () => {
    const body = 'B'.repeat(1000);
    const events = frameEvents([`A1 APPEND INBOX {1000+}\r\n${body.slice(0, 10)}`, `${body.slice(10)} (\\Seen) {2+}\r\nzz\r\nA2 NOOP\r\n`], {
      maxLiteralSize: 999,
    });
    expect(summary(events)).toEqual(['LITERAL_TOO_BIG A1', 'A2 NOOP']);
  });

  it('fails fatally on an oversized {n+} literal beyond maxDiscard', () => {
    const framer = new Framer({ maxLiteralSize: 999, maxDiscard: 5000 });
    framer.push(Buffer.from('A1 APPEND INBOX {6000+}\r\nxxxx'));
    expect(summary(drain(framer))).toEqual(['LITERAL_TOO_BIG A1 fatal']);
    expect(framer.closed).toBe(true);
    framer.push(Buffer.from('A2 NOOP\r\n'));
    expect(framer.next()).toBeUndefined();
  });

  it('enforces LITERAL- (4096 octets) for non-synchronising literals only', () => {
    const limits = { maxNonSyncLiteral: 4096 };
    const ok = frameEvents(`A1 APPEND INBOX {4096+}\r\n${'a'.repeat(4096)}\r\n`, limits);
    expect(summary(ok)).toEqual(['literal 4096', 'A1 APPEND INBOX |']);
    const tooBig = frameEvents(`A1 APPEND INBOX {4097+}\r\n${'a'.repeat(4097)}\r\nA2 NOOP\r\n`, limits);
    expect(summary(tooBig)).toEqual(['LITERAL_TOO_BIG A1', 'A2 NOOP']);
    const sync = frameEvents(`A1 APPEND INBOX {5000}\r\n`, limits);
    expect(summary(sync)).toEqual(['literal 5000']);
  });

  it('treats absurd sizes as too big', () => {
    expect(summary(frameEvents(`A1 APPEND INBOX {${'9'.repeat(40)}}\r\nA2 NOOP\r\n`))).toEqual(['LITERAL_TOO_BIG A1', 'A2 NOOP']);
  });
});

describe('framer: command size', () => {
  it('tells the session which literals still fit in the command buffer', () => {
    const framer = new Framer({ maxCommandSize: 200 });
    framer.push(Buffer.from(`A1 LOGIN {100}\r\n${'u'.repeat(100)} {100}\r\n`));
    expect(framer.next()).toMatchObject({ type: 'literal', literal: { size: 100, bufferable: true } });
    framer.accept('buffer');
    expect(framer.next()).toMatchObject({ type: 'literal', literal: { size: 100, bufferable: false } });
  });

  it('stops a command made of many empty literals', () => {
    const wire = `A1 APPEND INBOX {0+}\r\n${' {0+}\r\n'.repeat(500)}\r\nA2 NOOP\r\n`;
    const events = frameEvents(wire, { maxCommandSize: 4096 }, () => 'stream');
    const summarised = summary(events).filter((e) => e !== 'literal-end' && e !== 'literal 0');
    expect(summarised).toEqual(['COMMAND_TOO_BIG A1', 'A2 NOOP']);
  });

  it('counts streamed literals against the command only by their lines', () => {
    const events = frameEvents(`A1 APPEND INBOX {5000}\r\n${'m'.repeat(5000)} {5000}\r\n${'n'.repeat(5000)}\r\n`, { maxCommandSize: 200 }, () => 'stream');
    expect(summary(events).at(-1)).toBe('A1 APPEND INBOX | |');
  });
});

describe('framer: refusing literals', () => {
  it('a refused synchronising literal is never sent: the next line is a new command', () => {
    const events = frameEvents('A1 APPEND Nonexistent {10}\r\nA2 NOOP\r\n', {}, () => 'reject');
    expect(summary(events)).toEqual(['literal 10', 'A2 NOOP']);
  });

  it('a refused {n+} literal and the rest of its command are skipped', () => {
    const events = frameEvents('A1 APPEND Nonexistent {10+}\r\n0123456789 {3+}\r\nabc\r\nA2 NOOP\r\n', {}, (l) =>
      l.index === 0 ? 'reject' : 'buffer',
    );
    expect(summary(events)).toEqual(['literal 10', 'A2 NOOP']);
  });

  it('asks the session to close when a refused {n+} literal exceeds maxDiscard', () => {
    const framer = new Framer({ maxDiscard: 10 });
    framer.push(Buffer.from('A1 APPEND INBOX {11+}\r\n'));
    expect(framer.next()).toMatchObject({ type: 'literal' });
    expect(framer.reject()).toBe(false);
    expect(framer.closed).toBe(true);
  });
});

describe('framer: plain lines and reset', () => {
  it('returns IDLE DONE and AUTHENTICATE responses as plain lines', () => {
    const framer = new Framer();
    framer.push(Buffer.from('A1 IDLE\r\nDONE {3}\r\nA2 AUTHENTICATE PLAIN\r\nAGZvbwBiYXI=\r\n*\r\n'));
    expect(summary([framer.next() as FramerEvent])).toEqual(['A1 IDLE']);
    framer.expectLine();
    expect(summary([framer.next() as FramerEvent])).toEqual(['line DONE {3}']);
    expect(summary([framer.next() as FramerEvent])).toEqual(['A2 AUTHENTICATE PLAIN']);
    framer.expectLine();
    expect(summary([framer.next() as FramerEvent])).toEqual(['line AGZvbwBiYXI=']);
    framer.expectLine();
    expect(summary([framer.next() as FramerEvent])).toEqual(['line *']);
  });

  it('refuses expectLine() in the middle of a command', () => {
    const framer = new Framer();
    framer.push(Buffer.from('A1 LOGIN {3}\r\n'));
    framer.next();
    expect(() => framer.expectLine()).toThrow();
  });

  it('reset() drops input buffered before a TLS handshake', () => {
    const framer = new Framer();
    framer.push(Buffer.from('A1 STARTTLS\r\nA2 LOGIN injected x\r\n'));
    expect(summary([framer.next() as FramerEvent])).toEqual(['A1 STARTTLS']);
    expect(framer.reset()).toBe(21);
    expect(framer.next()).toBeUndefined();
    framer.push(Buffer.from('A3 CAPABILITY\r\n'));
    expect(summary(drain(framer))).toEqual(['A3 CAPABILITY']);
  });
});
