// Response codes (RFC 9051 §7.1, RFC 4315 UIDPLUS, RFC 7162 CONDSTORE, RFC 5530): typed code → "[CODE args]".
import { compressInOrder, compressSequence } from '../sequence.js';
import type { ResponseCode } from '../response-types.js';
import { ComposeError } from './writer.js';
import type { WireWriter } from './writer.js';

function uidSet(w: WireWriter, uids: readonly number[], what: string): void {
  if (uids.length === 0) throw new ComposeError(`${what} needs at least one UID`);
  for (const uid of uids) if (!Number.isSafeInteger(uid) || uid < 1) throw new ComposeError(`bad UID in ${what}`);
  w.raw(compressInOrder(uids));
}

/** Writes "[CODE ...]" (without the following space). */
export function writeCode(w: WireWriter, code: ResponseCode): void {
  w.raw('[').raw(code.code);
  switch (code.code) {
    case 'UIDVALIDITY':
    case 'UIDNEXT':
    case 'UNSEEN':
    case 'HIGHESTMODSEQ':
      w.sp().number(code.value);
      break;
    case 'APPENDUID':
      w.sp().number(code.uidValidity).sp();
      uidSet(w, code.uids, 'APPENDUID');
      break;
    case 'COPYUID':
      if (code.source.length !== code.destination.length) throw new ComposeError('COPYUID sets differ in length');
      w.sp().number(code.uidValidity).sp();
      uidSet(w, code.source, 'COPYUID');
      w.sp();
      uidSet(w, code.destination, 'COPYUID');
      break;
    case 'PERMANENTFLAGS':
      w.sp().list(code.flags, (f) => w.flag(f));
      break;
    case 'CAPABILITY':
      for (const capability of code.capabilities) w.sp().atom(capability);
      break;
    case 'BADCHARSET':
      if (code.charsets.length > 0) w.sp().list(code.charsets, (c) => w.astring(c));
      break;
    case 'MODIFIED':
      if (code.set.length === 0) throw new ComposeError('MODIFIED needs at least one number');
      w.sp().raw(compressSequence(code.set));
      break;
    default:
      break;
  }
  w.raw(']');
}
