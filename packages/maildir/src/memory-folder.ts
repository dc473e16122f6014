// The in-memory MailFolder: the same semantics as the Maildir folder (UIDs, \Recent, mod-sequences, 26 keywords) without a disk.
import { Readable } from 'node:stream';
import type {
  AppendOptions,
  AppendResult,
  ChangeRecord,
  CopyResult,
  ExpungeResult,
  FlagMode,
  FlagState,
  FolderSnapshot,
  FolderStatus,
  MailFolder,
  MessageInfo,
  MessageSource,
  ReadRange,
  ReadResult,
  SetFlagsResult,
} from './api.js';
import { KeywordLimitError, MessageNotFoundError } from './errors.js';
import { parseFlags, SYSTEM_FLAGS, type SystemFlag } from './flags.js';
import { bareLfCount } from './message-input.js';

export interface MemMessage {
  uid: number;
  data: Buffer;
  vsize: number;
  system: Set<SystemFlag>;
  keywords: string[];
  internalDate: number;
  modseq: number;
  /** Not yet taken by a session (the Maildir new/ directory). */
  fresh: boolean;
}

export interface MemFolderData {
  uidValidity: number;
  nextUid: number;
  highestModseq: number;
  messages: Map<number, MemMessage>;
  /** Keyword spellings of the folder, at most 26 as in Maildir. */
  keywordNames: Map<string, string>;
}

/** What the in-memory folder needs from its store. */
export interface MemoryFolderHost {
  readonly account: string;
  folderData(name: string): MemFolderData;
  resolve(name: string): string;
  publish(change: ChangeRecord): void;
  checkQuota(bytes: number, messages: number): Promise<void>;
}

export async function collect(source: MessageSource): Promise<Buffer> {
  if (typeof source === 'string') return Buffer.from(source, 'utf8');
  if (source instanceof Uint8Array) return Buffer.from(source);
  const chunks: Buffer[] = [];
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export function vsizeOf(data: Buffer): number {
  return data.length + bareLfCount(data, false);
}

function keywordName(folder: MemFolderData, name: string, create: boolean): string | undefined {
  const lower = name.toLowerCase();
  const existing = folder.keywordNames.get(lower);
  if (existing || !create) return existing;
  if (folder.keywordNames.size >= 26) throw new KeywordLimitError(name);
  folder.keywordNames.set(lower, name);
  return name;
}

/** Adds a message to a folder with the next UID and a new mod-sequence. */
export function addMessage(folder: MemFolderData, data: Buffer, flags: readonly string[], internalDate: number, vsize = vsizeOf(data)): MemMessage {
  const set = parseFlags(flags);
  const keywords = set.keywords.map((k) => keywordName(folder, k, true) as string);
  const msg: MemMessage = { uid: folder.nextUid++, data, vsize, system: set.system, keywords, internalDate, modseq: ++folder.highestModseq, fresh: set.system.size === 0 && keywords.length === 0 };
  folder.messages.set(msg.uid, msg);
  return msg;
}

function info(m: MemMessage): MessageInfo {
  return { uid: m.uid, flags: SYSTEM_FLAGS.filter((f) => m.system.has(f)), keywords: [...m.keywords], size: m.data.length, vsize: m.vsize, internalDate: m.internalDate, modseq: m.modseq };
}

function state(m: MemMessage): FlagState {
  return { uid: m.uid, flags: SYSTEM_FLAGS.filter((f) => m.system.has(f)), keywords: [...m.keywords], modseq: m.modseq };
}

export class MemoryFolder implements MailFolder {
  readonly account: string;

  constructor(
    private readonly host: MemoryFolderHost,
    readonly name: string,
  ) {
    this.account = host.account;
  }

  private get data(): MemFolderData {
    return this.host.folderData(this.name);
  }

  private change(kind: ChangeRecord['kind'], uids: number[], extra: Partial<ChangeRecord> = {}, folder = this.name): ChangeRecord {
    const d = this.host.folderData(folder);
    return { account: this.account, folder, kind, uids, modseq: d.highestModseq, uidValidity: d.uidValidity, uidNext: d.nextUid, time: Date.now(), ...extra };
  }

  private sorted(): MemMessage[] {
    return [...this.data.messages.values()].sort((a, b) => a.uid - b.uid);
  }

  async status(): Promise<FolderStatus> {
    const d = this.data;
    let unseen = 0;
    let recent = 0;
    let size = 0;
    for (const m of d.messages.values()) {
      if (!m.system.has('\\Seen')) unseen++;
      if (m.fresh) recent++;
      size += m.data.length;
    }
    return { uidValidity: d.uidValidity, uidNext: d.nextUid, exists: d.messages.size, unseen, recent, highestModseq: Math.max(1, d.highestModseq), size };
  }

  async snapshot(options: { takeRecent?: boolean } = {}): Promise<FolderSnapshot> {
    const recentUids: number[] = [];
    if (options.takeRecent) {
      for (const m of this.sorted()) {
        if (!m.fresh) continue;
        m.fresh = false;
        recentUids.push(m.uid);
      }
    }
    const status = await this.status();
    return { ...status, recent: recentUids.length, messages: this.sorted().map(info), recentUids };
  }

  async snapshotIfChanged(changed: (status: FolderStatus) => boolean, options: { takeRecent?: boolean } = {}): Promise<FolderSnapshot | null> {
    return changed(await this.status()) ? this.snapshot(options) : null;
  }

  async read(uid: number, range: ReadRange = {}): Promise<ReadResult> {
    const m = this.data.messages.get(uid);
    if (!m) throw new MessageNotFoundError(this.name, uid);
    const size = m.data.length;
    const start = Math.max(0, Math.min(range.start ?? 0, size));
    const end = Math.max(start, Math.min(range.end ?? size, size));
    const octets = m.data.subarray(start, end);
    if (range.into && octets.length <= range.into.length) {
      const data = range.into.subarray(0, octets.copy(range.into));
      return { size, data, stream: Readable.from(data.length > 0 ? [data] : []) };
    }
    return { size, stream: Readable.from(end > start ? [octets] : []) };
  }

  async setFlags(uids: readonly number[], mode: FlagMode, flags: readonly string[], options: { unchangedSince?: number } = {}): Promise<SetFlagsResult> {
    const d = this.data;
    const set = parseFlags(flags);
    const names = set.keywords.map((k) => keywordName(d, k, mode !== 'remove')).filter((k): k is string => k !== undefined);
    const modseq = d.highestModseq + 1;
    const updated: FlagState[] = [];
    const modified: number[] = [];
    for (const uid of uids) {
      const m = d.messages.get(uid);
      if (!m) continue;
      if (options.unchangedSince !== undefined && m.modseq > options.unchangedSince) {
        modified.push(uid);
        continue;
      }
      const system = new Set(mode === 'replace' ? [] : m.system);
      const keywords = new Set(mode === 'replace' ? [] : m.keywords);
      for (const f of set.system) if (mode === 'remove') system.delete(f); else system.add(f);
      for (const k of names) if (mode === 'remove') keywords.delete(k); else keywords.add(k);
      const same = system.size === m.system.size && [...system].every((f) => m.system.has(f)) && keywords.size === m.keywords.length && m.keywords.every((k) => keywords.has(k));
      if (same) continue;
      m.fresh = false;
      m.system = system;
      m.keywords = [...keywords].sort((a, b) => [...d.keywordNames.values()].indexOf(a) - [...d.keywordNames.values()].indexOf(b));
      m.modseq = modseq;
      updated.push(state(m));
    }
    if (updated.length > 0) d.highestModseq = modseq;
    const change = updated.length > 0 ? this.change('flags', updated.map((s) => s.uid), { flags: updated }) : null;
    if (change) this.host.publish(change);
    return { updated, modified, change };
  }

  async expunge(uids: readonly number[], options: { onlyDeleted?: boolean } = {}): Promise<ExpungeResult> {
    const d = this.data;
    const expunged: number[] = [];
    for (const uid of [...new Set(uids)].sort((a, b) => a - b)) {
      const m = d.messages.get(uid);
      if (!m || (options.onlyDeleted && !m.system.has('\\Deleted'))) continue;
      d.messages.delete(uid);
      expunged.push(uid);
    }
    if (expunged.length === 0) return { expunged, change: null };
    d.highestModseq++;
    const change = this.change('expunge', expunged);
    this.host.publish(change);
    return { expunged, change };
  }

  private async transfer(uids: readonly number[], destination: string, move: boolean): Promise<CopyResult> {
    const destName = this.host.resolve(destination);
    const src = this.data;
    const dest = this.host.folderData(destName);
    const items = [...new Set(uids)].sort((a, b) => a - b).map((uid) => src.messages.get(uid)).filter((m): m is MemMessage => m !== undefined);
    if (!move) await this.host.checkQuota(items.reduce((n, m) => n + m.data.length, 0), items.length);
    const mapping: Array<[number, number]> = [];
    for (const m of items) {
      const copy = addMessage(dest, m.data, [...m.system, ...m.keywords], m.internalDate, m.vsize);
      copy.fresh = m.system.size === 0 && m.keywords.length === 0;
      mapping.push([m.uid, copy.uid]);
    }
    const changes: ChangeRecord[] = [];
    if (mapping.length > 0) changes.push(this.change('append', mapping.map((p) => p[1]), {}, destName));
    if (move && items.length > 0) {
      for (const m of items) src.messages.delete(m.uid);
      src.highestModseq++;
      changes.push(this.change('expunge', items.map((m) => m.uid)));
    }
    for (const c of changes) this.host.publish(c);
    return { uidValidity: dest.uidValidity, mapping, changes };
  }

  copy(uids: readonly number[], destination: string): Promise<CopyResult> {
    return this.transfer(uids, destination, false);
  }

  move(uids: readonly number[], destination: string): Promise<CopyResult> {
    return this.transfer(uids, destination, true);
  }

  async append(message: MessageSource, options: AppendOptions = {}): Promise<AppendResult> {
    const data = await collect(message);
    parseFlags(options.flags ?? []);
    await this.host.checkQuota(data.length, 1);
    const date = options.internalDate instanceof Date ? options.internalDate.getTime() : (options.internalDate ?? Date.now());
    const m = addMessage(this.data, data, options.flags ?? [], date);
    const change = this.change('append', [m.uid]);
    this.host.publish(change);
    return { uid: m.uid, uidValidity: this.data.uidValidity, change };
  }
}
