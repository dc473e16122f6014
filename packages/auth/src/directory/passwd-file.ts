// The user file in Dovecot passwd-file format: `user:password:uid:gid:gecos:home:shell:extra_fields`, where
// extra_fields are space-separated key=value pairs (userdb_ prefix for userdb fields, e.g. userdb_quota_rule).
import type { SourceProblem } from './errors.js';
import { DirectoryError } from './errors.js';
import { logicalLines } from './text-lines.js';
import type { Quota } from './types.js';

/** One extra field; `value` is undefined for a bare flag such as `nologin`. */
export type ExtraField = [key: string, value: string | undefined];

export interface PasswdEntry {
  /** Physical line index (0-based). */
  line: number;
  user: string;
  /** Password normalised to `{SCHEME}data` (or '' when empty). */
  password: string;
  uid: string;
  gid: string;
  gecos: string;
  home: string;
  shell: string;
  extra: ExtraField[];
}

/**
 * Normalises the password field as Dovecot reads it: `{SCHEME}data` as is; `data[13]` and bare data are CRYPT,
 * `data[34]` is MD5-CRYPT (the libpam-pwdfile forms).
 */
export function normalizePasswordField(field: string): string {
  if (field === '') return '';
  if (/^\{[A-Za-z0-9._-]+\}/.test(field)) return field;
  const pam = /^(.*)\[(13|34)\]$/.exec(field);
  if (pam) return `${pam[2] === '13' ? '{CRYPT}' : '{MD5-CRYPT}'}${pam[1]}`;
  return `{CRYPT}${field}`;
}

export function parseExtraFields(text: string): ExtraField[] {
  return text
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w): ExtraField => {
      const eq = w.indexOf('=');
      return eq < 0 ? [w, undefined] : [w.slice(0, eq), w.slice(eq + 1)];
    });
}

export function formatExtraFields(fields: readonly ExtraField[]): string {
  return fields.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join(' ');
}

/** Parses the whole file. Lines without a user and password field are reported and skipped. */
export function parsePasswdFile(lines: readonly string[], file: string): { entries: PasswdEntry[]; problems: SourceProblem[] } {
  const entries: PasswdEntry[] = [];
  const problems: SourceProblem[] = [];
  for (const l of logicalLines(lines, false)) {
    const fields = l.text.split(':');
    if (fields.length < 2 || fields[0]!.trim() === '') {
      problems.push({ file, line: l.start + 1, message: 'expected user:password[:uid:gid:gecos:home:shell:extra_fields]' });
      continue;
    }
    const [user, password, uid = '', gid = '', gecos = '', home = '', shell = ''] = fields;
    entries.push({
      line: l.start,
      user: user!.trim(),
      password: normalizePasswordField(password!),
      uid,
      gid,
      gecos,
      home,
      shell,
      extra: parseExtraFields(fields.slice(7).join(':')),
    });
  }
  return { entries, problems };
}

/** Renders an entry as one line. Throws INVALID_VALUE for a field that would break the format. */
export function formatPasswdEntry(e: Omit<PasswdEntry, 'line'>): string {
  const plain = [e.user, e.password, e.uid, e.gid, e.gecos, e.home, e.shell];
  for (const f of plain) {
    if (/[:\n\r\0]/.test(f)) throw new DirectoryError('INVALID_VALUE', `a passwd-file field cannot contain ':' or a line break: '${f}'`);
  }
  if (e.user.startsWith('#') || /^\s/.test(e.user)) throw new DirectoryError('INVALID_VALUE', `a user name cannot start with '#' or a blank: '${e.user}'`);
  for (const [k, v] of e.extra) {
    if (/[\s=]/.test(k) || (v !== undefined && /\s/.test(v))) throw new DirectoryError('INVALID_VALUE', `an extra field cannot contain blanks: '${k}'`);
  }
  return `${plain.join(':')}:${formatExtraFields(e.extra)}`;
}

const UNITS: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Dovecot size: number with an optional B/K/M/G/T suffix (any case, optional trailing B); `defaultUnit` without suffix. */
export function parseDovecotSize(text: string, defaultUnit: number): number | null {
  const m = /^(\d+)\s*([bkmgt])?(?:i?b)?$/i.exec(text.trim());
  if (!m) return null;
  const unit = m[2] ? UNITS[m[2].toUpperCase()]! : defaultUnit;
  return Number(m[1]) * unit;
}

/** Largest exact unit: 1073741824 → 1G, 1536 → 1536B. */
export function formatDovecotSize(bytes: number): string {
  for (const u of ['T', 'G', 'M', 'K'] as const) {
    const unit = UNITS[u]!;
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${u}`;
  }
  return `${bytes}B`;
}

/** Whether a `quota_rule` value is a default rule (`*` or `?`) rather than one for a single mailbox. */
function isDefaultRule(value: string): boolean {
  const name = value.split(':')[0];
  return name === '*' || name === '?';
}

/**
 * The account's quota from its extra fields: Dovecot 2.3 `userdb_quota_rule[N]=*:storage=1G:messages=1000`
 * (storage in KiB without suffix, bytes= in bytes) or Dovecot 2.4 `userdb_quota_storage_size` /
 * `userdb_quota_message_count`. Mailbox-specific rules (Trash:storage=+100M) do not change the account's limit.
 */
export function quotaFromExtra(extra: readonly ExtraField[], report: (message: string) => void): Quota {
  const quota: Quota = {};
  for (const [key, value] of extra) {
    if (value === undefined) continue;
    if (/^userdb_quota_rule\d*$/.test(key)) {
      if (!isDefaultRule(value)) continue;
      for (const limit of value.split(':').slice(1)) {
        const eq = limit.indexOf('=');
        const name = eq < 0 ? limit : limit.slice(0, eq);
        const arg = eq < 0 ? '' : limit.slice(eq + 1);
        if (name === 'ignore' || name === 'backend') continue;
        const size = name === 'storage' ? parseDovecotSize(arg, 1024) : name === 'bytes' || name === 'messages' ? parseDovecotSize(arg, 1) : null;
        if (size === null) {
          report(`${key}: cannot read limit '${limit}'`);
          continue;
        }
        if (name === 'messages') quota.messages = size;
        else quota.bytes = size;
      }
    } else if (key === 'userdb_quota_storage_size') {
      const size = parseDovecotSize(value, 1);
      if (size === null) report(`${key}: cannot read size '${value}'`);
      else quota.bytes = size;
    } else if (key === 'userdb_quota_message_count') {
      const n = parseDovecotSize(value, 1);
      if (n === null) report(`${key}: cannot read count '${value}'`);
      else quota.messages = n;
    }
  }
  // 0 means unlimited in Dovecot.
  if (quota.bytes === 0) delete quota.bytes;
  if (quota.messages === 0) delete quota.messages;
  return quota;
}

/** Extra fields with the account-wide quota replaced by `quota` (written in the Dovecot 2.3 form). */
export function withQuota(extra: readonly ExtraField[], quota: Quota): ExtraField[] {
  const kept = extra.filter(
    ([k, v]) =>
      !(/^userdb_quota_rule\d*$/.test(k) && v !== undefined && isDefaultRule(v)) &&
      k !== 'userdb_quota_storage_size' &&
      k !== 'userdb_quota_message_count',
  );
  const limits: string[] = [];
  if (quota.bytes !== undefined) limits.push(quota.bytes % 1024 === 0 ? `storage=${formatDovecotSize(quota.bytes)}` : `bytes=${quota.bytes}`);
  if (quota.messages !== undefined) limits.push(`messages=${quota.messages}`);
  if (limits.length) kept.push(['userdb_quota_rule', `*:${limits.join(':')}`]);
  return kept;
}

/** Whether logins are refused (`nologin` passdb extra field). */
export function isDisabled(extra: readonly ExtraField[]): boolean {
  return extra.some(([k]) => k === 'nologin');
}

export function withEnabled(extra: readonly ExtraField[], enabled: boolean): ExtraField[] {
  const kept = extra.filter(([k]) => k !== 'nologin' && !(enabled && k === 'reason'));
  if (!enabled) kept.push(['nologin', 'y']);
  return kept;
}
