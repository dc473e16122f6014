import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { spawnRedis } from './redis.js';

describe('spawnRedis', () => {
  it('keeps data across a kill -9 thanks to AOF', async () => {
    const r = await spawnRedis();
    try {
      const c = new Redis(r.url);
      await c.set('k', 'v');
      c.disconnect();
      await r.restart();
      const d = new Redis(r.url);
      expect(await d.get('k')).toBe('v');
      d.disconnect();
    } finally {
      await r.stop();
    }
  });
});
