// File identity for change detection: device, inode, size and times from stat(2), following symbolic links
// so that a certbot-style "live" link switched to a new file counts as a change.
import { stat } from 'node:fs/promises';

export interface FileStamp {
  file: string;
  /** Undefined when the file could not be stat'ed; `error` then holds the errno code. */
  dev?: number;
  ino?: number;
  size?: number;
  mtimeMs?: number;
  ctimeMs?: number;
  error?: string;
}

export async function stampFile(file: string): Promise<FileStamp> {
  try {
    const s = await stat(file);
    return { file, dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
  } catch (err) {
    return { file, error: (err as NodeJS.ErrnoException).code ?? 'EIO' };
  }
}

export function stampFiles(files: readonly string[]): Promise<FileStamp[]> {
  return Promise.all(files.map(stampFile));
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return (
    a.file === b.file &&
    a.error === b.error &&
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  );
}

export function sameStamps(a: readonly FileStamp[] | undefined, b: readonly FileStamp[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((s, i) => sameStamp(s, b[i] as FileStamp));
}
