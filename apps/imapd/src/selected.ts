// The selected mailbox as one session sees it: sequence numbers ↔ UIDs, flags and mod-sequences, \Recent, and
// the changes other sessions made, reported as EXISTS/EXPUNGE/FETCH only when the session asks (command
// boundaries, IDLE), by comparing a fresh snapshot with what the client was told.
import type { ChangeRecord, MailFolder, Mailbox, MessageInfo } from '@mail/maildir';
import { ImapBad } from './errors.js';
import { resolveSequenceNumbers, resolveUids } from './protocol/index.js';
import type { Response, SequenceSet } from './protocol/index.js';

export interface MessageView {
  uid: number;
  flags: string[];
  modseq: number;
  size: number;
  internalDate: number;
}

/** Change records a selected mailbox keeps until its next sync; more only mark it dirty. */
const MAX_HEARD = 16;

const flagsOf = (m: { flags: readonly string[]; keywords: readonly string[] }): string[] => [...m.flags, ...m.keywords];

function viewOf(m: MessageInfo): MessageView {
  return { uid: m.uid, flags: flagsOf(m), modseq: m.modseq, size: m.vsize, internalDate: m.internalDate };
}

const sameFlags = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((f) => b.includes(f));

export interface SyncOptions {
  /** EXPUNGE responses may be sent (not during FETCH, STORE, SEARCH: RFC 9051 §7.5.1). */
  expunge: boolean;
  /** CONDSTORE enabled: unsolicited FETCH carries MODSEQ. */
  condstore: boolean;
}

export class SelectedMailbox {
  /** UIDs in sequence order: uids[seq - 1]. */
  uids: number[] = [];
  readonly messages = new Map<number, MessageView>();
  readonly recent = new Set<number>();
  uidNext = 1;
  highestModseq = 0;
  /** Set when something may have changed since the last sync (NOOP, SELECT, too many change records...). */
  dirty = false;
  /** Change records of this folder heard since the last sync, up to MAX_HEARD. */
  private heard: ChangeRecord[] = [];
  /** Keywords known in the folder (FLAGS response). */
  keywords = new Set<string>();

  private constructor(
    readonly folder: MailFolder,
    readonly name: string,
    readonly readOnly: boolean,
    readonly uidValidity: number,
  ) {}

  static async open(mailbox: Mailbox, name: string, readOnly: boolean): Promise<SelectedMailbox> {
    const folder = await mailbox.folder(name);
    const snap = await folder.snapshot({ takeRecent: !readOnly });
    const sel = new SelectedMailbox(folder, folder.name, readOnly, snap.uidValidity);
    for (const m of snap.messages) {
      sel.uids.push(m.uid);
      sel.messages.set(m.uid, viewOf(m));
      for (const k of m.keywords) sel.keywords.add(k);
    }
    for (const uid of snap.recentUids) sel.recent.add(uid);
    sel.uidNext = snap.uidNext;
    sel.highestModseq = snap.highestModseq;
    return sel;
  }

  get exists(): number {
    return this.uids.length;
  }

  seqOf(uid: number): number {
    // uids is sorted ascending.
    let lo = 0;
    let hi = this.uids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.uids[mid] as number) < uid) lo = mid + 1;
      else hi = mid;
    }
    return this.uids[lo] === uid ? lo + 1 : 0;
  }

  /** The UIDs a command's set names, in ascending order. Sequence numbers past the end are BAD (RFC 9051 §6.4). */
  resolve(set: SequenceSet, byUid: boolean, saved: readonly number[] = []): number[] {
    if (byUid) return resolveUids(set, this.uids, saved);
    const r = resolveSequenceNumbers(set, this.uids.length, saved.map((u) => this.seqOf(u)).filter((s) => s > 0));
    if (!r.ok) throw new ImapBad(null, r.reason === 'empty' ? 'No messages in the mailbox' : 'Invalid message sequence number');
    return r.numbers.map((n) => this.uids[n - 1] as number);
  }

  /** The FLAGS list of the mailbox: system flags and every keyword in use. */
  flagList(): string[] {
    return ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', ...[...this.keywords].sort()];
  }

  /**
   * Records a flag state this session set itself (already reported to the client). The session's highest
   * mod-sequence follows only when the change took the very next one: a gap is someone else's change, not yet
   * reported, which the counters of the next sync must still show.
   */
  noteFlags(uid: number, flags: string[], modseq: number): void {
    const m = this.messages.get(uid);
    if (!m) return;
    m.flags = flags;
    m.modseq = modseq;
    this.noteModseq(modseq);
    for (const f of flags) if (!f.startsWith('\\')) this.keywords.add(f);
  }

  /**
   * Takes the mod-sequence of a change this session made and reported itself as seen, when it is the very next
   * one: everything up to the session's highest mod-sequence is then known to the client (see sync).
   */
  noteModseq(modseq: number): void {
    if (modseq === this.highestModseq + 1) this.highestModseq = modseq;
  }

  /** A change record of this folder arrived: the next sync looks at the folder. */
  hear(change: ChangeRecord): void {
    if (this.heard.length < MAX_HEARD) this.heard.push(change);
    else this.dirty = true;
  }

  /**
   * The change record of a change this session made and has reported (noteFlags, removeUids): its mod-sequence
   * is taken as seen (noteModseq), and it is no reason for the next sync to look at the folder when the session's
   * highest mod-sequence reached it, that is nobody else's change came in between.
   */
  madeChange(change: ChangeRecord | null): void {
    if (change?.modseq === undefined) return;
    this.noteModseq(change.modseq);
    if (change.modseq !== this.highestModseq) return;
    const i = this.heard.indexOf(change);
    if (i >= 0) this.heard.splice(i, 1);
  }

  /** Removes expunged messages this session reported itself; returns their sequence numbers, highest first. */
  removeUids(uids: readonly number[]): number[] {
    const seqs: number[] = [];
    for (const uid of [...uids].sort((a, b) => b - a)) {
      const seq = this.seqOf(uid);
      if (seq === 0) continue;
      this.uids.splice(seq - 1, 1);
      this.messages.delete(uid);
      this.recent.delete(uid);
      seqs.push(seq);
    }
    return seqs;
  }

  /**
   * Compares the folder with what the client knows and returns the untagged responses that bring it up to date.
   * Without `expunge`, vanished messages keep their sequence numbers until a later sync.
   */
  async sync(options: SyncOptions, force = false): Promise<Response[]> {
    if (!this.dirty && this.heard.length === 0 && !force) return [];
    this.dirty = false;
    this.heard = [];
    // The folder's counters where this session left them: nothing to report, and no snapshot of every message.
    // Any flag change gives a new mod-sequence, any delivery a new UIDNEXT, an expunge a smaller count; this
    // session's own STORE and EXPUNGE (noteFlags, removeUids) leave them as the folder has them.
    const snap = await this.folder.snapshotIfChanged(
      (st) => !(st.uidValidity === this.uidValidity && st.uidNext === this.uidNext && st.exists === this.uids.length && st.highestModseq === this.highestModseq && (this.readOnly || st.recent === 0)),
      { takeRecent: !this.readOnly },
    );
    if (!snap) return [];
    const out: Response[] = [];
    // Both lists are in UID order: one walk over them finds what is gone, what is new, and what changed after
    // the session's highest mod-sequence, without a set or a lookup per message.
    const known = this.uids;
    const messages = snap.messages;
    const lastUid = known[known.length - 1] ?? 0;
    const gone: number[] = [];
    const added: MessageInfo[] = [];
    const changed: MessageInfo[] = [];
    const keywordsBefore = this.keywords.size;
    let i = 0;
    let j = 0;
    while (j < messages.length) {
      const m = messages[j] as MessageInfo;
      const u = known[i];
      if (u !== undefined && u < m.uid) {
        gone.push(u);
        i++;
        continue;
      }
      j++;
      if (u === m.uid) {
        i++;
        // Not changed since the session's highest mod-sequence: as the client knows it.
        if (m.modseq > this.highestModseq) changed.push(m);
        continue;
      }
      for (const k of m.keywords) this.keywords.add(k);
      if (m.uid > lastUid) added.push(m);
    }
    for (; i < known.length; i++) gone.push(known[i] as number);
    if (options.expunge) {
      for (const seq of this.removeUids(gone)) out.push({ type: 'EXPUNGE', seq });
    } else if (gone.length > 0) {
      this.dirty = true;
    }
    for (const m of changed) {
      const view = this.messages.get(m.uid);
      if (!view) continue;
      for (const k of m.keywords) this.keywords.add(k);
      const flags = flagsOf(m);
      if (!sameFlags(view.flags, flags) || (options.condstore && view.modseq !== m.modseq)) {
        view.flags = flags;
        view.modseq = m.modseq;
        const items = [
          { item: 'UID' as const, uid: m.uid },
          { item: 'FLAGS' as const, flags: this.withRecent(m.uid, flags) },
          ...(options.condstore ? [{ item: 'MODSEQ' as const, modseq: m.modseq }] : []),
        ];
        out.push({ type: 'FETCH', seq: this.seqOf(m.uid), items });
      }
    }
    if (this.keywords.size !== keywordsBefore) out.unshift({ type: 'FLAGS', flags: this.flagList() });
    for (const uid of snap.recentUids) this.recent.add(uid);
    if (added.length > 0) {
      for (const m of added) {
        this.uids.push(m.uid);
        this.messages.set(m.uid, viewOf(m));
      }
      out.push({ type: 'EXISTS', count: this.uids.length });
      out.push({ type: 'RECENT', count: this.recent.size });
    }
    this.uidNext = Math.max(this.uidNext, snap.uidNext);
    this.highestModseq = Math.max(this.highestModseq, snap.highestModseq);
    return out;
  }

  /** Flags as FETCH FLAGS reports them: with \Recent for this session's recent messages. */
  withRecent(uid: number, flags: readonly string[]): string[] {
    return this.recent.has(uid) ? [...flags, '\\Recent'] : [...flags];
  }
}
