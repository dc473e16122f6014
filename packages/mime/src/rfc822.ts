// RFC 5322 / RFC 2045 lexical tokens (atoms, quoted strings, comments, domains, MIME tokens and parameters) over byte strings.
//
// Every string handled here is a "byte string": one UTF-16 code unit per octet (latin1), so raw 8-bit header
// bytes survive unchanged. The rules follow RFC 5322 §3.2 with the obsolete-syntax tolerance real mail needs.

const ATEXT = 1;
const TSPECIAL = 2;

/** Character classes: ATEXT for RFC 5322 atext (8-bit octets included), TSPECIAL for atext that RFC 2045 excludes from tokens. */
const CLASS = new Uint8Array(256);
for (let c = 0x21; c < 0x7f; c++) CLASS[c] = ATEXT;
for (const ch of '()<>[]:;@\\,."') CLASS[ch.charCodeAt(0)] = 0;
for (const ch of '/=?') CLASS[ch.charCodeAt(0)] = ATEXT | TSPECIAL;
for (let c = 0x80; c < 0x100; c++) CLASS[c] = ATEXT;

export function isAtext(code: number): boolean {
  return code < 256 && (CLASS[code]! & ATEXT) !== 0;
}

function isTokenChar(code: number): boolean {
  return code === 0x2e || (code < 256 && CLASS[code] === ATEXT);
}

/** Result of a token read: -1 broken, 0 input ended, 1 more input follows. */
export type Step = -1 | 0 | 1;

/** A cursor over one header value, with the text of the last comment skipped (RFC 5322 §3.2.2). */
export class Rfc822Cursor {
  pos = 0;
  lastComment = '';

  constructor(readonly data: string) {}

  get end(): boolean {
    return this.pos >= this.data.length;
  }

  peek(): number {
    return this.pos < this.data.length ? this.data.charCodeAt(this.pos) : -1;
  }

  private more(): Step {
    return this.pos < this.data.length ? 1 : 0;
  }

  /** Skips a (possibly nested) comment; the cursor is at '('. */
  skipComment(): Step {
    let level = 1;
    let text = '';
    let start = ++this.pos;
    for (; this.pos < this.data.length; this.pos++) {
      const c = this.data.charCodeAt(this.pos);
      if (c === 0x28) level++;
      else if (c === 0x29) {
        if (--level === 0) {
          this.lastComment = text + this.data.slice(start, this.pos);
          this.pos++;
          return this.more();
        }
      } else if (c === 0x5c) {
        text += this.data.slice(start, this.pos);
        start = this.pos + 1;
        this.pos++;
        if (this.pos >= this.data.length) return -1;
      }
    }
    return -1;
  }

  /** Skips whitespace, line breaks and comments. */
  skipLwsp(): Step {
    while (this.pos < this.data.length) {
      const c = this.data.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
        this.pos++;
        continue;
      }
      if (c !== 0x28) break;
      if (this.skipComment() < 0) return -1;
    }
    return this.more();
  }

  /** atom = [CFWS] 1*atext [CFWS] */
  atom(out: string[]): Step {
    if (!isAtext(this.peek())) return -1;
    const start = this.pos++;
    while (this.pos < this.data.length && isAtext(this.data.charCodeAt(this.pos))) this.pos++;
    out.push(this.data.slice(start, this.pos));
    return this.pos < this.data.length ? this.skipLwsp() : 0;
  }

  /** dot-atom, allowing whitespace and comments around the dots as RFC 822 did. */
  dotAtom(out: string[]): Step {
    if (!isAtext(this.peek())) return -1;
    let start = this.pos++;
    while (this.pos < this.data.length) {
      if (isAtext(this.data.charCodeAt(this.pos))) {
        this.pos++;
        continue;
      }
      out.push(this.data.slice(start, this.pos));
      let ret = this.skipLwsp();
      if (ret <= 0) return ret;
      if (this.peek() !== 0x2e) return 1;
      this.pos++;
      out.push('.');
      ret = this.skipLwsp();
      if (ret <= 0) return ret;
      start = this.pos;
    }
    out.push(this.data.slice(start, this.pos));
    return 0;
  }

  /** RFC 2045 token; dots are accepted as many senders use them. */
  mimeToken(out: string[]): Step {
    const start = this.pos;
    while (this.pos < this.data.length && isTokenChar(this.data.charCodeAt(this.pos))) this.pos++;
    out.push(this.data.slice(start, this.pos));
    return this.pos < this.data.length ? this.skipLwsp() : 0;
  }

  /** quoted-string; the cursor is at '"'. Folding line breaks are removed, quoted pairs unescaped. */
  quotedString(out: string[]): Step {
    this.pos++;
    let start = this.pos;
    let text = '';
    for (; this.pos < this.data.length; this.pos++) {
      const c = this.data.charCodeAt(this.pos);
      if (c === 0x22) {
        out.push(text + this.data.slice(start, this.pos));
        this.pos++;
        return this.skipLwsp();
      }
      if (c === 0x0a) {
        let chunk = this.data.slice(start, this.pos);
        if (chunk.endsWith('\r')) chunk = chunk.slice(0, -1);
        text += chunk;
        start = this.pos + 1;
      } else if (c === 0x5c) {
        this.pos++;
        if (this.pos >= this.data.length) return -1;
        text += this.data.slice(start, this.pos - 1);
        start = this.pos;
      }
    }
    return -1;
  }

  private atomOrDot(out: string[]): Step {
    const start = this.pos;
    while (this.pos < this.data.length) {
      const c = this.data.charCodeAt(this.pos);
      if (isAtext(c) || c === 0x2e) this.pos++;
      else break;
    }
    out.push(this.data.slice(start, this.pos));
    return this.pos < this.data.length ? this.skipLwsp() : 0;
  }

  /** phrase = 1*word / obs-phrase; words are joined with single spaces. */
  phrase(out: string[]): Step {
    if (this.end) return 0;
    if (this.peek() === 0x2e) return -1;
    const words: string[] = [];
    for (;;) {
      const word: string[] = [];
      const ret = this.peek() === 0x22 ? this.quotedString(word) : this.atomOrDot(word);
      words.push(word.join(''));
      if (ret <= 0) {
        out.push(words.join(' '));
        return ret;
      }
      const c = this.peek();
      if (!isAtext(c) && c !== 0x22 && c !== 0x2e) break;
    }
    out.push(words.join(' '));
    return this.skipLwsp();
  }

  private domainLiteral(out: string[]): Step {
    const start = this.pos;
    for (; this.pos < this.data.length; this.pos++) {
      const c = this.data.charCodeAt(this.pos);
      if (c === 0x5c) {
        this.pos++;
        if (this.pos >= this.data.length) break;
      } else if (c === 0x5d) {
        this.pos++;
        out.push(this.data.slice(start, this.pos));
        return this.skipLwsp();
      }
    }
    return -1;
  }

  /** domain after '@'; the cursor is at '@'. */
  domain(out: string[]): Step {
    this.pos++;
    if (this.skipLwsp() <= 0) return -1;
    return this.peek() === 0x5b ? this.domainLiteral(out) : this.dotAtom(out);
  }

  /**
   * type "/" subtype of a Content-Type value. On a syntax error after the type token the output is empty;
   * a lone token at the end of the value is kept (both as Dovecot reports them).
   */
  contentType(out: string[]): Step {
    if (this.skipLwsp() <= 0) return -1;
    const main: string[] = [];
    if (this.mimeToken(main) <= 0) {
      out.push(main.join(''));
      return -1;
    }
    if (this.peek() !== 0x2f) return -1;
    this.pos++;
    if (this.skipLwsp() <= 0) return -1;
    const sub: string[] = [];
    const ret = this.mimeToken(sub);
    out.push(`${main.join('')}/${sub.join('')}`);
    return ret;
  }

  /** One `; attribute=value` parameter: null at the end of input, 'broken' for syntax errors. */
  contentParam(): { key: string; value: string } | null | 'broken' {
    if (this.end) return null;
    if (this.peek() !== 0x3b) return 'broken';
    this.pos++;
    if (this.skipLwsp() <= 0) return 'broken';
    const key: string[] = [];
    if (this.mimeToken(key) <= 0) return 'broken';
    if (this.peek() !== 0x3d) return 'broken';
    this.pos++;
    const value: string[] = [];
    let ret = this.skipLwsp();
    if (ret <= 0) {
      // broken or missing value
    } else if (this.peek() === 0x22) {
      ret = this.quotedString(value);
    } else if (this.peek() === 0x3d) {
      // name==?utf-8?b?...?= written without quotes
      const start = this.pos;
      while (this.pos < this.data.length && !';\t\r\n '.includes(this.data[this.pos]!)) this.pos++;
      value.push(this.data.slice(start, this.pos));
    } else {
      ret = this.mimeToken(value);
    }
    return ret < 0 ? 'broken' : { key: key.join(''), value: value.join('') };
  }
}
