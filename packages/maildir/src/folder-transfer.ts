// COPY (hard links) and MOVE (renames) between folders: new base names and new UIDs, the two folder locks never held together.
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangeRecord, CopyResult } from './api.js';
import { isErrno } from './errors.js';
import { checkQuota } from './folder-append.js';
import { generateBaseName, parseMaildirName, sortLetters } from './filename.js';
import { keywordLettersOf } from './flags.js';
import { knownLetters } from './folder-flags.js';
import type { SubDir } from './folder-index.js';
import { fsyncDir, linkOrCopy } from './fsutil.js';
import { changeOf, type FolderHandle, type StoreServices } from './internal.js';
import type { ModseqLine } from './modseq.js';

/** The current name of a message whose file was renamed by someone else since the last scan. */
async function locate(folderPath: string, base: string): Promise<{ dir: SubDir; name: string } | null> {
  for (const dir of ['cur', 'new'] as const) {
    let names: string[];
    try {
      names = await readdir(join(folderPath, dir));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      throw err;
    }
    const name = names.find((n) => parseMaildirName(n).base === base);
    if (name) return { dir, name };
  }
  return null;
}

/** Links (copy) or renames (move) a source file to `to`, finding it again once if a flag change renamed it. */
async function place(mode: 'copy' | 'move', from: string, to: string, sourcePath: string, base: string): Promise<boolean> {
  const op = mode === 'copy' ? linkOrCopy : rename;
  try {
    await op(from, to);
    return true;
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  const found = await locate(sourcePath, base);
  if (!found) return false;
  try {
    await op(join(sourcePath, found.dir, found.name), to);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

interface Item {
  uid: number;
  base: string;
  dir: SubDir;
  filename: string;
  /** System letters D F P R S T. */
  system: string;
  keywords: string[];
  size: number;
  vsize: number;
  internalDate: number;
}

/**
 * COPY or MOVE. The destination gets the files first (links or renames, new base names so a UID is
 * never reused), then the source records the expunges: the two folder locks are never held together.
 */
export async function transferMessages(source: FolderHandle, uids: readonly number[], destination: string, mode: 'copy' | 'move', services: StoreServices): Promise<CopyResult> {
  const destRef = await services.resolve(source.ref.account, source.ref.root, destination);
  const dest = destRef.path === source.ref.path ? source : services.open(destRef);
  const wanted = [...new Set(uids)].sort((a, b) => a - b);
  const items: Item[] = await source.exclusive(async () => {
    const out: Item[] = [];
    for (const uid of wanted) {
      const rec = source.index.get(uid);
      if (!rec) continue;
      const known = knownLetters(rec.letters);
      out.push({
        uid,
        base: rec.base,
        dir: rec.dir,
        filename: rec.filename,
        system: known.replace(/[a-z]/g, ''),
        keywords: source.index.keywords.namesOf(keywordLettersOf(rec.letters)),
        size: rec.size,
        vsize: rec.vsize,
        internalDate: rec.internalDate,
      });
    }
    return out;
  });
  if (items.length === 0) {
    const uidValidity = await dest.exclusive(async () => dest.index.uidValidity);
    return { uidValidity, mapping: [], changes: [] };
  }
  const bytes = items.reduce((n, i) => n + i.size, 0);
  if (mode === 'copy') await checkQuota(dest, services, bytes, items.length);

  const moved: Array<{ item: Item; base: string }> = [];
  const placeAll = async (): Promise<void> => {
    const dirs = new Set<SubDir>();
    for (const item of items) {
      const letters = sortLetters(item.system + (await dest.index.keywords.lettersFor(item.keywords)));
      const base = generateBaseName({ size: item.size, vsize: item.vsize });
      const dir: SubDir = letters ? 'cur' : 'new';
      const name = letters ? `${base}:2,${letters}` : base;
      const to = join(dest.ref.path, dir, name);
      if (!(await place(mode, join(source.ref.path, item.dir, item.filename), to, source.ref.path, item.base))) continue; // expunged meanwhile
      dirs.add(dir);
      dest.index.noteAdded(base, dir, name, item.internalDate);
      moved.push({ item, base });
    }
    for (const dir of dirs) await fsyncDir(join(dest.ref.path, dir));
  };
  await dest.exclusive(
    () =>
      dest.index.locked(async () => {
        await dest.index.own(['new', 'cur'], placeAll);
        await dest.index.commitNoted();
      }),
    { sync: dest === source },
  );
  const mapping: Array<[number, number]> = [];
  for (const { item, base } of moved) {
    const rec = dest.index.byBaseName(base);
    if (rec) mapping.push([item.uid, rec.uid]);
  }
  const changes: ChangeRecord[] = [];
  if (mapping.length > 0) changes.push(changeOf(dest.ref, dest.index, 'append', mapping.map((m) => m[1])));
  if (mode === 'move' && moved.length > 0) {
    const expunged = moved.map((m) => m.item.uid);
    await source.exclusive(() =>
      source.index.locked(async () => {
        for (const { item } of moved) source.index.noteRemoved(item.base);
        const modseq = source.index.modseqLog.highest + 1;
        await source.index.modseqLog.append(expunged.map((uid): ModseqLine => ({ kind: 'expunge', uid, modseq })));
        await Promise.all([fsyncDir(join(source.ref.path, 'cur')), fsyncDir(join(source.ref.path, 'new'))]);
        source.index.applyNoted();
      }),
    );
    changes.push(changeOf(source.ref, source.index, 'expunge', expunged));
  }
  if (mode === 'copy') await services.quota(dest.ref.root).add(moved.reduce((n, m) => n + m.item.size, 0), moved.length);
  for (const change of changes) services.publish(change);
  return { uidValidity: dest.index.uidValidity, mapping, changes };
}
