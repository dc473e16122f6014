// A throwaway Dovecot for side-by-side runs: `dovecot -F` with its own base directory, a passwd-file passdb/userdb,
// one plaintext protocol (POP3 or IMAP) on a loopback port, mail access as `nobody` (Dovecot refuses root).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

export const DOVECOT = '/usr/sbin/dovecot';

/** Whether a Dovecot can be started here: the binary exists and we are root (to hand mail over to `nobody`). */
export const canRunDovecot = existsSync(DOVECOT) && process.getuid?.() === 0;

export interface DovecotUser {
  user: string;
  /** `{SCHEME}data`. */
  password: string;
  /** The Maildir. */
  maildir: string;
}

export interface DovecotServer {
  port: number;
  log: string;
  /** The master process (its children are the login, auth and mail processes). */
  pid: number;
  stop(): Promise<void>;
}

export interface DovecotOptions {
  protocol: 'pop3' | 'imap';
  /** More configuration lines (service limits and the like). */
  extra?: readonly string[];
  /** Owns the users' Maildirs already (skips the chown walk). */
  handedOver?: boolean;
}

async function ids(name: string): Promise<{ uid: number; gid: number }> {
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Gives a tree to `nobody`, the user Dovecot's mail processes run as. */
export async function handOver(path: string): Promise<void> {
  const { uid, gid } = await ids('nobody');
  const walk = async (p: string): Promise<void> => {
    await chown(p, uid, gid);
    for (const e of await readdir(p, { withFileTypes: true })) {
      const child = join(p, e.name);
      if (e.isDirectory()) await walk(child);
      else await chown(child, uid, gid);
    }
  };
  await walk(path);
}

/** Waits until `port` greets with `+OK` (POP3) or `* OK` (IMAP). */
async function waitForBanner(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dovecot exited: ${await readFile(log, 'utf8').catch(() => '')}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d: Buffer) => {
        s.destroy();
        resolve(/^(\+OK|\* OK)/.test(d.toString()));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not answer on port ${port}`);
}

/**
 * Starts Dovecot's POP3 or IMAP on `port` with the users given (each Maildir handed over to `nobody`). Login
 * processes run in Dovecot's high-performance mode (service_count = 0), the setting its documentation recommends
 * for load.
 */
export async function startDovecot(dir: string, port: number, users: readonly DovecotUser[], options: DovecotOptions): Promise<DovecotServer> {
  const { protocol } = options;
  const nobody = await ids('nobody');
  for (const d of ['run', 'state']) await mkdir(join(dir, d), { recursive: true });
  if (!options.handedOver) for (const u of users) await handOver(u.maildir);
  const passwd = join(dir, 'passwd');
  await writeFile(passwd, users.map((u) => `${u.user}:${u.password}::::${u.maildir}::\n`).join(''));
  const log = join(dir, 'dovecot.log');
  const conf = join(dir, 'dovecot.conf');
  await writeFile(
    conf,
    [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `instance_name = ${protocol}-bench-${port}`,
      'listen = 127.0.0.1',
      `protocols = ${protocol}`,
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `log_path = ${log}`,
      'first_valid_uid = 0',
      `mail_uid = ${nobody.uid}`,
      `mail_gid = ${nobody.gid}`,
      // Each user's home is its Maildir.
      'mail_location = maildir:~',
      ...(protocol === 'pop3' ? ['pop3_uidl_format = %08Xu%08Xv'] : []),
      `passdb {\n  driver = passwd-file\n  args = username_format=%u ${passwd}\n}`,
      `userdb {\n  driver = passwd-file\n  args = username_format=%u ${passwd}\n}`,
      `service ${protocol}-login {\n  service_count = 0\n  inet_listener ${protocol} {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener ${protocol}s {\n    port = 0\n  }\n}`,
      ...(options.extra ?? []),
      '',
    ].join('\n'),
  );
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: 'ignore' });
  try {
    await waitForBanner(port, child, log);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    port,
    log,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Dovecot for a bench laid out as `<root>/theirs/example.test/<local part>/Maildir` (the copy of our Maildirs it
 * gets), the users logging in with `password`: the copy handed over to `nobody`, Dovecot's files in `<root>/dovecot`.
 */
export async function startBenchDovecot(root: string, port: number, users: readonly string[], password: string, options: DovecotOptions): Promise<DovecotServer> {
  await handOver(join(root, 'theirs'));
  const dir = join(root, 'dovecot');
  await mkdir(dir);
  const maildir = (u: string): string => join(root, 'theirs', 'example.test', u.split('@')[0]!, 'Maildir');
  return startDovecot(dir, port, users.map((u) => ({ user: u, password: `{PLAIN}${password}`, maildir: maildir(u) })), { ...options, handedOver: true });
}
