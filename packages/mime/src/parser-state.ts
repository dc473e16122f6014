// State of the structure parser: running marks, open parts, active boundaries, and the boundary match rule.
import type { HeaderCollector } from './header.js';
import type { EnvelopeData, MimePart, RegionSize } from './types.js';

/** RFC 2046 limits boundaries to 70 characters; lines are examined up to this length for a match. */
export const MAX_BOUNDARY_LEN = 70 + 2 + 2 + 10;

/** Running counts at one offset: octets, line feeds, and line feeds without a CR before them. */
export interface Mark {
  off: number;
  lf: number;
  bare: number;
}

export interface Node {
  part: MimePart;
  parent: Node | null;
  depth: number;
  collector: HeaderCollector | null;
  headerLines: number;
  contentTypeSeen: boolean;
  boundary: string | null;
  multipart: boolean;
  digest: boolean;
  rfc822: boolean;
  text: boolean;
  envelope: EnvelopeData | null;
  headerStart: Mark;
  bodyStart: Mark | null;
}

export interface Boundary {
  node: Node;
  /** "--" + boundary, as a byte string. */
  marker: string;
}

/**
 * The boundary a line starts with: the line (without its line break) must begin with "--" + boundary; the longest
 * matching boundary wins, and of equal ones the innermost.
 */
export function findBoundary(boundaries: readonly Boundary[], text: string): Boundary | null {
  if (boundaries.length === 0 || text.charCodeAt(0) !== 0x2d || text.charCodeAt(1) !== 0x2d) return null;
  let end = text.length;
  if (text.charCodeAt(end - 1) === 0x0a) {
    end--;
    if (end > 0 && text.charCodeAt(end - 1) === 0x0d) end--;
  } else if (end > MAX_BOUNDARY_LEN) end = MAX_BOUNDARY_LEN;
  let best: Boundary | null = null;
  for (let i = boundaries.length - 1; i >= 0; i--) {
    const b = boundaries[i]!;
    if (b.marker.length <= end && text.startsWith(b.marker) && (!best || best.marker.length < b.marker.length)) {
      best = b;
      if (b.marker.length === end) break;
    }
  }
  return best;
}

/** Size of the region between two marks. */
export function regionSize(a: Mark, b: Mark): RegionSize {
  return { size: b.off - a.off, lines: b.lf - a.lf, virtualSize: b.off - a.off + (b.bare - a.bare) };
}
