// Several processes delivering into and expunging from one folder at once: nothing lost, nothing doubled, UIDs strictly increasing.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMaildirName } from '../src/filename.js';
import { parseUidlistHeader, parseUidlistRecord } from '../src/uidlist.js';

const WORKER = fileURLToPath(new URL('./fixtures/concurrent-worker.ts', import.meta.url));
const WORKERS = 4;
const COUNT = 40;

interface WorkerResult {
  delivered: Array<{ key: string; uid: number }>;
  duplicates: string[];
  expunged: number[];
}

function runWorker(location: string, id: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, location, 'carol@example.test', String(id), String(COUNT)], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as WorkerResult) : reject(new Error(`worker ${id} exited ${code}: ${err}`))));
  });
}

describe('concurrent processes on one folder', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir('maildir-concurrency-');
  });
  afterEach(() => dir.cleanup());

  it('delivers each key once, assigns strictly increasing UIDs and leaves a valid uidlist', { timeout: 180_000 }, async () => {
    const location = `${dir.path}/%d/%n/Maildir`;
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, i) => runWorker(location, i)));
    const root = join(dir.path, 'example.test', 'carol', 'Maildir');

    // Every key was stored exactly once across all processes.
    const deliveredKeys = results.flatMap((r) => r.delivered.map((d) => d.key));
    const allKeys = new Set(results.flatMap((r) => [...r.delivered.map((d) => d.key), ...r.duplicates]));
    expect(new Set(deliveredKeys).size).toBe(deliveredKeys.length);
    expect(new Set(deliveredKeys)).toEqual(allKeys);
    expect(allKeys.size).toBe(COUNT / 2 + (WORKERS * COUNT) / 2);

    // UIDs are unique, and each process saw its own deliveries get ever larger UIDs.
    const uids = results.flatMap((r) => r.delivered.map((d) => d.uid));
    expect(new Set(uids).size).toBe(uids.length);
    for (const r of results) {
      const mine = r.delivered.map((d) => d.uid);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }

    // The uidlist parses, is ordered, and maps every file on disk to its own UID.
    const lines = (await readFile(join(root, 'dovecot-uidlist'), 'utf8')).split('\n').filter(Boolean);
    const header = parseUidlistHeader(lines[0] as string);
    const records = lines.slice(1).map((l) => parseUidlistRecord(l, 3));
    for (let i = 1; i < records.length; i++) expect((records[i] as { uid: number }).uid).toBeGreaterThan((records[i - 1] as { uid: number }).uid);
    const uidOfBase = new Map(records.map((r) => [r.base, r.uid]));
    const files = [...(await readdir(join(root, 'new'))), ...(await readdir(join(root, 'cur')))];
    const keyOfUid = new Map(results.flatMap((r) => r.delivered.map((d) => [d.uid, d.key] as const)));
    const onDisk = new Map<string, number>();
    for (const f of files) {
      const uid = uidOfBase.get(parseMaildirName(f).base);
      expect(uid).toBeDefined();
      const sub = (await readdir(join(root, 'new'))).includes(f) ? 'new' : 'cur';
      const key = /key=(\S+)/.exec(await readFile(join(root, sub, f), 'utf8'))?.[1] as string;
      expect(keyOfUid.get(uid as number)).toBe(key);
      expect(onDisk.has(key)).toBe(false);
      onDisk.set(key, uid as number);
    }
    expect(header.nextUid).toBeGreaterThan(0);

    // What is on disk is exactly what was delivered minus what was expunged.
    const expunged = new Set(results.flatMap((r) => r.expunged));
    const expected = new Set(results.flatMap((r) => r.delivered.filter((d) => !expunged.has(d.uid)).map((d) => d.key)));
    expect(new Set(onDisk.keys())).toEqual(expected);
  });
});
