/**
 * A worker process for the multi-worker test: an engine on the shared
 * PostgreSQL schema that fires timers, runs jobs and acts as the people of
 * the approval SOP (completes whatever tasks it finds open). Prints what it
 * did when every case is completed.
 *
 *   node --conditions=source --import tsx test/crash/approvalWorker.mts <pg-url> <schema> <cases> <speed> <start> <realStart> <name>
 */
import { readFileSync } from 'node:fs';
import { createEngine, NotFoundError, ConcurrencyConflictError, InvalidStateError, WallClock } from '@sopflow/engine';
import { createPostgresStore } from '@sopflow/store-postgres';

const [url, schema, casesText, speed, start, realStart, name] = process.argv.slice(2);
const cases = Number(casesText);
const store = await createPostgresStore({ connectionString: url, schema, poolSize: 4 });
let jobs = 0;
let tasks = 0;
const engine = createEngine({
  store,
  clock: new WallClock({ speed: Number(speed), start: Number(start), realStart: Number(realStart) }),
  workerId: name,
  leaseMs: 10 * 60_000,
  calendars: JSON.parse(readFileSync(new URL('../../examples/calendars.json', import.meta.url), 'utf8')).calendars,
  handlers: {
    'archive-request': () => void (jobs += 1),
    'notify-risk-control': () => void (jobs += 1),
  },
});

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
      tasks += 1;
    } catch (error) {
      // another worker took it first
      if (!(error instanceof NotFoundError || error instanceof ConcurrencyConflictError || error instanceof InvalidStateError)) throw error;
    }
  }
  const running = await store.findInstances({ processId: 'cross-department-approval', status: 'running', limit: 1 });
  if (running.total === 0 && (await store.findInstances({ processId: 'cross-department-approval', limit: 1 })).total >= cases) break;
  if (!open.length) await new Promise((r) => setTimeout(r, 50));
}
await engine.close();
await store.close();
process.stdout.write(`stats ${name} tasks=${tasks} jobs=${jobs}\n`);
