// QUOTA commands (RFC 9208 §4): GETQUOTA, GETQUOTAROOT, SETQUOTA.
import type { Reader } from './reader.js';
import type { Command } from './types.js';

type Parser = (r: Reader, tag: string) => Command;

/** GETQUOTA SP quota-root-name. */
const getQuota: Parser = (r, tag) => {
  r.sp();
  return { tag, name: 'GETQUOTA', root: r.astring('quota root') };
};

/** GETQUOTAROOT SP mailbox. */
const getQuotaRoot: Parser = (r, tag) => {
  r.sp();
  return { tag, name: 'GETQUOTAROOT', mailbox: r.mailbox() };
};

/** SETQUOTA SP quota-root-name SP "(" [resource-name SP number64 *(SP resource-name SP number64)] ")". */
const setQuota: Parser = (r, tag) => {
  r.sp();
  const root = r.astring('quota root');
  r.sp();
  const limits = r.list(
    () => {
      const resource = r.keyword('resource name');
      r.sp();
      return { resource, limit: r.number64('resource limit') };
    },
    true,
    'quota limits',
  );
  return { tag, name: 'SETQUOTA', root, limits };
};

export const quotaParsers: ReadonlyMap<string, Parser> = new Map<string, Parser>([
  ['GETQUOTA', getQuota],
  ['GETQUOTAROOT', getQuotaRoot],
  ['SETQUOTA', setQuota],
]);
