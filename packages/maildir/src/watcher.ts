// fs.watch on an account's new/ and cur/ directories: notices changes made by other programs (Dovecot, another host without Redis).
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { ChangeRecord } from './api.js';
import { existingFolders } from './folder-list.js';
import type { HierarchySeparator } from './folder-names.js';

const DEBOUNCE_MS = 50;

/**
 * Watches one account: the root (for folders appearing or going) and new/ + cur/ of every folder.
 * Emits a 'sync' change record per folder, debounced. Watch failures (inotify limits, file systems
 * without notification) are ignored: notifications are a hint, sessions still re-sync on every command.
 */
export class AccountWatcher {
  private readonly watchers = new Map<string, FSWatcher[]>();
  private rootWatcher: FSWatcher | null = null;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly account: string,
    private readonly root: string,
    private readonly separator: HierarchySeparator,
    private readonly emit: (change: ChangeRecord) => void,
  ) {}

  async start(): Promise<void> {
    try {
      this.rootWatcher = watch(this.root, { persistent: false }, () => this.schedule('', () => this.refreshFolders()));
      this.rootWatcher.on('error', () => undefined);
    } catch {
      this.rootWatcher = null;
    }
    await this.refreshFolders();
  }

  private schedule(key: string, fn: () => void | Promise<void>): void {
    if (this.closed || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      if (!this.closed) void Promise.resolve(fn()).catch(() => undefined);
    }, DEBOUNCE_MS);
    timer.unref();
    this.timers.set(key, timer);
  }

  private async refreshFolders(): Promise<void> {
    let folders: Map<string, string>;
    try {
      folders = await existingFolders(this.root, this.separator);
    } catch {
      return;
    }
    if (this.closed) return;
    for (const [name, dir] of folders) {
      if (this.watchers.has(name)) continue;
      const list: FSWatcher[] = [];
      for (const sub of ['new', 'cur']) {
        try {
          const w = watch(join(this.root, dir, sub), { persistent: false }, () =>
            this.schedule(`f:${name}`, () => this.emit({ account: this.account, folder: name, kind: 'sync', uids: [], time: Date.now() })),
          );
          w.on('error', () => undefined);
          list.push(w);
        } catch {
          // not a complete Maildir (yet); a later root event retries
        }
      }
      if (list.length > 0) this.watchers.set(name, list);
    }
    for (const [name, list] of this.watchers) {
      if (folders.has(name)) continue;
      for (const w of list) w.close();
      this.watchers.delete(name);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.rootWatcher?.close();
    for (const list of this.watchers.values()) for (const w of list) w.close();
    this.watchers.clear();
  }
}
