// Message commands of the selected state (RFC 9051 §6.4): STORE (RFC 7162 UNCHANGEDSINCE), COPY, MOVE (RFC 6851),
// EXPUNGE and UID EXPUNGE (RFC 4315).
import { readFlag, readFlagList } from './flags.js';
import type { Reader } from './reader.js';
import type { Command, StoreOperation } from './types.js';

type Parser = (r: Reader, tag: string, uid: boolean) => Command;

/** STORE SP sequence-set [SP "(" UNCHANGEDSINCE SP mod-sequence-valzer ")"] SP ["+"/"-"] FLAGS[.SILENT] SP flags. */
const store: Parser = (r, tag, uid) => {
  r.sp();
  const set = r.sequenceSet();
  r.sp();
  let unchangedSince: number | null = null;
  if (r.peek() === 0x28) {
    r.list(
      () => {
        if (r.keyword('store modifier') !== 'UNCHANGEDSINCE') r.fail('Unknown store modifier');
        r.sp();
        unchangedSince = r.number64('mod-sequence');
      },
      false,
      'store modifiers',
    );
    r.sp();
  }
  let operation: StoreOperation = 'replace';
  if (r.tryByte(0x2b)) operation = 'add';
  else if (r.tryByte(0x2d)) operation = 'remove';
  const item = r.keyword('FLAGS');
  if (item !== 'FLAGS' && item !== 'FLAGS.SILENT') r.fail('Expected FLAGS, +FLAGS or -FLAGS');
  r.sp();
  let flags: string[];
  if (r.peek() === 0x28) flags = readFlagList(r);
  else {
    flags = [readFlag(r)];
    while (r.trySp()) flags.push(readFlag(r));
  }
  return { tag, name: 'STORE', uid, set, operation, silent: item === 'FLAGS.SILENT', flags: [...new Set(flags)], unchangedSince };
};

const copyOrMove =
  (name: 'COPY' | 'MOVE'): Parser =>
  (r, tag, uid) => {
    r.sp();
    const set = r.sequenceSet();
    r.sp();
    return { tag, name, uid, set, mailbox: r.mailbox() };
  };

/** EXPUNGE, or UID EXPUNGE SP sequence-set. */
const expunge: Parser = (r, tag, uid) => {
  if (!uid) return { tag, name: 'EXPUNGE', uid: false, set: null };
  r.sp();
  return { tag, name: 'EXPUNGE', uid: true, set: r.sequenceSet() };
};

export const messageParsers: ReadonlyMap<string, Parser> = new Map<string, Parser>([
  ['STORE', store],
  ['COPY', copyOrMove('COPY')],
  ['MOVE', copyOrMove('MOVE')],
  ['EXPUNGE', expunge],
]);
