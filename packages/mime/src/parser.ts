// Streaming MIME structure parser: one pass over the octets, bounded memory, exact offsets, Dovecot's boundary rules.
//
// Boundary semantics (RFC 2046 §5.1.1 as deployed): a line that starts with "--" + a known boundary ends the current
// part, whichever enclosing multipart the boundary belongs to (the longest matching boundary wins, the innermost on
// ties); the line break before it belongs to the boundary (an empty line ending a header directly before a boundary
// is that line break); "--" after the boundary closes that multipart. A boundary line inside a header block ends the
// header. Parts without Content-Type default to text/plain, or message/rfc822 directly below multipart/digest.
// message/rfc822 bodies are parsed as messages whatever their encoding. Nesting and part counts are limited.
import { HeaderCollector, type HeaderField } from './header.js';
import { applyContentField, applyEnvelopeField, emptyEnvelope, emptyPartData, parseContentType, parseEncoding } from './part-data.js';
import { findBoundary, MAX_BOUNDARY_LEN, regionSize, type Boundary, type Mark, type Node } from './parser-state.js';
import type { MessageStructure, MimePart } from './types.js';

export interface ParseLimits {
  /** Deepest nesting of multipart and message/rfc822 parts that is parsed as such (Dovecot: 100). */
  maxNestedParts?: number;
  /** Most parts in one message, the root included; the last one runs to the end of the message (Dovecot: 10000). */
  maxTotalParts?: number;
  /** Header octets kept per part for field values; sizes and offsets stay exact beyond it. */
  maxHeaderBytes?: number;
  /** Longest line handled as a unit; longer lines are processed in pieces of this size. */
  maxLineBytes?: number;
}

/** Misuse of a parser: writing after `end`, or ending twice. */
export class ParserStateError extends Error {
  override readonly name = 'ParserStateError';
}

/** Incremental parser; feed octets with `write`, then call `end` for the structure. */
export class StructureParser {
  private readonly maxNested: number;
  private readonly maxTotal: number;
  private readonly maxHeaderBytes: number;
  private readonly maxLine: number;

  private mark: Mark = { off: 0, lf: 0, bare: 0 };
  private prevByte = -1;
  /** Line break of the previous complete line: its length and whether it lacked a CR. */
  private prevNl: { len: number; bare: boolean } | null = null;
  private carry = '';
  private atLineStart = true;
  /** Inside the rest of a boundary line that is longer than one piece. */
  private skippingBoundaryLine = false;

  private readonly root: Node;
  private current: Node;
  private mode: 'header' | 'body' = 'header';
  private regionStart = 0;
  private boundaries: Boundary[] = [];
  /** Parts created so far, the root included. */
  private totalParts = 1;
  private ended = false;
  /** The empty line that ended the last header: whose header, the mark before it, and the offset after it. */
  private eoh: { node: Node; before: Mark; after: number } | null = null;

  constructor(limits: ParseLimits = {}) {
    this.maxNested = limits.maxNestedParts ?? 100;
    this.maxTotal = limits.maxTotalParts ?? 10_000;
    this.maxHeaderBytes = limits.maxHeaderBytes ?? 1 << 20;
    this.maxLine = Math.max(limits.maxLineBytes ?? 1 << 16, MAX_BOUNDARY_LEN + 2);
    this.root = this.newNode(null, false);
    this.current = this.root;
  }

  /** Feeds the next octets of the message. */
  write(chunk: Uint8Array): void {
    if (this.ended) throw new ParserStateError('write after end');
    let text = this.carry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    this.carry = '';
    let pos = 0;
    for (;;) {
      const lf = text.indexOf('\n', pos);
      if (lf < 0) break;
      this.line(text.slice(pos, lf + 1), true);
      pos = lf + 1;
    }
    text = text.slice(pos);
    while (text.length >= this.maxLine) {
      // keep a trailing CR with the next piece so a CRLF is never split from its line
      const cut = text.charCodeAt(this.maxLine - 1) === 0x0d ? this.maxLine - 1 : this.maxLine;
      this.line(text.slice(0, cut), false);
      text = text.slice(cut);
    }
    this.carry = text;
  }

  /** Ends the input and returns the structure. */
  end(): MessageStructure {
    if (this.ended) throw new ParserStateError('end called twice');
    if (this.carry.length > 0) this.line(this.carry, false);
    this.carry = '';
    this.ended = true;
    const eof = { ...this.mark };
    while (this.mode === 'header') this.finishHeader(this.current, eof);
    for (let n: Node | null = this.current; n; n = n.parent) this.closeNode(n, eof);
    const root = this.root.part;
    return {
      version: 1,
      size: eof.off,
      virtualSize: eof.off + eof.bare,
      lines: eof.lf,
      envelope: this.root.envelope ?? emptyEnvelope(),
      root,
    };
  }

  private newNode(parent: Node | null, isMime: boolean): Node {
    const start = { ...this.mark };
    const part: MimePart = {
      headerStart: start.off,
      bodyStart: start.off,
      bodyEnd: start.off,
      header: { size: 0, lines: 0, virtualSize: 0 },
      body: { size: 0, lines: 0, virtualSize: 0 },
      kind: 'text',
      isMime,
      ...emptyPartData(),
      transferEncoding: null,
      parts: [],
    };
    if (parent) {
      parent.part.parts.push(part);
      // at the part limit boundaries are no longer looked for: the rest of the message belongs to this part
      if (++this.totalParts >= this.maxTotal) this.boundaries = [];
    }
    return {
      part,
      parent,
      depth: parent ? parent.depth + 1 : 0,
      collector: new HeaderCollector(this.maxHeaderBytes),
      headerLines: 0,
      contentTypeSeen: false,
      boundary: null,
      multipart: false,
      digest: false,
      rfc822: false,
      text: false,
      envelope: null,
      headerStart: start,
      bodyStart: null,
    };
  }

  /** Counts one line (or piece of a line) into the running marks. */
  private count(text: string): void {
    const len = text.length;
    if (len === 0) return;
    if (text.charCodeAt(len - 1) === 0x0a) {
      const before = len >= 2 ? text.charCodeAt(len - 2) : this.prevByte;
      const bare = before !== 0x0d;
      this.mark = { off: this.mark.off + len, lf: this.mark.lf + 1, bare: this.mark.bare + (bare ? 1 : 0) };
      this.prevNl = { len: bare ? 1 : 2, bare };
    } else {
      this.mark = { off: this.mark.off + len, lf: this.mark.lf, bare: this.mark.bare };
    }
    this.prevByte = text.charCodeAt(len - 1);
  }

  /** The mark just before the previous line's line break. */
  private beforePrevNl(): Mark {
    const nl = this.prevNl;
    if (!nl) return { ...this.mark };
    return { off: this.mark.off - nl.len, lf: this.mark.lf - 1, bare: this.mark.bare - (nl.bare ? 1 : 0) };
  }

  private line(text: string, complete: boolean): void {
    const atStart = this.atLineStart;
    this.atLineStart = complete;
    if (!atStart) {
      if (this.mode === 'header') this.current.collector?.appendFragment(text);
      this.count(text);
      if (this.skippingBoundaryLine && complete) {
        this.skippingBoundaryLine = false;
        this.afterBoundaryLine();
      }
      return;
    }
    if (this.mode === 'header') this.headerLine(text, complete);
    else this.bodyLine(text, complete);
  }

  private headerLine(text: string, complete: boolean): void {
    const node = this.current;
    const c0 = text.charCodeAt(0);
    if (!(node.headerLines > 0 && (c0 === 0x20 || c0 === 0x09))) {
      // a new field starts: the previous one is complete
      const done = node.collector?.flush();
      if (done) this.headerField(node, done);
    }
    const eoh = text === '\n' || text === '\r\n';
    if (eoh && node.boundary !== null && node.part.isMime) {
      if (node.depth + 1 < this.maxNested) {
        this.boundaries.push({ node, marker: '--' + node.boundary });
        node.part.kind = 'multipart';
      } else node.multipart = false;
    }
    const b = findBoundary(this.boundaries, text);
    if (b && b.node !== node) {
      // A boundary inside the header ends it. The line break before the boundary belongs to the boundary, but is
      // counted in the body of the enclosing part (which matters when that is a message/rfc822 part).
      let inner: Mark;
      let innerNode = node;
      const outer = { ...this.mark };
      if (node.headerLines > 0) inner = this.beforePrevNl();
      else {
        const eohNode = this.eoh?.node;
        const before = this.takeEoh(b);
        if (before && eohNode) innerNode = eohNode;
        inner = before ?? outer;
        node.headerStart = inner;
        node.part.headerStart = inner.off;
      }
      this.finishHeader(node, inner);
      this.boundaryLine(b, text, complete, inner, outer, innerNode);
      return;
    }
    if (eoh) {
      const before = { ...this.mark };
      this.count(text);
      this.eoh = { node, before, after: this.mark.off };
      this.finishHeader(node, { ...this.mark });
      return;
    }
    node.collector?.addLine(text, this.mark.off - node.headerStart.off);
    node.headerLines++;
    this.count(text);
  }

  private headerField(node: Node, field: HeaderField): void {
    const name = field.name.toLowerCase();
    if (name === 'mime-version') node.part.isMime = true;
    else if (name === 'content-type') {
      node.part.isMime = true;
      if (node.contentTypeSeen) return;
      node.contentTypeSeen = true;
      const ct = parseContentType(field.value);
      const lower = ct.text.toLowerCase();
      if (lower === 'message/rfc822') node.rfc822 = true;
      else if (lower.startsWith('text') && (lower.length === 4 || lower[4] === '/')) node.text = true;
      else if (lower.startsWith('multipart/')) {
        node.multipart = true;
        node.digest = lower === 'multipart/digest';
      }
      if (ct.valid && node.multipart) {
        const param = ct.params.find(([k]) => k.toLowerCase() === 'boundary');
        // over-long boundaries are cut (boundaries match as line prefixes, so this only loses precision)
        if (param) node.boundary = param[1].slice(0, MAX_BOUNDARY_LEN - 4);
      }
    }
  }

  private finishHeader(node: Node, end: Mark): void {
    const collector = node.collector;
    if (collector) {
      const last = collector.flush();
      if (last) this.headerField(node, last);
    }
    const part = node.part;
    if (!part.isMime) {
      node.multipart = node.rfc822 = node.text = node.digest = false;
    }
    const pushed = part.kind === 'multipart';
    node.boundary = null;
    if (!node.contentTypeSeen || !part.isMime) {
      if (node.parent?.digest) node.rfc822 = true;
      else node.text = true;
    }
    // Content-* data, and the envelope when the part is the message inside a message/rfc822 part
    const fields = collector?.fields ?? [];
    const embedded = node.parent !== null && node.parent.rfc822;
    if (embedded || node.parent === null) node.envelope = emptyEnvelope();
    for (const f of fields) {
      if (part.isMime) applyContentField(part, f);
      if (part.transferEncoding === null && f.name.toLowerCase() === 'content-transfer-encoding') {
        part.transferEncoding = parseEncoding(f.value);
      }
      if (node.envelope) applyEnvelopeField(node.envelope, f);
    }
    if (embedded && node.envelope) node.parent!.part.envelope = node.envelope;
    node.collector = null;

    part.bodyStart = end.off;
    part.header = regionSize(node.headerStart, end);
    node.bodyStart = end;
    this.mode = 'body';
    this.regionStart = end.off;
    if (pushed) return;
    if (node.multipart) {
      // multipart without a usable boundary: no children, the body is read as text
      part.kind = 'multipart';
      return;
    }
    if (node.rfc822) {
      if (node.depth + 1 < this.maxNested && this.totalParts < this.maxTotal) {
        part.kind = 'message';
        this.current = this.newNodeAt(node, end);
        this.mode = 'header';
        return;
      }
      node.rfc822 = false;
    }
    part.kind = node.text ? 'text' : 'basic';
  }

  /** A child node whose header starts at `at` (which is the current position or the end of the parent's header). */
  private newNodeAt(parent: Node, at: Mark): Node {
    const saved = this.mark;
    this.mark = at;
    const node = this.newNode(parent, false);
    this.mark = saved;
    return node;
  }

  /**
   * When the current line directly follows the empty line that ended a header, that empty line is the line break
   * before a boundary: the header ends before it. Returns the mark before it, or null.
   */
  private takeEoh(b: Boundary): Mark | null {
    const e = this.eoh;
    // a multipart's own first boundary right after its header leaves the header whole
    if (!e || e.after !== this.mark.off || e.node === b.node) return null;
    this.eoh = null;
    const node = e.node;
    node.bodyStart = e.before;
    node.part.bodyStart = e.before.off;
    node.part.header = regionSize(node.headerStart, e.before);
    return e.before;
  }

  private bodyLine(text: string, complete: boolean): void {
    const b = findBoundary(this.boundaries, text);
    if (!b) {
      this.count(text);
      return;
    }
    const eohNode = this.eoh?.node;
    const before = this.takeEoh(b);
    if (before && eohNode) {
      // the empty line ending the header is the boundary's line break, counted in the enclosing part's body
      this.boundaryLine(b, text, complete, before, { ...this.mark }, eohNode);
      return;
    }
    const end = this.mark.off === this.regionStart ? { ...this.mark } : this.beforePrevNl();
    this.boundaryLine(b, text, complete, end, end, this.current);
  }

  /**
   * Handles a boundary line of `b` found at the current position: the open parts up to `innerNode` end at `inner`,
   * the parts enclosing it (inside `b`'s multipart) at `outer`.
   */
  private boundaryLine(b: Boundary, text: string, complete: boolean, inner: Mark, outer: Mark, innerNode: Node): void {
    let end = inner;
    while (this.current !== b.node) {
      const node = this.current;
      if (this.mode === 'header') this.finishHeader(node, end);
      else {
        this.closeNode(node, end);
        if (node === innerNode) end = outer;
        this.current = node.parent!;
      }
    }
    this.mode = 'body';
    const idx = this.boundaries.indexOf(b);
    const rest = text.slice(b.marker.length);
    const closing = rest.charCodeAt(0) === 0x2d && rest.charCodeAt(1) === 0x2d;
    this.boundaries.length = closing ? idx : idx + 1;
    this.count(text);
    if (complete) this.afterBoundaryLine();
    else this.skippingBoundaryLine = true;
  }

  private afterBoundaryLine(): void {
    const inner = this.boundaries[this.boundaries.length - 1];
    if (inner && inner.node === this.current && this.totalParts < this.maxTotal) {
      this.current = this.newNode(this.current, true);
      this.mode = 'header';
      return;
    }
    this.regionStart = this.mark.off;
  }

  private closeNode(node: Node, end: Mark): void {
    const part = node.part;
    const start = node.bodyStart ?? end;
    part.bodyEnd = end.off;
    part.body = regionSize(start, end);
  }
}
