// Framer: lines, literals of every form, limits, resynchronisation, streaming and byte-at-a-time input.
import { describe, expect, it } from 'vitest';
import { Framer } from './framer.js';
import type { FramerEvent } from './framer.js';
import { drain, frameEvents } from './test-support.js';

/** Events in a comparable shape: buffers as latin1 text. */
function plain(events: FramerEvent[]): unknown[] {
  return events.map((e) => {
    switch (e.type) {
      case 'command':
        return {
          command: e.unit.segments.map((s) => s.toString('latin1')),
          literals: e.unit.literals.map((l) => (l.data ? l.data.toString('latin1') : { streamed: l.size })),
          size: e.unit.size,
        };
      case 'line':
        return { line: e.line.toString('latin1') };
      case 'literal':
        return { literal: { ...e.literal, segments: e.literal.segments.map((s) => s.toString('latin1')) } };
      case 'literal-data':
        return { data: e.data.toString('latin1') };
      case 'literal-end':
        return { end: e.size, hasNul: e.hasNul };
      case 'error':
        return { error: e.error.code, tag: e.error.tag, fatal: e.error.fatal };
    }
  });
}

function commands(events: FramerEvent[]): string[][] {
  return events.flatMap((e) => (e.type === 'command' ? [e.unit.segments.map((s) => s.toString('latin1'))] : []));
}

describe('framer: lines', () => {
  const table: [string, string, string[][]][] = [
    ['one command', 'A1 NOOP\r\n', [['A1 NOOP']]],
    ['pipelined commands', 'A1 NOOP\r\nA2 CAPABILITY\r\nA3 LOGOUT\r\n', [['A1 NOOP'], ['A2 CAPABILITY'], ['A3 LOGOUT']]],
    ['bare LF', 'A1 NOOP\nA2 NOOP\r\n', [['A1 NOOP'], ['A2 NOOP']]],
    ['blank lines are skipped', '\r\n\r\nA1 NOOP\r\n\n', [['A1 NOOP']]],
    ['incomplete line waits', 'A1 NOOP\r\nA2 NO', [['A1 NOOP']]],
    ['{n-} is not a literal marker', 'A1 LOGIN a {5-}\r\n', [['A1 LOGIN a {5-}']]],
    ['"{" without digits is text', 'A1 LOGIN a {}\r\n', [['A1 LOGIN a {}']]],
  ];
  it.each(table)('%s', (_name, wire, expected) => {
    expect(commands(frameEvents(wire))).toEqual(expected);
  });

  it('reports the octets a command took on the wire', () => {
    const events = frameEvents('A1 LOGIN {3}\r\nabc {2+}\r\nxy\r\n');
    expect(events.at(-1)).toMatchObject({ type: 'command', unit: { size: 28 } });
  });
});

describe('framer: literals', () => {
  it('announces a synchronising literal and waits for the decision', () => {
    const framer = new Framer();
    framer.push(Buffer.from('A1 LOGIN {4}\r\nuser {4}\r\npass\r\n'));
    const first = framer.next();
    expect(first).toMatchObject({ type: 'literal', literal: { tag: 'A1', command: 'LOGIN', index: 0, size: 4, sync: true, binary: false, bufferable: true } });
    expect(framer.next()).toBeUndefined();
    expect(framer.awaitingDecision).toMatchObject({ size: 4 });
    framer.accept();
    expect(plain(drain(framer))).toEqual([
      { literal: { tag: 'A1', command: 'LOGIN', index: 1, size: 4, sync: true, binary: false, bufferable: true, segments: ['A1 LOGIN ', ' '] } },
      { command: ['A1 LOGIN ', ' ', ''], literals: ['user', 'pass'], size: 30 },
    ]);
  });

  const forms: [string, string, { sync: boolean; binary: boolean }][] = [
    ['synchronising', 'A1 APPEND INBOX {5}\r\nhello\r\n', { sync: true, binary: false }],
    ['LITERAL+', 'A1 APPEND INBOX {5+}\r\nhello\r\n', { sync: false, binary: false }],
    ['literal8', 'A1 APPEND INBOX ~{5}\r\nhello\r\n', { sync: true, binary: true }],
    ['literal8 non-synchronising', 'A1 APPEND INBOX ~{5+}\r\nhello\r\n', { sync: false, binary: true }],
    ['leading zeros', 'A1 APPEND INBOX {005}\r\nhello\r\n', { sync: true, binary: false }],
  ];
  it.each(forms)('%s', (_name, wire, flags) => {
    const events = frameEvents(wire);
    expect(events[0]).toMatchObject({ type: 'literal', literal: { size: 5, command: 'APPEND', ...flags } });
    expect(plain(events.slice(1))).toEqual([{ command: ['A1 APPEND INBOX ', ''], literals: ['hello'], size: events[1]?.type === 'command' ? events[1].unit.size : 0 }]);
  });

  it('takes a literal holding CRLF, braces and a fake command verbatim', () => {
    const body = 'x\r\nA2 DELETE INBOX {3}\r\n';
    const events = frameEvents(`A1 APPEND INBOX {${body.length}}\r\n${body}\r\nA3 NOOP\r\n`);
    expect(commands(events)).toEqual([['A1 APPEND INBOX ', ''], ['A3 NOOP']]);
    expect(events[1]).toMatchObject({ type: 'command', unit: { literals: [{ data: Buffer.from(body) }] } });
  });

  it('handles an empty literal', () => {
    expect(plain(frameEvents('A1 LOGIN {0}\r\n {0}\r\n\r\n')).at(-1)).toEqual({ command: ['A1 LOGIN ', ' ', ''], literals: ['', ''], size: 22 });
  });

  it('reports UID commands by their full name', () => {
    expect(frameEvents('A1 UID SEARCH CHARSET UTF-8 SUBJECT {3}\r\n')[0]).toMatchObject({ type: 'literal', literal: { command: 'UID SEARCH' } });
  });

  it('marks literals that would overflow the command buffer', () => {
    const framer = new Framer({ maxCommandSize: 100 });
    framer.push(Buffer.from('A1 APPEND INBOX {200}\r\n'));
    expect(framer.next()).toMatchObject({ type: 'literal', literal: { bufferable: false } });
    expect(() => framer.accept('buffer')).toThrow(RangeError);
    framer.accept('stream');
  });

  it('refuses accept() and reject() without an announced literal', () => {
    const framer = new Framer();
    expect(() => framer.accept()).toThrow();
    expect(() => framer.reject()).toThrow();
  });
});

describe('framer: streaming', () => {
  it('streams a 50 MB APPEND literal in bounded pieces', () => {
    const size = 50 * 1024 * 1024;
    const framer = new Framer();
    framer.push(Buffer.from(`A1 APPEND INBOX (\\Seen) {${size}}\r\n`));
    expect(framer.next()).toMatchObject({ type: 'literal', literal: { size, bufferable: false } });
    framer.accept('stream');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let received = 0;
    let largest = 0;
    let sent = 0;
    let end: FramerEvent | undefined;
    while (sent < size) {
      const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
      framer.push(piece);
      sent += piece.length;
      for (let e = framer.next(); e; e = framer.next()) {
        if (e.type === 'literal-data') {
          received += e.data.length;
          largest = Math.max(largest, e.data.length);
        } else end = e;
      }
      expect(framer.pendingBytes).toBe(0);
    }
    expect(received).toBe(size);
    expect(largest).toBeLessThanOrEqual(chunk.length);
    expect(end).toEqual({ type: 'literal-end', index: 0, size, hasNul: false });
    framer.push(Buffer.from('\r\nA2 NOOP\r\n'));
    expect(plain(drain(framer))).toEqual([
      { command: ['A1 APPEND INBOX (\\Seen) ', ''], literals: [{ streamed: size }], size: size + 38 },
      { command: ['A2 NOOP'], literals: [], size: 9 },
    ]);
  });

  it('streams each message of a MULTIAPPEND and reports NUL octets', () => {
    const events = frameEvents(['A1 APPEND INBOX {3}\r\nab', 'c ~{2}\r\n\0x', '\r\n'], {}, () => 'stream');
    expect(plain(events)).toEqual([
      expect.objectContaining({ literal: expect.objectContaining({ index: 0, size: 3 }) }),
      { data: 'ab' },
      { data: 'c' },
      { end: 3, hasNul: false },
      expect.objectContaining({ literal: expect.objectContaining({ index: 1, size: 2, binary: true }) }),
      { data: '\0x' },
      { end: 2, hasNul: true },
      { command: ['A1 APPEND INBOX ', ' ', ''], literals: [{ streamed: 3 }, { streamed: 2 }], size: 35 },
    ]);
  });
});
