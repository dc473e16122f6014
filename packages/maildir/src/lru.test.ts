// Tests of the LRU map and the in-process mutex.
import { describe, expect, it } from 'vitest';
import { LruMap } from './lru.js';
import { withKey } from './mutex.js';

describe('LruMap', () => {
  it('drops the least recently used entry', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
    expect(lru.getOrCreate('d', () => 4)).toBe(4);
    expect(lru.size).toBe(2);
  });
});

describe('withKey', () => {
  it('runs work on one key in order and other keys in parallel', async () => {
    const log: string[] = [];
    const job = (key: string, id: string, ms: number) =>
      withKey(key, async () => {
        log.push(`${id}+`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${id}-`);
      });
    await Promise.all([job('k', '1', 20), job('k', '2', 1), job('other', '3', 1)]);
    expect(log.indexOf('1-')).toBeLessThan(log.indexOf('2+'));
    expect(log.indexOf('3-')).toBeLessThan(log.indexOf('1-'));
  });

  it('lets the next holder in when one fails', async () => {
    await expect(withKey('f', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withKey('f', async () => 'next')).toBe('next');
  });
});
