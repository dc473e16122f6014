// MD5 (RFC 1321) with access to the chaining state: node:crypto hides it, and CRAM-MD5 contexts are saved MD5 states.

/** The four 32-bit chaining words A, B, C, D. */
export type Md5State = [number, number, number, number];

export const MD5_IV: Md5State = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];
/** K[i] = floor(abs(sin(i + 1)) * 2^32). */
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** Runs the compression function over one 64-byte block; returns the new state. */
export function md5Block(state: Md5State, block: Uint8Array, offset = 0): Md5State {
  const x = new Array<number>(16);
  for (let i = 0; i < 16; i++) {
    const o = offset + i * 4;
    x[i] = ((block[o] ?? 0) | ((block[o + 1] ?? 0) << 8) | ((block[o + 2] ?? 0) << 16) | ((block[o + 3] ?? 0) << 24)) >>> 0;
  }
  let [a, b, c, d] = state;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) % 16;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) % 16;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) % 16;
    }
    const t = d;
    d = c;
    c = b;
    const sum = (a + f + (K[i] ?? 0) + (x[g] ?? 0)) >>> 0;
    const s = S[i] ?? 0;
    b = (b + ((sum << s) | (sum >>> (32 - s)))) >>> 0;
    a = t;
  }
  return [(state[0] + a) >>> 0, (state[1] + b) >>> 0, (state[2] + c) >>> 0, (state[3] + d) >>> 0];
}

/**
 * Finishes an MD5 computation that has already absorbed `processed` bytes (a multiple of 64) into `state`:
 * absorbs `data`, pads, and returns the 16-byte digest.
 */
export function md5Finish(state: Md5State, processed: number, data: Uint8Array): Buffer {
  const total = processed + data.length;
  const padLen = ((55 - (total % 64)) & 63) + 1;
  const tail = Buffer.alloc(data.length + padLen + 8);
  tail.set(data, 0);
  tail[data.length] = 0x80;
  const bits = BigInt(total) * 8n;
  tail.writeBigUInt64LE(bits & 0xffffffffffffffffn, data.length + padLen);
  let st = state;
  for (let o = 0; o < tail.length; o += 64) st = md5Block(st, tail, o);
  return serializeState(st);
}

/** The state words as 16 little-endian bytes (which is also the digest when the state is final). */
export function serializeState(state: Md5State): Buffer {
  const out = Buffer.alloc(16);
  state.forEach((w, i) => out.writeUInt32LE(w, i * 4));
  return out;
}

export function deserializeState(bytes: Uint8Array, offset = 0): Md5State {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset + offset, 16);
  return [b.readUInt32LE(0), b.readUInt32LE(4), b.readUInt32LE(8), b.readUInt32LE(12)];
}
