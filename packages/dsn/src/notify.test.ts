// RFC 3461 NOTIFY decisions: a table over sender, NOTIFY value and report kind.
import { describe, expect, it } from 'vitest';
import { shouldSendDsn, type NotifySpec } from './notify.js';
import type { DsnAction } from './types.js';

describe('shouldSendDsn', () => {
  const cases: Array<[string, NotifySpec | undefined, DsnAction, boolean]> = [
    ['alice@example.org', undefined, 'failed', true],
    ['alice@example.org', undefined, 'delayed', true],
    ['alice@example.org', undefined, 'delivered', false],
    ['alice@example.org', undefined, 'expanded', false],
    ['alice@example.org', 'NEVER', 'failed', false],
    ['alice@example.org', 'NEVER', 'delayed', false],
    ['alice@example.org', ['SUCCESS'], 'delivered', true],
    ['alice@example.org', ['SUCCESS'], 'relayed', true],
    ['alice@example.org', ['SUCCESS'], 'expanded', true],
    ['alice@example.org', ['SUCCESS'], 'failed', false],
    ['alice@example.org', ['FAILURE'], 'failed', true],
    ['alice@example.org', ['FAILURE'], 'delayed', false],
    ['alice@example.org', ['DELAY'], 'delayed', true],
    ['alice@example.org', ['SUCCESS', 'FAILURE', 'DELAY'], 'delivered', true],
    ['', undefined, 'failed', false],
    ['', ['SUCCESS', 'FAILURE', 'DELAY'], 'failed', false],
    ['', ['SUCCESS'], 'delivered', false],
  ];
  it.each(cases)('sender %j, NOTIFY %j, %s → %s', (sender, notify, action, expected) => {
    expect(shouldSendDsn({ sender }, notify === undefined ? {} : { notify }, action)).toBe(expected);
  });
});
