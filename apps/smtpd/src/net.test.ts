import { describe, expect, it } from 'vitest';
import { NetworkList, NetworkListError, clientKey, isLoopback, normalizeIp } from './net.js';

describe('normalizeIp and isLoopback', () => {
  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1', false],
    ['::FFFF:127.0.0.1', '127.0.0.1', true],
    ['127.0.0.2', '127.0.0.2', true],
    ['::1', '::1', true],
    ['2001:DB8::1', '2001:db8::1', false],
  ])('%s', (ip, norm, loop) => {
    expect(normalizeIp(ip)).toBe(norm);
    expect(isLoopback(ip)).toBe(loop);
  });
});

describe('clientKey', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:0db8:0001:0002::/64'],
    ['2001:db8:1:2::9', '2001:0db8:0001:0002::/64'],
    ['::1', '0000:0000:0000:0000::/64'],
    ['2001:db8::', '2001:0db8:0000:0000::/64'],
  ])('%s → %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });
});

describe('NetworkList', () => {
  const list = new NetworkList(['127.0.0.0/8', '192.0.2.0/24', '2001:db8::/32', '198.51.100.7']);
  it.each([
    ['127.1.2.3', true],
    ['::ffff:127.0.0.1', true],
    ['192.0.2.255', true],
    ['192.0.3.1', false],
    ['2001:db8:ffff::1', true],
    ['2001:db9::1', false],
    ['198.51.100.7', true],
    ['198.51.100.8', false],
    ['::1', false],
    ['not-an-ip', false],
  ])('%s → %s', (ip, want) => {
    expect(list.contains(ip)).toBe(want);
  });
  it.each(['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x', '::/129'])('refuses %s', (entry) => {
    expect(() => new NetworkList([entry])).toThrow(NetworkListError);
  });
});
