// Parsed MIME structures of messages, kept in a process-wide LRU keyed by account, folder, UIDVALIDITY and UID
// (a message's octets never change under one UID), with the ENVELOPE/BODY/BODYSTRUCTURE renderings; and, in a
// second LRU bounded in octets, the top-level header blocks (HEADER.FIELDS fetches and header SEARCH keys need
// no more, and no parse of the whole message).
import type { MailFolder } from '@mail/maildir';
import { bodyStructure, envelope, headerEnd, parseHeader, parseStructure, parseStructureSync, toImapBuffer, type HeaderField, type MessageStructure } from '@mail/mime';

export interface CachedMessage {
  structure: MessageStructure;
  envelope?: Buffer;
  body?: Buffer;
  bodystructure?: Buffer;
}

const MAX_ENTRIES = 2000;

/** Octets of header blocks kept (about 16,000 headers of 1 KiB). */
const HEADER_BYTES = 16 * 1024 * 1024;
/** How much of a message is read at first to find the end of its header. */
const HEADER_PROBE = 16 * 1024;
/** Reads up to this size are made at once, with blocking calls (see MailFolder.read's `into`). */
const AT_ONCE = 256 * 1024;

/**
 * An LRU bounded by the summed weight of its entries (1 each by default). A hit moves its entry to the young end
 * only once more than half the entries were put in after it: the hot entries of a busy cache then cost a lookup,
 * not a delete and insert each (which also leaves the map holes to rehash), and are still never the oldest.
 */
export class Lru<V, K = string> {
  private readonly map = new Map<K, { value: V; weight: number; seq: number }>();
  private total = 0;
  private seq = 0;
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e !== undefined && this.seq - e.seq > this.map.size / 2) {
      this.map.delete(key);
      e.seq = ++this.seq;
      this.map.set(key, e);
    }
    return e?.value;
  }
  set(key: K, value: V, weight = 1): void {
    this.delete(key);
    this.map.set(key, { value, weight, seq: ++this.seq });
    this.total += weight;
    while (this.total > this.max && this.map.size > 1) this.delete(this.map.keys().next().value as K);
  }
  has(key: K): boolean {
    return this.map.has(key);
  }
  clear(): void {
    this.map.clear();
    this.total = 0;
  }
  private delete(key: K): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.total -= e.weight;
  }
}

const cache = new Lru<CachedMessage, number>(MAX_ENTRIES);
const headers = new Lru<CachedHeader, number>(HEADER_BYTES);

/**
 * Numbers for folders (account, name and UIDVALIDITY), so that a message's key is a number: a string key would
 * be built and hashed at every lookup, and a SEARCH over header fields looks up every message. Each MailFolder
 * object remembers its number. Numbers are not reused: when they run out, everything starts over, both caches
 * included, and an entry computed under the old numbers is not stored (`generation`).
 */
let folderIds = new Map<string, number>();
let idOfFolder = new WeakMap<MailFolder, { uidValidity: number; id: number }>();
let nextId = 1;
let generation = 0;
/** A key is folder number * 2^32 + UID (UIDs are below 2^32), exact while below 2^53. */
const UID_SPACE = 2 ** 32;
const MAX_FOLDER_ID = 2 ** 16;

function keyOf(folder: MailFolder, uidValidity: number, uid: number): number {
  const known = idOfFolder.get(folder);
  if (known?.uidValidity === uidValidity) return known.id * UID_SPACE + uid;
  const name = `${folder.account}\0${folder.name}\0${uidValidity}`;
  let id = folderIds.get(name);
  if (id === undefined) {
    if (nextId > MAX_FOLDER_ID) {
      folderIds = new Map();
      idOfFolder = new WeakMap();
      nextId = 1;
      generation++;
      cache.clear();
      headers.clear();
    }
    id = nextId++;
    folderIds.set(name, id);
  }
  idOfFolder.set(folder, { uidValidity, id });
  return id * UID_SPACE + uid;
}

export async function messageStructure(folder: MailFolder, uidValidity: number, uid: number): Promise<CachedMessage> {
  const key = keyOf(folder, uidValidity, uid);
  const hit = cache.get(key);
  if (hit) return hit;
  const keyGeneration = generation;
  const { stream } = await folder.read(uid);
  const entry: CachedMessage = { structure: await parseStructure(stream) };
  if (keyGeneration === generation) cache.set(key, entry);
  return entry;
}

/** The top-level header block of a message (up to and with the empty line), as stored. */
export interface CachedHeader {
  raw: Buffer;
  fields?: HeaderField[];
  /** HEADER / HEADER.FIELDS renderings in CRLF form (see topHeaderContent), a few per message. */
  renderings?: Map<string, Buffer>;
}

async function readAll(folder: MailFolder, uid: number, end?: number): Promise<Buffer> {
  // A bounded read of a header up to AT_ONCE octets goes at once into a buffer of its own, without a stream.
  const { stream, data } = await folder.read(uid, end === undefined ? {} : { start: 0, end, ...(end <= AT_ONCE ? { into: Buffer.allocUnsafe(end) } : {}) });
  if (data) {
    stream.destroy();
    return data;
  }
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/**
 * The header block as the structure parser delimits it (root part's header, octets 0 to bodyStart). The first
 * HEADER_PROBE octets usually hold it: then the end the parser finds in them is taken (it reads line by line, so
 * the end of a header does not depend on what follows); otherwise the structure of the whole message decides.
 */
async function loadHeader(folder: MailFolder, uidValidity: number, uid: number): Promise<Buffer> {
  const known = cache.get(keyOf(folder, uidValidity, uid));
  if (!known) {
    const probe = await readAll(folder, uid, HEADER_PROBE);
    const { end, bodyStart } = headerEnd(probe.toString('latin1'));
    if (end < bodyStart || probe.length < HEADER_PROBE) {
      const head = probe.subarray(0, bodyStart);
      if (parseStructureSync(head).root.bodyStart === bodyStart) return Buffer.from(head);
    }
  }
  const m = known ?? (await messageStructure(folder, uidValidity, uid));
  const root = m.structure.root;
  if (root.bodyStart <= root.headerStart) return Buffer.alloc(0);
  return readAll(folder, uid, root.bodyStart);
}

export async function messageHeader(folder: MailFolder, uidValidity: number, uid: number): Promise<CachedHeader> {
  const key = keyOf(folder, uidValidity, uid);
  const hit = headers.get(key);
  if (hit) return hit;
  const keyGeneration = generation;
  const entry: CachedHeader = { raw: await loadHeader(folder, uidValidity, uid) };
  if (keyGeneration === generation) headers.set(key, entry, 7 * entry.raw.length + 256); // the parsed fields and the renderings too
  return entry;
}

/** The parsed fields of the header block. */
export function headerFields(h: CachedHeader): HeaderField[] {
  return (h.fields ??= parseHeader(h.raw));
}

export function envelopeWire(m: CachedMessage): Buffer {
  return (m.envelope ??= toImapBuffer(envelope(m.structure)));
}

export function bodyWire(m: CachedMessage, extended: boolean): Buffer {
  if (extended) return (m.bodystructure ??= toImapBuffer(bodyStructure(m.structure, { extended: true })));
  return (m.body ??= toImapBuffer(bodyStructure(m.structure, { extended: false })));
}
