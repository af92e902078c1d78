/**
 * A worker process for the multi-worker test: an engine on the shared
 * PostgreSQL schema that fires timers, runs jobs and acts as the people of
 * the approval SOP (completes whatever tasks it finds open).
 *
 * Every commit it makes durable is appended to `<ledger>` as one JSON line
 * (timers fired, job results, tasks completed, cases completed), so the test
 * can tell which worker did what. Every 5 s it prints a progress line; when
 * every case is completed it prints its totals and exits 0.
 *
 *   node --conditions=source --import tsx test/crash/approvalWorker.mts <pg-url> <schema> <cases> <speed> <start> <realStart> <name> <ledger>
 */
import { appendFileSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { createEngine, NotFoundError, ConcurrencyConflictError, InvalidStateError, WallClock, type Commit, type Store } from '@sopflow/engine';
import { createPostgresStore } from '@sopflow/store-postgres';

const [url, schema, casesText, speed, start, realStart, name, ledger] = process.argv.slice(2);
const cases = Number(casesText);
// Named connections: the test waits until none of this worker's statements is active before it reads the leases it holds.
const pool = new pg.Pool({ connectionString: url, max: 4, application_name: `sopflow-worker-${name}` });
pool.on('error', () => {});
const inner = await createPostgresStore({ pool, schema });
const totals = { cases: 0, tasks: 0, jobs: 0, timers: 0, handlerRuns: 0 };

// What this worker made durable, commit by commit.
const store: Store = Object.create(inner);
store.commit = async (commit: Commit) => {
  await inner.commit(commit);
  const timers = commit.audit.filter((e) => e.type === 'timer.fired').map((e) => ({ instance: e.instanceId, timer: e.data.timer, due: e.data.due, at: e.time }));
  const jobs = commit.audit.filter((e) => e.type === 'job.completed').map((e) => ({ instance: e.instanceId, job: e.data.job, node: e.node }));
  const tasks = commit.audit.filter((e) => e.type === 'task.completed').length;
  const done = commit.audit.filter((e) => e.type === 'instance.completed').length;
  totals.timers += timers.length;
  totals.jobs += jobs.length;
  totals.tasks += tasks;
  totals.cases += done;
  if (timers.length + jobs.length + tasks + done > 0) appendFileSync(ledger, `${JSON.stringify({ worker: name, timers, jobs, tasks, done })}\n`);
};

const engine = createEngine({
  store,
  clock: new WallClock({ speed: Number(speed), start: Number(start), realStart: Number(realStart) }),
  workerId: name,
  // Ten real seconds, in engine time. A lease shorter than a loaded machine takes to commit a wave of timers runs out
  // mid-commit: another worker fires the same timers, one of the two commits is refused, and the work is done twice over
  // (10 engine minutes at 3,600× was 167 ms — the multi-worker test then spent minutes re-firing waves, 3 tasks a minute).
  leaseMs: 10_000 * Number(speed),
  calendars: JSON.parse(readFileSync(new URL('../../examples/calendars.json', import.meta.url), 'utf8')).calendars,
  // A service call takes a tenth of a second: a worker holds job leases while it waits for one (the test kills w3 then).
  handlers: {
    'archive-request': async () => void (totals.handlerRuns += 1, await new Promise((r) => setTimeout(r, 100))),
    'notify-risk-control': async () => void (totals.handlerRuns += 1, await new Promise((r) => setTimeout(r, 100))),
  },
});

const report = (label: string) => process.stdout.write(`${label} ${name} cases=${totals.cases} tasks=${totals.tasks} jobs=${totals.jobs} timers=${totals.timers} handlerRuns=${totals.handlerRuns}\n`);
const progress = setInterval(() => report('progress'), 5000);

const answers: Record<string, Record<string, unknown>> = {
  Task_InitialReview: { decision: 'approve' },
  Task_Countersign: { approved: true, reason: '' },
  Task_FinalApprovalDirector: { approved: true },
  Task_FinalApprovalVicePresident: { approved: true },
  Task_FinalApprovalCeo: { approved: true },
};

// People take their time: a task is done once it is six engine hours old, so SLA reminders come first.
const THINKING = 6 * 3_600_000;
for (;;) {
  const page = await engine.tasks({ processId: 'cross-department-approval', limit: 200 });
  const now = engine.clock.now();
  const open = page.items.filter((t) => now - t.createdAt >= THINKING).sort(() => Math.random() - 0.5).slice(0, 40);
  for (const task of open) {
    try {
      await engine.complete(task.id, { by: 'system', variables: answers[task.node] ?? {} });
    } catch (error) {
      // another worker took it first
      if (!(error instanceof NotFoundError || error instanceof ConcurrencyConflictError || error instanceof InvalidStateError)) throw error;
    }
  }
  const running = await inner.findInstances({ processId: 'cross-department-approval', status: 'running', limit: 1 });
  if (running.total === 0 && (await inner.findInstances({ processId: 'cross-department-approval', limit: 1 })).total >= cases) break;
  if (!open.length) await new Promise((r) => setTimeout(r, 50));
}
clearInterval(progress);
await engine.close();
await inner.close();
await pool.end();
report('stats');
