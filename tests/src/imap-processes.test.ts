// imapd with imapd.processes: 2, started from its built program as an administrator would: the primary hands the
// connections of both listeners (STARTTLS and implicit TLS) to two worker processes, the per-client limit holds
// over both, a session in one worker sees an APPEND made in the other during IDLE, and SIGTERM stops them all.
import { freePort, suitePaths, tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './pop3-stack.js';
import { spawnDaemonProcess, waitFor, writeAccountFiles, type DaemonProcess } from './support.js';

const USER = 'alice@example.test';
const PASSWORD = 'alice-secret';

let dir: TempDir;
let redis: TestRedis;
let imapd: DaemonProcess;
let port = 0;
let tlsPort = 0;

beforeAll(async () => {
  dir = await tempDir('imap-processes-');
  redis = await testRedis();
  await writeAccountFiles(dir.path, { [USER]: PASSWORD }, ['example.test']);
  [port, tlsPort] = [await freePort(), await freePort()];
  imapd = await spawnDaemonProcess('imapd', dir.path, {
    hostname: 'imap.example.test',
    redis: { url: redis.url, prefix: redis.prefix },
    paths: suitePaths(dir.path),
    tls: { selfSigned: true },
    log: { level: 'info' },
    limits: { connectionsPerIp: 4 },
    imapd: {
      processes: 2,
      listeners: [
        { host: '127.0.0.1', port, tls: 'starttls' },
        { host: '127.0.0.1', port: tlsPort, tls: 'implicit' },
      ],
    },
  }, tlsPort);
});

afterAll(async () => {
  imapd?.child.kill('SIGKILL');
  await redis?.stop();
  await dir?.cleanup();
});

describe('imapd with two worker processes', () => {
  it('spreads sessions over the workers, limits clients over both and passes changes between them', async () => {
    const script = `
import imaplib, ssl, json, socket
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
a = imaplib.IMAP4('127.0.0.1', ${port}); a.login('${USER}', '${PASSWORD}'); a.select('INBOX')
b = imaplib.IMAP4_SSL('127.0.0.1', ${tlsPort}, ssl_context=ctx); b.login('${USER}', '${PASSWORD}'); b.select('INBOX')
c = imaplib.IMAP4('127.0.0.1', ${port}); c.login('${USER}', '${PASSWORD}')
d = imaplib.IMAP4_SSL('127.0.0.1', ${tlsPort}, ssl_context=ctx); d.login('${USER}', '${PASSWORD}')
s = socket.create_connection(('127.0.0.1', ${port})); s.settimeout(10)
refused = s.recv(200).decode()
tag = a._new_tag().decode()
a.send(('%s IDLE\\r\\n' % tag).encode())
cont = a.readline().decode()
typ, data = b.append('INBOX', None, None, b'Subject: across\\r\\n\\r\\nfrom the other worker\\r\\n')
pushed = a.readline().decode()
a.send(b'DONE\\r\\n')
while not a.readline().decode().startswith(tag): pass
for m in (a, b, c, d): m.logout()
print(json.dumps({'refused': refused, 'cont': cont, 'appended': typ, 'pushed': pushed}))
`;
    const r = await run('python3', ['-c', script], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    expect(out.refused).toMatch(/^\* BYE \[UNAVAILABLE\]/);
    expect(out.cont).toMatch(/^\+ /);
    expect(out.appended).toBe('OK');
    expect(out.pushed).toBe('* 1 EXISTS\r\n');
    // Four sessions, two in each worker (the primary picks the one with fewer).
    const connects = imapd.records().filter((r) => r.msg === 'connect');
    expect(connects.map((r) => r.worker).sort()).toEqual([0, 0, 1, 1]);
    expect(connects.filter((r) => r.tls === true)).toHaveLength(2);
  });

  it('stops the primary and both workers on SIGTERM', async () => {
    imapd.child.kill('SIGTERM');
    expect(await imapd.exited).toBe(0);
    await waitFor(() => imapd.records().filter((r) => r.msg === 'stopped').length === 3, 10_000, () => imapd.output());
  });
});
