// Streamed APPEND literals: written to a private temporary file as they arrive, read back by APPEND, removed
// when the command is over, so that a 50 MB message never sits in memory.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

interface Entry {
  path: string;
  out: WriteStream;
  done: Promise<void>;
  /** Chained writes, so backpressure and errors are observed in order. */
  chain: Promise<void>;
}

export class LiteralSpool {
  private dir: string | null = null;
  private readonly entries = new Map<number, Entry>();

  async begin(index: number): Promise<void> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'imapd-append-'));
    const path = join(this.dir, String(index));
    const out = createWriteStream(path, { mode: 0o600 });
    const done = new Promise<void>((resolve, reject) => {
      out.once('finish', resolve);
      out.once('error', reject);
    });
    done.catch(() => undefined);
    this.entries.set(index, { path, out, done, chain: Promise.resolve() });
  }

  write(index: number, data: Buffer): void {
    const e = this.entries.get(index);
    if (!e) return;
    e.chain = e.chain.then(
      () =>
        new Promise<void>((resolve) => {
          if (e.out.write(data)) resolve();
          else e.out.once('drain', resolve);
        }),
    );
  }

  async end(index: number): Promise<void> {
    const e = this.entries.get(index);
    if (!e) return;
    await e.chain;
    e.out.end();
    await e.done;
  }

  /** The spooled octets of literal `index`. */
  open(index: number): Readable {
    const e = this.entries.get(index);
    if (!e) throw new Error(`no spooled literal ${index}`);
    return createReadStream(e.path);
  }

  async clear(): Promise<void> {
    if (this.entries.size === 0 && this.dir === null) return;
    for (const e of this.entries.values()) e.out.destroy();
    this.entries.clear();
    const dir = this.dir;
    this.dir = null;
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
