// Python's poplib against pop3d: USER/PASS, APOP for a {PLAIN} user, STLS, POP3 over TLS, AUTH PLAIN, UIDL, TOP,
// and the messages byte-identical to what was delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, lf, run, startPop3Stack, type Pop3Stack } from './pop3-stack.js';

/** Runs a poplib script; it prints one JSON value. */
async function python(stack: Pop3Stack, body: string): Promise<unknown> {
  const script = [
    'import poplib, ssl, json, sys, base64',
    'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
    `PORT = ${stack.port}; TLS_PORT = ${stack.tlsPort}`,
    'def fetch_all(p):',
    '    n, _ = p.stat()',
    '    return [base64.b64encode(b"\\r\\n".join(p.retr(i)[1]) + b"\\r\\n").decode() for i in range(1, n + 1)]',
    body,
  ].join('\n');
  const r = await run('python3', ['-c', script], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`python failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const decoded = (list: unknown): string[] => (list as string[]).map((b) => Buffer.from(b, 'base64').toString('utf8'));

let stack: Pop3Stack;
beforeAll(async () => {
  stack = await startPop3Stack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('Python poplib', () => {
  it('USER/PASS on the plaintext port (loopback): every message byte-identical, capabilities, UIDL, TOP', async () => {
    const out = (await python(
      stack,
      `p = poplib.POP3('127.0.0.1', PORT)
caps = p.capa()
p.user('${ALICE}'); p.pass_('${ALICE_PASSWORD}')
uidl = [l.decode() for l in p.uidl()[1]]
top = b"\\r\\n".join(p.top(2, 1)[1]).decode()
msgs = fetch_all(p)
p.quit()
print(json.dumps({"caps": sorted(caps.keys()), "sasl": caps.get("SASL"), "uidl": uidl, "top": top, "msgs": msgs}))`,
    )) as { caps: string[]; sasl: string[]; uidl: string[]; top: string; msgs: string[] };
    expect(out.caps).toEqual(expect.arrayContaining(['TOP', 'UIDL', 'USER', 'SASL', 'STLS', 'PIPELINING', 'RESP-CODES', 'AUTH-RESP-CODE']));
    expect(out.sasl).toEqual(['PLAIN', 'LOGIN']);
    expect(out.uidl).toHaveLength(stack.messages.length);
    for (const [i, line] of out.uidl.entries()) expect(line).toMatch(new RegExp(`^${i + 1} [0-9a-f]{16}$`));
    expect(lf(out.top)).toBe(lf(stack.messages[1]!).split('\n\n')[0] + '\n\nGrüße aus Köln.');
    expect(decoded(out.msgs).map(lf)).toEqual(stack.messages.map(lf));
  });

  it('APOP for a {PLAIN} user; APOP refused for a hashed one', async () => {
    const out = (await python(
      stack,
      `p = poplib.POP3('127.0.0.1', PORT)
p.apop('${ALICE}', '${ALICE_PASSWORD}')
n = p.stat()[0]
p.quit()
q = poplib.POP3('127.0.0.1', PORT)
try:
    q.apop('${BOB}', '${BOB_PASSWORD}'); bob = 'ok'
except poplib.error_proto as e:
    bob = e.args[0].decode()
q.quit()
print(json.dumps({"n": n, "bob": bob}))`,
    )) as { n: number; bob: string };
    expect(out.n).toBe(stack.messages.length);
    expect(out.bob).toBe('-ERR [AUTH] Authentication failed.');
  });

  it('STLS, then USER/PASS under TLS; and POP3 over implicit TLS', async () => {
    const out = (await python(
      stack,
      `p = poplib.POP3('127.0.0.1', PORT)
p.stls(context=ctx)
after = sorted(p.capa().keys())
p.user('${BOB}'); p.pass_('${BOB_PASSWORD}')
bob = p.stat()[0]
p.quit()
s = poplib.POP3_SSL('127.0.0.1', TLS_PORT, context=ctx)
s.user('${ALICE}'); s.pass_('${ALICE_PASSWORD}')
msgs = fetch_all(s)
s.quit()
print(json.dumps({"after": after, "bob": bob, "msgs": msgs}))`,
    )) as { after: string[]; bob: number; msgs: string[] };
    expect(out.after).not.toContain('STLS');
    expect(out.bob).toBe(0);
    expect(decoded(out.msgs).map(lf)).toEqual(stack.messages.map(lf));
  });

  it('AUTH PLAIN with an initial response, and a wrong password refused with [AUTH]', async () => {
    const out = (await python(
      stack,
      `import base64
p = poplib.POP3('127.0.0.1', PORT)
ok = p._shortcmd('AUTH PLAIN ' + base64.b64encode(b'\\0${ALICE}\\0${ALICE_PASSWORD}').decode()).decode()
msgs = fetch_all(p)
p.quit()
q = poplib.POP3('127.0.0.1', PORT)
try:
    q._shortcmd('AUTH PLAIN ' + base64.b64encode(b'\\0${ALICE}\\0wrong').decode()); bad = 'ok'
except poplib.error_proto as e:
    bad = e.args[0].decode()
q.quit()
print(json.dumps({"ok": ok, "bad": bad, "msgs": msgs}))`,
    )) as { ok: string; bad: string; msgs: string[] };
    expect(out.ok).toBe('+OK Logged in.');
    expect(out.bad).toBe('-ERR [AUTH] Authentication failed.');
    expect(decoded(out.msgs).map(lf)).toEqual(stack.messages.map(lf));
  });
});
