// The per-address connection limit counts an IPv6 client by its /64 (one client usually holds a whole /64) and an
// IPv4 client by its address.
import { ConnectionLimiter } from '@mail/net';
import { describe, expect, it } from 'vitest';
import { limitKey } from './server.js';

describe('limitKey', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2::a', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:eeee:dddd:cccc', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['::ffff:198.51.100.1', '198.51.100.1'],
    ['not an address', 'not an address'],
  ])('%s counts as %s', (ip, key) => {
    expect(limitKey(ip)).toBe(key);
  });
});

describe('connectionsPerIp over IPv6', () => {
  it('holds the addresses of one /64 to one limit and leaves other /64s and IPv4 clients alone', () => {
    const limiter = new ConnectionLimiter(100, 2);
    const take = (ip: string) => limiter.acquire(0, limitKey(ip));
    const first = take('2001:db8:1:2::1');
    expect(first).not.toHaveProperty('refused');
    expect(take('2001:db8:1:2::2')).not.toHaveProperty('refused');
    expect(take('2001:db8:1:2:abcd::3')).toEqual({ refused: 'client' });
    expect(take('2001:db8:1:3::1')).not.toHaveProperty('refused');
    expect(take('192.0.2.1')).not.toHaveProperty('refused');
    expect(take('192.0.2.2')).not.toHaveProperty('refused');
    if ('release' in first) first.release();
    expect(take('2001:db8:1:2::99')).not.toHaveProperty('refused');
  });
});
