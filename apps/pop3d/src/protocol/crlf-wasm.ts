// LF → CRLF conversion and dot-stuffing of one chunk 16 octets at a time: a WebAssembly SIMD routine (its source is
// crlf.wat beside this file) that MessageEncoder uses for chunks of up to VECTOR_CHUNK octets, about four times as fast
// as its JavaScript loop (one indexOf and one copyWithin per line) for a message with LF line endings.

/** crlf.wat built with `wat2wasm crlf.wat --output=- | base64 -w0`. */
export const CRLF_WASM = 'AGFzbQEAAAABBwFgAn9/AX8DAgEABQMBADEGBgF/AUEACwcdAwZtZW1vcnkCAAdiYXJlTGZzAwAGZW5jb2RlAAAK0QIBzgICBH8Ce0GAgMAAIQNBCv0PIQdBACQAIAFBAXEgAEEAS3EEQEEALQAAQS5GBEAgA0Gu3AA7AQAgA0ECaiEDQQEhAgsLAkADQCACIABPDQECQCACQRBqIABNBEAgAv0ABAAhBiADIAb9CwQAIAYgB/0j/WQhBCAERQRAIAJBEGohAiADQRBqIQMMAwsgBGghBSACIAVqIQIgAyAFaiEDDAEFA0AgAi0AAEEKRgRADAMLIAMgAi0AADoAACACQQFqIQIgA0EBaiEDIAIgAEkNAAsMAwsLIAIEfyACQQFrLQAAQQ1HBSABQQJxRQsEQCADQQ06AAAgA0EBaiEDIwBBAWokAAsgA0EKOgAAIANBAWohAyACQQFqIQIgAiAASQRAIAItAABBLkYEQCADQa7cADsBACADQQJqIQMgAkEBaiECCwsMAAsLIANBgIDAAGsL';

/** The largest chunk the routine takes (its memory holds the chunk and up to twice as much output). */
export const VECTOR_CHUNK = 1024 * 1024;

// Node's WebAssembly global, as far as it is used here (the project's type libraries do not declare it).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};

interface Routine {
  memory: Uint8Array;
  encode(length: number, flags: number): number;
  bareLfs: { value: number };
}

function load(): Routine | null {
  try {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(CRLF_WASM, 'base64')));
    const { memory, encode, bareLfs } = exports as { memory: { buffer: ArrayBuffer }; encode: Routine['encode']; bareLfs: Routine['bareLfs'] };
    return { memory: new Uint8Array(memory.buffer), encode, bareLfs };
  } catch {
    return null; // no WebAssembly, or no SIMD on this processor: the encoder's JavaScript loop does the work
  }
}

const routine = load();

/** Whether the routine could be loaded here. */
export const vectorAvailable = routine !== null;

/**
 * Converts one chunk (1 to VECTOR_CHUNK octets): a CR before each bare LF (the first octet's LF is bare unless
 * `afterCr`), a "." before each "." that starts a line (the first octet starts one if `atLineStart`). Returns the
 * output (from `allocate`), `data` itself when nothing changed, and the number of CRs inserted.
 */
export function convertChunk(data: Buffer, atLineStart: boolean, afterCr: boolean, allocate: (size: number) => Buffer = Buffer.allocUnsafe): { out: Buffer; bareLfs: number } {
  if (!routine) throw new Error('the WebAssembly routine is not available');
  if (data.length > VECTOR_CHUNK) throw new RangeError(`a chunk of ${data.length} octets is over ${VECTOR_CHUNK}`);
  const { memory, encode, bareLfs } = routine;
  memory.set(data, 0);
  const length = encode(data.length, (atLineStart ? 1 : 0) | (afterCr ? 2 : 0));
  if (length === data.length) return { out: data, bareLfs: 0 };
  const out = allocate(length);
  out.set(memory.subarray(VECTOR_CHUNK, VECTOR_CHUNK + length));
  return { out, bareLfs: bareLfs.value };
}
