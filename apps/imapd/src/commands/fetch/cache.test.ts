import { describe, expect, it } from 'vitest';
import { Lru } from './cache.js';

describe('Lru', () => {
  it('evicts the least recently used entries by weight', () => {
    const lru = new Lru<number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    lru.set('d', 4);
    expect(lru.has('a')).toBe(false);
    expect([lru.get('b'), lru.get('c'), lru.get('d')]).toEqual([2, 3, 4]);
    lru.set('e', 5, 2);
    expect(lru.has('b')).toBe(false);
    expect(lru.has('c')).toBe(false);
    expect(lru.get('d')).toBe(4);
  });

  it('keeps an entry that is read while others come and go', () => {
    const lru = new Lru<number>(100);
    lru.set('hot', 0);
    for (let i = 0; i < 10_000; i++) {
      lru.set(`k${i}`, i);
      expect(lru.get('hot')).toBe(0);
    }
    expect(lru.has('k0')).toBe(false);
    expect(lru.get('k9999')).toBe(9999);
  });

  it('replaces the value of a key and its weight', () => {
    const lru = new Lru<string>(10);
    lru.set('a', 'x', 6);
    lru.set('a', 'y', 6);
    expect(lru.get('a')).toBe('y');
    lru.set('b', 'z', 4);
    expect(lru.get('a')).toBe('y');
    expect(lru.get('b')).toBe('z');
  });
});
