// smtpd with smtpd.processes: 2, started from its built program: the primary hands connections of the MX and the
// implicit-TLS submission listener to two workers, the per-client limit holds over both (loopback is not in
// mynetworks here, so it is not exempt), mail accepted in either worker is queued, and SIGTERM stops them all.
import { freePort, suitePaths, tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './pop3-stack.js';
import { spawnDaemonProcess, waitFor, writeAccountFiles, type DaemonProcess } from './support.js';

let dir: TempDir;
let redis: TestRedis;
let smtpd: DaemonProcess;
let mx = 0;
let submissions = 0;

beforeAll(async () => {
  dir = await tempDir('smtp-processes-');
  redis = await testRedis();
  await writeAccountFiles(dir.path, { 'alice@example.test': 'alice-secret' }, ['example.test']);
  [mx, submissions] = [await freePort(), await freePort()];
  smtpd = await spawnDaemonProcess('smtpd', dir.path, {
    hostname: 'mx.example.test',
    mynetworks: [],
    redis: { url: redis.url, prefix: redis.prefix },
    paths: suitePaths(dir.path),
    tls: { selfSigned: true },
    log: { level: 'info' },
    limits: { connectionsPerIp: 3 },
    smtpd: {
      processes: 2,
      listeners: [
        { host: '127.0.0.1', port: mx, tls: 'starttls', mode: 'mx' },
        { host: '127.0.0.1', port: submissions, tls: 'implicit', mode: 'submissions' },
      ],
    },
  }, submissions);
});

afterAll(async () => {
  smtpd?.child.kill('SIGKILL');
  await redis?.stop();
  await dir?.cleanup();
});

describe('smtpd with two worker processes', () => {
  it('spreads sessions over the workers, limits clients over both and queues what either accepts', async () => {
    const script = `
import smtplib, ssl, json, socket
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
a = smtplib.SMTP('127.0.0.1', ${mx}); a.ehlo('a.client.test')
b = smtplib.SMTP('127.0.0.1', ${mx}); b.ehlo('b.client.test')
c = smtplib.SMTP_SSL('127.0.0.1', ${submissions}, context=ctx); c.ehlo('c.client.test')
s = socket.create_connection(('127.0.0.1', ${mx})); s.settimeout(10)
refused = s.recv(300).decode()
msg = 'From: x@remote.test\\r\\nTo: alice@example.test\\r\\nSubject: pool\\r\\n\\r\\nhello\\r\\n'
ra = a.sendmail('x@remote.test', ['alice@example.test'], msg)
rb = b.sendmail('x@remote.test', ['alice@example.test'], msg)
for m in (a, b, c): m.quit()
# Half-open: QUIT and the client's FIN arrive together; the 221 must still come back.
h = socket.create_connection(('127.0.0.1', ${mx})); h.settimeout(10)
banner = h.recv(300).decode()
h.sendall(b'QUIT\\r\\n'); h.shutdown(socket.SHUT_WR)
rest = b''
while True:
    chunk = h.recv(4096)
    if not chunk: break
    rest += chunk
print(json.dumps({'refused': refused, 'a': ra, 'b': rb, 'banner': banner, 'afterFin': rest.decode()}))
`;
    const r = await run('python3', ['-c', script], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.refused).toMatch(/^421 4\.7\.0 mx\.example\.test Error: too many connections from 127\.0\.0\.1\r\n/);
    expect(out.a).toEqual({});
    expect(out.b).toEqual({});
    expect(out.banner).toMatch(/^220 /);
    expect(out.afterFin).toMatch(/^221 2\.0\.0 /);
    // The two MX sessions went to different workers, the third connection to the first again.
    const connects = smtpd.records().filter((r) => r.msg === 'connect');
    expect(connects.map((r) => r.worker).slice(0, 3)).toEqual([0, 1, 0]);
    const queued = smtpd.records().filter((r) => r.msg === 'message queued');
    expect(queued.map((r) => r.worker).sort()).toEqual([0, 1]);
  });

  it('stops the primary and both workers on SIGTERM', async () => {
    smtpd.child.kill('SIGTERM');
    expect(await smtpd.exited).toBe(0);
    await waitFor(() => smtpd.records().filter((r) => r.msg === 'stopped').length === 3, 10_000, () => smtpd.output());
  });
});
