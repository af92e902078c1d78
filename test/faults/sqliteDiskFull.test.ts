import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, StoreUnavailableError, VirtualClock, type Engine, type EngineEvent, type JobHandler } from '@sopflow/engine';
import { openSqliteStore, type SqliteStore } from '@sopflow/store-sqlite';

const repo = new URL('../../', import.meta.url);
const APPROVAL_XML = readFileSync(new URL('examples/cross-department-approval/cross-department-approval.bpmn', repo), 'utf8');
const CALENDARS = JSON.parse(readFileSync(new URL('examples/calendars.json', repo), 'utf8')).calendars;
const MONDAY = '2026-11-23T09:00:00+08:00';
const REQUEST = { goal: 'Office chairs', deadline: '2026-12-15', amount: 8000, departments: ['finance'], urgent: false, applicant: 'chen', applicantManager: 'li', managerDepartment: 'operations' };

/**
 * "The disk is full" for one SQLite file: its size limit (`max_page_count`)
 * is set to its current size, and a scratch table takes every free page and
 * every byte left in its own pages. Writes that need a new page then fail
 * with SQLITE_FULL, exactly as on a full disk. Returns a function that gives
 * the space back (raises the limit; the scratch rows stay, as files would).
 */
function fillDisk(store: SqliteStore): () => void {
  const db = store.db;
  db.exec('CREATE TABLE IF NOT EXISTS fault_filler (data BLOB)');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
  const insert = db.prepare('INSERT INTO fault_filler (data) VALUES (zeroblob(?))');
  for (const size of [65536, 4096, 1024, 256, 64, 16, 1]) {
    try {
      for (;;) insert.run(size);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_FULL') throw error;
    }
  }
  expect(db.pragma('freelist_count', { simple: true })).toBe(0);
  return () => void db.pragma('max_page_count = 1073741823');
}

/** What a step could change: the instances' revisions and audit heads, the open tasks, the audit trail, the timers. */
async function snapshot(engine: Engine, store: SqliteStore) {
  const instances = (await store.findInstances({ limit: 1000 })).items.map((i) => `${i.id} ${i.status} rev=${i.rev} seq=${i.auditSeq}`);
  const tasks = (await store.findTasks({ limit: 1000 })).items.map((t) => `${t.id} ${t.node}`);
  const audit = (await store.queryAudit({ limit: 100_000 })).total;
  const timers = await Promise.all(instances.map(async (line) => (await engine.instance(line.split(' ')[0])).timers.map((t) => `${t.node} ${t.due}`)));
  return { instances, tasks, audit, timers };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('SQLite disk full', () => {
  let dir: string;
  let store: SqliteStore;
  let engine: Engine;
  let clock: VirtualClock;
  let errors: EngineEvent[];

  async function open(handlers: Record<string, JobHandler> = {}) {
    store = openSqliteStore(join(dir, 'sopflow.db'));
    clock = new VirtualClock(MONDAY);
    let n = 0;
    engine = createEngine({ store, clock, calendars: CALENDARS, handlers, ids: () => `case-${++n}`, timeZone: 'Asia/Shanghai', leaseMs: 60_000 });
    errors = [];
    engine.on('engine.error', (event) => errors.push(event));
    await engine.deploy(APPROVAL_XML);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sopflow-full-'));
  });

  afterEach(async () => {
    await engine?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should refuse start, complete and deploy with StoreUnavailableError, apply nothing, and serve again once there is space', async () => {
    // given: a case waiting at its initial review, then a full disk
    await open();
    const waiting = await engine.start('cross-department-approval', { variables: REQUEST });
    const [review] = (await engine.tasks({ instanceId: waiting.id })).items;
    const freeSpace = fillDisk(store);
    const before = await snapshot(engine, store);

    // when: people keep working
    const completing = await rejection(engine.complete(review.id, { by: 'li', variables: { decision: 'approve' } }));
    const starting = await rejection(engine.start('cross-department-approval', { variables: REQUEST }));
    const deploying = await rejection(engine.deploy(APPROVAL_XML.replace('name="Cross-department approval"', 'name="Approval, version A"')));

    // then: each gets a typed error saying nothing was applied, and nothing was
    for (const error of [completing, starting, deploying]) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ code: 'store.full', reason: 'full', outcome: 'not-applied' });
    }
    expect((completing as Error).message).toBe('sopflow.db is full (the disk, or its size limit): the commit was not applied. Free space and retry.');
    expect(await snapshot(engine, store)).toEqual(before);
    expect((await engine.definition('cross-department-approval')).name).toBe('Cross-department approval');

    // when: space comes back
    freeSpace();
    await engine.complete(review.id, { by: 'li', variables: { decision: 'approve' } });
    const started = await engine.start('cross-department-approval', { variables: REQUEST });
    const redeployed = await engine.deploy(APPROVAL_XML.replace('name="Cross-department approval"', 'name="Approval, version B"'));

    // then: the engine goes on where it was, and the version that failed to deploy left nothing behind
    expect((await engine.tasks({ instanceId: waiting.id })).items.map((t) => t.node)).toEqual(['Task_Countersign']);
    expect((await engine.tasks({ instanceId: started.id })).items.map((t) => t.node)).toEqual(['Task_InitialReview']);
    expect(redeployed.processes).toMatchObject([{ version: 2, created: true }]);
    expect((await engine.definition('cross-department-approval')).name).toBe('Approval, version B');
    expect(await engine.audit.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('should report a timer and a job result that cannot be written as engine.error, and fire and complete each once when space is back', async () => {
    // given: a normal request (its review reminder is due at 14:00) and an urgent one (risk control is notified by a job)
    const runs: string[] = [];
    await open({ 'notify-risk-control': (job) => void runs.push(`${job.instanceId} attempt ${job.attempt}`) });
    const normal = await engine.start('cross-department-approval', { variables: REQUEST });
    const freeSpace = fillDisk(store);
    const before = await snapshot(engine, store);

    // when: the urgent request cannot even start, and the afternoon passes on a full disk
    await expect(engine.start('cross-department-approval', { variables: { ...REQUEST, urgent: true } })).rejects.toBeInstanceOf(StoreUnavailableError);
    await clock.advanceTo('2026-11-23T14:30:00+08:00');

    // then: the reminder could not be written — reported, not applied, and not lost
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.data.code === 'store.full')).toBe(true);
    expect(await snapshot(engine, store)).toEqual(before);

    // when: space is back (and the urgent request is submitted again)
    freeSpace();
    const urgent = await engine.start('cross-department-approval', { variables: { ...REQUEST, urgent: true } });
    await clock.advanceTo('2026-11-23T15:00:00+08:00');

    // then: the 14:00 reminder fired once, late; the job ran and completed once
    const reminders = (await engine.audit.query({ instanceId: normal.id, types: ['sla.reminder'] })).items;
    expect(reminders).toHaveLength(1);
    expect(reminders[0].time).toBeGreaterThan(Date.parse('2026-11-23T14:00:00+08:00'));
    expect((await engine.audit.query({ instanceId: urgent.id, types: ['job.completed'] })).total).toBe(1);
    expect(runs).toEqual([`${urgent.id} attempt 1`]);
    expect(await engine.audit.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('should run a job again after its result could not be written, and complete it once', async () => {
    // given: an urgent request whose risk-control job is due; the disk fills while the handler runs, and its result (a 64 KB copy of the notice) needs room
    let freeSpace: (() => void) | undefined;
    const runs: number[] = [];
    await open({
      'notify-risk-control': (job) => {
        runs.push(job.attempt);
        if (runs.length === 1) freeSpace = fillDisk(store);
        return { notice: 'n'.repeat(65_536) };
      },
    });
    const urgent = await engine.start('cross-department-approval', { variables: { ...REQUEST, urgent: true } });
    await engine.idle();

    // then: the result was not written; the failure was reported; the job is still there, leased
    expect(runs).toEqual([1]);
    expect(errors.map((e) => e.data.code)).toContain('store.full');
    expect((await engine.audit.query({ instanceId: urgent.id, types: ['job.completed'] })).total).toBe(0);

    // when: space is back and the lease (1 minute) runs out
    freeSpace!();
    await clock.advance('PT2M');

    // then: the handler ran again (at least once delivery) and the job completed once
    expect(runs).toEqual([1, 1]);
    expect((await engine.audit.query({ instanceId: urgent.id, types: ['job.completed'] })).total).toBe(1);
    expect(await engine.audit.verify(urgent.id)).toMatchObject({ ok: true });
  });
});
