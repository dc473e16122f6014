// IMAP framer: bytes from the client → complete command units (lines with their literals), with every size limit
// enforced before anything is buffered; large literals (APPEND) stream through as chunks.
import { FramerError } from './errors.js';
import { DEFAULT_FRAMER_LIMITS } from './framer-types.js';
import type { CommandUnit, FramerEvent, FramerLimits, LiteralAnnouncement, UnitLiteral } from './framer-types.js';
import { commandHead, literalMarker } from './line.js';

export { DEFAULT_FRAMER_LIMITS };
export type { CommandUnit, FramerEvent, FramerLimits, LiteralAnnouncement, UnitLiteral };

/**
 * What each literal costs against maxCommandSize besides its line and octets, so that a command made of many
 * empty literals cannot grow without bound.
 */
const LITERAL_OVERHEAD = 32;

/** Bytes of a discarded line kept to see whether it ended in a literal marker. */
const TAIL = 64;

type State =
  | { kind: 'line' }
  | { kind: 'decide'; literal: LiteralAnnouncement }
  | { kind: 'buffer'; literal: LiteralAnnouncement; data: Buffer; filled: number }
  | { kind: 'stream'; literal: LiteralAnnouncement; remaining: number; hasNul: boolean }
  | { kind: 'skip'; remaining: number }
  | { kind: 'discard'; tail: Buffer }
  | { kind: 'closed' };

/**
 * Pull-based framer: push() stores input, next() returns one event at a time or undefined when it needs more
 * input or a decision on an announced literal. Pushed buffers are handed out as literal chunks without copying,
 * so they must not be reused by the caller.
 *
 * Per literal the session decides: accept('buffer') keeps it in the command (within maxCommandSize),
 * accept('stream') emits it as literal-data chunks (APPEND to storage), reject() refuses it after the session
 * has answered NO/BAD (a synchronising literal is then never sent; a {n+} one is read and thrown away).
 */
export class Framer {
  readonly limits: FramerLimits;
  private chunks: Buffer[] = [];
  private offset = 0;
  private pending = 0;
  private acc: Buffer[] = [];
  private accLength = 0;
  private segments: Buffer[] = [];
  private literals: UnitLiteral[] = [];
  private buffered = 0;
  private wire = 0;
  private tag: string | null = null;
  private plainLine = false;
  private state: State = { kind: 'line' };

  constructor(limits: Partial<FramerLimits> = {}) {
    this.limits = { ...DEFAULT_FRAMER_LIMITS, ...limits };
    if (this.limits.maxLineLength < 3) throw new RangeError('maxLineLength too small');
  }

  /** Octets received and not yet framed: pause the socket when this grows. */
  get pendingBytes(): number {
    return this.pending;
  }

  /** An announced literal waits for accept() or reject(). */
  get awaitingDecision(): LiteralAnnouncement | null {
    return this.state.kind === 'decide' ? this.state.literal : null;
  }

  /** After a fatal error the framer reads nothing more. */
  get closed(): boolean {
    return this.state.kind === 'closed';
  }

  push(chunk: Buffer): void {
    if (this.state.kind === 'closed' || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.pending += chunk.length;
  }

  /** The next line is returned as a plain `line` event, with no literal handling. Only between commands. */
  expectLine(): void {
    if (this.state.kind !== 'line' || this.segments.length > 0) throw new Error('expectLine() in the middle of a command');
    this.plainLine = true;
  }

  /** Drops all buffered input and any command in progress (after STARTTLS). Returns the octets dropped. */
  reset(): number {
    const dropped = this.pending;
    this.chunks = [];
    this.offset = 0;
    this.pending = 0;
    this.acc = [];
    this.accLength = 0;
    this.plainLine = false;
    this.resetUnit();
    if (this.state.kind !== 'closed') this.state = { kind: 'line' };
    return dropped;
  }

  accept(mode: 'buffer' | 'stream' = 'buffer'): void {
    const state = this.state;
    if (state.kind !== 'decide') throw new Error('accept() without an announced literal');
    const literal = state.literal;
    if (mode === 'buffer') {
      if (!literal.bufferable) throw new RangeError('literal does not fit in the command buffer');
      this.buffered += literal.size;
      this.state = { kind: 'buffer', literal, data: Buffer.alloc(literal.size), filled: 0 };
    } else {
      this.state = { kind: 'stream', literal, remaining: literal.size, hasNul: false };
    }
  }

  /**
   * Refuses the announced literal and the rest of its command. Returns false when the connection must close:
   * a {n+} literal larger than maxDiscard is already on its way and will not be read.
   */
  reject(): boolean {
    const state = this.state;
    if (state.kind !== 'decide') throw new Error('reject() without an announced literal');
    this.resetUnit();
    return this.refuse(state.literal.sync, state.literal.size);
  }

  next(): FramerEvent | undefined {
    for (;;) {
      const state = this.state;
      switch (state.kind) {
        case 'closed':
        case 'decide':
          return undefined;
        case 'line': {
          const event = this.readLine();
          if (event !== null) return event;
          if (this.state === state) return undefined;
          break;
        }
        case 'buffer': {
          if (state.filled < state.data.length) {
            const piece = this.take(state.data.length - state.filled);
            if (!piece) return undefined;
            piece.copy(state.data, state.filled);
            state.filled += piece.length;
            continue;
          }
          this.literals.push({ size: state.data.length, binary: state.literal.binary, sync: state.literal.sync, data: state.data });
          this.state = { kind: 'line' };
          break;
        }
        case 'stream': {
          if (state.remaining === 0) {
            const { literal } = state;
            this.literals.push({ size: literal.size, binary: literal.binary, sync: literal.sync, data: null });
            this.state = { kind: 'line' };
            return { type: 'literal-end', index: literal.index, size: literal.size, hasNul: state.hasNul };
          }
          const piece = this.take(state.remaining);
          if (!piece) return undefined;
          state.remaining -= piece.length;
          if (!state.hasNul && piece.includes(0)) state.hasNul = true;
          return { type: 'literal-data', index: state.literal.index, data: piece };
        }
        case 'skip': {
          if (state.remaining > 0) {
            const piece = this.take(state.remaining);
            if (!piece) return undefined;
            state.remaining -= piece.length;
            continue;
          }
          this.state = { kind: 'discard', tail: Buffer.alloc(0) };
          break;
        }
        case 'discard': {
          const event = this.discardLine(state);
          if (event) return event;
          if (this.state === state) return undefined;
          break;
        }
      }
    }
  }

  /** Reads lines of command text until one yields an event; null when it needs more input. */
  private readLine(): FramerEvent | null {
    const limit = this.limits.maxLineLength - 1;
    for (;;) {
      const chunk = this.chunks[0];
      if (!chunk) return null;
      const lf = chunk.indexOf(0x0a, this.offset);
      const end = lf < 0 ? chunk.length : lf;
      if (this.accLength + (end - this.offset) > limit) return this.overflow(chunk, end);
      if (end > this.offset) {
        this.acc.push(chunk.subarray(this.offset, end));
        this.accLength += end - this.offset;
      }
      this.consume(chunk, end + (lf < 0 ? 0 : 1));
      if (lf < 0) continue;
      const event = this.completeLine();
      if (event || this.state.kind !== 'line') return event;
    }
  }

  private completeLine(): FramerEvent | null {
    let line = Buffer.concat(this.acc, this.accLength);
    this.wire += line.length + 1;
    this.acc = [];
    this.accLength = 0;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (this.plainLine) {
      this.plainLine = false;
      this.wire = 0;
      return { type: 'line', line };
    }
    if (this.segments.length === 0) {
      if (line.length === 0) {
        this.wire = 0;
        return null;
      }
      this.tag = commandHead(line).tag;
    }
    const marker = literalMarker(line);
    if (marker === null || marker === 'ambiguous') {
      this.segments.push(line);
      const unit: CommandUnit = { segments: this.segments, literals: this.literals, size: this.wire };
      this.resetUnit();
      return { type: 'command', unit };
    }
    const text = line.subarray(0, marker.start);
    this.segments.push(text);
    this.buffered += line.length + 2 + LITERAL_OVERHEAD;
    const { size, sync, binary } = marker;
    const commandTooBig = this.buffered > this.limits.maxCommandSize;
    if (commandTooBig || size > this.limits.maxLiteralSize || (!sync && size > this.limits.maxNonSyncLiteral)) {
      const tag = this.tag;
      this.resetUnit();
      const fatal = !this.refuse(sync, size);
      return commandTooBig
        ? this.error('COMMAND_TOO_BIG', 'Command too big', tag, fatal)
        : this.error('LITERAL_TOO_BIG', 'Literal too big', tag, fatal);
    }
    this.wire += size;
    const head = commandHead(this.segments[0] as Buffer);
    const literal: LiteralAnnouncement = {
      tag: this.tag,
      command: head.command,
      index: this.literals.length,
      size,
      sync,
      binary,
      bufferable: this.buffered + size <= this.limits.maxCommandSize,
      segments: [...this.segments],
    };
    this.state = { kind: 'decide', literal };
    return { type: 'literal', literal };
  }

  /** The line outgrew its limit: report it and throw the rest of the command away. */
  private overflow(chunk: Buffer, end: number): FramerEvent {
    const tag =
      this.segments.length > 0 ? this.tag : commandHead(Buffer.concat([...this.acc, chunk.subarray(this.offset, end)]).subarray(0, 256)).tag;
    const tail = lastBytes(this.acc, TAIL);
    this.acc = [];
    this.accLength = 0;
    this.plainLine = false;
    this.resetUnit();
    this.state = { kind: 'discard', tail };
    return this.error('LINE_TOO_LONG', 'Command line too long', tag, false);
  }

  /** Drops text up to the end of the line; a {n+} at its end is skipped as well. */
  private discardLine(state: { kind: 'discard'; tail: Buffer }): FramerEvent | null {
    for (;;) {
      const chunk = this.chunks[0];
      if (!chunk) return null;
      const lf = chunk.indexOf(0x0a, this.offset);
      const end = lf < 0 ? chunk.length : lf;
      if (end > this.offset) state.tail = Buffer.from(Buffer.concat([state.tail, chunk.subarray(this.offset, end)]).subarray(-TAIL));
      this.consume(chunk, end + (lf < 0 ? 0 : 1));
      if (lf < 0) continue;
      let tail = state.tail;
      if (tail.length > 0 && tail[tail.length - 1] === 0x0d) tail = tail.subarray(0, tail.length - 1);
      const marker = literalMarker(tail);
      if (marker === 'ambiguous') return this.error('DISCARD_LIMIT', 'Cannot find the end of the command', null, true);
      this.state = { kind: 'line' };
      if (marker !== null && !this.refuse(marker.sync, marker.size)) {
        return this.error('DISCARD_LIMIT', 'Literal too big to skip', null, true);
      }
      return null;
    }
  }

  /** After refusing a literal: a synchronising one is never sent; a {n+} one is skipped when small enough. */
  private refuse(sync: boolean, size: number): boolean {
    if (sync) {
      this.state = { kind: 'line' };
      return true;
    }
    if (size > this.limits.maxDiscard) {
      this.close();
      return false;
    }
    this.state = { kind: 'skip', remaining: size };
    return true;
  }

  private error(code: FramerError['code'], message: string, tag: string | null, fatal: boolean): FramerEvent {
    if (fatal) this.close();
    return { type: 'error', error: new FramerError(code, message, tag, fatal) };
  }

  private close(): void {
    this.state = { kind: 'closed' };
    this.chunks = [];
    this.offset = 0;
    this.pending = 0;
    this.acc = [];
    this.accLength = 0;
  }

  private resetUnit(): void {
    this.segments = [];
    this.literals = [];
    this.buffered = 0;
    this.wire = 0;
    this.tag = null;
  }

  /** Up to `max` octets from the input, without copying; null when none is buffered. */
  private take(max: number): Buffer | null {
    const chunk = this.chunks[0];
    if (!chunk) return null;
    const end = Math.min(chunk.length, this.offset + max);
    const piece = chunk.subarray(this.offset, end);
    this.consume(chunk, end);
    return piece;
  }

  private consume(chunk: Buffer, end: number): void {
    this.pending -= end - this.offset;
    if (end >= chunk.length) {
      this.chunks.shift();
      this.offset = 0;
    } else {
      this.offset = end;
    }
  }
}

/** Copy of the last `n` octets spread over `parts`. */
function lastBytes(parts: readonly Buffer[], n: number): Buffer {
  const picked: Buffer[] = [];
  let length = 0;
  for (let i = parts.length - 1; i >= 0 && length < n; i--) {
    const part = parts[i] as Buffer;
    picked.unshift(part);
    length += part.length;
  }
  return Buffer.from(Buffer.concat(picked).subarray(-n));
}
