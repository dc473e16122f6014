// mailctl pw in-process: hashes from standard input and from the prompt, option handling, and Dovecot's view of the result.
import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { verifyPassword } from '@mail/auth';
import { describe, expect, it } from 'vitest';
import { run } from '../cli-run.js';
import { pwCommand, readSecretFromTerminal, type PromptIo } from './pw.js';

const exec = promisify(execFile);

function fakeIo(opts: { stdin?: string; answers?: string[]; isTTY?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const prompts: string[] = [];
  const answers = [...(opts.answers ?? [])];
  const io: PromptIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    stdin: async () => {
      if (opts.stdin === undefined) throw new Error('standard input was read');
      return opts.stdin;
    },
    env: {},
    isTTY: opts.isTTY ?? false,
    ...(opts.answers ? { readSecret: async (p: string) => (prompts.push(p), answers.shift() ?? '') } : {}),
  };
  return { io, out, err, prompts };
}

describe('mailctl pw', () => {
  it('is registered in the command table', async () => {
    const { io, out } = fakeIo({ stdin: 'pencil\n' });
    expect(await run(['pw', '--password-stdin', '--scheme', 'SHA256'], io)).toBe(0);
    expect(out).toEqual(['{SHA256}E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=']);
  });

  it('hashes the first line of standard input with ARGON2ID by default', async () => {
    const { io, out, err } = fakeIo({ stdin: 'correct horse battery\r\nsecond line\n' });
    expect(await pwCommand.run(['--password-stdin'], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\{ARGON2ID\}\$argon2id\$v=19\$m=65536,t=3,p=1\$/);
    expect(await verifyPassword('correct horse battery', out[0] ?? '')).toBe(true);
  });

  it('asks twice on the prompt and refuses a mismatch', async () => {
    const ok = fakeIo({ answers: ['pencil', 'pencil'] });
    expect(await pwCommand.run(['-s', 'sha512-crypt', '-r', '6000'], ok.io)).toBe(0);
    expect(ok.prompts).toHaveLength(2);
    expect(ok.out[0]).toMatch(/^\{SHA512-CRYPT\}\$6\$rounds=6000\$/);
    expect(await verifyPassword('pencil', ok.out[0] ?? '')).toBe(true);

    const bad = fakeIo({ answers: ['pencil', 'pencel'] });
    expect(await pwCommand.run([], bad.io)).toBe(65);
    expect(bad.out).toEqual([]);
    expect(bad.err.join()).toContain('do not match');
  });

  it('writes hashes that doveadm accepts', async () => {
    for (const scheme of ['BLF-CRYPT', 'SCRAM-SHA-256', 'CRAM-MD5', 'SSHA512']) {
      const { io, out } = fakeIo({ stdin: 'pässwörd\n' });
      expect(await pwCommand.run(['--scheme', scheme, '--password-stdin'], io)).toBe(0);
      const { stdout } = await exec('doveadm', ['pw', '-t', out[0] ?? '', '-p', 'pässwörd']);
      expect(stdout).toContain('(verified)');
    }
  });

  it.each([
    [['--password-stdin', '--scheme', 'MD4'], 'pencil\n', 64, 'unknown password scheme'],
    [['--password-stdin', '--scheme'], 'pencil\n', 64, 'needs a value'],
    [['--password-stdin', '--rounds', 'many'], 'pencil\n', 64, 'whole number'],
    [['--password-stdin', '--scheme', 'SHA512-CRYPT', '--rounds', '10'], 'pencil\n', 64, 'rounds'],
    [['--password-stdin'], '\nsecond\n', 65, 'empty'],
    [['--password-stdin'], '', 65, 'empty'],
    [['--password-stdin', '--scheme', 'BLF-CRYPT'], `${'x'.repeat(80)}\n`, 65, '72 bytes'],
    [['-p', 'pencil'], undefined, 64, 'not taken on the command line'],
    [['pencil'], undefined, 64, 'usage'],
    [[], undefined, 64, 'not a terminal'],
  ])('%j fails with %#', async (args, stdin, code, message) => {
    const { io, out, err } = fakeIo(stdin === undefined ? {} : { stdin });
    expect(await pwCommand.run([...args], io)).toBe(code);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain(message);
  });

  it('lists the schemes', async () => {
    const { io, out } = fakeIo();
    expect(await pwCommand.run(['--list'], io)).toBe(0);
    expect(out[0]).toContain('ARGON2ID');
    expect(out[0]).toContain('SCRAM-SHA-256');
  });
});

describe('readSecretFromTerminal', () => {
  it('shows the prompt but not what is typed', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c: Buffer) => (shown += c.toString()));
    const answer = readSecretFromTerminal('Password: ', input, output);
    input.write('s3cret\r');
    expect(await answer).toBe('s3cret');
    expect(shown).toContain('Password: ');
    expect(shown).not.toContain('s3cret');
  });

  it('rejects when input ends before an answer', async () => {
    const input = new PassThrough();
    const answer = readSecretFromTerminal('Password: ', input, new PassThrough());
    input.end();
    await expect(answer).rejects.toThrow('aborted');
  });
});
