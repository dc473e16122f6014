// Where messages the virus check flagged are kept instead of being delivered: one file per spooled message, readable
// by the administrator only, written atomically; nothing is sent back (the sender of a virus is almost always forged).
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface Quarantine {
  /** Keeps the message under `id` (once: an id already kept is left alone). Returns where it is. */
  keep(id: string, message: AsyncIterable<Uint8Array>): Promise<string>;
}

/** A directory of `<id>.eml` files, mode 0600. */
export class DirectoryQuarantine implements Quarantine {
  constructor(private readonly dir: string) {}

  async keep(id: string, message: AsyncIterable<Uint8Array>): Promise<string> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Error(`invalid quarantine id ${JSON.stringify(id)}`);
    const path = join(this.dir, `${id}.eml`);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) return path;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(tmp, 'wx', 0o600);
    try {
      for await (const chunk of message) await handle.write(chunk);
      await handle.sync();
      await handle.close();
      await rename(tmp, path);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    return path;
  }
}
