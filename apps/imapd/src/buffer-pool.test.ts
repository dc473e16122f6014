import { describe, expect, it } from 'vitest';
import { giveBack, pooledBytes, takeBuffer } from './buffer-pool.js';

describe('buffer pool', () => {
  it('hands out buffers of the size asked, in power-of-two memory', () => {
    const a = takeBuffer(5000);
    expect(a.length).toBe(5000);
    expect(a.buffer.byteLength).toBe(8192);
    expect(takeBuffer(1).buffer.byteLength).toBe(4096);
    expect(takeBuffer(4096).buffer.byteLength).toBe(4096);
    expect(takeBuffer(256 * 1024).buffer.byteLength).toBe(256 * 1024);
  });

  it('uses memory given back for the next buffer of its size, once', () => {
    const a = takeBuffer(20_000);
    const before = pooledBytes();
    giveBack(a.subarray(100, 200)); // any view of the memory gives it back
    expect(pooledBytes()).toBe(before + 32_768);
    giveBack(a); // twice: nothing more
    expect(pooledBytes()).toBe(before + 32_768);
    const b = takeBuffer(17_000);
    expect(b.buffer).toBe(a.buffer);
    expect(pooledBytes()).toBe(before);
    expect(takeBuffer(17_000).buffer).not.toBe(a.buffer);
  });

  it('takes back only its own memory', () => {
    const before = pooledBytes();
    giveBack(Buffer.allocUnsafe(8192));
    giveBack(Buffer.from('small'));
    giveBack(new Uint8Array(new ArrayBuffer(4096)));
    expect(pooledBytes()).toBe(before);
  });

  it('leaves sizes over 256 KiB to the allocator, and keeps at most 4 MiB', () => {
    const big = takeBuffer(256 * 1024 + 1);
    const before = pooledBytes();
    giveBack(big);
    expect(pooledBytes()).toBe(before);
    const many = Array.from({ length: 40 }, () => takeBuffer(256 * 1024));
    for (const b of many) giveBack(b);
    expect(pooledBytes()).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(pooledBytes()).toBeGreaterThan(3 * 1024 * 1024);
  });
});
