// An in-process async mutex keyed by name: serializes work on one file or folder within this process.

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
