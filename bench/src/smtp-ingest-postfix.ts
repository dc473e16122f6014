// A throwaway Postfix for the SMTP ingest benchmark: Debian's binaries with their own config directory, queue and
// data directories in a temp dir, an smtpd on a loopback port, and virtual delivery into one Maildir.
import { execFile } from 'node:child_process';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface BenchPostfix {
  port: number;
  /** The Maildir/new directory every message for `recipient` ends up in. */
  maildirNew: string;
  recipient: string;
  stop(): Promise<void>;
}

/** The uid/gid mail is delivered as (nobody/nogroup): never root, as Postfix's virtual agent requires. */
const MAIL_UID = 65534;
const MAIL_GID = 65534;

function mainCf(root: string): string {
  return `# Benchmark instance only: loopback, no DNS, virtual delivery into Maildir.
compatibility_level = 3.6
config_directory = ${root}/etc
queue_directory = ${root}/queue
data_directory = ${root}/data
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = ${root}/maillog
maillog_file_prefixes = ${root}
myhostname = postfix.bench.test
mydomain = bench.test
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
alias_maps =
alias_database =
local_recipient_maps =
disable_dns_lookups = yes
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
virtual_mailbox_domains = local.test
virtual_mailbox_base = ${root}/mail
virtual_mailbox_maps = static:local.test/bench/Maildir/
virtual_uid_maps = static:${MAIL_UID}
virtual_gid_maps = static:${MAIL_GID}
virtual_minimum_uid = 100
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_connection_count_limit = 0
default_process_limit = 100
biff = no
`;
}

function masterCf(port: number): string {
  // service type private unpriv chroot wakeup maxproc command
  return `127.0.0.1:${port} inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
local     unix  - n n - - local
virtual   unix  - n n - - virtual
lmtp      unix  - - n - - lmtp
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`;
}

/** Starts Postfix from `root` (an empty directory) with its smtpd on 127.0.0.1:`port`. */
export async function startPostfix(root: string, port: number): Promise<BenchPostfix> {
  const etc = join(root, 'etc');
  await mkdir(etc, { recursive: true });
  await mkdir(join(root, 'queue'), { recursive: true });
  await mkdir(join(root, 'data'), { recursive: true });
  const mail = join(root, 'mail');
  await mkdir(join(mail, 'local.test/bench/Maildir/new'), { recursive: true });
  for (const d of ['tmp', 'cur']) await mkdir(join(mail, 'local.test/bench/Maildir', d), { recursive: true });
  for (const p of [mail, join(mail, 'local.test'), join(mail, 'local.test/bench'), join(mail, 'local.test/bench/Maildir'), ...['new', 'tmp', 'cur'].map((d) => join(mail, 'local.test/bench/Maildir', d))]) {
    await chown(p, MAIL_UID, MAIL_GID);
  }
  const { stdout: postfixUid } = await exec('id', ['-u', 'postfix']);
  const { stdout: postfixGid } = await exec('id', ['-g', 'postfix']);
  await chown(join(root, 'data'), Number(postfixUid.trim()), Number(postfixGid.trim()));
  await writeFile(join(etc, 'main.cf'), mainCf(root));
  await writeFile(join(etc, 'master.cf'), masterCf(port));
  // set-permissions creates the queue subdirectories with their owners and modes.
  await exec('postfix', ['-c', etc, 'set-permissions']).catch(() => undefined);
  // postfix reports errors on stderr only when it is a terminal: look in ${root}/maillog when this fails.
  await exec('postfix', ['-c', etc, 'start']).catch((err: unknown) => {
    throw new Error(`postfix -c ${etc} start failed (see ${root}/maillog): ${(err as Error).message}`);
  });
  return {
    port,
    recipient: 'bench@local.test',
    maildirNew: join(mail, 'local.test/bench/Maildir/new'),
    async stop() {
      await exec('postfix', ['-c', etc, 'stop']).catch(() => undefined);
    },
  };
}
