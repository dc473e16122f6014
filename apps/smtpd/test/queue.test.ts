// smtpd over the real queue: the message is spooled once under smtpd's queue id with its deliver and outbound
// jobs; with Redis down the client gets 451 4.3.0 and nothing is left behind; after a restart mail flows again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@mail/config';
import { createLogger } from '@mail/log';
import { DeliverJobV1, newSpoolId, OutboundJobV1, Producer, QueueAdmin } from '@mail/queue';
import { spawnRedis, type SpawnedRedis } from '@mail/testing';
import { QueueSink } from '../src/queue/sink.js';
import { plain, startServer, type TestServer } from './support/server.js';

let redis: SpawnedRedis;
let server: TestServer;
let sink: QueueSink;
let admin: QueueAdmin;
let reader: Producer;

beforeAll(async () => {
  redis = await spawnRedis();
  const config = parseConfig({ redis: { url: redis.url, prefix: redis.prefix } }).redis;
  sink = new QueueSink({ redis: config, logger: createLogger('queue', { level: 'silent' }), readyTimeoutMs: 500 });
  server = await startServer({
    listeners: [{ mode: 'mx', tls: 'none' }, { mode: 'submission', tls: 'none' }],
    config: { redis: { url: redis.url, prefix: redis.prefix }, smtpd: { allowInsecureAuth: true } },
    deps: { sink, newQueueId: () => newSpoolId() },
  });
  admin = await QueueAdmin.open({ redis: config });
  reader = await Producer.open({ redis: config });
});
afterAll(async () => {
  await server?.stop();
  await sink?.close();
  await admin?.close();
  await reader?.close();
  await redis?.stop();
});

const queuedId = (raw: string): string => /queued as ([0-9A-Z]{26})$/.exec(raw)?.[1] ?? '';

async function keys(): Promise<string[]> {
  return (await reader.client.keys(`*${redis.prefix}*spool*`)).sort();
}

describe('the queue sink', () => {
  it('spools once and enqueues deliver and outbound jobs under the queue id of the Received: header', async () => {
    const c = await server.open('submission');
    expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'secret-alice')}`)).code).toBe(235);
    expect((await c.cmd('MAIL FROM:<alice@local.test> BODY=8BITMIME RET=HDRS ENVID=E+2B1')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<bob@local.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@local.test')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<dave@remote.test> NOTIFY=NEVER')).code).toBe(250);
    expect((await c.cmd('DATA')).code).toBe(354);
    c.write('Subject: hi\r\nMessage-ID: <m1@local.test>\r\n\r\nbody\r\n.\r\n');
    const r = await c.reply();
    expect(r.code).toBe(250);
    const id = queuedId(r.raw);
    expect(id).not.toBe('');
    const body = (await reader.spool.get(id)).toString();
    expect(body).toMatch(new RegExp(`^Received: from client\\.test \\(client\\.example \\[127\\.0\\.0\\.1\\]\\)\\r\\n\\tby mx\\.test with ESMTPA id ${id};`));
    expect(body).toMatch(/\r\nSubject: hi\r\nMessage-ID: <m1@local.test>\r\n\r\nbody\r\n$/);
    expect((await reader.spool.info(id)).refs).toBe(2);
    const deliver = DeliverJobV1.parse((await admin.get(`${id}-d`))?.data);
    const outbound = OutboundJobV1.parse((await admin.get(`${id}-o`))?.data);
    expect(deliver).toMatchObject({
      spoolId: id,
      size: body.length,
      sender: 'alice@local.test',
      dsn: { ret: 'HDRS', envid: 'E+1' },
      eightBitMime: true,
      messageId: '<m1@local.test>',
      recipients: [{ address: 'bob@local.test', notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;bob@local.test' }],
      received: { clientAddress: '127.0.0.1', clientHostname: 'client.example', helo: 'client.test', authUser: 'alice@local.test', protocol: 'ESMTPA' },
    });
    expect(outbound).toMatchObject({ spoolId: id, recipients: [{ address: 'dave@remote.test', notify: 'NEVER', status: 'pending' }] });
  });

  it('carries AUTH= into the jobs: the account of an authenticated client, <> for an unauthenticated one or when given (RFC 4954 §5)', async () => {
    const send = async (c: Awaited<ReturnType<TestServer['open']>>, mail: string, rcpt: string): Promise<string> => {
      expect((await c.cmd(mail)).code).toBe(250);
      expect((await c.cmd(`RCPT TO:<${rcpt}>`)).code).toBe(250);
      expect((await c.cmd('DATA')).code).toBe(354);
      c.write('Subject: auth\r\n\r\nbody\r\n.\r\n');
      const r = await c.reply();
      expect(r.code).toBe(250);
      return queuedId(r.raw);
    };
    const sub = await server.open('submission');
    expect((await sub.cmd(`AUTH PLAIN ${plain('alice@local.test', 'secret-alice')}`)).code).toBe(235);
    // The client's own claim does not replace the identity it authenticated as.
    const a = await send(sub, 'MAIL FROM:<alice@local.test> AUTH=someone+2Belse@remote.test', 'dave@remote.test');
    expect(OutboundJobV1.parse((await admin.get(`${a}-o`))?.data).auth).toBe('alice@local.test');
    const b = await send(sub, 'MAIL FROM:<alice@local.test>', 'bob@local.test');
    expect(DeliverJobV1.parse((await admin.get(`${b}-d`))?.data).auth).toBe('alice@local.test');
    // An explicit AUTH=<>: the submitter is unknown, and that is what is passed on.
    const unknown = await send(sub, 'MAIL FROM:<alice@local.test> AUTH=<>', 'dave@remote.test');
    expect(OutboundJobV1.parse((await admin.get(`${unknown}-o`))?.data).auth).toBeNull();
    // Not authenticated (and not in mynetworks): AUTH= is not trusted.
    const mx = await server.open('mx');
    const c = await send(mx, 'MAIL FROM:<x@remote.test> AUTH=alice@local.test', 'bob@local.test');
    expect(DeliverJobV1.parse((await admin.get(`${c}-d`))?.data).auth).toBeNull();
  });

  it('stores a message of several spool chunks byte for byte', async () => {
    const c = await server.open('mx');
    expect((await c.cmd('MAIL FROM:<x@remote.test>')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<bob@local.test>')).code).toBe(250);
    expect((await c.cmd('DATA')).code).toBe(354);
    const lines = Array.from({ length: 12_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 90)}\r\n`).join('');
    c.write(`Subject: big\r\n\r\n${lines}.\r\n`);
    const r = await c.reply();
    expect(r.code).toBe(250);
    const id = queuedId(r.raw);
    const body = await reader.spool.get(id);
    expect(body.length).toBeGreaterThan(2 * reader.spool.chunkSize);
    expect(body.toString().endsWith(`Subject: big\r\n\r\n${lines}`)).toBe(true);
    expect((await admin.get(`${id}-d`))?.data).toMatchObject({ size: body.length });
  });

  it('defers with 451 4.3.0 while Redis is down, leaves nothing behind, and queues again after a restart', async () => {
    const before = await keys();
    const c = await server.open('mx');
    expect((await c.cmd('MAIL FROM:<x@remote.test>')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<bob@local.test>')).code).toBe(250);
    await redis.kill();
    expect((await c.cmd('DATA')).code).toBe(354);
    c.write(`Subject: down\r\n\r\n${'line of text\r\n'.repeat(50_000)}.\r\n`);
    expect((await c.reply()).raw).toMatch(/^451 4\.3\.0 /);
    // The session goes on: the next transaction on the same connection works once Redis is back.
    await redis.restart();
    expect((await c.cmd('MAIL FROM:<x@remote.test>')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<bob@local.test>')).code).toBe(250);
    expect((await c.cmd('DATA')).code).toBe(354);
    c.write('Subject: up\r\n\r\nb\r\n.\r\n');
    let r = await c.reply();
    for (let i = 0; r.code === 451 && i < 40; i++) {
      // The connection may still be reconnecting: a client retries later, so does this test.
      await new Promise((res) => setTimeout(res, 250));
      expect((await c.cmd('MAIL FROM:<x@remote.test>')).code).toBe(250);
      expect((await c.cmd('RCPT TO:<bob@local.test>')).code).toBe(250);
      expect((await c.cmd('DATA')).code).toBe(354);
      c.write('Subject: up\r\n\r\nb\r\n.\r\n');
      r = await c.reply();
    }
    expect(r.code).toBe(250);
    const id = queuedId(r.raw);
    expect(await admin.get(`${id}-d`)).toBeDefined();
    // Only the new message's entry was added: the refused one left neither chunks nor metadata.
    const after = await keys();
    expect(after.filter((k) => !before.includes(k)).every((k) => k.includes(id))).toBe(true);
  });
});
