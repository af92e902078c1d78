import { describe, expect, it } from 'vitest';
import { BpmnError, TaskNotAssignableError, UnsupportedElementError } from '@sopflow/engine';
import { fixture, setup } from './harness.js';

describe('boundary events', () => {
  it('should interrupt a task on a message boundary, and not on a non-interrupting one', async () => {
    // given
    const { engine, openTasks, trail } = await setup('boundary.message');
    const instance = await engine.start('boundary-message', { businessKey: 'c1' });
    // when: a non-interrupting note arrives
    await engine.correlate('note', { key: 'c1', variables: { text: 'hi' } });
    // then: the work goes on and a second path starts
    expect(await openTasks(instance.id)).toEqual(['read', 'work']);
    // when: the cancel message arrives
    await engine.correlate('cancel', { key: 'c1' });
    // then: the work is withdrawn, the note path remains
    expect(await openTasks(instance.id)).toEqual(['read']);
    expect(await trail(instance.id, 'node.cancelled')).toEqual(['work']);
    expect(await trail(instance.id)).toContain('cancelled_end');
  });

  it('should interrupt a task on a signal boundary', async () => {
    // given
    const { engine, trail } = await setup('boundary.signal');
    const instance = await engine.start('boundary-signal');
    // when
    await engine.signal('stop');
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect(await trail(instance.id)).toEqual(['start', 'stop', 'stopped']);
  });

  it('should fire a non-interrupting cycle timer R2/PT1H twice, then an interrupting one withdraws the task', async () => {
    // given
    const { engine, clock, trail, openTasks } = await setup('boundary.timer-cycle');
    const instance = await engine.start('boundary-timer');
    // when
    await clock.advance('PT3H');
    // then
    expect(await trail(instance.id, 'timer.fired')).toEqual(['remind', 'remind']);
    expect(await openTasks(instance.id)).toEqual(['work']);
    // when
    await clock.advance('PT2H');
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect(await trail(instance.id, 'node.cancelled')).toEqual(['work']);
    expect((await trail(instance.id)).filter((n) => n === 'reminded')).toHaveLength(2);
  });
});

describe('sub-processes', () => {
  it('should run nested sub-processes to the end', async () => {
    // given
    const { engine, complete, trail } = await setup('subprocess.nested-boundary');
    const instance = await engine.start('nested');
    // when
    await complete(instance.id, 'u', { result: 'ok' });
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect(await trail(instance.id)).toEqual(['start', 'outer_start', 'inner_start', 'u', 'outcome', 'inner_end', 'inner', 'outer_end', 'outer', 'after', 'end']);
  });

  it('should carry an error end event two levels up to the error boundary of the outer sub-process', async () => {
    // given
    const { engine, complete, openTasks, trail } = await setup('subprocess.nested-boundary');
    const instance = await engine.start('nested');
    // when
    await complete(instance.id, 'u', { result: 'fail' });
    // then
    expect(await openTasks(instance.id)).toEqual(['fix']);
    expect(await trail(instance.id, 'error.caught')).toEqual(['failed']);
    expect((await engine.instance(instance.id)).timers).toEqual([]); // the outer timeout is gone with its host
  });

  it('should catch an escalation thrown inside by a non-interrupting boundary of the inner sub-process', async () => {
    // given
    const { engine, complete, openTasks } = await setup('subprocess.nested-boundary');
    const instance = await engine.start('nested');
    // when
    await complete(instance.id, 'u', { result: 'help' });
    // then: both the helper and the inner work go on
    expect(await openTasks(instance.id)).toEqual(['helper', 'u2']);
    // when
    await complete(instance.id, 'u2');
    await complete(instance.id, 'helper');
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });

  it('should withdraw everything inside when the timer on the outer sub-process fires', async () => {
    // given
    const { engine, clock, openTasks, trail } = await setup('subprocess.nested-boundary');
    const instance = await engine.start('nested');
    // when
    await clock.advance('PT1H');
    // then
    expect(await openTasks(instance.id)).toEqual(['late']);
    expect(await trail(instance.id, 'node.cancelled')).toEqual(['u', 'inner', 'outer']);
  });

  it('should run event sub-processes: non-interrupting alongside, interrupting instead, error start on an error', async () => {
    // given
    const { engine, openTasks, complete, trail } = await setup('event-subprocess');
    const a = await engine.start('event-sub', { variables: { orderId: 'A' } });
    const b = await engine.start('event-sub', { variables: { orderId: 'B' } });
    const c = await engine.start('event-sub', { variables: { orderId: 'C' } });
    // when: a status request (non-interrupting) on A, twice
    await engine.correlate('status', { key: 'A' });
    await engine.correlate('status', { key: 'A' });
    // then
    expect(await openTasks(a.id)).toEqual(['work']);
    expect((await trail(a.id)).filter((n) => n === 'statusEnd')).toHaveLength(2);
    // when: cancel (interrupting) on B
    await engine.correlate('cancel', { key: 'B' });
    // then
    expect(await openTasks(b.id)).toEqual(['refund']);
    await complete(b.id, 'refund');
    expect((await engine.instance(b.id)).status).toBe('completed');
    // when: C ends in an error caught by the error event sub-process
    await complete(c.id, 'work', { failed: true });
    // then
    expect(await openTasks(c.id)).toEqual(['repair']);
    await complete(c.id, 'repair');
    expect((await engine.instance(c.id)).status).toBe('completed');
    // after an interrupting start, the other event sub-processes are closed
    await expect(engine.correlate('status', { key: 'B' })).rejects.toThrow(/matched no waiting instance/);
  });
});

describe('multi-instance and loops', () => {
  it('should create one task per item, stop at the completion condition and collect outputs in item order', async () => {
    // given
    const { engine, trail } = await setup('multi-instance.parallel-completion');
    const instance = await engine.start('mi-parallel', { variables: { reviewers: ['ann', 'bob', 'cai'] } });
    const tasks = (await engine.tasks({ instanceId: instance.id })).items;
    expect(tasks.map((t) => t.assignee).sort()).toEqual(['ann', 'bob', 'cai']);
    // when
    await engine.complete(tasks.find((t) => t.assignee === 'cai')!.id, { by: 'cai', variables: { answer: 'no' } });
    await engine.complete(tasks.find((t) => t.assignee === 'ann')!.id, { by: 'ann', variables: { answer: 'yes' } });
    // then
    const done = await engine.instance(instance.id);
    expect(done.status).toBe('completed');
    expect(done.variables.answers).toEqual(['yes', null, 'no']);
    expect(await trail(instance.id, 'node.cancelled')).toEqual(['review']);
    expect(done.variables).not.toHaveProperty('answer'); // instance results stay in their instance
  });

  it('should run a sequential multi-instance one instance at a time, with loopCounter', async () => {
    // given
    const { engine, complete } = await setup('multi-instance.sequential-cardinality');
    const instance = await engine.start('mi-sequential');
    // when / then
    for (let i = 1; i <= 3; i++) {
      const { items } = await engine.tasks({ instanceId: instance.id });
      expect(items).toHaveLength(1);
      await complete(instance.id, 'step');
    }
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });

  it('should run a parallel multi-instance sub-process per item', async () => {
    // given
    const { engine } = await setup('multi-instance.subprocess');
    const instance = await engine.start('mi-sub', { variables: { items: ['x', 'y'] } });
    const tasks = (await engine.tasks({ instanceId: instance.id })).items;
    expect(tasks).toHaveLength(2);
    // when
    for (const [i, task] of tasks.entries()) await engine.complete(task.id, { by: 'system', variables: { note: `n${i}` } });
    // then
    const done = await engine.instance(instance.id);
    expect(done.status).toBe('completed');
    expect(done.variables.done).toEqual(['x:n0', 'y:n1']);
  });

  // Past 16 entries a step copies the instance's collections entry by entry, on first read (machine/copyOnWrite.ts);
  // the harness's store freezes every committed state, so a write into the old state would throw here.
  it('should run a 40-item multi-instance and stop it by its completion condition, copying on write', async () => {
    // given
    const { engine, trail } = await setup('multi-instance.parallel-completion');
    const reviewers = Array.from({ length: 40 }, (_, i) => `r${i}`);
    const instance = await engine.start('mi-parallel', { variables: { reviewers } });
    const tasks = (await engine.tasks({ instanceId: instance.id, limit: 100 })).items;
    expect(tasks).toHaveLength(40);
    // when
    await engine.complete(tasks.find((t) => t.assignee === 'r39')!.id, { by: 'r39', variables: { answer: 'last' } });
    expect((await engine.tasks({ instanceId: instance.id, limit: 100 })).items).toHaveLength(39);
    await engine.complete(tasks.find((t) => t.assignee === 'r7')!.id, { by: 'r7', variables: { answer: 'seventh' } });
    // then
    const done = await engine.instance(instance.id);
    expect(done.status).toBe('completed');
    const answers = done.variables.answers as unknown[];
    expect(answers).toHaveLength(40);
    expect([answers[7], answers[39]]).toEqual(['seventh', 'last']);
    expect(answers.filter((a) => a !== null)).toHaveLength(2);
    expect(await trail(instance.id, 'node.cancelled')).toHaveLength(38); // the 38 bodies still open
    expect((await engine.tasks({ instanceId: instance.id })).items).toEqual([]);
    expect(await engine.audit.verify(instance.id)).toEqual({ ok: true, checked: 1, problems: [] });
  });

  it('should run a 30-item multi-instance sub-process, each body its own scope, copying on write', async () => {
    // given
    const { engine } = await setup('multi-instance.subprocess');
    const items = Array.from({ length: 30 }, (_, i) => `x${i}`);
    const instance = await engine.start('mi-sub', { variables: { items } });
    const tasks = (await engine.tasks({ instanceId: instance.id, limit: 100 })).items;
    expect(tasks).toHaveLength(30);
    // when: completed in reverse order
    for (const task of [...tasks].reverse()) await engine.complete(task.id, { by: 'system', variables: { note: `n-${task.id}` } });
    // then
    const done = await engine.instance(instance.id);
    expect(done.status).toBe('completed');
    expect(done.variables.done).toEqual(tasks.map((task, i) => `x${i}:n-${task.id}`));
  });

  it('should repeat a standard loop while its condition holds', async () => {
    // given
    const { engine, trail } = await setup('loop.standard');
    // when
    const instance = await engine.start('standard-loop');
    // then
    expect(instance.status).toBe('completed');
    expect(instance.variables.n).toBe(3);
    const left = (await engine.audit.query({ instanceId: instance.id, types: ['node.left'], node: 'count' })).items;
    expect(left.map((e) => e.data.instance ?? 'activity')).toEqual([1, 2, 3, 'activity']);
    expect(await trail(instance.id)).toEqual(['start', 'count', 'count', 'count', 'count', 'end']);
  });
});

describe('tasks', () => {
  it('should run service tasks through handlers: variables back, retries with backoff, then an incident', async () => {
    // given: the handler fails twice, then succeeds
    let calls = 0;
    const keys: string[] = [];
    const { engine, clock, trail } = await setup('tasks.service', {
      handlers: {
        charge: (job) => {
          calls += 1;
          keys.push(job.idempotencyKey);
          if (calls <= 2) throw new Error('gateway timeout');
          return { charged: job.variables.amount };
        },
      },
    });
    const instance = await engine.start('service', { variables: { amount: 10 } });
    await engine.idle();
    expect(calls).toBe(1);
    // when: the backoff passes (1 min, then 2 min)
    await clock.advance('PT1M');
    expect(calls).toBe(2);
    await clock.advance('PT2M');
    // then
    expect(calls).toBe(3);
    expect(new Set(keys).size).toBe(3);
    const done = await engine.instance(instance.id);
    expect(done.status).toBe('completed');
    expect(done.variables.charged).toBe(10);
    expect(await trail(instance.id, 'job.failed')).toEqual(['charge', 'charge']);
  });

  it('should raise an incident when retries run out, and retry when it is resolved', async () => {
    // given
    let healthy = false;
    const { engine, clock } = await setup('tasks.service', {
      handlers: {
        charge: () => {
          if (!healthy) throw new Error('down');
          return {};
        },
      },
    });
    const instance = await engine.start('service');
    await clock.advance('PT10M');
    const stuck = await engine.instance(instance.id);
    expect(stuck.incidents).toEqual([expect.objectContaining({ kind: 'job', node: 'charge' })]);
    expect(stuck.incidents[0].message).toContain("Job 'charge' failed with no retries left: down");
    // when
    healthy = true;
    await engine.resolveIncident(instance.id, stuck.incidents[0].id);
    await engine.idle();
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });

  it('should route a BPMN error thrown by a handler to the error boundary', async () => {
    // given
    const { engine, openTasks } = await setup('tasks.service', {
      handlers: { charge: () => { throw new BpmnError('DECLINED', 'card declined', { reason: 'limit' }); } },
    });
    // when
    const instance = await engine.start('service');
    await engine.idle();
    // then
    expect(await openTasks(instance.id)).toEqual(['call']);
    expect((await engine.instance(instance.id)).variables.reason).toBe('limit');
  });

  it('should let an external worker fetch, lock and complete a job', async () => {
    // given
    const { engine } = await setup('tasks.service');
    const instance = await engine.start('service', { variables: { amount: 5 } });
    // when
    const jobs = await engine.jobs.fetchAndLock({ types: ['charge'], workerId: 'w1' });
    expect(jobs).toHaveLength(1);
    expect(await engine.jobs.fetchAndLock({ types: ['charge'], workerId: 'w2' })).toEqual([]);
    await expect(engine.jobs.complete(jobs[0].id, { workerId: 'w2' })).rejects.toThrow(/leased to 'w1'/);
    await engine.jobs.complete(jobs[0].id, { workerId: 'w1', variables: { receipt: 'R1' } });
    // then
    expect((await engine.instance(instance.id)).variables).toMatchObject({ amount: 5, receipt: 'R1' });
  });

  it('should evaluate FEEL script and business-rule tasks', async () => {
    // given
    const { engine } = await setup('tasks.script-rule');
    // when
    const instance = await engine.start('script-rule', { variables: { items: [{ price: 30, qty: 2 }, { price: 50, qty: 1 }] } });
    // then
    expect(instance.variables).toMatchObject({ total: 110, tier: 'gold', double: 220 });
  });

  it('should emit message.sent for a send task without a job, and wait in a receive task', async () => {
    // given
    const { engine } = await setup('tasks.send-receive');
    const sent: string[] = [];
    engine.on('message.sent', (e) => sent.push(String(e.data.message)));
    const instance = await engine.start('send-receive', { variables: { caseId: 'K1' } });
    // when
    await engine.correlate('documents', { key: 'K1', variables: { pages: 3 } });
    // then
    expect(sent).toEqual(['ask-documents']);
    expect((await engine.instance(instance.id)).variables).toEqual({ caseId: 'K1', pages: 3 });
  });

  it('should only let the assignee or a candidate work on a task', async () => {
    // given
    const { engine } = await setup('tasks.user-assignment');
    const instance = await engine.start('assignment', { variables: { manager: 'li' } });
    const [approve] = (await engine.tasks({ instanceId: instance.id })).items;
    expect(approve.assignee).toBe('li');
    // when / then
    await expect(engine.complete(approve.id, { by: 'zhang' })).rejects.toThrow(TaskNotAssignableError);
    await expect(engine.complete(approve.id, { by: 'zhang' })).rejects.toThrow("'zhang' may not complete task");
    await engine.complete(approve.id, { by: 'li' });
    const [review] = (await engine.tasks({ instanceId: instance.id })).items;
    await expect(engine.claim(review.id, 'wu', { by: { id: 'wu', groups: ['sales'] } })).rejects.toThrow(TaskNotAssignableError);
    await engine.claim(review.id, 'wu', { by: { id: 'wu', groups: ['reviewers'] } });
    expect((await engine.task(review.id)).assignee).toBe('wu');
    await expect(engine.complete(review.id, { by: { id: 'xu', groups: ['reviewers'] } })).rejects.toThrow(/assigned to 'wu'/);
    await engine.complete(review.id, { by: 'wu' });
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });
});

describe('call activities and variables', () => {
  it('should call another process with input and output mappings', async () => {
    // given
    const { engine, complete } = await setup('call-activity');
    const parent = await engine.start('parent', { variables: { amount: 21 } });
    const [child] = (await engine.instances({ processId: 'child' })).items;
    expect(child.parentId).toBe(parent.id);
    expect((await engine.instance(child.id)).variables).toEqual({ value: 42 });
    // when
    await complete(child.id, 'childTask', { result: 'ok' });
    // then
    expect((await engine.instance(child.id)).status).toBe('completed');
    const done = await engine.instance(parent.id);
    expect(done.status).toBe('completed');
    expect(done.variables).toEqual({ amount: 21, childResult: 'ok' });
  });

  it('should carry an uncaught error of the called process to the call activity boundary', async () => {
    // given
    const { engine, complete, openTasks } = await setup('call-activity');
    const parent = await engine.start('parent', { variables: { amount: 1 } });
    const [child] = (await engine.instances({ processId: 'child' })).items;
    // when
    await complete(child.id, 'childTask', { fail: true });
    // then
    expect(await openTasks(parent.id)).toEqual(['handleFailure']);
    expect((await engine.instance(child.id)).status).toBe('completed');
  });

  it('should cancel the called instance when the parent is cancelled', async () => {
    // given
    const { engine } = await setup('call-activity');
    const parent = await engine.start('parent', { variables: { amount: 1 } });
    const [child] = (await engine.instances({ processId: 'child' })).items;
    // when
    await engine.cancel(parent.id, { reason: 'customer withdrew' });
    // then
    expect((await engine.instance(parent.id)).status).toBe('cancelled');
    expect((await engine.instance(child.id)).status).toBe('cancelled');
    expect(await engine.tasks({ instanceId: child.id })).toEqual({ items: [], total: 0 });
  });

  it('should keep sub-process inputs local and let task results reach the process', async () => {
    // given
    const { engine, complete } = await setup('variables.scopes');
    const instance = await engine.start('scopes', { variables: { base: 1 } });
    // when
    await complete(instance.id, 'inside', { decided: 'yes' });
    // then
    const after = await engine.instance(instance.id);
    expect(after.variables).toEqual({ base: 1, decided: 'yes' });
  });
});

describe('deployment', () => {
  it('should refuse elements it cannot run, listing every one', async () => {
    // given
    const { engine } = await setup('sequence.tasks');
    // when
    const attempt = engine.deploy(await fixture('unsupported.elements'));
    // then
    await expect(attempt).rejects.toThrow(UnsupportedElementError);
    const error = await attempt.catch((e: UnsupportedElementError) => e);
    expect((error as UnsupportedElementError).elements.map((e) => e.elementId).sort()).toEqual(['comp', 'complex', 'tx']);
  });

  it('should version deployments: new instances get the new version, running ones keep theirs', async () => {
    // given
    const { engine, complete } = await setup('tasks.user-assignment');
    const old = await engine.start('assignment', { variables: { manager: 'li' } });
    const xml = new TextDecoder().decode(await fixture('tasks.user-assignment')).replace('name="Review"', 'name="Review again"');
    // when
    const same = await engine.deploy(await fixture('tasks.user-assignment'));
    const changed = await engine.deploy(xml);
    const fresh = await engine.start('assignment', { variables: { manager: 'li' } });
    // then
    expect(same.processes).toEqual([expect.objectContaining({ version: 1, created: false })]);
    expect(changed.processes).toEqual([expect.objectContaining({ version: 2, created: true })]);
    expect(fresh.version).toBe(2);
    await complete(old.id, 'approve');
    expect((await engine.tasks({ instanceId: old.id })).items[0].name).toBe('Review');
    expect((await engine.instance(old.id)).version).toBe(1);
  });
});

describe('escalation throw caught by an interrupting event sub-process', () => {
  it('should stop the throwing token: only the event sub-process goes on', async () => {
    // given
    const { engine, openTasks, trail } = await setup('event-subprocess.escalation-interrupting');
    // when
    const instance = await engine.start('esc-evsub');
    // then
    expect(await openTasks(instance.id)).toEqual(['takeOver']);
    expect(await trail(instance.id, 'node.entered')).not.toContain('next');
  });
});

describe('job timeouts', () => {
  it('should fail a handler that hangs past sop:timeout, retry it, and raise an incident when retries run out', async () => {
    // given: a handler that never answers, sop:timeout PT30S, two retries
    const xml = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="hang" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
    <bpmn:serviceTask id="call" sop:type="slow" sop:timeout="PT30S" sop:retries="2" sop:retryBackoff="PT1M"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
    let calls = 0;
    const { engine, clock, types } = await setup('sequence.tasks', { handlers: { slow: () => { calls += 1; return new Promise(() => {}); } } });
    await engine.deploy(xml);
    const instance = await engine.start('hang');
    // when
    await clock.advance('PT30S');
    await clock.advance('PT1M');
    await clock.advance('PT30S');
    // then
    expect(calls).toBe(2);
    const view = await engine.instance(instance.id);
    expect(view.incidents).toEqual([expect.objectContaining({ kind: 'job', node: 'call' })]);
    expect(view.incidents[0].message).toContain("handler 'slow' did not finish within PT30S (sop:timeout)");
    expect((await types(instance.id)).filter((t) => t === 'job.failed')).toHaveLength(2);
  });

  it('should complete a handler that answers within sop:timeout and cancel its timeout', async () => {
    // given: a handler that answers after a real macrotask, sop:timeout PT30S
    const xml = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="quick" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
    <bpmn:serviceTask id="call" sop:type="quick" sop:timeout="PT30S"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
    const { engine, clock, types } = await setup('sequence.tasks', {
      handlers: { quick: () => new Promise((resolve) => setImmediate(() => resolve({ answered: true }))) },
    });
    await engine.deploy(xml);
    const instance = await engine.start('quick');
    // when
    await engine.idle();
    await clock.advance('PT1M');
    // then
    const view = await engine.instance(instance.id);
    expect(view.status).toBe('completed');
    expect(view.variables).toMatchObject({ answered: true });
    expect(await types(instance.id)).not.toContain('job.failed');
  });
});
