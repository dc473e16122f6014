// Tests of Dovecot-style dot-locks: contention, stale owners, takeover rules, replace.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockTimeoutError } from './errors.js';
import { acquireDotlock, parseLockOwner, removeTemplates, withDotlock } from './lock.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid as number;
}

describe('Dovecot-style dot-locks', () => {
  let dir: TempDir;
  let file: string;
  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir.path, 'dovecot-uidlist');
  });
  afterEach(() => dir.cleanup());

  it('writes "<pid>:<host>" into <file>.lock and removes it on release', async () => {
    const lock = await acquireDotlock(file);
    expect(await readFile(`${file}.lock`, 'utf8')).toBe(`${process.pid}:${hostname()}`);
    expect(await lock.release()).toBe(true);
    await expect(stat(`${file}.lock`)).rejects.toThrow();
  });

  it('serializes holders within one process', async () => {
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        withDotlock(file, {}, async () => {
          order.push(`${id}+`);
          await new Promise((r) => setTimeout(r, 10));
          order.push(`${id}-`);
        }),
      ),
    );
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  });

  it('waits for a live holder and times out', async () => {
    await writeFile(`${file}.lock`, `${process.ppid}:${hostname()}`);
    const started = Date.now();
    await expect(acquireDotlock(file, { staleMs: 60_000, timeoutMs: 300 })).rejects.toThrow(LockTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('takes over at once a lock of a dead process on this host (older than 2 s)', async () => {
    await writeFile(`${file}.lock`, `${await deadPid()}:${hostname()}`);
    const old = new Date(Date.now() - 5000);
    await utimes(`${file}.lock`, old, old);
    const started = Date.now();
    const lock = await acquireDotlock(file, { staleMs: 60_000, timeoutMs: 2000 });
    expect(Date.now() - started).toBeLessThan(1000);
    await lock.release();
  });

  it('takes over a lock of another host when neither it nor the file changed for staleMs', async () => {
    await writeFile(file, 'data');
    await writeFile(`${file}.lock`, '1:other-host');
    const old = new Date(Date.now() - 10_000);
    await utimes(`${file}.lock`, old, old);
    await utimes(file, old, old);
    const lock = await acquireDotlock(file, { staleMs: 500, timeoutMs: 5000 });
    expect(parseLockOwner(await readFile(`${file}.lock`, 'utf8'))).toEqual({ pid: process.pid, host: hostname() });
    await lock.release();
  });

  it('keeps waiting while the protected file keeps changing', async () => {
    await writeFile(file, 'data');
    await writeFile(`${file}.lock`, '1:other-host');
    const old = new Date(Date.now() - 10_000);
    await utimes(`${file}.lock`, old, old);
    let n = 0;
    const timer = setInterval(() => void writeFile(file, `data${n++}`), 100);
    try {
      await expect(acquireDotlock(file, { staleMs: 1500, timeoutMs: 3000 })).rejects.toThrow(LockTimeoutError);
    } finally {
      clearInterval(timer);
    }
  });

  it('replaces the protected file with the lock contents (file_dotlock_replace)', async () => {
    await writeFile(file, 'old');
    const lock = await acquireDotlock(file);
    await lock.replace('new contents\n');
    expect(await readFile(file, 'utf8')).toBe('new contents\n');
    await expect(stat(`${file}.lock`)).rejects.toThrow();
  });

  it('notices that its lock was overridden', async () => {
    const lock = await acquireDotlock(file);
    await unlink(`${file}.lock`);
    await writeFile(`${file}.lock`, '1:someone-else');
    expect(await lock.release()).toBe(false);
    expect(await readFile(`${file}.lock`, 'utf8')).toBe('1:someone-else');
  });

  it('keeps a held lock fresh so that it is not taken for stale', async () => {
    const { keepFresh } = await import('./lock.js');
    const lock = await acquireDotlock(file, { staleMs: 400 });
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    const stop = keepFresh(lock, 400);
    const deadline = Date.now() + 10_000;
    while ((await stat(`${file}.lock`)).mtimeMs < old.getTime() + 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    stop();
    expect((await stat(`${file}.lock`)).mtimeMs).toBeGreaterThan(Date.now() - 10_000);
    await lock.release();
  });

  it('parses owners', () => {
    expect(parseLockOwner('123:mx1\n')).toEqual({ pid: 123, host: 'mx1' });
    expect(parseLockOwner('')).toBeNull();
    expect(parseLockOwner('x:mx1')).toBeNull();
  });

  describe('in a Maildir folder (linked from a file of the process in tmp/)', () => {
    beforeEach(async () => {
      await mkdir(join(dir.path, 'tmp'));
    });

    it('links the lock, holding "<pid>:<host>", and keeps the file in tmp/ for the next one', async () => {
      const lock = await acquireDotlock(file);
      expect(await readFile(`${file}.lock`, 'utf8')).toBe(`${process.pid}:${hostname()}`);
      expect((await stat(`${file}.lock`)).nlink).toBe(2);
      expect(await lock.release()).toBe(true);
      await expect(stat(`${file}.lock`)).rejects.toThrow();
      expect(await readdir(join(dir.path, 'tmp'))).toHaveLength(1);
      const again = await acquireDotlock(file);
      expect(await again.release()).toBe(true);
      removeTemplates();
      expect(await readdir(join(dir.path, 'tmp'))).toEqual([]);
    });

    it('makes the file in tmp/ again when it was cleaned away', async () => {
      await (await acquireDotlock(file)).release();
      for (const name of await readdir(join(dir.path, 'tmp'))) await unlink(join(dir.path, 'tmp', name));
      const lock = await acquireDotlock(file);
      expect(await readFile(`${file}.lock`, 'utf8')).toBe(`${process.pid}:${hostname()}`);
      expect(await lock.release()).toBe(true);
      removeTemplates();
    });

    it('replaces the protected file with new contents of its own, not through the linked file', async () => {
      await writeFile(file, 'old');
      const lock = await acquireDotlock(file);
      await lock.replace('new contents\n');
      expect(await readFile(file, 'utf8')).toBe('new contents\n');
      expect((await stat(file)).nlink).toBe(1);
      await expect(stat(`${file}.lock`)).rejects.toThrow();
      const next = await acquireDotlock(file);
      expect(await readFile(`${file}.lock`, 'utf8')).toBe(`${process.pid}:${hostname()}`);
      await next.release();
      expect(await readFile(file, 'utf8')).toBe('new contents\n');
      removeTemplates();
    });

    it('notices that its lock was overridden, and waits for a live holder', async () => {
      const lock = await acquireDotlock(file);
      await unlink(`${file}.lock`);
      await writeFile(`${file}.lock`, `${process.ppid}:${hostname()}`);
      expect(await lock.release()).toBe(false);
      await expect(acquireDotlock(file, { staleMs: 60_000, timeoutMs: 300 })).rejects.toThrow(LockTimeoutError);
      await unlink(`${file}.lock`);
      removeTemplates();
    });

    it('keeps a held lock fresh', async () => {
      const lock = await acquireDotlock(file, { staleMs: 400 });
      const old = new Date(Date.now() - 60_000);
      await utimes(`${file}.lock`, old, old);
      await lock.touch();
      expect((await stat(`${file}.lock`)).mtimeMs).toBeGreaterThan(Date.now() - 10_000);
      await lock.release();
      removeTemplates();
    });
  });
});
