import { describe, expect, it } from 'vitest';
import { ConnectionLimiter } from './limits.js';

describe('ConnectionLimiter', () => {
  it('limits per listener and per client, and releases once', () => {
    const l = new ConnectionLimiter(3, 2);
    const a = l.acquire(0, 'a', false);
    const b = l.acquire(0, 'a', false);
    expect(l.acquire(0, 'a', false)).toEqual({ refused: 'client' });
    const c = l.acquire(0, 'b', false);
    expect(l.acquire(0, 'c', false)).toEqual({ refused: 'listener' });
    expect(l.acquire(1, 'c', false)).toHaveProperty('release');
    if (!('release' in a) || !('release' in b) || !('release' in c)) throw new Error('expected slots');
    a.release();
    a.release();
    expect(l.count(0)).toBe(2);
    expect(l.acquire(0, 'a', false)).toHaveProperty('release');
  });
  it('exempts trusted clients from the per-client limit only', () => {
    const l = new ConnectionLimiter(3, 1);
    expect(l.acquire(0, 'm', true)).toHaveProperty('release');
    expect(l.acquire(0, 'm', true)).toHaveProperty('release');
    expect(l.acquire(0, 'm', true)).toHaveProperty('release');
    expect(l.acquire(0, 'm', true)).toEqual({ refused: 'listener' });
  });
});
