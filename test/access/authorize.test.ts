import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  AUTHORIZE_ACTIONS,
  createEngine,
  ForbiddenError,
  MemoryStore,
  TaskNotAssignableError,
  VirtualClock,
  type AuthorizeRequest,
  type Engine,
  type EngineOptions,
} from '@sopflow/engine';

const EXAMPLES = new URL('../../examples/', import.meta.url);
const APPROVAL = 'cross-department-approval';
const REQUEST = {
  goal: 'Office chairs',
  deadline: '2026-12-15',
  amount: 8000,
  departments: ['finance'],
  urgent: false,
  applicant: 'chen',
  applicantManager: 'li',
  managerDepartment: 'operations',
};

/** An engine with the approval and complaint SOPs deployed (before the hook is switched on) and a virtual clock. */
async function setup(options: Partial<EngineOptions> = {}) {
  const { calendars } = JSON.parse(await readFile(new URL('calendars.json', EXAMPLES), 'utf8'));
  const store = new MemoryStore();
  const clock = new VirtualClock('2026-11-23T09:00:00+08:00');
  let n = 0;
  let policy: EngineOptions['authorize'] = undefined;
  const asked: AuthorizeRequest[] = [];
  const engine = createEngine({
    store,
    clock,
    calendars,
    ids: () => `case-${++n}`,
    handlers: { 'archive-request': () => ({}), 'notify-department-head': () => ({}), 'notify-risk-control': () => ({}) },
    authorize: (request) => {
      asked.push(request);
      return policy ? policy(request) : true;
    },
    ...options,
  });
  await engine.deploy(await readFile(new URL(`${APPROVAL}/${APPROVAL}.bpmn`, EXAMPLES)));
  await engine.deploy(await readFile(new URL('complaint-escalation/complaint-escalation.bpmn', EXAMPLES)));
  asked.length = 0;
  return { engine, store, clock, asked, setPolicy: (p: EngineOptions['authorize']) => (policy = p) };
}

/** Everything the store holds that a command could change. */
async function state(engine: Engine, store: MemoryStore) {
  const instances = (await store.findInstances({ limit: 1000 })).items.map((i) => `${i.id} ${i.status} rev ${i.rev}`);
  const tasks = (await store.findTasks({ limit: 1000 })).items.map((t) => `${t.id} ${t.node} ${t.assignee ?? '-'}`);
  const audit = (await store.queryAudit({ limit: 100_000 })).total;
  const timers = await Promise.all((await store.findInstances({ limit: 1000 })).items.map(async (i) => (await engine.instance(i.id)).timers.length));
  return { instances, tasks, audit, timers };
}

async function refused(promise: Promise<unknown>): Promise<ForbiddenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ForbiddenError);
  return error as ForbiddenError;
}

describe('authorization hook', () => {
  it('should ask the hook for every action of the API, with the actor and what the action is about', async () => {
    // given: an engine whose hook allows everything and records what it is asked
    const { engine, clock, asked } = await setup({ identity: { groupsOf: (user) => (user === 'li' ? ['managers'] : []) } });
    const seen = new Set<string>();
    const last = () => asked.at(-1)!;
    const expectAsked = (action: string, about: Partial<AuthorizeRequest>) => {
      expect(last()).toMatchObject({ action, ...about });
      seen.add(action);
    };
    // when: every kind of call is made
    const instance = await engine.start(APPROVAL, { variables: REQUEST, by: 'chen', businessKey: 'R-1' });
    expectAsked('instance.start', { actor: { id: 'chen', groups: [] }, processId: APPROVAL, businessKey: 'R-1', variables: REQUEST });
    await engine.instance(instance.id, { by: 'li' });
    expectAsked('instance.read', { actor: { id: 'li', groups: ['managers'] }, instanceId: instance.id, processId: APPROVAL, businessKey: 'R-1' });
    await engine.instances({ processId: APPROVAL }, { by: 'li' });
    expectAsked('instance.list', { processId: APPROVAL });
    const [task] = (await engine.tasks({ instanceId: instance.id }, { by: 'li' })).items;
    expectAsked('task.list', { instanceId: instance.id });
    await engine.task(task.id, { by: 'li' });
    expectAsked('task.read', { taskId: task.id, instanceId: instance.id, processId: APPROVAL, node: 'Task_InitialReview' });
    await engine.assign(task.id, { candidateGroups: ['managers'] }, { by: 'admin' });
    expectAsked('task.assign', { actor: { id: 'admin', groups: [] }, taskId: task.id });
    await engine.claim(task.id, 'li');
    expectAsked('task.claim', { actor: { id: 'li', groups: ['managers'] }, taskId: task.id });
    await engine.setVariables(instance.id, { note: 'checked' }, { by: 'li' });
    expectAsked('instance.setVariables', { instanceId: instance.id, processId: APPROVAL, variables: { note: 'checked' } });
    await engine.complete(task.id, { by: 'li', variables: { decision: 'approve' } });
    expectAsked('task.complete', { actor: { id: 'li', groups: ['managers'] }, taskId: task.id, node: 'Task_InitialReview', variables: { decision: 'approve' } });
    await engine.correlate('complaint-received', { key: 'C-1', by: 'agent', variables: { severity: 'normal', channel: 'app', customerTier: 'gold', category: 'billing' } });
    expectAsked('message.correlate', { actor: { id: 'agent', groups: [] }, message: 'complaint-received', correlationKey: 'C-1' });
    await engine.signal('nothing-waits', { by: 'ops' });
    expectAsked('signal.broadcast', { signal: 'nothing-waits' });
    await engine.audit.query({ instanceId: instance.id }, { by: 'auditor' });
    expectAsked('audit.read', { actor: { id: 'auditor', groups: [] }, instanceId: instance.id, processId: APPROVAL });
    await engine.audit.verify(instance.id, { by: 'auditor' });
    expectAsked('audit.read', { instanceId: instance.id, processId: APPROVAL });
    await engine.audit.query({ instanceId: `process:${APPROVAL}` }, { by: 'auditor' });
    expectAsked('audit.read', { instanceId: `process:${APPROVAL}`, processId: APPROVAL });
    for await (const _ of engine.export.audit({ format: 'jsonl', query: { processId: APPROVAL }, by: 'auditor' })) void _;
    expectAsked('audit.read', { processId: APPROVAL });
    for await (const _ of engine.export.xes({ processId: APPROVAL, by: 'auditor' })) void _;
    expectAsked('audit.read', { processId: APPROVAL });
    await engine.activities({ instanceId: instance.id }, { by: 'auditor' });
    expectAsked('audit.read', { instanceId: instance.id, processId: APPROVAL });
    await engine.report({ processId: APPROVAL }, { by: 'auditor' });
    expectAsked('report.read', { processId: APPROVAL });
    await engine.cancel(instance.id, { by: 'supervisor', reason: 'duplicate' });
    expectAsked('instance.cancel', { actor: { id: 'supervisor', groups: [] }, instanceId: instance.id, processId: APPROVAL });
    await engine.deploy(await readFile(new URL('order-handling/order-handling.bpmn', EXAMPLES)), { by: 'owner' });
    expectAsked('process.deploy', { actor: { id: 'owner', groups: [] }, processId: 'order-handling' });
    // an incident to resolve: an external worker fails a job with no retries left
    const failing = await setup({ handlers: {} });
    const urgent = await failing.engine.start(APPROVAL, { variables: { ...REQUEST, urgent: true } });
    const [job] = await failing.engine.jobs.fetchAndLock({ types: ['notify-risk-control'], workerId: 'w' });
    await failing.engine.jobs.fail(job.id, { error: 'mail server down', retries: 0, workerId: 'w' });
    const [incident] = (await failing.engine.instance(urgent.id)).incidents;
    await failing.engine.resolveIncident(urgent.id, incident.id, { by: 'ops' });
    expect(failing.asked.at(-1)).toMatchObject({ action: 'incident.resolve', actor: { id: 'ops' }, instanceId: urgent.id, processId: APPROVAL });
    seen.add('incident.resolve');
    await clock.advance('PT1M');
    // then: every action the engine knows was asked about (a new action needs a line here)
    expect([...seen].sort()).toEqual([...AUTHORIZE_ACTIONS].sort());
  });

  it('should refuse start, cancel and reading the audit trail with ForbiddenError naming the action and the actor, and change nothing', async () => {
    // given: clerks may start, supervisors may cancel, auditors may read the audit trail; everyone may read instances
    const { engine, store, setPolicy } = await setup({ identity: { groupsOf: (user) => [user.replace(/-\d+$/, 's')] } });
    setPolicy(({ action, actor }) => {
      const groups = actor.groups ?? [];
      if (action === 'instance.start') return groups.includes('clerks');
      if (action === 'instance.cancel') return groups.includes('supervisors');
      if (action === 'audit.read') return groups.includes('auditors');
      return action === 'instance.read' || action === 'instance.list' || action === 'task.list';
    });
    const instance = await engine.start(APPROVAL, { variables: REQUEST, by: 'clerk-1' });
    const before = await state(engine, store);

    // when / then: a stranger may not start
    const start = await refused(engine.start(APPROVAL, { variables: REQUEST, by: 'visitor-1' }));
    expect(start).toMatchObject({ code: 'access.forbidden', action: 'instance.start', actor: 'visitor-1', details: { processId: APPROVAL } });
    expect(start.message).toBe(`'visitor-1' may not instance.start (process '${APPROVAL}'): refused by the authorize hook.`);
    // a clerk may not cancel
    const cancel = await refused(engine.cancel(instance.id, { by: 'clerk-1', reason: 'mine' }));
    expect(cancel).toMatchObject({ action: 'instance.cancel', actor: 'clerk-1', details: { processId: APPROVAL, instanceId: instance.id } });
    // a clerk may not read the audit trail, in any of its forms
    expect(await refused(engine.audit.query({ instanceId: instance.id }, { by: 'clerk-1' }))).toMatchObject({ action: 'audit.read', actor: 'clerk-1' });
    await refused(engine.audit.verify(undefined, { by: 'clerk-1' }));
    await refused(engine.activities({ processId: APPROVAL }, { by: 'clerk-1' }));
    const csv = engine.export.audit({ format: 'csv', by: 'clerk-1' })[Symbol.asyncIterator]();
    await refused(csv.next());
    const xes = engine.export.xes({ by: 'clerk-1' })[Symbol.asyncIterator]();
    await refused(xes.next());
    // calls made without `by` are made as 'system', and the hook decides for it too
    expect(await refused(engine.cancel(instance.id))).toMatchObject({ actor: 'system' });
    // and nothing changed
    expect(await state(engine, store)).toEqual(before);

    // the allowed actors go through
    expect((await engine.audit.query({ instanceId: instance.id }, { by: 'auditor-1' })).total).toBeGreaterThan(0);
    await engine.cancel(instance.id, { by: 'supervisor-1', reason: 'duplicate' });
    expect((await engine.instance(instance.id)).status).toBe('cancelled');
  });

  it('should refuse a task action the hook denies even to a candidate, and still refuse a non-candidate the hook allows', async () => {
    // given: task completion is denied to suspended users; assignment rules still apply to everyone else
    const { engine, store, setPolicy } = await setup();
    setPolicy(({ action, actor }) => !(action.startsWith('task.') && actor.id === 'li-suspended'));
    const instance = await engine.start(APPROVAL, { variables: { ...REQUEST, applicantManager: 'li-suspended' } });
    const [task] = (await engine.tasks({ instanceId: instance.id })).items;
    const before = await state(engine, store);
    // when / then
    expect(await refused(engine.complete(task.id, { by: 'li-suspended', variables: { decision: 'approve' } }))).toMatchObject({ action: 'task.complete', details: { taskId: task.id } });
    await expect(engine.complete(task.id, { by: 'someone-else', variables: { decision: 'approve' } })).rejects.toBeInstanceOf(TaskNotAssignableError);
    expect(await state(engine, store)).toEqual(before);
  });

  it('should fail closed: a hook that returns anything but true refuses', async () => {
    const { engine, store, setPolicy } = await setup();
    const before = await state(engine, store);
    for (const answer of [undefined, 'yes', 1, {}, false]) {
      setPolicy(() => answer as unknown as boolean);
      await refused(engine.start(APPROVAL, { variables: REQUEST, by: 'chen' }));
    }
    setPolicy(async () => true);
    await engine.start(APPROVAL, { variables: REQUEST, by: 'chen' });
    expect((await store.findInstances({})).total).toBe(before.instances.length + 1);
  });

  it("should pass the hook's own error to the caller and do nothing", async () => {
    const { engine, store, setPolicy } = await setup();
    const before = await state(engine, store);
    setPolicy(async () => {
      throw new Error('permission service unreachable');
    });
    await expect(engine.start(APPROVAL, { variables: REQUEST, by: 'chen' })).rejects.toThrow('permission service unreachable');
    await expect(engine.correlate('complaint-received', { key: 'C-9', variables: { severity: 'normal' } })).rejects.toThrow('permission service unreachable');
    expect(await state(engine, store)).toEqual(before);
  });

  it('should not ask about work the engine does on its own: timers fire, handlers run and reminders go out under a deny-all hook', async () => {
    // given: an instance started while allowed
    const { engine, clock, setPolicy, asked } = await setup();
    const instance = await engine.start(APPROVAL, { variables: { ...REQUEST, urgent: true } });
    await engine.idle();
    // when: everything is denied and a working week passes
    setPolicy(() => false);
    asked.length = 0;
    await clock.advance('P7D');
    // then: the countersign SLA timers fired and the risk-control job ran, without a question to the hook
    setPolicy(() => true);
    const trail = (await engine.audit.query({ instanceId: instance.id, limit: 1000 })).items.map((e) => e.type);
    expect(trail).toContain('sla.breached');
    expect(trail).toContain('job.completed');
    expect(asked.filter((r) => r.action !== 'audit.read')).toEqual([]);
  });
});
