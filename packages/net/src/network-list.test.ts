import { describe, expect, it } from 'vitest';
import { NetworkList, NetworkListError } from './network-list.js';

describe('NetworkList', () => {
  const list = new NetworkList(['127.0.0.0/8', '192.0.2.0/24', '2001:db8::/32', '198.51.100.7', ' 203.0.113.0/28 ', '::ffff:10.0.0.0/104', '2001:db8:ffff:1::1']);
  it.each([
    ['127.1.2.3', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:192.0.2.9', true],
    ['::ffff:c000:209', true],
    ['192.0.2.255', true],
    ['192.0.3.1', false],
    ['203.0.113.15', true],
    ['203.0.113.16', false],
    ['2001:db8:ffff::1', true],
    ['2001:DB8::1', true],
    ['2001:db9::1', false],
    ['198.51.100.7', true],
    ['198.51.100.8', false],
    ['10.1.2.3', true],
    ['::ffff:10.1.2.3', true],
    ['11.0.0.1', false],
    ['::1', false],
    ['::127.0.0.1', false],
    ['not-an-ip', false],
    ['', false],
  ])('%s → %s', (ip, want) => {
    expect(list.contains(ip)).toBe(want);
  });

  it('matches nothing when empty, everything with /0 of its family', () => {
    expect(new NetworkList([]).contains('127.0.0.1')).toBe(false);
    const all = new NetworkList(['0.0.0.0/0', '::/0']);
    expect(all.contains('192.0.2.1')).toBe(true);
    expect(all.contains('2001:db8::1')).toBe(true);
    expect(new NetworkList(['0.0.0.0/0']).contains('2001:db8::1')).toBe(false);
  });

  it('keeps its entries as given', () => {
    expect(new NetworkList(['192.0.2.0/24', '::1']).entries).toEqual(['192.0.2.0/24', '::1']);
  });

  it.each(['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x', '10.0.0.0/', '10.0.0.0/-1', '::/129', '', '300.0.0.0/8'])('refuses %j', (entry) => {
    expect(() => new NetworkList([entry])).toThrow(NetworkListError);
    try {
      new NetworkList([entry]);
    } catch (err) {
      expect((err as NetworkListError).entry).toBe(entry);
    }
  });
});
