// Tests of the typed errors and the errno helper.
import { describe, expect, it } from 'vitest';
import { isErrno, MailboxNameError, MaildirError, QuotaExceededError } from './errors.js';

describe('typed errors', () => {
  it('carry stable codes and their details', () => {
    const err = new MailboxNameError('a/../b', 'a level may not be ".."');
    expect(err).toBeInstanceOf(MaildirError);
    expect([err.code, err.name, err.mailbox]).toEqual(['MAILBOX_NAME', 'MailboxNameError', 'a/../b']);
    const quota = new QuotaExceededError('storage', 120, 100);
    expect([quota.code, quota.resource, quota.usage, quota.limit]).toEqual(['OVER_QUOTA', 'storage', 120, 100]);
  });

  it('recognizes system errors by errno code', () => {
    const enoent = Object.assign(new Error('x'), { code: 'ENOENT' });
    expect(isErrno(enoent, 'ENOENT', 'EEXIST')).toBe(true);
    expect(isErrno(enoent, 'EEXIST')).toBe(false);
    expect(isErrno(null, 'ENOENT')).toBe(false);
  });
});
