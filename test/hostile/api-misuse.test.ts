/**
 * API misuse (issue 10, "Hostile input"): completing a finished task,
 * completing someone else's task, correlating a message twice, deploying
 * while cases run, cancelling twice, working on a cancelled case, unknown
 * ids, a missing or malformed `by`. Each is refused with a typed error and
 * its code, and nothing moves: the instance's revision, its audit trail,
 * its open tasks and jobs are what they were.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEngine,
  InvalidStateError,
  MessageCorrelationError,
  NotFoundError,
  SopflowError,
  TaskNotAssignableError,
  VirtualClock,
  type Engine,
  type EngineOptions,
} from '@sopflow/engine';

const T0 = '2026-04-06T09:00:00Z';
const MIA = { id: 'mia', groups: ['managers'] };
const ROB = { id: 'rob', groups: ['reviewers'] };

async function fixture(): Promise<string> {
  return readFile(new URL('./fixtures/api.approval.bpmn', import.meta.url), 'utf8');
}

describe('API misuse', () => {
  const engines: Engine[] = [];

  afterEach(async () => {
    for (const engine of engines.splice(0)) {
      expect((await engine.audit.verify()).ok).toBe(true);
      await engine.close();
    }
  });

  async function running(options: Partial<EngineOptions> = {}) {
    let n = 0;
    const engine = createEngine({ clock: new VirtualClock(T0), ids: () => `id-${++n}`, scheduler: false, ...options });
    engines.push(engine);
    await engine.deploy(await fixture());
    const instance = await engine.start('approval', { variables: { manager: 'mia', orderId: 'O-1' }, businessKey: 'O-1' });
    return { engine, instanceId: instance.id };
  }

  async function state(engine: Engine, instanceId: string) {
    const record = await engine.store.getInstance(instanceId);
    return {
      rev: record?.rev,
      status: record?.status,
      auditSeq: record?.auditSeq,
      auditHash: record?.auditHash,
      events: (await engine.audit.query({ instanceId })).total,
      tasks: (await engine.tasks({ instanceId })).items.map((t) => [t.id, t.assignee ?? null]),
      instances: (await engine.instances()).total,
    };
  }

  /** Runs `misuse`, expects an error of `type` with `code`, and checks nothing of the instance moved. */
  async function refusedUnchanged<T extends SopflowError>(
    engine: Engine,
    instanceId: string,
    misuse: () => Promise<unknown>,
    type: abstract new (...args: never[]) => T,
    code: string,
  ): Promise<T> {
    const before = await state(engine, instanceId);
    const error = await misuse().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(type);
    expect((error as SopflowError).code).toBe(code);
    expect(await state(engine, instanceId)).toEqual(before);
    return error as T;
  }

  async function openTask(engine: Engine, instanceId: string) {
    const [task] = (await engine.tasks({ instanceId })).items;
    return task;
  }

  it('should refuse completing a task that is already completed', async () => {
    // given
    const { engine, instanceId } = await running();
    const approve = await openTask(engine, instanceId);
    await engine.complete(approve.id, { by: MIA });
    // when
    const error = await refusedUnchanged(engine, instanceId, () => engine.complete(approve.id, { by: MIA }), NotFoundError, 'task.not-found');
    // then
    expect(error.message).toContain(`No task with id '${approve.id}'`);
    expect(error.message).toContain('no longer open');
  });

  it("should refuse completing someone else's task: assignee, candidate groups, a user without groups", async () => {
    // given: 'approve' is assigned to mia (sop:assignee="=manager")
    const { engine, instanceId } = await running();
    const approve = await openTask(engine, instanceId);
    // when / then
    const byBob = await refusedUnchanged(engine, instanceId, () => engine.complete(approve.id, { by: 'bob' }), TaskNotAssignableError, 'task.not-assignable');
    expect(byBob.message).toContain("'bob' may not complete task");
    expect(byBob.message).toContain("it is assigned to 'mia'");
    await refusedUnchanged(engine, instanceId, () => engine.complete(approve.id, { by: { id: 'bob', groups: ['managers', 'reviewers'] } }), TaskNotAssignableError, 'task.not-assignable');
    const claim = await refusedUnchanged(engine, instanceId, () => engine.claim(approve.id, 'bob'), InvalidStateError, 'task.claimed');
    expect(claim.message).toContain("already claimed by 'mia'");
    // given: 'review' is for the group reviewers
    await engine.complete(approve.id, { by: MIA });
    const review = await openTask(engine, instanceId);
    const outsider = await refusedUnchanged(engine, instanceId, () => engine.complete(review.id, { by: { id: 'eve', groups: ['sales'] } }), TaskNotAssignableError, 'task.not-assignable');
    expect(outsider.message).toContain("candidates are users [] and groups [reviewers]; 'eve' is in [sales]");
    const noGroups = await refusedUnchanged(engine, instanceId, () => engine.complete(review.id, { by: 'eve' }), TaskNotAssignableError, 'task.not-assignable');
    expect(noGroups.message).toContain("no groups were given for 'eve'");
    // and the right person still can
    await engine.complete(review.id, { by: ROB });
    expect((await engine.instance(instanceId)).activities.map((a) => a.node)).toEqual(['waitPaid']);
  });

  it('should refuse a completion that does not say who, or says it malformed, instead of acting as system', async () => {
    // given
    const { engine, instanceId } = await running();
    const approve = await openTask(engine, instanceId);
    // when / then
    for (const by of [undefined, null]) {
      const error = await refusedUnchanged(engine, instanceId, () => engine.complete(approve.id, { by: by as never }), TaskNotAssignableError, 'task.not-assignable');
      expect(error.message).toContain('say who completes the task');
    }
    await refusedUnchanged(engine, instanceId, () => (engine.complete as (id: string) => Promise<void>)(approve.id), TaskNotAssignableError, 'task.not-assignable');
    for (const by of ['', {}, { id: '' }, { id: 5 }, { id: 'mia', groups: 'managers' }, { id: 'mia', groups: [1] }, 7]) {
      const error = await refusedUnchanged(engine, instanceId, () => engine.complete(approve.id, { by: by as never }), SopflowError, 'actor.invalid');
      expect(error.message).toMatch(/'by' must be/);
    }
    await refusedUnchanged(engine, instanceId, () => engine.cancel(instanceId, { by: {} as never }), SopflowError, 'actor.invalid');
  });

  it('should refuse correlating the same message twice: the second matches nothing and changes nothing', async () => {
    // given
    const { engine, instanceId } = await running();
    await engine.complete((await openTask(engine, instanceId)).id, { by: MIA });
    await engine.complete((await openTask(engine, instanceId)).id, { by: ROB });
    const first = await engine.correlate('paid', { key: 'O-1', variables: { amount: 5 } });
    expect(first).toEqual({ correlated: [instanceId], started: [] });
    // when
    const error = await refusedUnchanged(engine, instanceId, () => engine.correlate('paid', { key: 'O-1', variables: { amount: 6 } }), MessageCorrelationError, 'message.correlation');
    // then
    expect(error.message).toContain("Message 'paid' with correlation key 'O-1' matched no waiting instance");
    expect(error.details).toMatchObject({ messageName: 'paid', correlationKey: 'O-1', matches: 0 });
    expect((await engine.instance(instanceId)).variables).toMatchObject({ amount: 5 });
  });

  it('should keep running cases on the version they started with when a new version is deployed', async () => {
    // given: a case waiting in 'approve' of version 1
    const { engine, instanceId } = await running();
    const before = await state(engine, instanceId);
    const v2 = (await fixture()).replace('name="Review" sop:candidateGroups="reviewers"', 'name="Audit" sop:candidateGroups="auditors"');
    // when
    const deployed = await engine.deploy(v2);
    const again = await engine.deploy(v2);
    const fresh = await engine.start('approval', { variables: { manager: 'mia', orderId: 'O-2' } });
    // then
    expect(deployed.processes).toEqual([expect.objectContaining({ id: 'approval', version: 2, created: true })]);
    expect(again.processes).toEqual([expect.objectContaining({ version: 2, created: false })]);
    expect(await state(engine, instanceId)).toEqual({ ...before, instances: 2 });
    expect((await engine.instance(instanceId)).definition).toBe('approval:1');
    expect(fresh.definition).toBe('approval:2');
    await engine.complete((await openTask(engine, instanceId)).id, { by: MIA });
    expect(await openTask(engine, instanceId)).toMatchObject({ name: 'Review', candidateGroups: ['reviewers'] });
    await engine.complete((await openTask(engine, fresh.id)).id, { by: MIA });
    expect(await openTask(engine, fresh.id)).toMatchObject({ name: 'Audit', candidateGroups: ['auditors'] });
  });

  it('should refuse cancelling twice, and any work on a cancelled case', async () => {
    // given
    const { engine, instanceId } = await running();
    const approve = await openTask(engine, instanceId);
    await engine.cancel(instanceId, { reason: 'duplicate order', by: 'system' });
    // when / then
    const twice = await refusedUnchanged(engine, instanceId, () => engine.cancel(instanceId), InvalidStateError, 'instance.ended');
    expect(twice.message).toContain(`Instance '${instanceId}' is cancelled; it accepts no more commands.`);
    await refusedUnchanged(engine, instanceId, () => engine.complete(approve.id, { by: MIA }), NotFoundError, 'task.not-found');
    await refusedUnchanged(engine, instanceId, () => engine.setVariables(instanceId, { a: 1 }), InvalidStateError, 'instance.ended');
    await refusedUnchanged(engine, instanceId, () => engine.resolveIncident(instanceId, 'id-9'), InvalidStateError, 'instance.ended');
    await refusedUnchanged(engine, instanceId, () => engine.correlate('paid', { key: 'O-1' }), MessageCorrelationError, 'message.correlation');
    expect((await engine.instance(instanceId)).status).toBe('cancelled');
  });

  it('should refuse unknown ids with NotFoundError and the kind in the code', async () => {
    // given
    const { engine, instanceId } = await running();
    // when / then
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => engine.complete('no-such-task', { by: MIA }), 'task.not-found'],
      [() => engine.claim('no-such-task', 'mia'), 'task.not-found'],
      [() => engine.assign('no-such-task', { assignee: 'mia' }, { by: 'system' }), 'task.not-found'],
      [() => engine.task('no-such-task'), 'task.not-found'],
      [() => engine.cancel('no-such-instance'), 'instance.not-found'],
      [() => engine.instance('no-such-instance'), 'instance.not-found'],
      [() => engine.setVariables('no-such-instance', { a: 1 }), 'instance.not-found'],
      [() => engine.start('no-such-process'), 'process.not-found'],
      [() => engine.start('approval', { version: 7 }), 'process.not-found'],
      [() => engine.jobs.complete('no-such-job', { workerId: 'w1' }), 'job.not-found'],
    ];
    for (const [misuse, code] of cases) {
      const error = await refusedUnchanged(engine, instanceId, misuse, NotFoundError, code);
      expect(error.message).toMatch(/^No (task|instance|process|job) with id '/);
    }
    await refusedUnchanged(engine, instanceId, () => engine.resolveIncident(instanceId, 'no-such-incident'), InvalidStateError, 'incident.not-found');
  });

  it('should refuse a second start with the same id, and a business key that is not a string', async () => {
    // given
    const { engine, instanceId } = await running();
    // when / then
    await refusedUnchanged(engine, instanceId, () => engine.start('approval', { id: instanceId, variables: { manager: 'x' } }), InvalidStateError, 'instance.exists');
    const key = await refusedUnchanged(engine, instanceId, () => engine.start('approval', { businessKey: { $ne: null } as never }), SopflowError, 'input.invalid');
    expect(key.message).toContain('businessKey must be a string');
  });

  it('should refuse a job completed twice, or by a worker that does not hold it', async () => {
    // given: the case waits in 'archive' (a job)
    const { engine, instanceId } = await running();
    await engine.complete((await openTask(engine, instanceId)).id, { by: MIA });
    await engine.complete((await openTask(engine, instanceId)).id, { by: ROB });
    await engine.correlate('paid', { key: 'O-1' });
    const [job] = await engine.jobs.fetchAndLock({ types: ['archive'], workerId: 'w1' });
    // when / then
    const other = await refusedUnchanged(engine, instanceId, () => engine.jobs.complete(job.id, { workerId: 'w2' }), InvalidStateError, 'job.lease');
    expect(other.message).toContain("leased to 'w1', not 'w2'");
    await engine.jobs.complete(job.id, { workerId: 'w1' });
    await refusedUnchanged(engine, instanceId, () => engine.jobs.complete(job.id, { workerId: 'w1' }), NotFoundError, 'job.not-found');
    expect((await engine.instance(instanceId)).status).toBe('completed');
  });
});
