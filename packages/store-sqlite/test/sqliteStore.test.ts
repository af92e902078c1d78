import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConcurrencyConflictError, type ActivityRecord, type AuditEvent, type JobRow } from '@sopflow/engine';
import { openSqliteStore, ReadonlyStoreError, SQLITE_SCHEMA_VERSION } from '../src/index.js';
import { commit, instance, T0, task, tempFile, timer } from './helpers.js';

describe('SqliteStore', () => {
  it('should create one WAL-journaled file at the current schema version', async () => {
    // given
    const path = tempFile();
    // when
    const store = openSqliteStore(path);
    await store.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }));
    // then
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(10000);
    expect(store.db.pragma('cache_size', { simple: true })).toBe(-8192);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    await store.close();
    expect(store.db.open).toBe(false);
  });

  it('should apply the busy timeout, synchronous mode and cache size it is given', async () => {
    // given
    const path = tempFile();
    // when
    const store = openSqliteStore(path, { busyTimeoutMs: 250, synchronous: 'full', cacheSizeMiB: 2 });
    // then
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(250);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.db.pragma('cache_size', { simple: true })).toBe(-2048);
    await store.close();
  });

  it('should give back everything committed after the file is closed and reopened', async () => {
    // given
    const path = tempFile();
    const record = instance('i1', { businessKey: 'K-1', parentId: 'i0', due: T0 + 5, incidents: 1 });
    const fullTask = task('t1', {
      name: '审核',
      businessKey: 'K-1',
      assignee: 'ann',
      candidateUsers: ['bob', 'cai'],
      candidateGroups: ['ops'],
      due: T0 + 9,
      department: 'ops',
      formKey: 'review-form',
    });
    const job: JobRow = { id: 'j1', instanceId: 'i1', definition: 'p:1', node: 'charge', type: 'charge', retries: 3, attempt: 1, due: T0, variables: { amount: 1.5, list: [1, null] }, idempotencyKey: 'j1#1' };
    const activity: ActivityRecord = {
      id: 'a1', instanceId: 'i1', processId: 'p', version: 1, businessKey: 'K-1', node: 'review', nodeName: '审核', nodeType: 'userTask',
      multi: 'instance', instance: 2, visit: 2, startedAt: T0, endedAt: T0 + 10, durationMs: 10, outcome: 'completed', department: 'ops',
      assignee: 'ann', completedBy: 'ann', due: T0 + 5, slaMet: false, overByMs: 5, reminders: 1, escalations: 0,
    };
    const event: AuditEvent = {
      instanceId: 'i1', seq: 1, time: T0, type: 'instance.started', actor: 'system', processId: 'p', version: 1, businessKey: 'K-1',
      node: 'start', nodeName: 'Start', data: { who: '李雷' }, prevHash: 'a', hash: 'b',
    };
    const first = openSqliteStore(path);
    await first.commit(
      commit({
        instances: [{ record, expectedRev: 0 }],
        tasks: { upsert: [fullTask], remove: [] },
        timers: { upsert: [timer('x1', T0 + 60)], remove: [] },
        jobs: { upsert: [job], remove: [] },
        subscriptions: { upsert: [{ id: 's1', instanceId: 'i1', kind: 'message', name: 'paid', key: 'K-1' }], remove: [] },
        audit: [event],
        history: [activity],
      }),
    );
    await first.close();
    // when
    const second = openSqliteStore(path);
    // then
    expect(await second.getInstance('i1')).toStrictEqual(record);
    expect(await second.getTask('t1')).toStrictEqual(fullTask);
    expect(await second.getTimer('x1')).toStrictEqual(timer('x1', T0 + 60));
    expect(await second.getJob('j1')).toStrictEqual(job);
    expect(await second.findSubscriptions('message', 'paid', 'K-1')).toStrictEqual([{ id: 's1', instanceId: 'i1', kind: 'message', name: 'paid', key: 'K-1' }]);
    expect(await second.auditTrail('i1')).toStrictEqual([event]);
    expect((await second.findActivities({ instanceId: 'i1' })).items).toStrictEqual([activity]);
    await second.close();
  });

  it('should let only one of two connections to one file commit on the same revision', async () => {
    // given: two stores (as two processes) on one file
    const path = tempFile();
    const a = openSqliteStore(path);
    const b = openSqliteStore(path);
    await a.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }));
    // when
    await a.commit(commit({ instances: [{ record: instance('i1', { rev: 2, status: 'completed' }), expectedRev: 1 }] }));
    const stale = b.commit(commit({ instances: [{ record: instance('i1', { rev: 2, status: 'cancelled' }), expectedRev: 1 }], tasks: { upsert: [task('t1')], remove: [] } }));
    // then
    await expect(stale).rejects.toThrow(ConcurrencyConflictError);
    await expect(stale).rejects.toMatchObject({ code: 'store.conflict', details: { instanceId: 'i1', expected: 1, actual: 2 } });
    expect(await b.getInstance('i1')).toMatchObject({ rev: 2, status: 'completed' });
    expect(await b.getTask('t1')).toBeUndefined();
    await a.close();
    await b.close();
  });

  it('should hand each due timer to one of two connections only', async () => {
    // given
    const path = tempFile();
    const a = openSqliteStore(path);
    const b = openSqliteStore(path);
    await a.commit(commit({ timers: { upsert: Array.from({ length: 10 }, (_, i) => timer(`x${i}`, T0 + i)), remove: [] } }));
    // when
    const first = await a.acquireTimers({ now: T0 + 100, workerId: 'a', leaseMs: 1000, limit: 6 });
    const second = await b.acquireTimers({ now: T0 + 100, workerId: 'b', leaseMs: 1000, limit: 6 });
    // then
    expect(first.map((t) => t.id)).toEqual(['x0', 'x1', 'x2', 'x3', 'x4', 'x5']);
    expect(second.map((t) => t.id)).toEqual(['x6', 'x7', 'x8', 'x9']);
    expect(await a.nextTimerDue()).toBe(T0 + 1100);
    await a.close();
    await b.close();
  });

  it('should refuse a second writer continuing the same audit chain', async () => {
    // given: a deployment chain has no instance revision to check
    const store = openSqliteStore(tempFile());
    const event = (hash: string): AuditEvent => ({ instanceId: 'process:p', seq: 1, time: T0, type: 'deployment.created', actor: 'system', processId: 'p', version: 1, data: {}, prevHash: '0', hash });
    await store.commit(commit({ audit: [event('first')] }));
    // when
    const second = store.commit(commit({ audit: [event('second')], tasks: { upsert: [task('t1')], remove: [] } }));
    // then
    await expect(second).rejects.toThrow(ConcurrencyConflictError);
    await expect(second).rejects.toMatchObject({ code: 'store.conflict', details: { instanceId: 'process:p', expected: 0, actual: 1 } });
    expect((await store.auditTrail('process:p')).map((e) => e.hash)).toEqual(['first']);
    expect(await store.getTask('t1')).toBeUndefined();
    await store.close();
  });

  it('should drop the candidates of a removed task and list tasks by their new candidates', async () => {
    // given
    const store = openSqliteStore(tempFile());
    await store.commit(commit({ tasks: { upsert: [task('t1', { candidateGroups: ['a', 'b'] }), task('t2', { candidateGroups: ['a'], createdAt: T0 + 1 })], remove: [] } }));
    // when
    await store.commit(commit({ tasks: { upsert: [task('t2', { candidateGroups: ['b'], candidateUsers: ['ann'], createdAt: T0 + 1 })], remove: ['t1'] } }));
    // then
    const ids = async (q: Parameters<typeof store.findTasks>[0]) => (await store.findTasks(q)).items.map((t) => t.id);
    expect(await ids({ candidateGroups: ['a'] })).toEqual([]);
    expect(await ids({ candidateGroups: ['b'] })).toEqual(['t2']);
    expect(await ids({ candidateGroups: ['b'], candidateUser: 'ann' })).toEqual(['t2']);
    expect(await ids({ candidateGroups: ['a', 'b'], candidateUser: 'bob' })).toEqual([]);
    expect(store.db.prepare('SELECT count(*) FROM task_candidates').pluck().get()).toBe(2);
    await store.close();
  });

  it('should find audit events of every type and actor, in or out of the partial indexes', async () => {
    // given
    const store = openSqliteStore(tempFile());
    const e = (seq: number, type: string, actor: string): AuditEvent => ({
      instanceId: 'i1', seq, time: T0 + seq, type, actor, processId: 'p', version: 1, node: 'n', data: {}, prevHash: `${seq - 1}`, hash: `${seq}`,
    });
    await store.commit(commit({ audit: [e(1, 'node.entered', 'system'), e(2, 'task.created', 'system'), e(3, 'task.completed', 'ann'), e(4, 'node.left', 'ann')] }));
    const seqs = async (query: Parameters<typeof store.queryAudit>[0]) => (await store.queryAudit(query)).items.map((x) => x.seq);
    // then
    expect(await seqs({ types: ['node.entered', 'node.left'] })).toEqual([1, 4]);
    expect(await seqs({ types: ['task.created', 'task.completed'] })).toEqual([2, 3]);
    expect(await seqs({ types: ['node.left', 'task.created'] })).toEqual([2, 4]);
    expect(await seqs({ actor: 'system' })).toEqual([1, 2]);
    expect(await seqs({ actor: 'ann', types: ['node.left'] })).toEqual([4]);
    expect(await seqs({ actor: 'ann', order: 'desc' })).toEqual([4, 3]);
    await store.close();
  });

  it('should read a file opened read-only and refuse to write to it', async () => {
    // given
    const path = tempFile();
    const writer = openSqliteStore(path);
    await writer.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }));
    // when
    const reader = openSqliteStore(path, { readonly: true });
    // then
    expect((await reader.getInstance('i1'))!.id).toBe('i1');
    await expect(reader.commit(commit({}))).rejects.toThrow(ReadonlyStoreError);
    await expect(reader.commit(commit({}))).rejects.toMatchObject({ code: 'store.readonly' });
    await expect(reader.acquireTimers({ now: T0, workerId: 'r', leaseMs: 1, limit: 1 })).rejects.toThrow(ReadonlyStoreError);
    await reader.close();
    await writer.close();
  });

  it('should write a consistent online backup that opens as a store', async () => {
    // given
    const store = openSqliteStore(tempFile());
    await store.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }));
    const target = tempFile('backup.db');
    // when
    await store.backup(target);
    await store.commit(commit({ instances: [{ record: instance('i2'), expectedRev: 0 }] }));
    // then
    const copy = openSqliteStore(target, { readonly: true });
    expect((await copy.findInstances({})).items.map((r) => r.id)).toEqual(['i1']);
    await copy.close();
    await store.close();
  });

  /** Runs an ES module script with the package sources; returns what it printed. */
  function runScript(body: (source: string, path: string) => string): { stdout: string; stderr: string; status: number | null; path: string } {
    const path = tempFile();
    const script = tempFile('script.mts');
    writeFileSync(script, body(JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url))), JSON.stringify(path)));
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    return { stdout: run.stdout, stderr: run.stderr, status: run.status, path };
  }

  const ONE_TIMER = `{ deployments: [], instances: [], tasks: { upsert: [], remove: [] }, timers: { upsert: [{ id: 'x', due: 1, definition: 'p:1', node: 'n' }], remove: [] },
  jobs: { upsert: [], remove: [] }, subscriptions: { upsert: [], remove: [] }, startSubscriptions: { upsert: [], remove: [] }, audit: [], history: [] }`;

  it('should let a script go on after `await store.close()` and leave no WAL behind', () => {
    // given: a script that commits, closes and prints (the checkpoint thread must not end it early)
    // when
    const run = runScript(
      (source, path) => `import { openSqliteStore } from ${source};
const store = openSqliteStore(${path});
await store.commit(${ONE_TIMER});
await store.close();
console.log('closed');`,
    );
    // then
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('closed');
    expect(existsSync(`${run.path}-wal`)).toBe(false);
  });

  it('should not keep a process alive whose store was never closed', () => {
    // given: a script that commits and ends without closing (the checkpoint thread must not hold it)
    // when
    const run = runScript(
      (source, path) => `import { openSqliteStore } from ${source};
const store = openSqliteStore(${path}, { checkpointIntervalMs: 5 });
await store.commit(${ONE_TIMER});
console.log('end');`,
    );
    // then: it ended by itself (spawnSync would have killed it after 20 s, with status null)
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('end');
  });

  it('should not create a file when opened read-only on a missing path', () => {
    // given
    const path = tempFile();
    // when
    const open = () => openSqliteStore(path, { readonly: true });
    // then
    expect(open).toThrow(Database.SqliteError);
    expect(existsSync(path)).toBe(false);
  });
});
