import { describe, expect, it } from 'vitest';
import { BodyGuard } from './guard.js';

describe('BodyGuard', () => {
  it('refuses more than the limit with 552 5.3.4', () => {
    const g = new BodyGuard(10, false);
    expect(g.feed(Buffer.from('12345\r\n'))).toBeUndefined();
    expect(g.feed(Buffer.from('678\r\n'))).toMatchObject({ code: 552, enhanced: '5.3.4' });
  });
  it.each([
    ['a\nb\r\n', 550, '5.5.2'],
    ['a\rb\r\n', 550, '5.5.2'],
    ['a\0b\r\n', 554, '5.6.0'],
    [`${'x'.repeat(1001)}\r\n`, 554, '5.6.0'],
  ])('refuses text %j', (text, code, enhanced) => {
    const g = new BodyGuard(1 << 20, false);
    expect(g.feed(Buffer.from(text, 'latin1')) ?? g.finish()).toMatchObject({ code, enhanced });
  });
  it('lets BINARYMIME through unchecked', () => {
    const g = new BodyGuard(1 << 20, true);
    expect(g.feed(Buffer.from('a\nb\0\r'))).toBeUndefined();
    expect(g.finish()).toBeUndefined();
  });
});
