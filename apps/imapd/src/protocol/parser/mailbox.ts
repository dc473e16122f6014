// Mailbox commands (RFC 9051 §6.3): SELECT/EXAMINE (RFC 7162 CONDSTORE, QRESYNC), CREATE (RFC 6154 USE), DELETE,
// RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS, LSUB (RFC 3501 §6.3.9).
import { readStatusItems } from './status-items.js';
import type { Reader } from './reader.js';
import type { Command, QresyncParam } from './types.js';

type Parser = (r: Reader, tag: string) => Command;

/** SELECT/EXAMINE SP mailbox [SP "(" select-param *(SP select-param) ")"] (RFC 4466 §2.1). */
const select =
  (name: 'SELECT' | 'EXAMINE'): Parser =>
  (r, tag) => {
    r.sp();
    const mailbox = r.mailbox();
    let condstore = false;
    let qresync: QresyncParam | null = null;
    if (r.trySp()) {
      r.list(
        () => {
          const param = r.keyword('select parameter');
          if (param === 'CONDSTORE') condstore = true;
          else if (param === 'QRESYNC') {
            r.sp();
            qresync = readQresync(r);
          } else r.fail('Unknown select parameter');
        },
        false,
        'select parameters',
      );
    }
    return { tag, name, mailbox, condstore, qresync };
  };

/** "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP "(" known-seqs SP known-uids ")"] ")" (RFC 7162 §3.2.5). */
function readQresync(r: Reader): QresyncParam {
  return r.nested(() => {
    r.expect(0x28, '"(" to open QRESYNC parameters');
    const uidValidity = r.nzNumber('UIDVALIDITY');
    r.sp();
    const modseq = r.number64('mod-sequence');
    if (modseq === 0) r.fail('Mod-sequence must not be zero');
    const param: QresyncParam = { uidValidity, modseq, knownUids: null, seqMatch: null };
    if (r.trySp() && r.peek() !== 0x28) {
      param.knownUids = r.sequenceSet();
      if (!r.trySp()) {
        r.expect(0x29, '")" to close QRESYNC parameters');
        return param;
      }
    }
    if (r.tryByte(0x28)) {
      const seqs = r.sequenceSet();
      r.sp();
      const uids = r.sequenceSet();
      r.expect(0x29, '")" to close sequence match data');
      param.seqMatch = { seqs, uids };
    }
    r.expect(0x29, '")" to close QRESYNC parameters');
    return param;
  });
}

const SPECIAL_USE = new Map(
  ['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash'].map((a) => [a.toUpperCase(), a]),
);

/** A special-use attribute (RFC 6154 use-attr), canonical case for the registered ones. */
export function readUseAttribute(r: Reader): string {
  r.expect(0x5c, 'a special-use attribute');
  const name = `\\${r.atom('special-use attribute')}`;
  return SPECIAL_USE.get(name.toUpperCase()) ?? name;
}

/** CREATE SP mailbox [SP "(" "USE" SP "(" [use-attr *(SP use-attr)] ")" ")"]. */
const create: Parser = (r, tag) => {
  r.sp();
  const mailbox = r.mailbox();
  const specialUse: string[] = [];
  if (r.trySp()) {
    r.list(
      () => {
        if (r.keyword('create parameter') !== 'USE') r.fail('Unknown create parameter');
        r.sp();
        specialUse.push(...r.list(() => readUseAttribute(r), true, 'special-use attributes'));
      },
      false,
      'create parameters',
    );
  }
  return { tag, name: 'CREATE', mailbox, specialUse: [...new Set(specialUse)] };
};

const oneMailbox =
  (name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'): Parser =>
  (r, tag) => {
    r.sp();
    return { tag, name, mailbox: r.mailbox() };
  };

/** RENAME SP mailbox SP mailbox. */
const rename: Parser = (r, tag) => {
  r.sp();
  const from = r.mailbox();
  r.sp();
  const to = r.mailbox();
  return { tag, name: 'RENAME', from, to };
};

/** STATUS SP mailbox SP "(" status-att *(SP status-att) ")". */
const status: Parser = (r, tag) => {
  r.sp();
  const mailbox = r.mailbox();
  r.sp();
  return { tag, name: 'STATUS', mailbox, items: readStatusItems(r) };
};

/** LSUB SP mailbox SP list-mailbox. */
const lsub: Parser = (r, tag) => {
  r.sp();
  const reference = r.mailbox(false);
  r.sp();
  return { tag, name: 'LSUB', reference, pattern: r.listMailbox() };
};

export const mailboxParsers: ReadonlyMap<string, Parser> = new Map<string, Parser>([
  ['SELECT', select('SELECT')],
  ['EXAMINE', select('EXAMINE')],
  ['CREATE', create],
  ['DELETE', oneMailbox('DELETE')],
  ['SUBSCRIBE', oneMailbox('SUBSCRIBE')],
  ['UNSUBSCRIBE', oneMailbox('UNSUBSCRIBE')],
  ['RENAME', rename],
  ['STATUS', status],
  ['LSUB', lsub],
]);
