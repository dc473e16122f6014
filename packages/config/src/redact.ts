// Keeping secrets out of output: passwords and tokens in the configuration, passwords inside URLs.

const MASK = '********';

/** Keys whose values are secrets: `password`, `sentinel.password`, `clientSecret`, `apiToken` (not `passwordFile`). */
export function isSecretKey(key: string): boolean {
  return /(password|secret|token)$/i.test(key);
}

/** Masks the password of a URL such as redis://user:pw@host:6379/0; other text is returned unchanged. */
export function redactString(text: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([\s\S]*)$/i.exec(text);
  if (!m) return text;
  const [, scheme = '', authority = '', rest = ''] = m;
  const at = authority.lastIndexOf('@');
  const colon = authority.slice(0, Math.max(at, 0)).indexOf(':');
  if (at < 0 || colon < 0 || colon === at - 1) return text;
  return `${scheme}${authority.slice(0, colon + 1)}${MASK}${authority.slice(at)}${rest}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A copy of `value` fit to print: secret keys masked, URL passwords masked. */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redact);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, isSecretKey(k) && v !== undefined && v !== null && v !== '' ? MASK : redact(v)]),
  );
}
