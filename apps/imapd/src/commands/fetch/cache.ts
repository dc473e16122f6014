// Parsed MIME structures of messages, kept in a process-wide LRU keyed by account, folder, UIDVALIDITY and UID
// (a message's octets never change under one UID), with the ENVELOPE/BODY/BODYSTRUCTURE renderings.
import type { MailFolder } from '@mail/maildir';
import { bodyStructure, envelope, parseStructure, toImapBuffer, type MessageStructure } from '@mail/mime';

export interface CachedMessage {
  structure: MessageStructure;
  envelope?: Buffer;
  body?: Buffer;
  bodystructure?: Buffer;
}

const MAX_ENTRIES = 2000;

class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

const cache = new Lru<CachedMessage>(MAX_ENTRIES);

export async function messageStructure(folder: MailFolder, uidValidity: number, uid: number): Promise<CachedMessage> {
  const key = `${folder.account}\0${folder.name}\0${uidValidity}\0${uid}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { stream } = await folder.read(uid);
  const entry: CachedMessage = { structure: await parseStructure(stream) };
  cache.set(key, entry);
  return entry;
}

export function envelopeWire(m: CachedMessage): Buffer {
  return (m.envelope ??= toImapBuffer(envelope(m.structure)));
}

export function bodyWire(m: CachedMessage, extended: boolean): Buffer {
  if (extended) return (m.bodystructure ??= toImapBuffer(bodyStructure(m.structure, { extended: true })));
  return (m.body ??= toImapBuffer(bodyStructure(m.structure, { extended: false })));
}
