// Memory for whole messages sent by FETCH, used again once the socket has taken their octets: a FETCH of a
// message otherwise allocates a buffer of its size outside V8's heap, and collecting those was a sixth of imapd's
// time in a FETCH BODY[] profile. Buffers are handed out in power-of-two sizes and only memory that was handed out
// here is taken back; anything not given back is left to the garbage collector as before.

/** Smallest and largest pooled size: 4 KiB and 256 KiB (the largest message FETCH sends from memory). */
const MIN_SHIFT = 12;
const MAX_SHIFT = 18;
/** At most this much memory waits in the pool. */
const KEEP_BYTES = 4 * 1024 * 1024;

const free: ArrayBuffer[][] = Array.from({ length: MAX_SHIFT + 1 }, () => []);
/** Memory handed out and not yet given back. */
const lent = new WeakSet<ArrayBuffer>();
let keptBytes = 0;

function shiftFor(size: number): number {
  return Math.max(MIN_SHIFT, 32 - Math.clz32(size - 1));
}

/** A buffer of `size` octets (contents undefined). */
export function takeBuffer(size: number): Buffer {
  if (size > 1 << MAX_SHIFT || size <= 0) return Buffer.allocUnsafe(size);
  const shift = shiftFor(size);
  let memory = free[shift]?.pop();
  if (memory) keptBytes -= memory.byteLength;
  else memory = new ArrayBuffer(1 << shift);
  lent.add(memory);
  return Buffer.from(memory, 0, size);
}

/**
 * Gives back the memory of `part` if it came from takeBuffer. The caller must hold no other view of it: the
 * connection calls this only for octets the socket has taken (or copied) already.
 */
export function giveBack(part: Uint8Array): void {
  const memory = part.buffer;
  if (!(memory instanceof ArrayBuffer) || !lent.delete(memory)) return;
  if (keptBytes + memory.byteLength > KEEP_BYTES) return;
  const shift = 31 - Math.clz32(memory.byteLength);
  free[shift]?.push(memory);
  keptBytes += memory.byteLength;
}

/** Pooled memory waiting to be taken (tests). */
export function pooledBytes(): number {
  return keptBytes;
}
