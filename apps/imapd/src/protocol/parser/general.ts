// Commands of any state and authentication (RFC 9051 §6.1-6.3.1, RFC 4959 SASL-IR, RFC 2971 ID, RFC 5161 ENABLE).
import { ImapParseError } from '../errors.js';
import type { Reader } from './reader.js';
import type { Command } from './types.js';

type Parser = (r: Reader, tag: string) => Command;

const noArguments =
  (name: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'NAMESPACE' | 'IDLE' | 'CHECK' | 'CLOSE' | 'UNSELECT'): Parser =>
  (_r, tag) => ({ tag, name });

/** Strict base64 (RFC 4648 §4, padding required): null when malformed. */
export function decodeBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const data = Buffer.from(text, 'base64');
  return data.toString('base64') === text ? data : null;
}

/**
 * A client's line during AUTHENTICATE (RFC 9051 §6.2.2): "*" cancels, otherwise base64 (an empty line is an
 * empty response). Throws ImapParseError (without tag: the session adds the AUTHENTICATE tag).
 */
export function parseSaslResponse(line: Uint8Array): { cancel: true } | { cancel: false; data: Buffer } {
  const text = Buffer.from(line).toString('latin1');
  if (text === '*') return { cancel: true };
  const data = decodeBase64(text);
  if (data === null) throw new ImapParseError('Invalid base64 in authentication response');
  return { cancel: false, data };
}

/** The line that ends IDLE (RFC 2177, RFC 9051 §6.3.13): "DONE" in any case. */
export function isIdleDone(line: Uint8Array): boolean {
  return line.length === 4 && Buffer.from(line).toString('latin1').toUpperCase() === 'DONE';
}

/** AUTHENTICATE SP auth-type [SP (base64 / "=")]. */
const authenticate: Parser = (r, tag) => {
  r.sp();
  const mechanism = r.keyword('authentication mechanism');
  let initialResponse: Buffer | null = null;
  if (r.trySp()) {
    const text = r.atom('initial response');
    if (text === '=') initialResponse = Buffer.alloc(0);
    else {
      initialResponse = decodeBase64(text);
      if (initialResponse === null) r.fail('Invalid base64 in initial response');
    }
  }
  return { tag, name: 'AUTHENTICATE', mechanism, initialResponse };
};

/** LOGIN SP userid SP password. */
const login: Parser = (r, tag) => {
  r.sp();
  const username = r.astring('user name');
  r.sp();
  const password = r.astring('password');
  return { tag, name: 'LOGIN', username, password };
};

/** ENABLE 1*(SP capability). */
const enable: Parser = (r, tag) => {
  const capabilities: string[] = [];
  do {
    r.sp();
    capabilities.push(r.keyword('capability'));
  } while (!r.atEnd());
  return { tag, name: 'ENABLE', capabilities };
};

/** RFC 2971 §3.3 limits. */
const ID_MAX_PAIRS = 30;
const ID_MAX_FIELD = 30;
const ID_MAX_VALUE = 1024;

/** ID SP ("(" [string SP nstring *(SP string SP nstring)] ")" / NIL). */
const id: Parser = (r, tag) => {
  r.sp();
  if (r.tryKeyword('NIL')) return { tag, name: 'ID', params: null };
  const params: [string, string | null][] = [];
  r.list(
    () => {
      const field = r.astring('ID field');
      r.sp();
      const value = r.nstring('ID value');
      if (Buffer.byteLength(field) > ID_MAX_FIELD) r.fail('ID field name too long');
      if (value !== null && Buffer.byteLength(value) > ID_MAX_VALUE) r.fail('ID value too long');
      params.push([field, value]);
      if (params.length > ID_MAX_PAIRS) r.fail('Too many ID fields');
    },
    true,
    'ID parameters',
  );
  return { tag, name: 'ID', params };
};

export const generalParsers: ReadonlyMap<string, Parser> = new Map<string, Parser>([
  ['CAPABILITY', noArguments('CAPABILITY')],
  ['NOOP', noArguments('NOOP')],
  ['LOGOUT', noArguments('LOGOUT')],
  ['STARTTLS', noArguments('STARTTLS')],
  ['NAMESPACE', noArguments('NAMESPACE')],
  ['IDLE', noArguments('IDLE')],
  ['CHECK', noArguments('CHECK')],
  ['CLOSE', noArguments('CLOSE')],
  ['UNSELECT', noArguments('UNSELECT')],
  ['AUTHENTICATE', authenticate],
  ['LOGIN', login],
  ['ENABLE', enable],
  ['ID', id],
]);
