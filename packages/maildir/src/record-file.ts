// A small file of records in the Maildir root (subscriptions, special uses): read whole, changed under its
// Dovecot dot-lock and replaced by rename, as Dovecot changes its subscriptions file.
import { readFile } from 'node:fs/promises';
import { isErrno } from './errors.js';
import { acquireDotlock } from './lock.js';

export class RecordFile<T> {
  constructor(
    readonly path: string,
    private readonly parse: (text: string) => T[],
    private readonly format: (records: readonly T[]) => string,
  ) {}

  /** The records; none when the file does not exist. */
  async list(): Promise<T[]> {
    try {
      return this.parse(await readFile(this.path, 'utf8'));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }

  /**
   * Rewrites the file under the lock: `change` gets the current records and returns the new ones, or null to leave
   * the file alone; whatever it does meanwhile happens under the lock. Returns whether the file was written.
   */
  async update(change: (current: T[]) => Promise<T[] | null> | T[] | null): Promise<boolean> {
    const lock = await acquireDotlock(this.path, { staleMs: 30_000, timeoutMs: 120_000 });
    try {
      const next = await change(await this.list());
      if (next === null) {
        await lock.release();
        return false;
      }
      await lock.replace(this.format(next));
      return true;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }
}
