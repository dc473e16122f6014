// mailctl queue list|show|flush|hold|release|requeue|delete: the deliver and outbound queues as postqueue -p/-f,
// postsuper -h/-H/-r/-d and postcat -q show and change them, through @mail/queue's administration API.
import { JOB_STATES, parseQueueName, QUEUE_NAMES, SpoolNotFoundError, type JobState, type JobSummary, type QueueAdmin, type QueueName, type SpoolEntryInfo } from '@mail/queue';
import { takeFlag, type Command, type Io } from '../command.js';
import { CommandError, configFromArgs, Exit, rejectUnknownOptions, runCommand } from './directory-support.js';
import { countJobs, envelopeLines, LIST_HEADING, listEntry, safe, splitHead, STATE_LABEL, summaryLine } from './queue-format.js';
import { commandErrorOf, EX_NOINPUT, openAdmin, perJob, printMessage, readHead } from './queue-support.js';

const USAGE = {
  list: 'queue list [--json] [--queue deliver|outbound] [--state STATE]   jobs of both queues, with a summary (postqueue -p)',
  show: 'queue show ID [--body|--json]   envelope, headers and the first body lines (postcat -q; --body: the whole message)',
  flush: 'queue flush [--queue Q]   run every deferred job now (postqueue -f); held jobs stay held',
  hold: 'queue hold ID...|ALL [--reason TEXT] [--queue Q]   keep jobs from being run (postsuper -h)',
  release: 'queue release ID...|ALL [--queue Q]   let held jobs run again (postsuper -H)',
  requeue: 'queue requeue ID...|ALL [--queue Q]   run failed jobs again with fresh attempts (postsuper -r)',
  delete: 'queue delete ID...|ALL [--queue Q]   delete jobs; a message goes when no job refers to it (postsuper -d)',
} as const;
type Sub = keyof typeof USAGE;

/** Body lines `show` prints without --body. */
const PREVIEW_LINES = 20;

interface Options {
  json: boolean;
  body: boolean;
  queues: readonly QueueName[];
  queueGiven: boolean;
  state?: JobState;
  reason?: string;
}

const ALLOWED: Record<Sub, ReadonlyArray<'--json' | '--body' | '--queue' | '--state' | '--reason'>> = {
  list: ['--json', '--queue', '--state'],
  show: ['--json', '--body'],
  flush: ['--queue'],
  hold: ['--queue', '--reason'],
  release: ['--queue'],
  requeue: ['--queue'],
  delete: ['--queue'],
};

const usageOf = (sub?: Sub): CommandError =>
  new CommandError(Exit.usage, sub ? `usage: mailctl ${USAGE[sub]}` : `usage:\n  mailctl ${Object.values(USAGE).join('\n  mailctl ')}`);

/** Takes `--name VALUE` out of args; a missing value is a usage error rather than a silently ignored option. */
function valueOption(args: string[], name: string, sub: Sub): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw usageOf(sub);
  args.splice(i, 2);
  return value;
}

/** A state as the listing names it; `deferred` is the delayed state, `done` the completed one. */
function parseState(text: string): JobState {
  const name = text === 'deferred' ? 'delayed' : text === 'done' ? 'completed' : text;
  if (!(JOB_STATES as readonly string[]).includes(name)) {
    throw new CommandError(Exit.usage, `unknown state ${JSON.stringify(text)} (waiting, active, deferred, failed, held or done)`);
  }
  return name as JobState;
}

function parseOptions(args: string[], sub: Sub): Options {
  const given = (name: string): boolean => args.includes(name);
  for (const name of ['--json', '--body', '--queue', '--state', '--reason'] as const) {
    if (given(name) && !ALLOWED[sub].includes(name)) throw new CommandError(Exit.usage, `${name} does not go with ${sub}\nusage: mailctl ${USAGE[sub]}`);
  }
  const queue = valueOption(args, '--queue', sub);
  const state = valueOption(args, '--state', sub);
  const reason = valueOption(args, '--reason', sub);
  const options: Options = {
    json: takeFlag(args, '--json'),
    body: takeFlag(args, '--body'),
    queues: queue === undefined ? QUEUE_NAMES : [asQueue(queue)],
    queueGiven: queue !== undefined,
  };
  if (state !== undefined) options.state = parseState(state);
  if (reason !== undefined) options.reason = reason;
  rejectUnknownOptions(args, USAGE[sub]);
  return options;
}

function asQueue(name: string): QueueName {
  try {
    return parseQueueName(name);
  } catch (err) {
    throw new CommandError(Exit.usage, (err as Error).message);
  }
}

export const queueCommand: Command = {
  name: 'queue',
  usage: Object.values(USAGE).join('\n  '),
  run(args, io) {
    return runCommand('queue', io, async () => {
      const config = configFromArgs(args, io);
      const sub = args.shift();
      if (!sub || !Object.hasOwn(USAGE, sub)) throw usageOf();
      const options = parseOptions(args, sub as Sub);
      checkOperands(sub as Sub, args, options);
      const session = await openAdmin(config);
      try {
        return await dispatch(sub as Sub, session.admin, args, options, io);
      } catch (err) {
        throw commandErrorOf(err) ?? err;
      } finally {
        await session.close();
      }
    });
  },
};

function checkOperands(sub: Sub, args: string[], options: Options): void {
  const all = args.length === 1 && args[0] === 'ALL';
  const ok = sub === 'list' || sub === 'flush' ? args.length === 0 : sub === 'show' ? args.length === 1 : args.length > 0 && (all || !args.includes('ALL'));
  if (!ok || (options.json && options.body)) throw usageOf(sub);
  if (options.queueGiven && !all && sub !== 'list' && sub !== 'flush') throw new CommandError(Exit.usage, `--queue goes with ALL\nusage: mailctl ${USAGE[sub]}`);
}

function dispatch(sub: Sub, admin: QueueAdmin, args: string[], options: Options, io: Io): Promise<number> {
  const all = args[0] === 'ALL';
  switch (sub) {
    case 'list':
      return list(admin, options, io);
    case 'show':
      return show(admin, args[0]!, options, io);
    case 'flush':
      return flush(admin, options, io);
    case 'hold':
      return all ? holdAll(admin, options, io) : eachJob(args, io, (id) => hold(admin, id, options.reason, io));
    case 'release':
      return all ? releaseAll(admin, options, io) : eachJob(args, io, (id) => release(admin, id, io));
    case 'requeue':
      return all ? requeueAll(admin, options, io) : eachJob(args, io, (id) => requeue(admin, id, io));
    case 'delete':
      return all ? deleteAll(admin, options, io) : eachJob(args, io, (id) => deleteOne(admin, id, io));
  }
}

/** Acts on every id in turn, as postsuper does; the exit code is the first failure's (67 unknown, 75 busy). */
async function eachJob(ids: string[], io: Io, action: (id: string) => Promise<void>): Promise<number> {
  let code: number = Exit.ok;
  for (const id of ids) {
    const c = await perJob(io, () => action(id));
    if (code === Exit.ok) code = c;
  }
  return code;
}

async function list(admin: QueueAdmin, options: Options, io: Io): Promise<number> {
  const listOptions = { queues: options.queues, ...(options.state ? { states: [options.state] } : {}) };
  const jobs: JobSummary[] = [];
  for await (const job of admin.jobs(listOptions)) {
    // The text listing is written as it is read: a long queue shows up at once and is never held in memory twice.
    if (!options.json) {
      if (jobs.length === 0) io.out(LIST_HEADING);
      io.out(`${listEntry(job)}\n`);
    }
    jobs.push(job);
  }
  const summary = countJobs(jobs, options.queues);
  if (options.json) io.out(JSON.stringify({ jobs, counts: summary.counts, total: summary.total, bytes: summary.bytes }, null, 2));
  else io.out(summaryLine(summary));
  return Exit.ok;
}

async function show(admin: QueueAdmin, id: string, options: Options, io: Io): Promise<number> {
  const job = await admin.get(id);
  if (!job) throw new CommandError(Exit.noUser, `no job ${safe(id)}`);
  let spool: SpoolEntryInfo | undefined;
  if (job.spoolId) {
    try {
      spool = await admin.spool.info(job.spoolId);
    } catch (err) {
      if (!(err instanceof SpoolNotFoundError)) throw err;
    }
  }
  if (options.json) {
    io.out(JSON.stringify({ job, spool: spool ?? null }, null, 2));
    return Exit.ok;
  }
  io.out('*** ENVELOPE ***');
  io.out(envelopeLines(job, spool).join('\n'));
  if (!job.spoolId || !spool) {
    const why = job.state === 'completed' ? ' (the job is done)' : job.spoolId ? ` (${safe(job.spoolId)})` : '';
    io.err(`mailctl queue: the message of job ${safe(id)} is not in the spool${why}`);
    return EX_NOINPUT;
  }
  try {
    if (options.body) {
      io.out('*** MESSAGE CONTENTS ***');
      await printMessage(admin.spool.stream(job.spoolId), io);
      io.out('*** MESSAGE END ***');
      return Exit.ok;
    }
    const { bytes, complete } = await readHead(admin.spool.stream(job.spoolId), PREVIEW_LINES);
    const head = splitHead(bytes, complete, PREVIEW_LINES);
    io.out('*** HEADERS ***');
    if (head.headers.length) io.out(head.headers.join('\n'));
    io.out(`*** BODY (first ${PREVIEW_LINES} lines) ***`);
    if (head.bodyLines.length) io.out(head.bodyLines.join('\n'));
    io.out(head.more ? `*** ${spool.size} bytes in all; --body prints the whole message ***` : '*** MESSAGE END ***');
    return Exit.ok;
  } catch (err) {
    // Deleted between the look-up and the read (a worker finished the job).
    if (!(err instanceof SpoolNotFoundError)) throw err;
    io.err(`mailctl queue: the message of job ${safe(id)} left the spool while being read`);
    return EX_NOINPUT;
  }
}

async function flush(admin: QueueAdmin, options: Options, io: Io): Promise<number> {
  const n = await admin.flush({ queues: options.queues });
  io.out(n === 0 ? 'no deferred jobs' : `${n} deferred job${n === 1 ? '' : 's'} will be tried now`);
  return Exit.ok;
}

/** Ids of the jobs in `states` (of the chosen queues) that pass `keep`, read before any is changed. */
async function idsOf(admin: QueueAdmin, options: Options, states: JobState[], keep: (j: JobSummary) => boolean = () => true): Promise<string[]> {
  const ids: string[] = [];
  for await (const job of admin.jobs({ queues: options.queues, states })) if (keep(job)) ids.push(job.id);
  return ids;
}

async function hold(admin: QueueAdmin, id: string, reason: string | undefined, io: Io): Promise<void> {
  const job = await admin.get(id);
  if (!job) throw new CommandError(Exit.noUser, `no job ${safe(id)}`);
  if (job.held) {
    io.out(`${safe(id)} is already held`);
    return;
  }
  const was = await admin.hold(id, reason);
  io.out(was === 'active' ? `${safe(id)} is being processed; it is held if it has to be tried again` : `held ${safe(id)} (was ${STATE_LABEL[was]})`);
}

async function holdAll(admin: QueueAdmin, options: Options, io: Io): Promise<number> {
  let n = 0;
  for (const id of await idsOf(admin, options, ['waiting', 'delayed', 'active'], (j) => !j.held)) {
    if ((await perJob(io, async () => void (await admin.hold(id, options.reason)), true)) === Exit.ok) n += 1;
  }
  io.out(`held ${n} job${n === 1 ? '' : 's'}`);
  return Exit.ok;
}

async function release(admin: QueueAdmin, id: string, io: Io): Promise<void> {
  io.out((await admin.release(id)) ? `released ${safe(id)}` : `${safe(id)} was not held`);
}

async function releaseAll(admin: QueueAdmin, options: Options, io: Io): Promise<number> {
  let n = 0;
  // A job held while being processed is listed as active, with its hold record.
  for (const id of await idsOf(admin, options, ['held', 'active'], (j) => j.held !== undefined)) {
    await perJob(
      io,
      async () => {
        if (await admin.release(id)) n += 1;
      },
      true,
    );
  }
  io.out(`released ${n} job${n === 1 ? '' : 's'}`);
  return Exit.ok;
}

async function requeue(admin: QueueAdmin, id: string, io: Io): Promise<void> {
  await admin.requeue(id);
  io.out(`requeued ${safe(id)}`);
}

async function requeueAll(admin: QueueAdmin, options: Options, io: Io): Promise<number> {
  let n = 0;
  for (const id of await idsOf(admin, options, ['failed'])) {
    if ((await perJob(io, () => admin.requeue(id), true)) === Exit.ok) n += 1;
  }
  io.out(`requeued ${n} job${n === 1 ? '' : 's'}`);
  return Exit.ok;
}

async function deleteOne(admin: QueueAdmin, id: string, io: Io): Promise<void> {
  const job = await admin.get(id);
  if (!job) throw new CommandError(Exit.noUser, `no job ${safe(id)}`);
  await admin.delete(id);
  const kept = job.spoolId ? await admin.spool.exists(job.spoolId) : false;
  io.out(`deleted ${safe(id)}${kept ? ' (its message stays for another job)' : ''}`);
}

async function deleteAll(admin: QueueAdmin, options: Options, io: Io): Promise<number> {
  const { deleted, active } = await admin.deleteAll({ queues: options.queues });
  io.out(`deleted ${deleted} job${deleted === 1 ? '' : 's'}`);
  if (!options.queueGiven) {
    // Messages no job refers to any more (left by a process that died between two steps), past the age of any submission in progress.
    const swept = await admin.sweepSpool();
    if (swept.deleted > 0) io.out(`removed ${swept.deleted} unreferenced message${swept.deleted === 1 ? '' : 's'} from the spool`);
  }
  if (active > 0) {
    io.err(`mailctl queue: ${active} job${active === 1 ? ' is' : 's are'} being processed and ${active === 1 ? 'was' : 'were'} not deleted; run the command again when the attempt is over`);
    return Exit.tempFail;
  }
  return Exit.ok;
}
