import { describe, expect, it } from 'vitest';
import { MessagePipe, PipeClosedError } from './pipe.js';

describe('MessagePipe', () => {
  it('delivers pieces in order and ends', async () => {
    const p = new MessagePipe();
    const read = (async () => {
      const out: string[] = [];
      for await (const b of p) out.push(b.toString());
      return out;
    })();
    await p.write(Buffer.from('a'));
    await p.write(Buffer.from('b'));
    p.end();
    expect(await read).toEqual(['a', 'b']);
  });
  it('makes the reader throw on abort', async () => {
    const p = new MessagePipe();
    const read = (async () => {
      for await (const _ of p) void _;
    })();
    await p.write(Buffer.from('a'));
    p.abort(new Error('reset'));
    await expect(read).rejects.toThrow('reset');
  });
  it('fails writes once the reader is gone', async () => {
    const p = new MessagePipe();
    const read = (async () => {
      for await (const _ of p) throw new Error('sink failed');
    })();
    await p.write(Buffer.from('a'));
    await expect(read).rejects.toThrow('sink failed');
    await expect(p.write(Buffer.from('b'))).rejects.toBeInstanceOf(PipeClosedError);
  });
});
