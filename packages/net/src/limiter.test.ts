import { describe, expect, it } from 'vitest';
import { ConnectionLimiter, type Slot } from './limiter.js';

function slot(result: ReturnType<ConnectionLimiter['acquire']>): Slot {
  if (!('release' in result)) throw new Error(`expected a slot, got refusal ${result.refused}`);
  return result;
}

describe('ConnectionLimiter', () => {
  it('limits per listener and per client, and releases once', () => {
    const l = new ConnectionLimiter(3, 2);
    const a = slot(l.acquire(0, 'a'));
    slot(l.acquire(0, 'a'));
    expect(l.acquire(0, 'a')).toEqual({ refused: 'client' });
    slot(l.acquire(0, 'b'));
    expect(l.acquire(0, 'c')).toEqual({ refused: 'listener' });
    expect(l.count(0)).toBe(3);
    a.release();
    a.release();
    expect(l.count(0)).toBe(2);
    expect(l.countClient('a')).toBe(1);
    slot(l.acquire(0, 'a'));
    expect(l.countClient('a')).toBe(2);
  });

  it('counts a client over every listener, each listener on its own', () => {
    const l = new ConnectionLimiter(1, 2);
    const a = slot(l.acquire(0, 'x'));
    expect(l.acquire(0, 'y')).toEqual({ refused: 'listener' });
    slot(l.acquire(1, 'x'));
    expect(l.acquire(2, 'x')).toEqual({ refused: 'client' });
    expect(l.count(1)).toBe(1);
    expect(l.count(2)).toBe(0);
    a.release();
    slot(l.acquire(2, 'x'));
  });

  it('checks the listener before the client', () => {
    const l = new ConnectionLimiter(1, 1);
    slot(l.acquire(0, 'x'));
    expect(l.acquire(0, 'x')).toEqual({ refused: 'listener' });
    expect(l.acquire(1, 'x')).toEqual({ refused: 'client' });
  });

  it('exempts a client from the per-client limit only, and still counts it', () => {
    const l = new ConnectionLimiter(3, 1);
    const slots = [slot(l.acquire(0, 'm', true)), slot(l.acquire(0, 'm', true)), slot(l.acquire(0, 'm', true))];
    expect(l.acquire(0, 'm', true)).toEqual({ refused: 'listener' });
    expect(l.countClient('m')).toBe(3);
    expect(l.acquire(1, 'm')).toEqual({ refused: 'client' });
    for (const s of slots) s.release();
    expect(l.count(0)).toBe(0);
    expect(l.countClient('m')).toBe(0);
    slot(l.acquire(1, 'm'));
  });

  it('forgets released listeners and clients entirely', () => {
    const l = new ConnectionLimiter(2, 2);
    const slots = [slot(l.acquire(0, 'a')), slot(l.acquire(0, 'b')), slot(l.acquire(1, 'a'))];
    for (const s of slots) s.release();
    for (const s of slots) s.release();
    expect([l.count(0), l.count(1), l.countClient('a'), l.countClient('b')]).toEqual([0, 0, 0, 0]);
    slot(l.acquire(0, 'a'));
    slot(l.acquire(0, 'a'));
  });

  it('refuses everything with limits of zero', () => {
    expect(new ConnectionLimiter(0, 5).acquire(0, 'a')).toEqual({ refused: 'listener' });
    expect(new ConnectionLimiter(5, 0).acquire(0, 'a')).toEqual({ refused: 'client' });
    expect(new ConnectionLimiter(5, 0).acquire(0, 'a', true)).toHaveProperty('release');
  });
});
