// A private Postfix for the whole-stack tests: Debian's postfix run with a configuration directory, queue and log
// of its own below a test directory, its smtpd on one loopback port; and the SMTP greeting check the tests wait on.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { processAlive } from '@mail/testing';
import { run } from './smtp-support.js';
import { waitFor } from './support.js';

/** master.cf: smtpd on 127.0.0.1:`port`, and the services queueing, relaying and virtual delivery need. */
const masterCf = (port: number): string =>
  [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'tlsmgr unix - - n 1000? 1 tlsmgr',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'virtual unix - n n - - virtual',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');

export interface PrivatePostfix {
  /** Its log file (maillog_file), as written so far. */
  log(): Promise<string>;
  /** Stops it and waits for its master to exit (so that its directory can go). */
  stop(): Promise<void>;
}

/**
 * Starts Postfix with everything below `dir` (etc/, spool/, data/, maillog) and its smtpd on 127.0.0.1:`port`;
 * `mainCf` holds the lines particular to the test (domains, maps, TLS, SASL...). Resolves once it greets; on a
 * failure it is stopped again and the error thrown.
 */
export async function startPrivatePostfix(dir: string, port: number, mainCf: readonly string[]): Promise<PrivatePostfix> {
  const etc = join(dir, 'etc');
  const spool = join(dir, 'spool');
  await mkdir(etc, { recursive: true });
  // Postfix creates the queue's subdirectories (postfix check) but not the queue directory itself.
  await mkdir(spool, { mode: 0o755 });
  await writeFile(
    join(etc, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${spool}`,
      `data_directory = ${join(dir, 'data')}`,
      `maillog_file = ${join(dir, 'maillog')}`,
      `maillog_file_prefixes = ${dir}`,
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'alias_maps =',
      'alias_database =',
      'local_recipient_maps =',
      'smtp_dns_support_level = disabled',
      ...mainCf,
      '',
    ].join('\n'),
  );
  await writeFile(join(etc, 'master.cf'), masterCf(port));
  const log = (): Promise<string> => readFile(join(dir, 'maillog'), 'utf8').catch(() => '');
  const postfix = async (...args: string[]): Promise<void> => {
    const r = await run('postfix', ['-c', etc, ...args]);
    // Postfix writes its errors to stderr only on a terminal; otherwise to its log.
    if (r.code !== 0) throw new Error(`postfix ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}${await log()}`);
  };
  let started = false;
  const stop = async (): Promise<void> => {
    const pid = Number((await readFile(join(spool, 'pid/master.pid'), 'utf8').catch(() => '')).trim());
    if (started) await postfix('stop').catch(() => undefined);
    started = false;
    // The master exits after its children: wait for it before the directory goes.
    if (pid > 0) await waitFor(() => !processAlive(pid), 15_000).catch(() => undefined);
  };
  try {
    await postfix('check');
    await postfix('start');
    started = true;
    await waitFor(async () => (await smtpGreeting(port)) !== null, 15_000, () => 'Postfix does not answer on its port');
  } catch (err) {
    await stop();
    throw err;
  }
  return { log, stop };
}

/** The greeting of the SMTP server on 127.0.0.1:`port`, or null when nothing answers. */
export function smtpGreeting(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.setTimeout(2000, () => (s.destroy(), resolve(null)));
    s.once('error', () => resolve(null));
    s.once('data', (d: Buffer) => {
      s.end('QUIT\r\n');
      resolve(d.toString());
    });
  });
}
