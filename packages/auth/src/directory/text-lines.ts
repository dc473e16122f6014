// Line handling shared by the directory's text files: logical lines with comments and continuation lines
// (Postfix table and aliases(5) rules), and edits that keep every line they do not touch.

/** A logical line: its text with continuations joined by one space, and the physical lines it spans. */
export interface LogicalLine {
  text: string;
  /** Index of the first physical line (0-based). */
  start: number;
  /** Index one past the last physical line that belongs to it. */
  end: number;
}

/** Physical lines of a file, without line terminators (CRLF tolerated). A final newline adds no line. */
export function physicalLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function isBlankOrComment(line: string): boolean {
  const t = line.trimStart();
  return t === '' || t.startsWith('#');
}

/**
 * Groups physical lines into logical lines. Empty lines and lines whose first non-blank character is '#'
 * are ignored. With `continuation`, a line starting with whitespace continues the previous logical line.
 */
export function logicalLines(lines: readonly string[], continuation: boolean): LogicalLine[] {
  const out: LogicalLine[] = [];
  let current: LogicalLine | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlankOrComment(line)) continue;
    if (continuation && /^\s/.test(line) && current) {
      current.text += ` ${line.trim()}`;
      current.end = i + 1;
      continue;
    }
    current = { text: continuation ? line.trim() : line, start: i, end: i + 1 };
    out.push(current);
  }
  return out;
}

/** Replaces physical lines [start, end) with `replacement` (none to delete); returns the new list. */
export function spliceLines(lines: readonly string[], start: number, end: number, replacement: string[]): string[] {
  return [...lines.slice(0, start), ...replacement, ...lines.slice(end)];
}

/** Joins physical lines into file text with a final newline. */
export function joinLines(lines: readonly string[]): string {
  return lines.length ? `${lines.join('\n')}\n` : '';
}
