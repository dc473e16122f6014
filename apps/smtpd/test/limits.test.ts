// Limits over real sockets: connections per client and per listener, the error limit, the command timeout,
// talking before the banner, and shutdown.
import { describe, expect, it } from 'vitest';
import { SmtpClient } from './support/client.js';
import { startServer } from './support/server.js';

describe('connection limits', () => {
  it('refuses more connections from one client than allowed with 421 4.7.0', async () => {
    const srv = await startServer({ config: { limits: { connectionsPerIp: 2 } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      await srv.open();
      await srv.open();
      const third = await srv.connect();
      expect((await third.reply()).raw).toBe('421 4.7.0 mx.test Error: too many connections from 127.0.0.1');
      await third.closed();
    } finally {
      await srv.stop();
    }
  });

  it('lets mynetworks clients past the per-client limit but not past the listener limit', async () => {
    const srv = await startServer({ config: { mynetworks: ['127.0.0.0/8'], limits: { connectionsPerIp: 1, connections: 2 } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      await srv.open();
      await srv.open();
      const third = await srv.connect();
      expect((await third.reply()).raw).toBe('421 4.7.0 mx.test Error: too many connections');
    } finally {
      await srv.stop();
    }
  });

  it('frees the slot when a client leaves', async () => {
    const srv = await startServer({ config: { limits: { connectionsPerIp: 1 } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      const a = await srv.open();
      await a.cmd('QUIT');
      await a.closed();
      for (let i = 0; i < 50; i++) {
        const b = await srv.connect();
        const r = await b.reply();
        b.close();
        if (r.code === 220) return;
        await new Promise((res) => setTimeout(res, 20));
      }
      throw new Error('slot never freed');
    } finally {
      await srv.stop();
    }
  });
});

describe('session limits', () => {
  it('closes with 421 after too many errors', async () => {
    const srv = await startServer({ config: { smtpd: { maxErrors: 3 } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      const c = await srv.open();
      expect((await c.cmd('BOGUS')).code).toBe(500);
      expect((await c.cmd('RCPT TO:<a@local.test>')).code).toBe(503);
      c.send('MAIL FROM:<bad');
      expect((await c.reply()).code).toBe(501);
      expect((await c.reply()).raw).toBe('421 4.7.0 mx.test Error: too many errors');
      await c.closed();
    } finally {
      await srv.stop();
    }
  });

  it('counts recipient refusals, as a dictionary attack would cause', async () => {
    const srv = await startServer({ config: { smtpd: { maxErrors: 3 } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      const c = await srv.open();
      await c.cmd('MAIL FROM:<x@remote.test>');
      await c.cmd('RCPT TO:<a1@local.test>');
      await c.cmd('RCPT TO:<a2@local.test>');
      expect((await c.cmd('RCPT TO:<a3@local.test>')).code).toBe(550);
      expect((await c.reply()).code).toBe(421);
      await c.closed();
    } finally {
      await srv.stop();
    }
  });

  it('closes an idle client with 421 4.4.2 after the command timeout', async () => {
    const srv = await startServer({ config: { limits: { commandTimeout: 300 } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      const c = await srv.open();
      expect((await c.reply()).raw).toBe('421 4.4.2 mx.test Error: timeout exceeded');
      await c.closed();
    } finally {
      await srv.stop();
    }
  });

  it('times out a DATA body that stops arriving', async () => {
    const srv = await startServer({ config: { limits: { commandTimeout: 300 } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      const c = await srv.open();
      await c.cmd('MAIL FROM:<x@remote.test>');
      await c.cmd('RCPT TO:<alice@local.test>');
      await c.cmd('DATA');
      c.write('Subject: half\r\n');
      expect((await c.reply()).code).toBe(421);
      await c.closed();
      expect(srv.sink.messages).toHaveLength(0);
    } finally {
      await srv.stop();
    }
  });

  it('drops a client that talks before the banner (greetDelay)', async () => {
    const srv = await startServer({ config: { smtpd: { greetDelay: 300 } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      const eager = await srv.connect();
      eager.send('EHLO hasty.test');
      expect((await eager.reply()).raw).toBe('554 5.5.1 mx.test Error: SMTP protocol synchronization');
      await eager.closed();
      const patient = await srv.connect();
      expect((await patient.reply()).code).toBe(220);
    } finally {
      await srv.stop();
    }
  });

  it('stop() ends idle sessions with 421 4.3.2', async () => {
    const srv = await startServer({ withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    const c = await SmtpClient.connect(srv.port());
    await c.reply();
    const stopping = srv.smtpd.stop();
    expect((await c.reply()).raw).toBe('421 4.3.2 mx.test Service shutting down, closing connection');
    await stopping;
    await c.closed();
  });
});

describe('pipelining', () => {
  it('answers a batch sent with the client side already shut down', async () => {
    const srv = await startServer({ withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      srv.sink.delay = 50;
      const c = await srv.connect();
      c.socket.end('EHLO client.test\r\nMAIL FROM:<s@remote.test>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\nSubject: x\r\n\r\nb\r\n.\r\nQUIT\r\n');
      const rest = await c.closed();
      expect(rest.split('\r\n').map((l) => l.slice(0, 4))).toEqual(['220 ', '250-', '250-', '250-', '250-', '250-', '250-', '250-', '250-', '250-', '250 ', '250 ', '250 ', '354 ', '250 ', '221 ', '']);
      expect(srv.sink.messages).toHaveLength(1);
    } finally {
      await srv.stop();
    }
  });

  it('runs a batch in order and sends its replies in one write', async () => {
    const srv = await startServer({ withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      const c = await srv.open();
      const reads = c.reads;
      c.write('MAIL FROM:<s@remote.test>\r\nRCPT TO:<alice@local.test>\r\nRCPT TO:<nobody@local.test>\r\nRCPT TO:<bob@local.test>\r\nDATA\r\n');
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await c.reply()).code);
      expect(codes).toEqual([250, 250, 550, 250, 354]);
      expect(c.reads - reads).toBe(1);
      c.write('Subject: p\r\n\r\nx\r\n.\r\nRSET\r\nNOOP\r\n');
      expect([(await c.reply()).code, (await c.reply()).code, (await c.reply()).code]).toEqual([250, 250, 250]);
      expect(srv.sink.last!.envelope.recipients.map((r) => r.address)).toEqual(['alice@local.test', 'bob@local.test']);
    } finally {
      await srv.stop();
    }
  });
});
