// Fuzzing the mechanisms with fast-check, seeded with real client messages: whatever arrives, a step returns a result and never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCramResponse } from './cram-md5.js';
import { parsePlainMessage } from './plain.js';
import { ALL_MECHANISMS, createMechanism } from './registry.js';
import { parseClientFinal, parseClientFirst } from './scram-messages.js';
import { memoryBackend } from './test-backend.js';
import type { SaslStep } from './types.js';

const SEEDS = [
  '\0tim\0tanstaaftanstaaf',
  'Ursel\0Kurt\0xipj3plmq',
  'tim',
  'tanstaaftanstaaf',
  'tim b913a602c7eda7a495b4e6e7334d3890',
  'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  'n,a=ad=2Cmin,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
  'y,,n=user,r=abc,x=ext',
  'p=tls-unique,,n=user,r=abc',
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
].map((s) => Buffer.from(s, 'utf8'));

/** A real message, cut, spliced with random bytes, or bytes from scratch. */
const message = fc.oneof(
  fc.constantFrom(...SEEDS),
  fc.tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.uint8Array({ maxLength: 12 }), fc.nat()).map(([seed, at, insert, cut]) => {
    const i = at % (seed.length + 1);
    return Buffer.concat([seed.subarray(0, i), Buffer.from(insert), seed.subarray(i + (cut % 4))]);
  }),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => Buffer.from(s, 'utf8')),
);

const users = { user: '{PLAIN}pencil', tim: '{PLAIN}tanstaaftanstaaf', kurt: '{SHA256}7CAsHE6NjG9zfzP0qpqMe7fOZUPu8XkgjTqeiGTdolE=' };

function wellFormed(step: SaslStep): boolean {
  if (step.kind === 'challenge') return Buffer.isBuffer(step.data);
  if (step.kind === 'success') return typeof step.authcid === 'string' && typeof step.authzid === 'string';
  return ['malformed', 'credentials', 'authzid', 'unavailable', 'sequence'].includes(step.reason);
}

describe('SASL fuzzing', () => {
  it('parsers return a value or a reason for any bytes', () => {
    fc.assert(
      fc.property(message, (m) => {
        for (const parse of [parsePlainMessage, parseCramResponse, parseClientFirst, parseClientFinal]) {
          const r = parse(m);
          expect(typeof r === 'string' || typeof r === 'object').toBe(true);
        }
      }),
      { numRuns: 3000, seed: 4616 },
    );
  });

  it('mechanisms never throw and always return a well-formed step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ALL_MECHANISMS),
        fc.option(message, { nil: undefined }),
        fc.array(message, { maxLength: 4 }),
        async (name, initial, responses) => {
          const m = createMechanism(name, memoryBackend(users, { proxies: { user: ['admin'] } }), { hostname: 'h', scramIterations: 4096 });
          if (!m) throw new Error(`no ${name}`);
          let step = await m.start(initial);
          expect(wellFormed(step)).toBe(true);
          for (const r of responses) {
            step = await m.step(r);
            expect(wellFormed(step)).toBe(true);
          }
        },
      ),
      { numRuns: 400, seed: 5802 },
    );
  });
});
