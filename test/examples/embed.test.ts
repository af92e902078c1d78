/**
 * The runnable examples: each SOP's embed.ts (run as `npm run example --
 * <name>` runs it, in a child process) prints what it did, and the task
 * service answers over HTTP on SQLite — and on PostgreSQL when one is
 * reachable (skipped with the reason otherwise; in CI that is a failure) —
 * and shuts down gracefully on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '@sopflow/engine';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTaskService, type TaskService } from '../../examples/task-service/src/service.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const EXAMPLES = join(ROOT, 'examples');
const PG_URL = process.env.SOPFLOW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs a TypeScript entry point as `npm run example` does (from source, with tsx). */
function run(args: string[], env: Record<string, string> = {}): { done: Promise<{ code: number | null; out: string; err: string }>; child: ReturnType<typeof spawn>; output: () => string } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (err += t));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolveDone) => child.on('exit', (code) => resolveDone({ code, out, err })));
  return { done, child, output: () => out };
}

describe('the embedding examples (npm run example -- <name>)', () => {
  it('should run the complaint SOP: reminder and escalation e-mails, the tasks, a verified trail', async () => {
    // when
    const { code, out, err } = await run(['examples/embed.ts', 'complaint']).done;

    // then
    expect(code, err).toBe(0);
    expect(out).toContain('[2026-11-23 09:00] E-mail to group:support-agents\n                   Subject: New task: Acknowledge and apologise for complaint C-1001');
    expect(out).toContain('[2026-11-23 09:22] E-mail to group:support-agents\n                   Subject: Reminder: Acknowledge and apologise for complaint C-1001 is due at 09:30');
    expect(out).toContain('[2026-11-23 09:30] Escalated FIRST_RESPONSE_OVERDUE from Acknowledge and apologise');
    expect(out).toContain('[2026-11-23 09:30] E-mail to group:supervisors\n                   Subject: New task: Supervisor intervention for complaint C-1001');
    expect(out).toContain('E-mail to group:logistics-heads');
    expect(out).toMatch(/\] Complaint C-1001 closed\n/);
    expect(out).toMatch(/\] Audit trail verified: \d+ events\n$/);
  }, 60_000);

  it('should run the order SOP: handlers, the abnormal order escalated to the lead, delivery by message, verified trails', async () => {
    // when
    const { code, out, err } = await run(['examples/embed.ts', 'order']).done;

    // then
    expect(code, err).toBe(0);
    expect(out).toContain('validate-order SO-1001: valid');
    expect(out).toContain('validate-order SO-1002: missing customer or items');
    expect(out).toContain('[2026-11-23 10:30] E-mail to group:order-desk\n                   Subject: Reminder: Review abnormal order for order SO-1002 is due at 11:00');
    expect(out).toContain('[2026-11-23 11:00] Escalated ABNORMAL_REVIEW_OVERDUE from Review abnormal order');
    expect(out).toContain('parcel-delivered SO-1001: delivered to 1 waiting order');
    expect(out).toMatch(/check-tracking SF\w+: in transit/);
    expect(out).toContain('] SO-1001: completed; audit trail verified\n');
    expect(out).toContain('] SO-1002: completed; audit trail verified\n');
  }, 60_000);

  it('should run the approval SOP: reminders of the idle reviewer, the countersigns, the report counting the overdue step', async () => {
    // when
    const { code, out, err } = await run(['examples/embed.ts', 'approval']).done;

    // then
    expect(code, err).toBe(0);
    expect(out).toContain('[2026-11-23 14:00] E-mail to user:li\n                   Subject: Reminder: Initial review is due 2026-11-23 18:00');
    expect(out).toContain('[2026-11-23 18:00] SLA breached: Initial review, counted against operations');
    expect(out).toContain('[2026-11-23 18:00] E-mail to user:li\n                   Subject: Overdue: Initial review was due 2026-11-23 18:00');
    expect(out).toContain('[2026-11-24 14:00] E-mail to user:li\n                   Subject: Overdue: Initial review was due 2026-11-23 18:00');
    expect(out).toContain('E-mail to group:finance-heads\n');
    expect(out).toContain('E-mail to group:vice-presidents\n');
    expect(out).toContain('archive-request: "Warehouse robots" filed in the archive');
    expect(out).toContain('Case completed; audit trail verified');
    expect(out).toMatch(/\noperations +1 +/);
  }, 60_000);

  it('should name the examples when asked for one that does not exist', async () => {
    // when
    const { code, err } = await run(['examples/embed.ts', 'refund']).done;

    // then
    expect(code).toBe(2);
    expect(err).toBe("Usage: npm run example -- <order|complaint|approval>\nNo example 'refund'.\n");
  }, 60_000);
});

/** Calls the task service as the proxy in front of it would (with the caller's headers). */
async function call(service: TaskService, method: string, path: string, options: { as?: [string, string?]; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (options.as) {
    headers['X-User'] = options.as[0];
    if (options.as[1]) headers['X-Groups'] = options.as[1];
  }
  const response = await fetch(`${service.url}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  return { status: response.status, body: await response.json() };
}

/** Takes an order through the service, from the order-received message to the feedback, with the refusals on the way. */
async function exerciseOrder(service: TaskService): Promise<void> {
  const lin: [string, string] = ['lin', 'warehouse'];
  const started = await call(service, 'POST', '/messages/order-received', { as: ['shop'], body: { key: 'SO-7', variables: { orderNumber: 'SO-7', customer: { name: 'Wang Fang' }, items: [{ sku: 'A-1', qty: 1 }] } } });
  expect(started.status).toBe(200);
  const id = started.body.started[0] as string;
  await service.engine.idle();

  const forLin = await call(service, 'GET', '/tasks', { as: lin });
  expect(forLin.body.tasks.map((t: any) => t.node)).toEqual(['Task_PickAndPack']);
  expect((await call(service, 'GET', '/tasks')).status).toBe(401);
  const refused = await call(service, 'POST', `/tasks/${forLin.body.tasks[0].id}/complete`, { as: ['zhou', 'customer-service'] });
  expect([refused.status, refused.body.error]).toEqual([403, 'task.not-assignable']);
  expect((await call(service, 'POST', `/tasks/${forLin.body.tasks[0].id}/complete`, { as: lin })).status).toBe(200);
  const [check] = (await call(service, 'GET', '/tasks', { as: lin })).body.tasks;
  expect((await call(service, 'POST', `/tasks/${check.id}/complete`, { as: lin, body: { variables: { checkResult: 'match' } } })).status).toBe(200);
  await service.engine.idle();

  const delivered = await call(service, 'POST', '/messages/parcel-delivered', { as: ['carrier'], body: { key: 'SO-7' } });
  expect(delivered.body).toEqual({ correlated: [id], started: [] });
  const [feedback] = (await call(service, 'GET', '/tasks', { as: ['zhou', 'customer-service'] })).body.tasks;
  expect((await call(service, 'POST', `/tasks/${feedback.id}/complete`, { as: ['zhou', 'customer-service'], body: { variables: { rating: 5 } } })).status).toBe(200);

  const view = await call(service, 'GET', `/cases/${id}`, { as: ['zhou'] });
  expect(view.body).toMatchObject({ id, processId: 'order-handling', businessKey: 'SO-7', status: 'completed', variables: { orderValid: true, trackingNumber: 'SF-SO-7' } });
  const noProcess = await call(service, 'POST', '/cases', { as: ['chen'], body: { variables: {} } });
  expect(noProcess).toEqual({ status: 400, body: { error: 'bad-field', message: "Field 'processId': required." } });
  const nothingWaits = await call(service, 'POST', '/messages/parcel-delivered', { as: ['carrier'], body: { key: 'SO-404' } });
  expect([nothingWaits.status, nothingWaits.body.error]).toEqual([404, 'message.correlation']);
  const approval = await call(service, 'POST', '/cases', { as: ['chen'], body: { processId: 'cross-department-approval', variables: { goal: 'Chairs', deadline: '2026-12-31', amount: 900, departments: ['it'], urgent: false, applicant: 'chen', applicantManager: 'li' } } });
  expect([approval.status, approval.body.status]).toEqual([201, 'running']);
  expect((await call(service, 'GET', '/tasks', { as: ['li'] })).body.tasks.map((t: any) => t.node)).toEqual(['Task_InitialReview']);
}

describe('examples/task-service on SQLite', () => {
  let dir: string;
  let service: TaskService;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sopflow-task-service-'));
    service = await startTaskService({ store: `sqlite:${join(dir, 'tasks.db')}`, diagrams: EXAMPLES, port: 0, clock: new VirtualClock('2026-11-23T09:00+08:00') });
  });

  afterEach(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should list, complete, start and correlate over HTTP, refusing what the caller may not do', async () => {
    // when / then
    await exerciseOrder(service);
    expect((await call(service, 'GET', '/health')).body).toEqual({ ok: true, now: Date.parse('2026-11-23T09:00+08:00') });
  });
});

async function postgresUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await postgresUnreachable();
if (unreachable !== undefined) {
  const where = PG_URL.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${where} is unreachable (${unreachable}); in CI the task service must be tested on it.`);
  console.warn(`Skipping the task service on PostgreSQL: ${where} is unreachable (${unreachable}). Start PostgreSQL or set SOPFLOW_PG_URL.`);
}

describe.skipIf(unreachable !== undefined)('examples/task-service on PostgreSQL', () => {
  const schema = `sopflow_task_service_${process.pid}_${Date.now().toString(36)}`;
  let service: TaskService;

  beforeEach(async () => {
    service = await startTaskService({ store: PG_URL, schema, diagrams: EXAMPLES, port: 0, clock: new VirtualClock('2026-11-23T09:00+08:00') });
  });

  afterEach(async () => {
    await service.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('should list, complete, start and correlate over HTTP on a PostgreSQL schema', async () => {
    // when / then
    await exerciseOrder(service);
  });
});

describe('examples/task-service process', () => {
  it('should start from its environment and shut down gracefully on SIGTERM, closing the store', async () => {
    // given
    const dir = await mkdtemp(join(tmpdir(), 'sopflow-task-service-'));
    const db = join(dir, 'tasks.db');
    const service = run(['examples/task-service/src/main.ts'], { SOPFLOW_STORE: `sqlite:${db}`, PORT: '0' });
    const url = await new Promise<string>((ready, fail) => {
      const check = setInterval(() => {
        const match = /listening on (http:\/\/\S+)/.exec(service.output());
        if (match) {
          clearInterval(check);
          ready(match[1]);
        }
      }, 50);
      void service.done.then(({ code, err }) => {
        clearInterval(check);
        fail(new Error(`exited with ${code}: ${err}`));
      });
    });
    const health = await (await fetch(`${url}/health`)).json();

    // when
    service.child.kill('SIGTERM');
    const { code, out, err } = await service.done;

    // then
    expect(health.ok).toBe(true);
    expect(code, err).toBe(0);
    expect(out).toContain('deployed order-handling v1');
    expect(out).toContain('SIGTERM: finishing requests, stopping the engine, closing the store\ntask service stopped\n');
    expect(existsSync(db)).toBe(true);
    expect(existsSync(`${db}-wal`)).toBe(false);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
