// curl's pop3:// and pop3s:// against pop3d: listing, RETR of each message byte-exact, STLS (--ssl-reqd), implicit
// TLS, SASL login, and a custom UIDL command.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, lf, run, startPop3Stack, type Pop3Stack } from './pop3-stack.js';

let stack: Pop3Stack;
beforeAll(async () => {
  stack = await startPop3Stack();
});
afterAll(async () => {
  await stack?.stop();
});

async function curl(args: string[]): Promise<string> {
  const r = await run('curl', ['-sS', '--max-time', '20', ...args]);
  if (r.code !== 0) throw new Error(`curl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

describe('curl', () => {
  it('lists the maildrop and retrieves every message over pop3://', async () => {
    const base = `pop3://127.0.0.1:${stack.port}`;
    const list = await curl(['-u', `${ALICE}:${ALICE_PASSWORD}`, `${base}/`]);
    expect(list.trim().split('\r\n')).toEqual(stack.messages.map((m, i) => `${i + 1} ${Buffer.byteLength(m.replace(/(?<!\r)\n/g, '\r\n'))}`));
    for (const [i, m] of stack.messages.entries()) {
      expect(lf(await curl(['-u', `${ALICE}:${ALICE_PASSWORD}`, `${base}/${i + 1}`]))).toBe(lf(m));
    }
  });

  it('upgrades with STLS when TLS is required, and logs in a hashed-password user', async () => {
    const r = await run('curl', ['-sS', '-k', '--ssl-reqd', '-v', '-u', `${BOB}:${BOB_PASSWORD}`, `pop3://127.0.0.1:${stack.port}/`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/> STLS[\s\S]*< \+OK Begin TLS negotiation now\./);
    expect(r.stderr).toContain('< +OK Logged in.');
    expect(r.stdout.trim()).toBe(''); // bob's maildrop is empty
  });

  it('retrieves over pop3:// with --ssl-reqd (STLS) and over pop3s:// (implicit TLS)', async () => {
    const viaStls = await run('curl', ['-sS', '-k', '--ssl-reqd', '-v', '-u', `${ALICE}:${ALICE_PASSWORD}`, `pop3://127.0.0.1:${stack.port}/3`]);
    expect(viaStls.code, viaStls.stderr).toBe(0);
    expect(viaStls.stderr).toContain('STLS');
    expect(lf(viaStls.stdout)).toBe(lf(stack.messages[2]!));
    const viaTls = await curl(['-k', '-u', `${ALICE}:${ALICE_PASSWORD}`, `pop3s://127.0.0.1:${stack.tlsPort}/2`]);
    expect(lf(viaTls)).toBe(lf(stack.messages[1]!));
  });

  it('runs UIDL as a custom command', async () => {
    const out = await curl(['-u', `${ALICE}:${ALICE_PASSWORD}`, '-X', 'UIDL', `pop3://127.0.0.1:${stack.port}/`]);
    const lines = out.trim().split('\r\n');
    expect(lines).toHaveLength(stack.messages.length);
    for (const [i, l] of lines.entries()) expect(l).toMatch(new RegExp(`^${i + 1} [0-9a-f]{16}$`));
  });

  it('is refused with a wrong password', async () => {
    const r = await run('curl', ['-sS', '-u', `${ALICE}:wrong`, `pop3://127.0.0.1:${stack.port}/`]);
    expect(r.code).not.toBe(0);
  });
});
