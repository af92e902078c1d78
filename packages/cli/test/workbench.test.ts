/**
 * The workbench behind `sopflow start`: its API over HTTP (token, bad input
 * named by field, starting cases, the inbox, completing tasks, messages,
 * signals, deployments, heat map, report, the live feed) on the real
 * engine and a temporary SQLite store, time moved by a VirtualClock; and
 * the `sopflow start` command itself (folder deployed, URLs printed,
 * --speed, a clean stop that closes the engine and the store).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCommand } from '../src/commands/start.js';
import type { Io } from '../src/io.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import { workbenchClock } from '../src/workbench/clock.js';
import { workbenchRoutes } from '../src/workbench/routes.js';
import { Workbench } from '../src/workbench/Workbench.js';
import { pressCtrlCWhenAsked } from './pressCtrlC.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const SOPS = ['order-handling', 'complaint-escalation', 'cross-department-approval'];
const MONDAY_9 = '2026-11-23T09:00+08:00';

const SIGNAL_DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D_signal" targetNamespace="https://sopflow.dev/test">
  <bpmn:signal id="Signal_Go" name="go" />
  <bpmn:process id="wait-for-go" name="Wait for go" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Catch" />
    <bpmn:intermediateCatchEvent id="Catch" name="Go"><bpmn:signalEventDefinition signalRef="Signal_Go" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Catch" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>
`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to the server as a page would send it (Host set, the token unless `token: null`). */
function send(server: RunningServer, path: string, options: { method?: string; body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { Host: `127.0.0.1:${server.port}`, ...options.headers };
  const token = options.token === undefined ? server.token : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: options.method ?? (body === undefined ? 'GET' : 'POST'), path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

async function ok<T = any>(reply: Promise<Reply>, status = 200): Promise<T> {
  const r = await reply;
  expect(r.status, r.body).toBe(status);
  return JSON.parse(r.body) as T;
}

/** A temp folder with the three example SOPs and the calendars file (and, if asked, more diagrams). */
async function exampleFolder(extra: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sopflow-workbench-'));
  for (const sop of SOPS) {
    await mkdir(join(dir, sop));
    await cp(join(ROOT, 'examples', sop, `${sop}.bpmn`), join(dir, sop, `${sop}.bpmn`));
  }
  await cp(join(ROOT, 'examples/calendars.json'), join(dir, 'calendars.json'));
  for (const [name, text] of Object.entries(extra)) await writeFile(join(dir, name), text);
  return realpath(dir);
}

describe('workbench API', () => {
  let dir: string;
  let clock: VirtualClock;
  let workbench: Workbench;
  let server: RunningServer;

  beforeEach(async () => {
    dir = await exampleFolder({ 'wait-for-go.bpmn': SIGNAL_DIAGRAM });
    clock = new VirtualClock(MONDAY_9);
    const store = openSqliteStore(join(dir, 'sopflow.db'));
    workbench = await Workbench.open({ dir, store, storeLabel: 'sqlite:test', clock, speed: 0 });
    await workbench.deployFolder();
    server = await startServer({ dir, modelerDir: false, routes: workbenchRoutes(workbench) });
  });

  afterEach(async () => {
    await server.close();
    await workbench.close();
    await rm(dir, { recursive: true, force: true });
  });

  const startComplaint = (key: string, severity = 'urgent') =>
    ok<{ id: string }>(send(server, '/api/workbench/instances', { body: { processId: 'complaint-escalation', businessKey: key, variables: { severity, category: 'delivery', channel: 'hotline' }, user: 'wu' } }), 201);

  const inbox = async (query: string) => (await ok<{ tasks: Array<{ id: string; node: string; fields: Array<{ name: string }> }> }>(send(server, `/api/workbench/tasks?${query}`))).tasks;

  const complete = (taskId: string, body: Record<string, unknown>) => send(server, `/api/workbench/tasks/${encodeURIComponent(taskId)}/complete`, { body });

  it('should refuse every workbench route without the token or with a wrong one', async () => {
    // given
    const routes = [
      ['GET', '/api/workbench/status'],
      ['POST', '/api/workbench/deploy'],
      ['GET', '/api/workbench/processes'],
      ['GET', '/api/workbench/deployments/complaint-escalation%3A1'],
      ['POST', '/api/workbench/instances'],
      ['GET', '/api/workbench/instances'],
      ['GET', '/api/workbench/instances/x'],
      ['GET', '/api/workbench/tasks'],
      ['POST', '/api/workbench/tasks/x/complete'],
      ['POST', '/api/workbench/messages'],
      ['POST', '/api/workbench/signals'],
      ['GET', '/api/workbench/heatmap?process=complaint-escalation'],
      ['GET', '/api/workbench/report'],
      ['GET', '/api/workbench/feed'],
      ['GET', '/api/workbench/stream'],
    ];

    // when
    const missing = await Promise.all(routes.map(([method, path]) => send(server, path, { method, token: null })));
    const wrong = await Promise.all(routes.map(([method, path]) => send(server, path, { method, token: 'not-the-token' })));

    // then
    expect(missing.map((r) => r.status)).toEqual(routes.map(() => 401));
    expect(wrong.map((r) => r.status)).toEqual(routes.map(() => 401));
    expect(JSON.parse(missing[0].body).error).toBe('token-required');
  });

  it('should report the folder, store, engine time, speed, zone and calendars', async () => {
    // when
    const status = await ok(send(server, '/api/workbench/status'));

    // then
    expect(status).toEqual({ folder: expect.stringMatching(/^sopflow-workbench-/), store: 'sqlite:test', now: Date.parse(MONDAY_9), speed: 0, zone: 'Asia/Shanghai', calendars: ['office'], feed: 4 });
  });

  it('should list the deployed processes with their start forms, messages and signals', async () => {
    // when
    const { processes } = await ok(send(server, '/api/workbench/processes'));

    // then
    const byId = Object.fromEntries(processes.map((p: any) => [p.id, p]));
    expect(Object.keys(byId).sort()).toEqual(['complaint-escalation', 'cross-department-approval', 'order-handling', 'wait-for-go']);
    expect(byId['complaint-escalation'].starts).toEqual([{ node: 'StartEvent_ComplaintReceived', name: 'Complaint received', kind: 'message', message: 'complaint-received', fields: [] }]);
    expect(byId['cross-department-approval'].starts[0].fields.map((f: any) => [f.name, f.type, f.required ?? false])).toEqual([
      ['goal', 'text', true],
      ['deadline', 'date', true],
      ['amount', 'number', true],
      ['departments', 'list', true],
      ['urgent', 'boolean', false],
    ]);
    expect(byId['order-handling'].messages).toEqual(['order-received', 'parcel-delivered']);
    expect(byId['wait-for-go'].signals).toEqual(['go']);
    expect(byId['order-handling']).toMatchObject({ version: 1, file: 'order-handling/order-handling.bpmn', counts: { running: 0, completed: 0, cancelled: 0, breached: 0 } });
  });

  it('should start a complaint by its message, offer the task to its group only, and let only a member complete it', async () => {
    // given
    const { id } = await startComplaint('C-1');

    // when
    const forAgents = await inbox('user=wu&groups=support-agents');
    const forOthers = await inbox('user=zheng&groups=supervisors');
    const refused = await complete(forAgents[0].id, { user: 'zheng', groups: ['supervisors'] });
    const done = await complete(forAgents[0].id, { user: 'wu', groups: 'support-agents' });

    // then
    expect(forAgents.map((t) => t.node)).toEqual(['Task_AcknowledgeAndApologise']);
    expect(forOthers).toEqual([]);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'task.not-assignable', message: expect.stringContaining('zheng') });
    expect(done.status).toBe(200);
    expect((await inbox('groups=logistics')).map((t) => t.node)).toEqual(['Task_InvestigateAndResolve']);
    const detail = await ok(send(server, `/api/workbench/instances/${id}`));
    expect(detail.instance.businessKey).toBe('C-1');
    expect(detail.audit.find((e: any) => e.type === 'task.completed').actor).toBe('wu');
  });

  it.each([
    ['no process', '/api/workbench/instances', {}, 'processId'],
    ['an unknown process', '/api/workbench/instances', { processId: 'nope' }, 'processId'],
    ['a start event that is not one', '/api/workbench/instances', { processId: 'complaint-escalation', startNode: 'Task_AcknowledgeAndApologise' }, 'startNode'],
    ['variables that are not an object', '/api/workbench/instances', { processId: 'complaint-escalation', variables: [1, 2] }, 'variables'],
    ['a business key that is not text', '/api/workbench/instances', { processId: 'complaint-escalation', businessKey: 42 }, 'businessKey'],
    ['a start form without a required field', '/api/workbench/instances', { processId: 'cross-department-approval', variables: { deadline: '2027-01-31', amount: 1, departments: 'it' } }, 'variables.goal'],
    ['a number given as text', '/api/workbench/instances', { processId: 'cross-department-approval', variables: { goal: 'g', deadline: '2027-01-31', amount: 'lots', departments: 'it' } }, 'variables.amount'],
    ['a date that is not one', '/api/workbench/instances', { processId: 'cross-department-approval', variables: { goal: 'g', deadline: 'soon', amount: 1, departments: 'it' } }, 'variables.deadline'],
    ['a message without a name', '/api/workbench/messages', { key: 'SO-1' }, 'name'],
    ['a signal without a name', '/api/workbench/signals', { name: '  ' }, 'name'],
    ['a deploy path that is not text', '/api/workbench/deploy', { path: 7 }, 'path'],
  ])('should refuse %s with 400 naming the field', async (_what, path, body, field) => {
    // when
    const reply = await send(server, path, { body });

    // then
    expect(reply.status).toBe(400);
    const error = JSON.parse(reply.body);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`'${field}'`);
  });

  it('should refuse a task completion without a user, with a wrong choice or a too-short reason, naming the field', async () => {
    // given: an abnormal order at the order desk, and an approval at countersign
    await ok(send(server, '/api/workbench/instances', { body: { processId: 'order-handling', businessKey: 'SO-9', variables: { orderNumber: 'SO-9' } } }), 201);
    await ok(send(server, '/api/workbench/instances', { body: { processId: 'cross-department-approval', variables: { goal: 'Robots', deadline: '2027-03-31', amount: 120000, departments: ['finance'], urgent: true, applicant: 'chen' } } }), 201);
    const [review] = await inbox('groups=order-desk');
    const [countersign] = await inbox('groups=finance-heads');

    // when
    const noUser = await complete(review.id, { variables: { decision: 'continue' } });
    const badChoice = await complete(review.id, { user: 'ma', groups: ['order-desk'], variables: { decision: 'maybe' } });
    const shortReason = await complete(countersign.id, { user: 'fh', groups: ['finance-heads'], variables: { approved: false, reason: 'no' } });
    const noReason = await complete(countersign.id, { user: 'fh', groups: ['finance-heads'], variables: { approved: false } });
    const badGroups = await complete(review.id, { user: 'ma', groups: [1] });

    // then
    const fields = [noUser, badChoice, shortReason, noReason, badGroups].map((r) => [r.status, JSON.parse(r.body).field]);
    expect(fields).toEqual([
      [400, 'user'],
      [400, 'variables.decision'],
      [400, 'variables.reason'],
      [400, 'variables.reason'],
      [400, 'groups'],
    ]);
    expect(JSON.parse(noReason.body)).toMatchObject({
      message: "Field 'variables.reason': 'Reason' (reason) is required when approved = false.",
      fields: [{ field: 'reason', code: 'required' }],
    });
    expect(review.fields.map((f) => f.name)).toEqual(['decision']);
    expect((countersign as { form?: unknown }).form).toEqual({
      source: 'sop:field',
      schema: expect.objectContaining({
        components: [
          expect.objectContaining({ key: 'approved', type: 'radio', validate: { required: true } }),
          expect.objectContaining({ key: 'reason', type: 'textarea', validate: { required: true, minLength: 10 }, conditional: { hide: '=not(approved = false)' } }),
        ],
      }),
    });
  });

  it('should refuse a body that is not JSON and a query parameter out of range', async () => {
    // when
    const notJson = await send(server, '/api/workbench/messages', { raw: '{name:' });
    const badStatus = await send(server, '/api/workbench/instances?status=sleeping');
    const badFrom = await send(server, '/api/workbench/report?from=yesterday');
    const noProcess = await send(server, '/api/workbench/heatmap');
    const unknownProcess = await send(server, '/api/workbench/heatmap?process=nope');

    // then
    expect([notJson.status, JSON.parse(notJson.body).error]).toEqual([400, 'not-json']);
    expect([badStatus.status, JSON.parse(badStatus.body).field]).toEqual([400, 'status']);
    expect([badFrom.status, JSON.parse(badFrom.body).field]).toEqual([400, 'from']);
    expect([noProcess.status, JSON.parse(noProcess.body).field]).toEqual([400, 'process']);
    expect(unknownProcess.status).toBe(404);
  });

  it('should show a first-response escalation as time moves: breached count, heat map, feed with the reminder', async () => {
    // given
    const { id } = await startComplaint('C-2');

    // when
    await clock.advance('PT40M');

    // then
    const { processes } = await ok(send(server, '/api/workbench/processes'));
    expect(processes.find((p: any) => p.id === 'complaint-escalation').counts).toEqual({ running: 1, completed: 0, cancelled: 0, breached: 1 });
    const heat = await ok(send(server, '/api/workbench/heatmap?process=complaint-escalation'));
    expect(heat).toEqual({
      processId: 'complaint-escalation',
      key: 'complaint-escalation:1',
      version: 1,
      nodes: { Task_AcknowledgeAndApologise: { waiting: 1, breaches: 1 }, Task_SupervisorIntervention: { waiting: 1, breaches: 0 } },
    });
    const { items } = await ok(send(server, '/api/workbench/feed?after=4'));
    const notices = items.filter((i: any) => i.instanceId === id).map((i: any) => [i.type, i.notice?.to, i.notice?.text]);
    expect(notices).toContainEqual(['sla.reminder', ['group:support-agents'], "Reminder: 'Acknowledge and apologise' in case C-2 (complaint-escalation) is due 2026-11-23 09:30."]);
    expect(notices).toContainEqual(['escalation.thrown', [], "Escalated FIRST_RESPONSE_OVERDUE at 'Acknowledge and apologise' in case C-2 (complaint-escalation)."]);
    expect(notices).toContainEqual(['task.created', ['group:supervisors'], "New task 'Supervisor intervention' in case C-2 (complaint-escalation)."]);
  });

  it('should take an order to its end: tasks, the automatic steps, and the parcel-delivered message', async () => {
    // given: a valid order (the workbench completes service tasks with no variables, so orderValid comes with the order)
    const { id } = await ok(send(server, '/api/workbench/instances', { body: { processId: 'order-handling', businessKey: 'SO-1', variables: { orderNumber: 'SO-1', orderValid: true } } }), 201);
    const warehouse = { user: 'lin', groups: ['warehouse'] };
    await ok(complete((await inbox('groups=warehouse'))[0].id, warehouse));
    await ok(complete((await inbox('groups=warehouse'))[0].id, { ...warehouse, variables: { checkResult: 'match' } }));

    // when
    const delivered = await ok(send(server, '/api/workbench/messages', { body: { name: 'parcel-delivered', key: 'SO-1', variables: { deliveredAt: '2026-11-24' } } }));
    await ok(complete((await inbox('groups=customer-service'))[0].id, { user: 'zhou', groups: ['customer-service'] }));

    // then
    expect(delivered).toEqual({ correlated: [id], started: [] });
    const detail = await ok(send(server, `/api/workbench/instances/${id}`));
    expect(detail.instance.status).toBe('completed');
    expect(detail.verify).toEqual({ ok: true, checked: 1, problems: [] });
    expect(detail.audit.map((e: any) => e.type)).toEqual(expect.arrayContaining(['job.completed', 'message.received', 'instance.completed']));
    const nobody = await send(server, '/api/workbench/messages', { body: { name: 'parcel-delivered', key: 'SO-1' } });
    expect([nobody.status, JSON.parse(nobody.body).error]).toEqual([404, 'message.correlation']);
  });

  it('should broadcast a signal to the cases waiting for it', async () => {
    // given
    const { id } = await ok(send(server, '/api/workbench/instances', { body: { processId: 'wait-for-go' } }), 201);

    // when
    const reply = await ok(send(server, '/api/workbench/signals', { body: { name: 'go', variables: { reason: 'test' } } }));

    // then
    expect(reply).toEqual({ signalled: 'go' });
    expect((await ok(send(server, `/api/workbench/instances/${id}`))).instance.status).toBe('completed');
  });

  it('should deploy a changed diagram as a new version, report an unchanged one, and refuse a broken one naming the element', async () => {
    // given
    const file = join(dir, 'complaint-escalation/complaint-escalation.bpmn');
    const xml = await readFile(file, 'utf8');
    await writeFile(file, xml.replace('sop:sla="PT24H"', 'sop:sla="PT12H"'));

    // when
    const changed = await ok(send(server, '/api/workbench/deploy', { body: { path: 'complaint-escalation/complaint-escalation.bpmn' } }));
    const again = await ok(send(server, '/api/workbench/deploy', { body: { path: 'complaint-escalation/complaint-escalation.bpmn' } }));
    await writeFile(file, xml.replace('sop:sla="PT24H"', 'sop:sla="PT24X"'));
    const broken = await send(server, '/api/workbench/deploy', { body: { path: 'complaint-escalation/complaint-escalation.bpmn' } });
    const outside = await send(server, '/api/workbench/deploy', { body: { path: '../elsewhere.bpmn' } });

    // then
    expect(changed.files[0].processes).toEqual([{ id: 'complaint-escalation', name: 'Complaint escalation', version: 2, key: 'complaint-escalation:2', created: true }]);
    expect(again.files[0].processes[0]).toMatchObject({ version: 2, created: false });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toMatchObject({ error: 'invalid-diagram', message: expect.stringContaining('PT24X') });
    expect(outside.status).toBe(400);
    const latest = await send(server, '/api/workbench/deployments/complaint-escalation%3A2');
    expect(latest.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(latest.body).toContain('sop:sla="PT12H"');
  });

  it('should list cases newest first and report KPIs per process, node and department', async () => {
    // given
    await startComplaint('C-3');
    await clock.advance('PT1M');
    await startComplaint('C-4', 'normal');
    await clock.advance('PT1H');

    // when
    const cases = await ok(send(server, '/api/workbench/instances?process=complaint-escalation&status=running'));
    const report = await ok(send(server, `/api/workbench/report?process=complaint-escalation&from=${encodeURIComponent(MONDAY_9)}`));

    // then
    expect(cases.items.map((c: any) => c.businessKey)).toEqual(['C-4', 'C-3']);
    expect(cases.total).toBe(2);
    expect(report.processes).toEqual([expect.objectContaining({ processId: 'complaint-escalation', instances: { started: 2, completed: 0, cancelled: 0, running: 2 } })]);
    expect(report.departments.map((d: any) => d.department)).toContain('support-agents');
  });

  it('should show a case whose audit trail was tampered with as not verified', async () => {
    // given
    const { id } = await startComplaint('C-5');
    const db = (workbench.store as unknown as { db: { prepare(sql: string): { run(...a: unknown[]): unknown } } }).db;

    // when
    db.prepare("UPDATE audit SET actor = 'mallory' WHERE instance_id = ? AND seq = 1").run(id);

    // then
    const detail = await ok(send(server, `/api/workbench/instances/${id}`));
    expect(detail.verify.ok).toBe(false);
    expect(detail.verify.problems).toEqual([expect.objectContaining({ seq: 1, kind: 'edited' })]);
  });

  it('should stream the feed as server-sent events and resume after Last-Event-ID', async () => {
    // given
    const frames: string[] = [];
    const received = new Promise<void>((done, fail) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server.port, path: '/api/workbench/stream', headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}`, 'Last-Event-ID': '3' } },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            frames.push(chunk);
            if (frames.join('').includes('"type":"task.created"')) {
              req.destroy();
              done();
            }
          });
        },
      );
      req.on('error', (error) => (frames.join('').includes('task.created') ? done() : fail(error)));
      req.end();
    });

    // when
    await new Promise((r) => setTimeout(r, 50));
    await startComplaint('C-6');
    await received;

    // then
    const ids = [...frames.join('').matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.slice(0, 2)).toEqual([4, 5]);
    expect(frames.join('')).toContain('"text":"Started case C-6 (complaint-escalation)."');
  });
});

describe('workbench clock', () => {
  it('should continue from the latest event of a store that ran ahead of real time', async () => {
    // given: a store whose last event is a day ahead of real time
    const dir = await mkdtemp(join(tmpdir(), 'sopflow-clock-'));
    const store = openSqliteStore(join(dir, 'ahead.db'));
    const realNow = Date.now();
    const ahead = realNow + 86_400_000;
    const first = await Workbench.open({ dir, store, storeLabel: 'x', clock: new VirtualClock(ahead), speed: 0, calendars: [] });
    await first.engine.deploy(SIGNAL_DIAGRAM);

    // when
    const clock = await workbenchClock(store, 60, realNow);
    const fresh = await workbenchClock(openSqliteStore(join(dir, 'fresh.db')), 1, realNow);

    // then
    expect(clock.now()).toBeGreaterThan(ahead);
    expect(clock.now()).toBeLessThan(ahead + 60 * 60_000);
    expect(Math.abs(fresh.now() - Date.now())).toBeLessThan(1000);
    await first.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('sopflow start', () => {
  let pages: string;
  let dir: string;

  beforeEach(async () => {
    pages = await mkdtemp(join(tmpdir(), 'sopflow-pages-'));
    for (const page of ['index.html', 'run.html', 'monitor.html']) await writeFile(join(pages, page), `<!doctype html><title>${page}</title>`);
    dir = await exampleFolder();
  });

  afterEach(async () => {
    await rm(pages, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  function io(cwd: string): Io & { out: string; err: string } {
    const box = { out: '', err: '' };
    return Object.assign(box, { stdout: (t: string) => void (box.out += t), stderr: (t: string) => void (box.err += t), cwd, env: {} });
  }

  it('should deploy the folder, print the three views, serve them, and close the engine and the store when stopped', async () => {
    // given
    const out = io(dir);
    const controller = new AbortController();
    const opened: string[] = [];
    let status: Reply | undefined;
    let page: Reply | undefined;

    // when
    const code = await startCommand(['.', '--store', 'sqlite:wb.db'], out, {
      pagesDir: pages,
      clock: new VirtualClock(MONDAY_9),
      signal: controller.signal,
      open: (url) => opened.push(url),
      onListening: (server) => {
        void Promise.all([send(server, '/api/workbench/status'), send(server, '/run.html', { token: null })]).then(([s, p]) => {
          status = s;
          page = p;
          controller.abort();
        });
      },
    });

    // then
    expect(code).toBe(0);
    expect(out.out).toContain('Deployed complaint-escalation/complaint-escalation.bpmn: complaint-escalation v1.');
    expect(out.out).toContain('Deployed cross-department-approval/cross-department-approval.bpmn: cross-department-approval v1.');
    expect(out.out).toContain('Deployed order-handling/order-handling.bpmn: order-handling v1.');
    expect(out.out).toMatch(/Run {6}http:\/\/127\.0\.0\.1:\d+\/run\.html\?token=[\w-]{43}\n/);
    expect(out.out).toMatch(/Monitor {2}http:\/\/127\.0\.0\.1:\d+\/monitor\.html\?token=[\w-]{43}\n/);
    expect(out.out).toMatch(/Modeler {2}http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}&workbench=1\n/);
    expect(out.out).toContain('stopped (engine and store closed)');
    expect(opened).toEqual([expect.stringMatching(/\/run\.html\?token=/)]);
    expect(JSON.parse(status!.body)).toMatchObject({ store: `sqlite:${join(dir, 'wb.db')}`, speed: 0, zone: 'Asia/Shanghai' });
    expect(page!.body).toContain('<title>run.html</title>');
    // The store was closed: its write-ahead log is checkpointed and gone, and the file opens with the deployments in it.
    expect(existsSync(join(dir, 'wb.db-wal'))).toBe(false);
    const reopened = openSqliteStore(join(dir, 'wb.db'));
    expect((await reopened.listDeployments()).map((d) => d.processId).sort()).toEqual(['complaint-escalation', 'cross-department-approval', 'order-handling']);
    await reopened.close();
  });

  it('should run time faster with --speed and say so', async () => {
    // given
    const out = io(dir);
    const controller = new AbortController();
    const seen: Array<{ now: number; speed: number; at: number }> = [];

    // when
    await startCommand(['--store', 'sqlite:speed.db', '--speed', '3600', '--no-open'], out, {
      pagesDir: pages,
      signal: controller.signal,
      onListening: (server) => {
        const read = async () => ({ ...JSON.parse((await send(server, '/api/workbench/status')).body), at: Date.now() });
        void (async () => {
          seen.push(await read());
          await new Promise((r) => setTimeout(r, 500));
          seen.push(await read());
          controller.abort();
        })();
      },
    });

    // then: 0.5 s of real time is about half an hour of engine time
    expect(seen[0].speed).toBe(3600);
    const engineMs = seen[1].now - seen[0].now;
    const realMs = seen[1].at - seen[0].at;
    expect(engineMs).toBeGreaterThan((realMs - 100) * 3600);
    expect(engineMs).toBeLessThan((realMs + 100) * 3600);
    expect(out.out).toContain('time runs 3600× faster than the wall clock');
  });

  it.each([
    [['--speed', '0'], /--speed '0': expected a number above 0/],
    [['--speed', 'fast'], /--speed 'fast'/],
    [['--port', 'eighty'], /--port 'eighty'/],
    [['no-such-folder'], /no-such-folder: no such folder/],
    [['a', 'b'], /Give one folder, not 2/],
  ])('should refuse %j', async (args, message) => {
    // when
    const starting = startCommand(args as string[], io(dir), { pagesDir: pages });

    // then
    await expect(starting).rejects.toThrow(message);
  });

  it('should listen for Ctrl+C before it says to press it, and stop on it', async () => {
    // given: a reader that presses Ctrl+C the moment the words appear (the binary's test below raced this once in CI)
    const out = io(dir);
    const reader = pressCtrlCWhenAsked(out);

    // when
    const code = await startCommand(['.', '--store', 'sqlite:sigint.db', '--no-open'], out, { pagesDir: pages, clock: new VirtualClock(MONDAY_9) });

    // then
    expect(reader.listenersWhenAsked()).toBe(1);
    expect(code).toBe(0);
    expect(out.out).toContain('stopped (engine and store closed)');
    expect(reader.listenersNow()).toBe(0);
  });

  it('should stop cleanly on Ctrl+C (SIGINT) when run as the sopflow binary', async () => {
    // given
    const child = spawn(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), join(ROOT, 'packages/cli/src/bin.ts'), 'start', '.', '--store', 'sqlite:ctrl-c.db', '--no-open'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t));
    await new Promise<void>((ready, fail) => {
      const check = setInterval(() => {
        if (out.includes('Press Ctrl+C to stop.')) {
          clearInterval(check);
          ready();
        }
      }, 50);
      child.on('exit', (code) => {
        clearInterval(check);
        fail(new Error(`exited early with ${code}: ${err}`));
      });
    });

    // when
    child.kill('SIGINT');
    const code = await new Promise<number | null>((done) => child.on('exit', done));

    // then
    expect(code, err).toBe(0);
    expect(out).toContain('stopped (engine and store closed)');
    expect(existsSync(join(dir, 'ctrl-c.db'))).toBe(true);
    expect(existsSync(join(dir, 'ctrl-c.db-wal'))).toBe(false);
  }, 60_000);
});
