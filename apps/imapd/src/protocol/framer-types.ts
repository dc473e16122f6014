// Types of the framer's interface: its limits, the command units it produces and the events it reports.
import type { FramerError } from './errors.js';

export interface FramerLimits {
  /** Longest line of command text in octets, CRLF included (config limits.lineLength). */
  maxLineLength: number;
  /** Largest literal accepted at all, streamed or buffered (config limits.literalSize). */
  maxLiteralSize: number;
  /**
   * Most octets of one command held in memory: its lines, the literals the session buffers and a small charge per
   * literal; the last line of a command counts against maxLineLength only.
   */
  maxCommandSize: number;
  /** Largest {n+}: Infinity with LITERAL+, 4096 with LITERAL- (RFC 7888) or IMAP4rev2 alone (RFC 9051 §4.3). */
  maxNonSyncLiteral: number;
  /**
   * Most octets read and thrown away to stay in step after refusing a literal the client sends without waiting
   * ({n+}); beyond it the error is fatal and the connection closes (RFC 7888 §4 allows either).
   */
  maxDiscard: number;
}

export const DEFAULT_FRAMER_LIMITS: FramerLimits = {
  maxLineLength: 8192,
  maxLiteralSize: 50 * 1024 * 1024,
  maxCommandSize: 64 * 1024,
  maxNonSyncLiteral: Infinity,
  maxDiscard: 1024 * 1024,
};

export interface UnitLiteral {
  readonly size: number;
  /** literal8 (~{n}, RFC 3516). */
  readonly binary: boolean;
  readonly sync: boolean;
  /** The octets, or null when the session streamed the literal (literal-data events). */
  readonly data: Buffer | null;
}

/** One command: segments[i] is the text before literals[i]; the last segment ends the command. CRLFs removed. */
export interface CommandUnit {
  readonly segments: readonly Buffer[];
  readonly literals: readonly UnitLiteral[];
  /** Octets the command took on the wire. */
  readonly size: number;
}

export interface LiteralAnnouncement {
  readonly tag: string | null;
  /** Upper-case command name ("APPEND", "UID FETCH"), null when unreadable. */
  readonly command: string | null;
  /** Position of this literal in the command (0 for the first). */
  readonly index: number;
  readonly size: number;
  /** The client waits for `+` before sending the octets. */
  readonly sync: boolean;
  readonly binary: boolean;
  /** Buffering it keeps the command within maxCommandSize; otherwise it can only be streamed or refused. */
  readonly bufferable: boolean;
  /** The command so far: text before this literal, and the literals before it. */
  readonly segments: readonly Buffer[];
}

export type FramerEvent =
  | { type: 'command'; unit: CommandUnit }
  /** A plain line asked for with expectLine() (IDLE's DONE, AUTHENTICATE responses). */
  | { type: 'line'; line: Buffer }
  /** The framer waits for accept() or reject() before reading on. */
  | { type: 'literal'; literal: LiteralAnnouncement }
  | { type: 'literal-data'; index: number; data: Buffer }
  | { type: 'literal-end'; index: number; size: number; hasNul: boolean }
  | { type: 'error'; error: FramerError };
