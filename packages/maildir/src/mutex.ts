// In-process concurrency helpers: an async mutex keyed by name (one file or folder at a time) and a bounded parallel loop.

const tails = new Map<string, Promise<void>>();

/** Waits for every earlier holder of `key` in this process, then returns the function that lets the next one in. */
export async function lockKey(key: string): Promise<() => void> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  await previous;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
    if (tails.get(key) === tail) tails.delete(key);
  };
}

/** Runs `fn` while holding the in-process lock on `key`. */
export async function withKey<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const release = await lockKey(key);
  try {
    return await fn();
  } finally {
    release();
  }
}

/** Runs `fn` over `items` with at most `width` calls at once. */
export async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
