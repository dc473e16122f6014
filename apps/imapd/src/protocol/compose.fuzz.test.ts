// Composer properties: any string or mailbox name written by the composer reads back unchanged through the
// framer and parser, in both modes; response text never spans lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeBuffer } from './compose.js';
import { parseLine } from './test-support.js';

const modes = fc.boolean().map((utf8) => ({ utf8 }));
const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\r', '\n', ' ', '(', ')', '{', '}', '%', '*', ']', '&', '-'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 40 }).filter((s) => !s.includes('\0'));

describe('compose round trips', () => {
  it('strings', () => {
    fc.assert(
      fc.property(text, modes, (value, options) => {
        const wire = composeBuffer({ type: 'ID', params: [['k', value]] }, options);
        const command = parseLine(Buffer.concat([Buffer.from('a'), wire.subarray(1, -2)]), options);
        expect(command).toEqual({ tag: 'a', name: 'ID', params: [['k', value]] });
      }),
      { numRuns: 2000 },
    );
  });

  it('mailbox names', () => {
    fc.assert(
      fc.property(text.filter((s) => s.length > 0 && s.toUpperCase() !== 'INBOX'), modes, (name, options) => {
        const wire = composeBuffer({ type: 'STATUS', mailbox: name, items: [] }, options).toString('latin1');
        const encoded = wire.slice('* STATUS '.length, -' ()\r\n'.length);
        const command = parseLine(Buffer.from(`a DELETE ${encoded}`, 'latin1'), options);
        expect(command).toEqual({ tag: 'a', name: 'DELETE', mailbox: name });
      }),
      { numRuns: 2000 },
    );
  });

  it('response text stays on one line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), modes, (value, options) => {
        const wire = composeBuffer({ type: 'tagged', tag: 'a', status: 'NO', text: value }, options).toString('utf8');
        expect(wire.indexOf('\r\n')).toBe(wire.length - 2);
        expect(wire.slice(0, -2)).not.toMatch(/[\r\n\0]/);
      }),
    );
  });
});
