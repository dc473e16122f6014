// Table tests for recipient planning: targets by kind, ORCPT and NOTIFY passed on through aliases, limit failures.
import type { Account, Resolution } from '@mail/auth';
import type { Recipient } from '@mail/queue';
import { describe, expect, it } from 'vitest';
import { memberNotify, planRecipient, wantsSuccess } from './plan.js';

const account = (address: string): Account => ({ address, passwordHash: '', mailbox: `/m/${address}`, quota: {}, enabled: true });
const res = (r: Partial<Resolution>): Resolution => ({ local: [], remote: [], unknown: [], ...r });
const summary = (recipient: Recipient, resolution: Resolution) => {
  const plan = planRecipient(3, recipient, resolution);
  return {
    expanded: plan.expanded,
    failure: plan.failure?.status,
    targets: plan.targets.map((t) => [t.id, t.kind, t.address, t.orcpt ?? null, t.notify ?? null, t.extension ?? null]),
  };
};

describe('planRecipient', () => {
  it.each<[string, Recipient, Resolution, ReturnType<typeof summary>]>([
    [
      'a mailbox',
      { address: 'bob@example.test' },
      res({ local: [{ account: account('bob@example.test') }] }),
      { expanded: false, failure: undefined, targets: [['3/bob@example.test', 'local', 'bob@example.test', null, null, null]] },
    ],
    [
      'plus-address: the account, the extension kept, the recipient as ORCPT',
      { address: 'Bob+lists@example.test', notify: ['SUCCESS'] },
      res({ local: [{ account: account('bob@example.test'), extension: 'lists' }] }),
      { expanded: false, failure: undefined, targets: [['3/bob@example.test', 'local', 'bob@example.test', 'rfc822;Bob+lists@example.test', ['SUCCESS'], 'lists']] },
    ],
    [
      'an alias to one remote address keeps NOTIFY and names the alias in ORCPT',
      { address: 'info@example.test', notify: ['SUCCESS', 'FAILURE'] },
      res({ remote: ['carol@example.net'] }),
      { expanded: false, failure: undefined, targets: [['3/carol@example.net', 'remote', 'carol@example.net', 'rfc822;info@example.test', ['SUCCESS', 'FAILURE'], null]] },
    ],
    [
      'an alias to several: SUCCESS is dropped for members, the sender ORCPT kept',
      { address: 'team@example.test', orcpt: 'rfc822;Team@example.test', notify: ['SUCCESS', 'DELAY'] },
      res({ local: [{ account: account('bob@example.test') }], remote: ['carol@example.net'], unknown: ['typo@example.test'] }),
      {
        expanded: true,
        failure: undefined,
        targets: [
          ['3/bob@example.test', 'local', 'bob@example.test', 'rfc822;Team@example.test', ['DELAY'], null],
          ['3/carol@example.net', 'remote', 'carol@example.net', 'rfc822;Team@example.test', ['DELAY'], null],
          ['3/typo@example.test', 'unknown', 'typo@example.test', 'rfc822;Team@example.test', ['DELAY'], null],
        ],
      },
    ],
    [
      'an unknown address',
      { address: 'nobody@example.test' },
      res({ unknown: ['nobody@example.test'] }),
      { expanded: false, failure: undefined, targets: [['3/nobody@example.test', 'unknown', 'nobody@example.test', null, null, null]] },
    ],
    [
      'an empty resolution counts as unknown',
      { address: 'x@example.test' },
      res({}),
      { expanded: false, failure: undefined, targets: [['3/x@example.test', 'unknown', 'x@example.test', null, null, null]] },
    ],
    ['a recursion limit', { address: 'a@example.test' }, res({ error: { code: 'RECURSION_LIMIT', message: 'deep' } }), { expanded: false, failure: '5.4.6', targets: [] }],
    ['an expansion limit', { address: 'a@example.test' }, res({ error: { code: 'EXPANSION_LIMIT', message: 'wide' } }), { expanded: false, failure: '5.3.0', targets: [] }],
  ])('%s', (_name, recipient, resolution, expected) => {
    expect(summary(recipient, resolution)).toEqual(expected);
  });
});

describe('memberNotify / wantsSuccess', () => {
  it.each([
    [undefined, undefined, false],
    ['NEVER' as const, 'NEVER', false],
    [['SUCCESS'] as const, 'NEVER', true],
    [['SUCCESS', 'FAILURE'] as const, ['FAILURE'], true],
    [['FAILURE', 'DELAY'] as const, ['FAILURE', 'DELAY'], false],
  ])('%j → %j', (notify, member, success) => {
    expect(memberNotify(notify)).toEqual(member);
    expect(wantsSuccess(notify)).toBe(success);
  });
});
