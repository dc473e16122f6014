// STATUS data item names (RFC 9051 §6.3.11, RFC 7162 HIGHESTMODSEQ, RFC 7889 APPENDLIMIT), shared by STATUS and LIST-STATUS.
import type { StatusItemName } from '../response-types.js';
import type { Reader } from './reader.js';

const STATUS_ITEMS: ReadonlySet<string> = new Set<StatusItemName>([
  'MESSAGES',
  'UIDNEXT',
  'UIDVALIDITY',
  'UNSEEN',
  'DELETED',
  'SIZE',
  'RECENT',
  'HIGHESTMODSEQ',
  'APPENDLIMIT',
]);

/** "(" status-att *(SP status-att) ")", duplicates dropped, order kept. */
export function readStatusItems(r: Reader): StatusItemName[] {
  const items = r.list(
    () => {
      const name = r.keyword('status item');
      if (!STATUS_ITEMS.has(name)) r.fail('Unknown status item');
      return name as StatusItemName;
    },
    false,
    'status items',
  );
  return [...new Set(items)];
}
