// Python's imaplib against imapd: LOGIN on loopback, STARTTLS, IMAP over TLS, AUTHENTICATE PLAIN, SELECT, APPEND,
// FETCH of whole messages byte-exact (CRLF form), flags, SEARCH, MOVE, and IDLE receiving a delivery made through
// another store (the mda's path: Maildir write plus a change record over Redis).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ALICE_PASSWORD, MESSAGES, startImapStack, type ImapStack } from './imap-stack.js';
import { run } from './pop3-stack.js';

async function python(stack: ImapStack, body: string, timeoutMs = 30_000): Promise<unknown> {
  const script = [
    'import imaplib, ssl, json, sys, base64, socket',
    'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
    `PORT = ${stack.port}; TLS_PORT = ${stack.tlsPort}`,
    `USER = '${ALICE}'; PASSWORD = '${ALICE_PASSWORD}'`,
    body,
  ].join('\n');
  const r = await run('python3', ['-c', script], { timeoutMs });
  if (r.code !== 0) throw new Error(`python failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

let stack: ImapStack;
beforeAll(async () => {
  stack = await startImapStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('Python imaplib', () => {
  it('logs in, selects, fetches every message byte-exact and searches', async () => {
    const out = (await python(
      stack,
      `m = imaplib.IMAP4('127.0.0.1', PORT)
caps = list(m.capabilities)
m.login(USER, PASSWORD)
typ, data = m.select('INBOX')
n = int(data[0])
msgs = []
for i in range(1, n + 1):
    typ, d = m.fetch(str(i), '(BODY.PEEK[])')
    msgs.append(base64.b64encode(d[0][1]).decode())
typ, s = m.search(None, 'SUBJECT', '"plain"')
typ, u = m.uid('SEARCH', 'ALL')
m.logout()
print(json.dumps({"caps": caps, "n": n, "msgs": msgs, "search": s[0].decode(), "uids": u[0].decode()}))`,
    )) as { caps: string[]; n: number; msgs: string[]; search: string; uids: string };
    expect(out.caps).toEqual(expect.arrayContaining(['IMAP4REV1', 'STARTTLS', 'AUTH=PLAIN']));
    expect(out.n).toBe(MESSAGES.length);
    expect(out.msgs.map((b) => Buffer.from(b, 'base64').toString('utf8'))).toEqual(MESSAGES.map(crlf));
    expect(out.search).toBe('1');
    expect(out.uids).toBe('1 2');
  });

  it('STARTTLS, AUTHENTICATE PLAIN, APPEND, flags, COPY and MOVE', async () => {
    const out = (await python(
      stack,
      `m = imaplib.IMAP4('127.0.0.1', PORT)
m.starttls(ssl_context=ctx)
m.authenticate('PLAIN', lambda _: ('\\0' + USER + '\\0' + PASSWORD).encode())
m.create('Archive')
r = m.append('INBOX', '(\\\\Flagged)', None, b'Subject: appended\\r\\n\\r\\nnew message\\r\\n')
m.select('INBOX')
typ, f = m.fetch('3', '(FLAGS)')
m.store('1', '+FLAGS', '(\\\\Seen $Done)')
typ, f2 = m.fetch('1', '(FLAGS)')
typ, mv = m._simple_command('MOVE', '3', 'Archive')
typ, st = m.status('Archive', '(MESSAGES)')
typ, ex = m.select('INBOX')
m.logout()
print(json.dumps({"append": r[1][0].decode(), "f": f[0].decode(), "f2": f2[0].decode(), "mv": typ, "st": st[0].decode(), "exists": ex[0].decode()}))`,
    )) as Record<string, string>;
    expect(out.append).toMatch(/^\[APPENDUID \d+ 3\]/);
    expect(out.f).toMatch(/^3 \(FLAGS \(\\Flagged( \\Recent)?\)\)$/);
    expect(out.f2).toMatch(/^1 \(FLAGS \(\\Seen \$Done( \\Recent)?\)\)$/);
    expect(out.st).toBe('Archive (MESSAGES 1)');
    expect(out.exists).toBe('2');
  });

  it('IMAP over TLS and IDLE receiving a delivery from another store', async () => {
    // The delivery is made once the script reports that IDLE has begun (a line on stderr).
    const script = [
      'import imaplib, ssl, json, sys',
      'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
      `m = imaplib.IMAP4_SSL('127.0.0.1', ${stack.tlsPort}, ssl_context=ctx)`,
      `m.login('${ALICE}', '${ALICE_PASSWORD}')`,
      "typ, d = m.select('INBOX')",
      'before = int(d[0])',
      'tag = m._new_tag()',
      "m.send(tag + b' IDLE\\r\\n')",
      'cont = m.readline().decode().strip()',
      "sys.stderr.write('IDLING\\n'); sys.stderr.flush()",
      'line = m.readline().decode().strip()',
      "m.send(b'DONE\\r\\n')",
      'done = m.readline().decode().strip()',
      'while not done.startswith(tag.decode()):',
      '    done = m.readline().decode().strip()',
      'm.logout()',
      'print(json.dumps({"before": before, "cont": cont, "line": line, "done": done}))',
    ].join('\n');
    const child = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let delivered: Promise<void> | undefined;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!delivered && stderr.includes('IDLING')) {
        delivered = (async () => {
          const r = await stack.store().deliver(ALICE, 'INBOX', 'Subject: while idling\r\n\r\nhi\r\n');
          if (r.status !== 'delivered') throw new Error(r.status);
        })();
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    await delivered;
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as { before: number; cont: string; line: string; done: string };
    expect(out.cont).toBe('+ idling');
    expect(out.line).toBe(`* ${out.before + 1} EXISTS`);
    expect(out.done).toMatch(/ OK IDLE terminated$/);
  });
});
