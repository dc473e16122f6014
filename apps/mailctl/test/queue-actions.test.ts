// mailctl queue hold, release, flush, requeue and delete against a real Redis, and its usage and connection errors.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli-run.js';
import { d, eventually, fixture, mailctl, message, o, stateOf, useQueueFixture, worker, workOff } from './queue-fixture.js';

useQueueFixture();

describe('mailctl queue hold and release', () => {
  it('holds and releases one job or ALL, and says when there is nothing to do', async () => {
    const a = await message('Subject: a\r\n\r\na\r\n');
    const b = await message('Subject: b\r\n\r\nb\r\n', 'both');
    expect(await mailctl('hold', d(a), '--reason', 'spam run')).toEqual({ code: 0, out: `held ${d(a)} (was waiting)`, err: '' });
    expect(await stateOf(d(a))).toBe('held');
    expect((await fixture().admin.get(d(a)))?.held?.reason).toBe('spam run');
    expect((await mailctl('hold', d(a))).out).toBe(`${d(a)} is already held`);
    expect(await mailctl('release', d(a))).toEqual({ code: 0, out: `released ${d(a)}`, err: '' });
    expect(await stateOf(d(a))).toBe('waiting');
    expect((await mailctl('release', d(a))).out).toBe(`${d(a)} was not held`);

    expect((await mailctl('hold', 'ALL')).out).toBe('held 3 jobs');
    expect(await Promise.all([d(a), d(b), o(b)].map(stateOf))).toEqual(['held', 'held', 'held']);
    expect((await mailctl('release', 'ALL', '--queue', 'outbound')).out).toBe('released 1 job');
    expect(await stateOf(o(b))).toBe('waiting');
    expect((await mailctl('release', 'ALL')).out).toBe('released 2 jobs');
    expect(await Promise.all([d(a), d(b)].map(stateOf))).toEqual(['waiting', 'waiting']);
  });

  it('acts on several ids and reports the unknown ones with 67', async () => {
    const a = await message('Subject: a\r\n\r\na\r\n');
    const r = await mailctl('hold', `${'0'.repeat(26)}-d`, d(a));
    expect(r).toEqual({ code: 67, out: `held ${d(a)} (was waiting)`, err: `mailctl queue: no job ${'0'.repeat(26)}-d` });
    expect(await stateOf(d(a))).toBe('held');
    expect((await mailctl('release', 'no-such-job')).code).toBe(67);
  });

  it('keeps a held job from running until it is released', async () => {
    const a = await message('Subject: a\r\n\r\na\r\n');
    await mailctl('hold', d(a));
    const ran: string[] = [];
    worker(async (job) => void ran.push(job.data.spoolId));
    await new Promise((r) => setTimeout(r, 1000));
    expect(ran).toEqual([]);
    expect((await mailctl('release', d(a))).code).toBe(0);
    await eventually(async () => ran.includes(a));
    await eventually(async () => !(await fixture().producer.spool.exists(a)));
  });
});

describe('mailctl queue flush and requeue', () => {
  it('makes deferred jobs waiting again, leaving held ones alone', async () => {
    const later = await message('Subject: later\r\n\r\nx\r\n');
    const kept = await message('Subject: kept\r\n\r\nx\r\n');
    await workOff([later, kept]);
    await mailctl('hold', d(kept));
    const before = await fixture().admin.get(d(later));
    expect(before?.nextAttemptAt?.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(await mailctl('flush')).toEqual({ code: 0, out: '1 deferred job will be tried now', err: '' });
    expect(await stateOf(d(later))).toBe('waiting');
    expect(await stateOf(d(kept))).toBe('held');
    expect((await mailctl('flush')).out).toBe('no deferred jobs');
    expect((await mailctl('flush', '--queue', 'outbound')).out).toBe('no deferred jobs');
  });

  it('requeues failed jobs and refuses others', async () => {
    const bad = await message('Subject: bad\r\n\r\nx\r\n');
    const worse = await message('Subject: worse\r\n\r\nx\r\n');
    await workOff([], [bad, worse]);
    const waiting = await message('Subject: fine\r\n\r\nx\r\n');
    expect(await mailctl('requeue', d(bad))).toEqual({ code: 0, out: `requeued ${d(bad)}`, err: '' });
    expect(await stateOf(d(bad))).toBe('waiting');
    expect(await mailctl('requeue', d(waiting))).toEqual({ code: 65, out: '', err: `mailctl queue: job ${d(waiting)} has not failed` });
    expect((await mailctl('requeue', 'ALL')).out).toBe('requeued 1 job');
    expect(await stateOf(d(worse))).toBe('waiting');
  });
});

describe('mailctl queue delete', () => {
  it('deletes one job; the message goes with the last job that refers to it', async () => {
    const both = await message('Subject: both\r\n\r\nx\r\n', 'both');
    const spool = fixture().producer.spool;
    expect(await mailctl('delete', d(both))).toEqual({ code: 0, out: `deleted ${d(both)} (its message stays for another job)`, err: '' });
    expect(await stateOf(d(both))).toBeUndefined();
    expect(await spool.exists(both)).toBe(true);
    expect(await mailctl('delete', o(both))).toEqual({ code: 0, out: `deleted ${o(both)}`, err: '' });
    expect(await spool.exists(both)).toBe(false);
    expect(await mailctl('delete', o(both))).toEqual({ code: 67, out: '', err: `mailctl queue: no job ${o(both)}` });
  });

  it('refuses a job being processed and deletes ALL the others with their messages', async () => {
    const busy = await message('Subject: busy\r\n\r\nx\r\n');
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((r) => (finish = r));
    const w = worker(async () => finished);
    await eventually(async () => (await stateOf(d(busy))) === 'active');
    const held = await message('Subject: held\r\n\r\nx\r\n', 'both');
    await mailctl('hold', d(held));
    const plain = await message('Subject: plain\r\n\r\nx\r\n', 'outbound');

    const refused = await mailctl('delete', d(busy));
    expect(refused.code).toBe(75);
    expect(refused.err).toMatch(/is being processed/);
    expect(await stateOf(d(busy))).toBe('active');

    const all = await mailctl('delete', 'ALL');
    expect(all).toEqual({ code: 75, out: 'deleted 3 jobs', err: 'mailctl queue: 1 job is being processed and was not deleted; run the command again when the attempt is over' });
    const spool = fixture().producer.spool;
    expect(await spool.exists(held)).toBe(false);
    expect(await spool.exists(plain)).toBe(false);
    expect(await spool.exists(busy)).toBe(true);
    expect((await mailctl('list')).out).toMatch(new RegExp(`^${d(busy)}\\s+deliver\\s+active\\s`, 'm'));

    finish();
    await eventually(async () => (await stateOf(d(busy))) === 'completed');
    await w.close();
    expect(await mailctl('delete', 'ALL')).toMatchObject({ code: 0, err: '' });
    expect(await spool.count()).toBe(0);
    expect((await mailctl('list')).out).toBe('-- queue is empty');
  });
});

describe('mailctl queue errors', () => {
  it('answers usage errors with 64', async () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['list', 'extra'],
      ['list', '--queue'],
      ['list', '--queue', 'inbound'],
      ['list', '--state', 'sleeping'],
      ['list', '--body'],
      ['show'],
      ['show', 'a', 'b'],
      ['show', 'a', '--body', '--json'],
      ['hold'],
      ['hold', 'ALL', 'x-d'],
      ['hold', 'x-d', '--queue', 'deliver'],
      ['delete', '--force', 'ALL'],
      ['flush', 'now'],
    ]) {
      const r = await mailctl(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 64 });
      expect(r.err).toMatch(/usage|unknown|does not go|goes with/);
    }
  });

  it('answers 69 promptly when Redis cannot be reached', async () => {
    const dead = join(fixture().dir.path, 'dead.yaml');
    await writeFile(dead, `redis:\n  url: redis://127.0.0.1:${await freePort()}/0\n`);
    const err: string[] = [];
    const started = Date.now();
    const code = await run(['queue', 'list', '--config', dead], { out: (t) => err.push(t), err: (t) => err.push(t), stdin: async () => '', env: {} });
    expect(code).toBe(69);
    expect(err.join('\n')).toMatch(/^mailctl queue: cannot reach Redis/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
