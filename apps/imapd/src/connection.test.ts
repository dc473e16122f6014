// Connection's output: message memory from the buffer pool goes back to it only when the socket took the reply
// at once; a reply left queued behind a client that does not read keeps its octets until they are sent.
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pooledBytes, takeBuffer } from './buffer-pool.js';
import { Connection } from './connection.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function socketPair(): Promise<{ server: Socket; client: Socket }> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const client = connect({ host: '127.0.0.1', port: address.port });
  const server = await accepted;
  closers.push(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { server, client };
}

// Over the size below which Connection joins parts into one buffer (a copy): these are written by reference.
const SIZE = 20_000;
const reply = (seq: number, content: Buffer): string => `* ${seq} FETCH (BODY[] {${content.length}}\r\n${content.toString('latin1')})\r\n`;

describe('Connection output', () => {
  it('gives message memory back only when the socket took the reply at once', async () => {
    const { server, client } = await socketPair();
    client.pause();
    const conn = new Connection(server, {}, 60_000);
    const expected: string[] = [];
    /** Sends one message and starts its flush without waiting for it. */
    const sendMessage = async (seq: number, content: Buffer): Promise<void> => {
      expected.push(reply(seq, content));
      await conn.send({ type: 'FETCH', seq, items: [{ item: 'BODY[]', section: { part: [], text: null, fields: [] }, content }] });
      void conn.flush();
    };
    let gaveBack = 0;
    let queued = false;
    // Replies of one pooled buffer each until one is left queued: the client reads nothing, so the kernel's
    // buffers fill up. Each message has its own octet, so memory used again too early shows in what arrives.
    for (let seq = 1; seq <= 20_000 && !queued; seq++) {
      const content = takeBuffer(SIZE).fill(0x41 + (seq % 26));
      const before = pooledBytes();
      await sendMessage(seq, content);
      queued = server.writableLength > 0;
      if (queued) expect(pooledBytes()).toBe(before);
      else if (pooledBytes() > before) gaveBack++;
    }
    expect(queued).toBe(true);
    expect(gaveBack).toBeGreaterThan(0);
    // A few more messages while the others wait: their memory must not be the waiting replies'.
    for (let n = 0; n < 5; n++) await sendMessage(expected.length + 1, takeBuffer(SIZE).fill(0x61 + n));
    const want = Buffer.from(expected.join(''), 'latin1');
    const chunks: Buffer[] = [];
    let got = 0;
    await new Promise<void>((resolve) => {
      client.on('data', (d: Buffer) => {
        chunks.push(d);
        got += d.length;
        if (got >= want.length) resolve();
      });
      client.resume();
    });
    expect(Buffer.concat(chunks).equals(want)).toBe(true);
  });
});
