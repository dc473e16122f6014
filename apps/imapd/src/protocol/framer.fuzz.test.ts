// Framer properties: the events do not depend on how the input is split (down to one byte at a time), and no
// input makes it throw or hold more than its limits allow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Framer } from './framer.js';
import type { FramerEvent, FramerLimits, LiteralAnnouncement } from './framer.js';
import { drain } from './test-support.js';
import type { Decision } from './test-support.js';

const SESSION = [
  'a001 CAPABILITY\r\n',
  'a002 LOGIN {8}\r\nuser@ex. {6+}\r\nsecret\r\n',
  'a003 ENABLE UTF8=ACCEPT CONDSTORE\r\n',
  'a004 SELECT INBOX (CONDSTORE)\r\n',
  'a005 APPEND INBOX (\\Seen) "12-Jan-2024 10:00:00 +0100" {23}\r\nSubject: hi\r\n\r\nbody\r\nA \r\n',
  'a006 APPEND Drafts ~{5+}\r\nx\0y\r\n {3}\r\nabc\r\n',
  'a007 UID SEARCH CHARSET UTF-8 SUBJECT {6}\r\n\u00e4\u00f6\u00fc\r\n',
  'a008 IDLE\r\n',
  'a009 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (From Subject)])\r\n',
  `a010 SEARCH TEXT ${'x'.repeat(200)} {4+}\r\nabcd\r\n`,
  'a011 APPEND INBOX {9999}\r\n',
  'a012 LOGOUT\n',
];

const LIMITS: Partial<FramerLimits> = { maxLineLength: 128, maxLiteralSize: 5000, maxCommandSize: 256, maxDiscard: 1000 };

/** Deterministic decisions, so that two runs over the same bytes can be compared. */
function decide(literal: LiteralAnnouncement): Decision {
  if (literal.size % 7 === 3) return 'reject';
  if (literal.command === 'APPEND' || !literal.bufferable) return 'stream';
  return 'buffer';
}

/** Events with consecutive literal-data merged and buffers as hex, so that chunking does not show. */
function normalise(events: FramerEvent[]): unknown[] {
  const out: unknown[] = [];
  for (const e of events) {
    const last = out[out.length - 1] as { data?: string } | undefined;
    if (e.type === 'literal-data') {
      if (last && typeof last.data === 'string') last.data += e.data.toString('hex');
      else out.push({ data: e.data.toString('hex') });
      continue;
    }
    if (e.type === 'command') out.push({ segments: e.unit.segments.map((s) => s.toString('hex')), literals: e.unit.literals.map((l) => ({ ...l, data: l.data?.toString('hex') ?? null })), size: e.unit.size });
    else if (e.type === 'literal') out.push({ ...e.literal, segments: e.literal.segments.map((s) => s.toString('hex')) });
    else if (e.type === 'line') out.push({ line: e.line.toString('hex') });
    else if (e.type === 'error') out.push({ error: e.error.code, tag: e.error.tag, fatal: e.error.fatal });
    else out.push(e);
  }
  return out;
}

/** Runs the framer over `wire` split at `cuts`; expects a plain line after every IDLE. */
function run(wire: Buffer, cuts: number[]): { events: unknown[]; maxPending: number } {
  const framer = new Framer(LIMITS);
  const events: FramerEvent[] = [];
  let maxPending = 0;
  const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
  let start = 0;
  for (const end of [...points, wire.length]) {
    framer.push(wire.subarray(start, end));
    start = end;
    for (let e = framer.next(); e; e = framer.next()) {
      events.push(e);
      if (e.type === 'literal') {
        const d = decide(e.literal);
        if (d === 'reject') framer.reject();
        else framer.accept(d);
      }
      if (e.type === 'command' && e.unit.segments[0]?.toString('latin1').endsWith(' IDLE')) framer.expectLine();
    }
    maxPending = Math.max(maxPending, framer.pendingBytes);
  }
  return { events: normalise(events), maxPending };
}

describe('framer: chunking invariance', () => {
  const wire = Buffer.from(SESSION.join('') + 'DONE\r\n', 'utf8');

  it('one byte at a time gives the same events as the whole input', () => {
    const whole = run(wire, []);
    const bytewise = run(wire, Array.from({ length: wire.length }, (_, i) => i));
    expect(bytewise.events).toEqual(whole.events);
    expect(whole.events.length).toBeGreaterThan(10);
  });

  it('any split gives the same events', () => {
    const whole = run(wire, []).events;
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        expect(run(wire, cuts).events).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes never make it throw, and any split agrees', () => {
    const fragment = fc.oneof(
      fc.constantFrom(...SESSION, '{5}\r\n', '{3+}\r\n', '~{2}\r\n', '{99999999999999999999+}\r\n', '\r\n', '\n', ' ', '}', '{'),
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a).toString('latin1')),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (parts, cuts) => {
        const input = Buffer.from(parts.join(''), 'latin1');
        const whole = run(input, []);
        expect(run(input, cuts).events).toEqual(whole.events);
      }),
      { numRuns: 500 },
    );
  });

  it('buffers no more than the line limit while reading command text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), (bytes) => {
        const framer = new Framer(LIMITS);
        for (const b of bytes) {
          framer.push(Buffer.from([b]));
          for (let e = framer.next(); e; e = framer.next()) if (e.type === 'literal') framer.reject();
          expect(framer.pendingBytes).toBe(0);
        }
        const unit = drain(framer);
        expect(unit).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
