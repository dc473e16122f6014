// Parser fuzzing seeded with real commands: whatever arrives, parseCommand returns a command or throws
// ImapParseError, promptly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImapParseError } from '../errors.js';
import type { CommandUnit, UnitLiteral } from '../framer.js';
import { parseCommand } from './command.js';
import type { ParseOptions } from './types.js';

const SEEDS = [
  'a LOGIN user secret',
  'a AUTHENTICATE PLAIN AHVzZXIAcGFzcw==',
  'a ID ("name" "mutt" "version" NIL)',
  'a ENABLE CONDSTORE UTF8=ACCEPT',
  'a SELECT INBOX (QRESYNC (67890007 715194045000 41:211,214:541 (1:3 41:43)))',
  'a CREATE Bin (USE (\\Trash \\Junk))',
  'a RENAME "Entw&APw-rfe" Drafts',
  'a STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ)',
  'a LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" "%") RETURN (CHILDREN STATUS (MESSAGES))',
  'a LSUB "" *',
  'a APPEND INBOX (\\Seen) "05-Jan-2024 13:14:15 +0100" \u0001 () \u0001',
  'a LOGIN \u0001 \u0001',
  'a UID SEARCH RETURN (MIN MAX COUNT SAVE) CHARSET UTF-8 OR (FROM a TO b) NOT SUBJECT c SINCE 1-Feb-1994 UID 1:*,$ MODSEQ "/flags/\\\\draft" all 5',
  'a SEARCH HEADER Message-ID "<x@y>" LARGER 10 SMALLER 20 KEYWORD $Forwarded OLDER 5 1:3,5',
  'a UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Subject)] BINARY.PEEK[1.2]<0.10> BINARY.SIZE[1]) (CHANGEDSINCE 5 VANISHED)',
  'a FETCH 2:4 (BODY[1.2.MIME] BODY[TEXT]<0.100> BODY[HEADER.FIELDS.NOT (Received)] ENVELOPE)',
  'a UID STORE 5 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Seen $NotJunk)',
  'a UID MOVE 42:69 "Deleted Messages"',
  'a UID EXPUNGE 3000:3002',
  'a SETQUOTA "" (STORAGE 512)',
];

const ALPHABET = [
  ' ', '(', ')', '[', ']', '<', '>', '"', '\\', '{', '}', '*', '%', '$', ':', ',', '.', '+', '-', '~', '&', '=',
  '0', '1', '9', 'A', 'z', 'NIL', 'UID', 'OR', 'NOT', 'BODY', 'HEADER', '\r', '\n', '\0', '\u00e9', '\udcff',
];

/** One mutation step applied to a seed: insert, delete or replace a span. */
const mutation = fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.array(fc.constantFrom(...ALPHABET), { maxLength: 4 }));

function mutate(seed: string, steps: [number, number, string[]][]): string {
  let text = seed;
  for (const [at, del, insert] of steps) {
    const pos = at % (text.length + 1);
    text = text.slice(0, pos) + insert.join('') + text.slice(pos + del);
  }
  return text;
}

const literalArb: fc.Arbitrary<UnitLiteral> = fc.record({
  size: fc.nat({ max: 20 }),
  binary: fc.boolean(),
  sync: fc.boolean(),
  data: fc.option(fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)), { nil: null }),
});

const HELLO: UnitLiteral = { size: 5, binary: false, sync: true, data: Buffer.from('hello') };

/**
 * A command unit: "\u0001" in the text stands for a buffered literal "hello"; the text is further cut at random
 * points with the given literals between the pieces.
 */
function unitFrom(text: string, cuts: number[], literals: UnitLiteral[]): CommandUnit {
  const segments: Buffer[] = [];
  const all: UnitLiteral[] = [];
  const pieces = text.split('\u0001');
  const extra = [...literals];
  pieces.forEach((piece, i) => {
    const bytes = Buffer.from(piece, 'utf8');
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b).slice(0, extra.length);
    let start = 0;
    for (const p of points) {
      segments.push(bytes.subarray(start, p));
      all.push(extra.shift() as UnitLiteral);
      start = p;
    }
    segments.push(bytes.subarray(start));
    if (i < pieces.length - 1) all.push(HELLO);
  });
  return { segments, literals: all, size: text.length };
}

const optionsArb: fc.Arbitrary<ParseOptions> = fc.record({ utf8: fc.boolean(), delimiter: fc.constantFrom('/', '.', null) });

/** Parses; returns whether a command came out. */
function attempt(unit: CommandUnit, options: ParseOptions): boolean {
  const started = performance.now();
  try {
    const command = parseCommand(unit, options);
    expect(typeof command.tag).toBe('string');
    return true;
  } catch (err) {
    if (!(err instanceof ImapParseError)) throw err;
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(['BAD', 'NO']).toContain(err.status);
    return false;
  } finally {
    expect(performance.now() - started).toBeLessThan(250);
  }
}

describe('parser fuzzing', () => {
  it('every seed parses', () => {
    for (const seed of SEEDS) expect(attempt(unitFrom(seed, [], []), { utf8: false }), seed).toBe(true);
  });

  it('mutated real commands', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(mutation, { maxLength: 6 }), optionsArb, (seed, steps, options) => {
        if (attempt(unitFrom(mutate(seed, steps), [], []), options)) parsed++;
      }),
      { numRuns: 5000 },
    );
    expect(parsed).toBeGreaterThan(250);
  });

  it('mutated commands cut into segments with arbitrary literals', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.array(mutation, { maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(literalArb, { maxLength: 4 }),
        optionsArb,
        (seed, steps, cuts, literals, options) => {
          attempt(unitFrom(mutate(seed, steps), cuts, literals), options);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('token soup', () => {
    const soup = fc.array(fc.constantFrom(...ALPHABET, 'a ', 'FETCH ', 'SEARCH ', 'LIST ', 'STORE ', 'APPEND ', 'SELECT '), { maxLength: 60 });
    fc.assert(
      fc.property(soup, optionsArb, (tokens, options) => {
        attempt(unitFrom(`a ${tokens.join('')}`, [], []), options);
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), optionsArb, (bytes, options) => {
        attempt({ segments: [Buffer.from(bytes)], literals: [], size: bytes.length }, options);
      }),
      { numRuns: 3000 },
    );
  });

  it('deep nesting stays within the stack', () => {
    for (const depth of [10, 100, 199, 200, 1000, 20000]) {
      attempt(unitFrom(`a SEARCH ${'('.repeat(depth)}ALL${')'.repeat(depth)}`, [], []), { utf8: false });
      attempt(unitFrom(`a SEARCH ${'NOT '.repeat(depth)}ALL`, [], []), { utf8: false });
      attempt(unitFrom(`a SEARCH ${'OR ALL '.repeat(depth)}ALL`, [], []), { utf8: false });
      attempt(unitFrom(`a ID ${'('.repeat(depth)}`, [], []), { utf8: false });
    }
  });
});
