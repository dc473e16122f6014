// RFC 5322 §3.4 address lists (groups, comments, quoted strings, routes, obsolete syntax) parsed as IMAP ENVELOPE wants them.
import { decodeWords } from './encoded-words.js';
import { Rfc822Cursor, type Step } from './rfc822.js';

/**
 * One entry of an address list in IMAP ENVELOPE form (RFC 3501 §7.4.2), fields as byte strings.
 * A group starts with { mailbox: group name, domain: null } and ends with every field null.
 */
export interface Address {
  name: string | null;
  route: string | null;
  mailbox: string | null;
  domain: string | null;
  /** Set when the input was not valid syntax and the entry was repaired. */
  invalid?: boolean;
}

export interface ParseAddressOptions {
  /** Put MISSING_MAILBOX / MISSING_DOMAIN / SYNTAX_ERROR / INVALID_ROUTE where parts are missing, as IMAP needs. Default true. */
  fillMissing?: boolean;
  /** Stop after this many addresses. */
  max?: number;
}

class AddressParser {
  readonly list: Address[] = [];
  private addr: Address = blank();
  readonly c: Rfc822Cursor;

  constructor(
    value: string,
    private readonly fillMissing: boolean,
  ) {
    this.c = new Rfc822Cursor(value);
  }

  private add(): void {
    const a = this.addr;
    if (!a.invalid) delete a.invalid;
    this.list.push(a);
    this.addr = blank();
  }

  private localPart(): Step {
    const out: string[] = [];
    const ret = this.c.peek() === 0x22 ? this.c.quotedString(out) : this.c.dotAtom(out);
    if (ret < 0) return -1;
    this.addr.mailbox = out.join('');
    return ret;
  }

  private domain(): Step {
    const out: string[] = [];
    const ret = this.c.domain(out);
    if (ret < 0) return -1;
    this.addr.domain = out.join('');
    return ret;
  }

  private domainList(): Step {
    const parts: string[] = [];
    for (;;) {
      if (this.c.end) return 0;
      if (this.c.peek() !== 0x40) break;
      const out: string[] = [];
      const ret = this.c.domain(out);
      parts.push('@' + out.join(''));
      if (ret <= 0) return ret;
      while (this.c.skipLwsp() > 0 && this.c.peek() === 0x2c) this.c.pos++;
    }
    this.addr.route = parts.join(',');
    return 1;
  }

  private angleAddr(): Step {
    this.c.pos++;
    if (this.c.skipLwsp() <= 0) return -1;
    if (this.c.peek() === 0x40) {
      if (this.domainList() > 0 && this.c.peek() === 0x3a) {
        this.c.pos++;
      } else {
        if (this.fillMissing) this.addr.route = 'INVALID_ROUTE';
        if (this.c.end) return -1;
      }
      if (this.c.skipLwsp() <= 0) return -1;
    }
    if (this.c.peek() !== 0x3e) {
      if (this.localPart() <= 0) return -1;
      if (this.c.peek() === 0x40 && this.domain() <= 0) return -1;
    }
    if (this.c.peek() !== 0x3e) return -1;
    this.c.pos++;
    return this.c.skipLwsp();
  }

  private nameAddr(): Step {
    const out: string[] = [];
    if (this.c.phrase(out) <= 0 || this.c.peek() !== 0x3c) return -1;
    const name = out.join('');
    this.addr.name = name === '' ? null : name;
    if (this.angleAddr() < 0) {
      if (this.fillMissing) this.addr.domain = 'SYNTAX_ERROR';
      this.addr.invalid = true;
    }
    return this.c.end ? 0 : 1;
  }

  private addrSpec(): Step {
    let ret2: Step | -2 = -2;
    this.c.lastComment = '';
    const quoted = this.c.peek() === 0x22;
    let ret = this.localPart();
    if (ret <= 0) this.addr.invalid = true;
    if (ret !== 0 && !this.c.end && this.c.peek() === 0x40) {
      ret2 = this.domain();
      if (ret2 <= 0) ret = ret2;
    }
    if (this.c.lastComment.length > 0) {
      this.addr.name = this.c.lastComment;
    } else if (ret2 === -2) {
      // "user" alone is a mailbox; "user more words" is a display name
      const out: string[] = [];
      this.c.phrase(out);
      const rest = out.join('');
      if (rest.length > 0) {
        this.addr.name = `${this.addr.mailbox ?? ''} ${rest}`;
        this.addr.mailbox = null;
      } else if (!quoted) {
        this.addr.domain = '';
      }
      this.addr.invalid = true;
      ret = -1;
    }
    return ret;
  }

  private addFixed(): void {
    if (this.addr.mailbox === null) {
      this.addr.mailbox = this.fillMissing ? 'MISSING_MAILBOX' : '';
      this.addr.invalid = true;
    }
    if (this.addr.domain === null || this.addr.domain === '') {
      this.addr.domain = this.fillMissing ? 'MISSING_DOMAIN' : '';
      this.addr.invalid = true;
    }
    this.add();
  }

  private mailbox(): Step {
    const start = this.c.pos;
    let ret = this.nameAddr();
    if (ret < 0) {
      this.c.pos = start;
      this.addr = blank();
      ret = this.addrSpec();
      const a = this.addr;
      if (a.invalid && a.name === null && a.mailbox !== null && a.domain === null) {
        a.name = a.mailbox;
        a.mailbox = null;
      }
    }
    if (ret < 0) this.addr.invalid = true;
    this.addFixed();
    return ret;
  }

  private group(): Step {
    const out: string[] = [];
    if (this.c.phrase(out) <= 0 || this.c.peek() !== 0x3a) return -1;
    this.c.pos++;
    let ret: Step = this.c.skipLwsp();
    if (ret <= 0) this.addr.invalid = true;
    this.addr.mailbox = out.join('');
    this.add();
    if (ret > 0 && this.c.peek() !== 0x3b) {
      for (;;) {
        this.mailbox();
        if (this.c.end || this.c.peek() !== 0x2c) break;
        this.c.pos++;
        if (this.c.skipLwsp() <= 0) {
          ret = -1;
          break;
        }
      }
    }
    if (ret >= 0) {
      if (this.c.end || this.c.peek() !== 0x3b) ret = -1;
      else {
        this.c.pos++;
        ret = this.c.skipLwsp();
      }
    }
    if (ret < 0) this.addr.invalid = true;
    this.add();
    return ret === 0 ? 0 : 1;
  }

  private address(): Step {
    const start = this.c.pos;
    const ret = this.group();
    if (ret >= 0) return ret;
    this.c.pos = start;
    this.addr = blank();
    return this.mailbox();
  }

  parseList(max: number): void {
    if (this.c.skipLwsp() <= 0) return;
    while (max-- > 0) {
      if (this.address() === 0) break;
      if (this.c.end || this.c.peek() !== 0x2c) break;
      this.c.pos++;
      const ret = this.c.skipLwsp();
      if (ret <= 0) {
        if (ret < 0) this.addFixed();
        break;
      }
    }
  }
}

function blank(): Address {
  return { name: null, route: null, mailbox: null, domain: null, invalid: false };
}

/** Parses an address-list header value (byte string) into IMAP ENVELOPE address entries. */
export function parseAddresses(value: string, options: ParseAddressOptions = {}): Address[] {
  const parser = new AddressParser(value, options.fillMissing ?? true);
  parser.parseList(options.max ?? Number.MAX_SAFE_INTEGER);
  return parser.list;
}

/** A mailbox with its display name decoded to UTF-8. */
export interface Mailbox {
  name: string;
  /** local@domain, the octets read as UTF-8. */
  address: string;
  group?: string;
}

/**
 * The mailboxes of an address-list header for programs (loop detection, recipients): group members carry the
 * group's name; entries without a local part or a domain are dropped; display names and group names are
 * RFC 2047-decoded.
 */
export function mailboxes(value: string): Mailbox[] {
  const out: Mailbox[] = [];
  let group: string | undefined;
  for (const a of parseAddresses(value, { fillMissing: false })) {
    if (a.domain === null) {
      group = a.mailbox === null ? undefined : decodeWords(a.mailbox);
      continue;
    }
    if (!a.mailbox || !a.domain) continue;
    const address = `${Buffer.from(a.mailbox, 'latin1').toString('utf8')}@${Buffer.from(a.domain, 'latin1').toString('utf8')}`;
    const m: Mailbox = { name: a.name === null ? '' : decodeWords(a.name), address };
    if (group !== undefined) m.group = group;
    out.push(m);
  }
  return out;
}
