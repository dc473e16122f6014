// fetchmail against pop3d: `keep` + `uidl` fetches every message once and nothing on the second run; without
// `keep` messages are removed, after QUIT; over STLS and over implicit TLS; messages delivered to an MDA byte-exact.
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, ALICE_PASSWORD, lf, run, startPop3Stack, type Pop3Stack } from './pop3-stack.js';

let stack: Pop3Stack;
beforeEach(async () => {
  stack = await startPop3Stack();
});
afterEach(async () => {
  await stack?.stop();
});

interface FetchOptions {
  keep: boolean;
  tls: 'starttls' | 'implicit' | 'none';
  out: string;
}

/** One fetchmail run (foreground, no daemon) with its own rc file and UIDL file under the stack's directory. */
async function fetchmail(options: FetchOptions): Promise<{ code: number | null; output: string }> {
  const home = join(stack.dir.path, 'fetchmail');
  await mkdir(home, { recursive: true });
  await mkdir(options.out, { recursive: true });
  const rc = join(home, 'fetchmailrc');
  const tls =
    options.tls === 'implicit' ? `port ${stack.tlsPort}` : `port ${stack.port}`;
  const ssl = options.tls === 'implicit' ? 'ssl no sslcertck' : options.tls === 'starttls' ? "sslproto 'tls1.2+' no sslcertck" : "sslproto ''";
  await writeFile(
    rc,
    [
      'set no syslog',
      `set idfile "${join(home, 'fetchids')}"`,
      `poll 127.0.0.1 with proto POP3 ${tls} uidl`,
      `  user "${ALICE}" there with password "${ALICE_PASSWORD}" is "root" here`,
      `  options ${options.keep ? 'keep' : 'no keep'} ${ssl}`,
      `  mda "cat > ${options.out}/msg.$$"`,
      '',
    ].join('\n'),
  );
  await chmod(rc, 0o600);
  const r = await run('fetchmail', ['--nodetach', '-f', rc, '-v'], { env: { ...process.env, HOME: home, FETCHMAILHOME: home } });
  return { code: r.code, output: r.stdout + r.stderr };
}

/** What fetchmail handed to the MDA, without the Received: header it prepends, in LF form. */
async function delivered(out: string): Promise<string[]> {
  const names = await readdir(out).catch(() => []);
  const texts = await Promise.all(names.map((n) => readFile(join(out, n), 'utf8')));
  return texts.map((t) => lf(t).replace(/^Received: [^\n]*\n(?:[ \t][^\n]*\n)*/, '')).sort();
}

describe('fetchmail', () => {
  it('keep + uidl: the first run fetches every message byte-exact, the second fetches nothing new', async () => {
    const out = join(stack.dir.path, 'out1');
    const first = await fetchmail({ keep: true, tls: 'starttls', out });
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/STLS/);
    expect(await delivered(out)).toEqual(stack.messages.map(lf).sort());
    expect(await stack.count()).toBe(stack.messages.length);

    await rm(out, { recursive: true });
    const second = await fetchmail({ keep: true, tls: 'starttls', out });
    expect(second.code, second.output).toBe(1); // 1: no new mail
    expect(await delivered(out)).toEqual([]);
  });

  it('UIDs survive a restart of pop3d: still nothing new after it', async () => {
    const out = join(stack.dir.path, 'out2');
    expect((await fetchmail({ keep: true, tls: 'none', out })).code).toBe(0);
    await stack.restart();
    await rm(out, { recursive: true });
    const again = await fetchmail({ keep: true, tls: 'none', out });
    expect(again.code, again.output).toBe(1);
  });

  it('without keep, over implicit TLS: every message fetched, then removed at QUIT', async () => {
    const out = join(stack.dir.path, 'out3');
    const r = await fetchmail({ keep: false, tls: 'implicit', out });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/flushed|deleted/i);
    expect(r.output).toMatch(/QUIT[\s\S]*Logging out, 4 messages deleted\./);
    expect(await delivered(out)).toEqual(stack.messages.map(lf).sort());
    expect(await stack.count()).toBe(0);
  });
});
