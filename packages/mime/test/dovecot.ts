// A throwaway Dovecot IMAP server on a loopback port (dovecot -F with a private config, Maildir in a temp dir).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, tempDir, type TempDir } from '@mail/testing';

export const DOVECOT = '/usr/sbin/dovecot';

/** Dovecot refuses to run a mail process as root, so the mailbox belongs to nobody:nogroup. */
const MAIL_UID = 65534;
const MAIL_GID = 65534;

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  /** Octets of the stored message with this UID, as Dovecot wrote it to the Maildir. */
  storedMessage(uid: number): Promise<Buffer>;
  stop(): Promise<void>;
  /** Dovecot's log so far. */
  log(): Promise<string>;
}

export async function startDovecot(): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) throw new Error(`${DOVECOT} is missing: install the dovecot-imapd package`);
  const dir: TempDir = await tempDir('mime-dovecot-');
  const port = await freePort();
  const user = 'tester';
  const password = 'secret-pass';
  const t = dir.path;
  await mkdir(join(t, 'run'), { recursive: true });
  await mkdir(join(t, 'state'), { recursive: true });
  for (const d of ['mail', 'home']) {
    await mkdir(join(t, d), { recursive: true });
    await chown(join(t, d), MAIL_UID, MAIL_GID);
  }
  // the auth processes run as Dovecot's unprivileged user and must read the passwd file
  await chmod(t, 0o755);
  await writeFile(join(t, 'passwd'), `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
  const conf = `
base_dir = ${t}/run
state_dir = ${t}/state
log_path = ${t}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 0
mail_uid = ${MAIL_UID}
mail_gid = ${MAIL_GID}
mail_location = maildir:${t}/mail/%u
passdb {
  driver = passwd-file
  args = ${t}/passwd
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_GID} home=${t}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
`;
  await writeFile(join(t, 'dovecot.conf'), conf);
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(t, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
    await dir.cleanup();
  };

  for (let i = 0; ; i++) {
    if (child.exitCode !== null) {
      const log = await readFile(join(t, 'dovecot.log'), 'utf8').catch(() => '');
      await dir.cleanup();
      throw new Error(`dovecot exited: ${output}\n${log}`);
    }
    const up = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100) {
      await stop();
      throw new Error(`dovecot did not listen on ${port}: ${output}`);
    }
    await sleep(100);
  }

  const storedMessage = async (uid: number): Promise<Buffer> => {
    const box = join(t, 'mail', user);
    const uidlist = await readFile(join(box, 'dovecot-uidlist'), 'latin1');
    // the first line is the uidlist header, the others are "<uid> [extensions] :<file name>"
    const line = uidlist
      .split('\n')
      .slice(1)
      .find((l) => l.startsWith(`${uid} `));
    const name = line?.slice(line.lastIndexOf(':') + 1).trim();
    if (!name) throw new Error(`uid ${uid} not in dovecot-uidlist`);
    for (const sub of ['cur', 'new']) {
      const files = await readdir(join(box, sub));
      const base = (f: string): string => f.split(/[,:]/)[0]!;
      const file = files.find((f) => base(f) === base(name));
      if (file) return readFile(join(box, sub, file));
    }
    throw new Error(`file of uid ${uid} (${name}) not found in ${box}`);
  };

  const log = (): Promise<string> => readFile(join(t, 'dovecot.log'), 'utf8').catch(() => '');
  return { port, user, password, storedMessage, stop, log };
}
