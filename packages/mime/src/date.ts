// Date header values (RFC 5322 §3.3 with the obsolete forms of RFC 822 and common real-world deviations).

export interface ParsedDate {
  /** The instant, in milliseconds since the epoch (UTC). */
  time: number;
  /** The zone offset written in the header, in minutes east of UTC (0 for -0000 and unknown zones). */
  offsetMinutes: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 822 §5 zone names; military single letters are treated as -0000 as RFC 5322 §4.3 advises. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

/**
 * Parses a Date header value: `[day-of-week ","] day month year hour ":" minute [":" second] zone`, with comments
 * and folding ignored, two- and three-digit years mapped as RFC 5322 §4.3 says, and a missing zone read as UTC.
 * Returns null when the value is not a date.
 */
export function parseDate(value: string): ParsedDate | null {
  // comments out, whitespace runs collapsed and the length bounded, so the pattern below cannot backtrack badly
  const text = value
    .slice(0, 1000)
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
    .toLowerCase();
  const m =
    /^(?:[a-z]+\s*,?\s*)?(\d{1,2})[\s-]*([a-z]{3})[a-z]*[\s-]*(\d{2,4})\s+(\d{1,2})\s*:\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?(?:\s*\.\d+)?\s*([+-]\d{4}|[+-]\d{2}:?\d{2}|[a-z]+)?/.exec(
      text,
    );
  if (!m) return null;
  const day = Number(m[1]);
  const month = MONTHS.indexOf(m[2]!);
  let year = Number(m[3]);
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (m[3]!.length === 3) year += 1900;
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let offset = 0;
  const zone = m[7];
  if (zone !== undefined) {
    if (/^[+-]/.test(zone)) {
      const digits = zone.replace(':', '');
      const sign = digits[0] === '-' ? -1 : 1;
      const hh = Number(digits.slice(1, 3));
      const mm = Number(digits.slice(3, 5));
      if (mm > 59) return null;
      offset = sign * (hh * 60 + mm);
    } else {
      offset = ZONES[zone] ?? 0;
    }
  }
  const utc = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  if (Number.isNaN(utc)) return null;
  return { time: utc - offset * 60_000, offsetMinutes: offset };
}
