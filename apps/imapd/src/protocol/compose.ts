// Response composer: typed IMAP responses → wire parts (Buffers, and streamed literals the session pipes with
// backpressure), in modified UTF-7 or UTF-8 by the session's mode.
import type { Response } from './response-types.js';
import { writeCode } from './compose/codes.js';
import { writeData } from './compose/data.js';
import { ComposeError, WireWriter } from './compose/writer.js';
import type { ComposeOptions, WirePart } from './compose/writer.js';

export { ComposeError };
export type { ComposeOptions, WirePart };

const FALLBACK_TEXT = { OK: 'Completed', NO: 'Failed', BAD: 'Error', BYE: 'Logging out', PREAUTH: 'Ready' } as const;

/**
 * The parts of one response in order. Adjacent octets are joined into one Buffer; a streamed literal is its own
 * part, preceded by its `{size}` CRLF, and the session must write exactly `size` octets from its stream.
 * Throws ComposeError for values that cannot be written (an atom with spaces, a negative number).
 */
export function compose(response: Response, options: ComposeOptions): WirePart[] {
  const w = new WireWriter(options);
  switch (response.type) {
    case 'tagged':
    case 'untagged': {
      if (response.type === 'tagged') {
        if (!/^[\x21-\x7e]+$/.test(response.tag) || response.tag.includes('+')) throw new ComposeError('bad tag');
        w.raw(response.tag);
      } else {
        w.raw('*');
      }
      w.sp().raw(response.status).sp();
      if (response.code) {
        writeCode(w, response.code);
        w.sp();
      }
      w.text(response.text, FALLBACK_TEXT[response.status]);
      break;
    }
    case 'continue':
      w.raw('+ ');
      if ('data' in response) w.raw(Buffer.from(response.data).toString('base64'));
      else w.text(response.text ?? '', 'Ready');
      break;
    default:
      writeData(w, response);
  }
  return w.finish();
}

/** The response as one Buffer; for responses without streamed literals (throws ComposeError otherwise). */
export function composeBuffer(response: Response, options: ComposeOptions): Buffer {
  const parts = compose(response, options);
  if (parts.some((p) => !Buffer.isBuffer(p))) throw new ComposeError('response has a streamed literal');
  return Buffer.concat(parts as Buffer[]);
}
