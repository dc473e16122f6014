// ESMTP parameters of MAIL and RCPT (RFC 5321 §4.1.2 esmtp-param) and their meanings: SIZE (RFC 1870), BODY
// (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531), RET/ENVID/NOTIFY/ORCPT (RFC 3461, RFC 6533), AUTH (RFC 4954 §5).
import { AddressSyntaxError, parseMailbox } from './address.js';
import { decodeUtf8AddrXtext, decodeXtext } from './xtext.js';

export interface EsmtpParam {
  /** Upper-case keyword. */
  keyword: string;
  value?: string;
}

/** A parameter problem: `syntax` answers 501 5.5.4, `unknown` answers 555 5.5.4 (RFC 5321 §4.1.1.11). */
export class ParamError extends Error {
  constructor(
    readonly kind: 'syntax' | 'unknown',
    message: string,
  ) {
    super(message);
    this.name = 'ParamError';
  }
}

const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** esmtp-value = 1*(%d33-60 / %d62-126), extended with UTF-8 by RFC 6531 §3.3. */
const VALUE = /^[\x21-\x3c\x3e-\x7e\u00a0-\u{10ffff}]+$/u;

/** Splits the text after a path into parameters: `KEY[=value]` separated by spaces. */
export function splitParams(text: string): EsmtpParam[] {
  const out: EsmtpParam[] = [];
  const seen = new Set<string>();
  for (const word of text.split(' ')) {
    if (word === '') continue; // tolerate repeated and trailing spaces
    const eq = word.indexOf('=');
    const keyword = (eq < 0 ? word : word.slice(0, eq)).toUpperCase();
    if (!KEYWORD.test(keyword)) throw new ParamError('syntax', `bad parameter keyword`);
    if (seen.has(keyword)) throw new ParamError('syntax', `duplicate parameter ${keyword}`);
    seen.add(keyword);
    if (eq < 0) {
      out.push({ keyword });
      continue;
    }
    const value = word.slice(eq + 1);
    if (!VALUE.test(value)) throw new ParamError('syntax', `bad value for ${keyword}`);
    out.push({ keyword, value });
  }
  return out;
}

export type BodyType = '7BIT' | '8BITMIME' | 'BINARYMIME';

export interface MailParams {
  /** Declared message size (RFC 1870); Infinity when the number is absurdly large. */
  size?: number;
  body?: BodyType;
  smtputf8: boolean;
  ret?: 'FULL' | 'HDRS';
  envid?: string;
  /** AUTH= value: a mailbox, or null for `<>` (RFC 4954 §5). */
  auth?: string | null;
}

export interface Notify {
  never: boolean;
  success: boolean;
  failure: boolean;
  delay: boolean;
}

export interface RcptParams {
  notify?: Notify;
  /** Original recipient: address type (lowercase) and decoded address. */
  orcpt?: { type: string; address: string };
}

function need(p: EsmtpParam): string {
  if (p.value === undefined) throw new ParamError('syntax', `${p.keyword} needs a value`);
  return p.value;
}

function none(p: EsmtpParam): void {
  if (p.value !== undefined) throw new ParamError('syntax', `${p.keyword} takes no value`);
}

/** RFC 3461 §4.4: ENVID is at most 100 characters of printable ASCII once decoded. */
const MAX_ENVID = 100;
/** RFC 3461 §4.2: the ORCPT address is at most 500 characters. */
const MAX_ORCPT = 500;

export function parseMailParams(params: readonly EsmtpParam[]): MailParams {
  const out: MailParams = { smtputf8: false };
  for (const p of params) {
    switch (p.keyword) {
      case 'SIZE': {
        const v = need(p);
        if (!/^\d{1,20}$/.test(v)) throw new ParamError('syntax', 'SIZE must be a number');
        const n = Number(v);
        out.size = Number.isSafeInteger(n) ? n : Infinity;
        break;
      }
      case 'BODY': {
        const v = need(p).toUpperCase();
        if (v !== '7BIT' && v !== '8BITMIME' && v !== 'BINARYMIME') throw new ParamError('syntax', 'BODY must be 7BIT, 8BITMIME or BINARYMIME');
        out.body = v;
        break;
      }
      case 'SMTPUTF8':
        none(p);
        out.smtputf8 = true;
        break;
      case 'RET': {
        const v = need(p).toUpperCase();
        if (v !== 'FULL' && v !== 'HDRS') throw new ParamError('syntax', 'RET must be FULL or HDRS');
        out.ret = v;
        break;
      }
      case 'ENVID': {
        const v = decodeXtext(need(p));
        if (v === undefined || v.length > MAX_ENVID || !/^[\x20-\x7e]*$/.test(v)) throw new ParamError('syntax', 'bad ENVID');
        out.envid = v;
        break;
      }
      case 'AUTH': {
        const v = decodeXtext(need(p));
        if (v === undefined) throw new ParamError('syntax', 'bad AUTH value');
        if (v === '<>') out.auth = null;
        else {
          try {
            out.auth = parseMailbox(v).address;
          } catch (err) {
            if (err instanceof AddressSyntaxError) throw new ParamError('syntax', 'bad AUTH mailbox');
            throw err;
          }
        }
        break;
      }
      default:
        throw new ParamError('unknown', `unsupported parameter ${p.keyword}`);
    }
  }
  return out;
}

export function parseNotify(value: string): Notify {
  const words = value.toUpperCase().split(',');
  const n: Notify = { never: false, success: false, failure: false, delay: false };
  for (const w of words) {
    if (w === 'NEVER') n.never = true;
    else if (w === 'SUCCESS') n.success = true;
    else if (w === 'FAILURE') n.failure = true;
    else if (w === 'DELAY') n.delay = true;
    else throw new ParamError('syntax', 'NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY');
  }
  if (n.never && words.length > 1) throw new ParamError('syntax', 'NOTIFY=NEVER cannot be combined');
  return n;
}

export function parseOrcpt(value: string): { type: string; address: string } {
  const semi = value.indexOf(';');
  if (semi <= 0) throw new ParamError('syntax', 'ORCPT must be addr-type;address');
  const type = value.slice(0, semi).toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(type)) throw new ParamError('syntax', 'bad ORCPT address type');
  const raw = value.slice(semi + 1);
  const address = type === 'utf-8' ? decodeUtf8AddrXtext(raw) : decodeXtext(raw);
  if (address === undefined || address.length === 0 || address.length > MAX_ORCPT) throw new ParamError('syntax', 'bad ORCPT address');
  return { type, address };
}

export function parseRcptParams(params: readonly EsmtpParam[]): RcptParams {
  const out: RcptParams = {};
  for (const p of params) {
    switch (p.keyword) {
      case 'NOTIFY':
        out.notify = parseNotify(need(p));
        break;
      case 'ORCPT':
        out.orcpt = parseOrcpt(need(p));
        break;
      default:
        throw new ParamError('unknown', `unsupported parameter ${p.keyword}`);
    }
  }
  return out;
}
