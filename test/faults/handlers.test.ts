import { describe, expect, it } from 'vitest';
import { createEngine, MemoryStore, VirtualClock, WallClock, type AuditEvent, type Clock, type Engine, type JobHandler } from '@sopflow/engine';

/** A process with one service task of type `work`; `attributes` go on the task (timeout, retries, backoff). */
function diagram(attributes: string): string {
  return `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
    <bpmn:serviceTask id="call" sop:type="work" ${attributes}/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
}

const TIMER_DIAGRAM = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d2">
  <bpmn:process id="wait" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT5M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

async function setup(clock: Clock, attributes: string, work: JobHandler, options: { leaseMs?: number } = {}): Promise<{ engine: Engine; store: MemoryStore; id: string }> {
  const store = new MemoryStore();
  const engine = createEngine({ store, clock, handlers: { work }, ...options });
  await engine.deploy(diagram(attributes));
  const { id } = await engine.start('p');
  return { engine, store, id };
}

async function trail(engine: Engine, id: string, types?: string[]): Promise<AuditEvent[]> {
  return (await engine.audit.query({ instanceId: id, limit: 10_000, ...(types ? { types } : {}) })).items.sort((a, b) => a.seq - b.seq);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await sleep(10);
  }
}

describe('a handler that hangs', () => {
  it('should fail each attempt at sop:timeout on a real clock, retry after the backoff, and raise an incident when retries run out', async () => {
    // given: real time 100× faster; a handler that never answers; timeout 30 s (0.3 s real), 2 retries 10 s apart (0.1 s real)
    const started: number[] = [];
    const clock = new WallClock({ speed: 100 });
    const { engine, id } = await setup(clock, 'sop:timeout="PT30S" sop:retries="2" sop:retryBackoff="PT10S"', () => {
      started.push(clock.now());
      return new Promise(() => {});
    });

    // when: the attempts run out
    await until('the incident is raised', async () => (await engine.instance(id)).incidents.length > 0, 10_000);

    // then: two attempts, each failed by the timeout no earlier than 30 s (engine time) after it started, the second after the backoff
    const failures = await trail(engine, id, ['job.failed']);
    expect(started).toHaveLength(2);
    expect(failures).toHaveLength(2);
    expect(failures.map((e) => e.data.error)).toEqual(["handler 'work' did not finish within PT30S (sop:timeout)", "handler 'work' did not finish within PT30S (sop:timeout)"]);
    expect(failures[0].time - started[0]).toBeGreaterThanOrEqual(30_000);
    expect(started[1] - failures[0].time).toBeGreaterThanOrEqual(10_000);
    const view = await engine.instance(id);
    expect(view.incidents).toEqual([expect.objectContaining({ kind: 'job', node: 'call' })]);
    expect(view.status).toBe('running');
    // (the hung handlers are not aborted — see docs/api.md — so this engine is not closed here: close() waits for its handlers)
  }, 20_000);

  it('without sop:timeout: should keep its job with the engine that runs it — never run twice, no incident — while the engine goes on with other work, and complete it when it answers, however late', async () => {
    // given: leases of 50 engine seconds (50 ms real at 1000×), and a handler that answers only when told
    let answer: (value: Record<string, unknown>) => void = () => {};
    let calls = 0;
    const clock = new WallClock({ speed: 1000 });
    const { engine, store, id } = await setup(
      clock,
      '',
      () => {
        calls += 1;
        return new Promise((resolve) => (answer = resolve));
      },
      { leaseMs: 50_000 },
    );
    await until('the handler runs', async () => calls === 1, 5_000);
    // and another case waiting on a 5-minute timer (due after several leases of the hung job)
    await engine.deploy(TIMER_DIAGRAM);
    const other = await engine.start('wait');

    // when: ten leases pass while it hangs
    await sleep(500);

    // then: the engine renewed its lease (the handler still runs here) and ran it once; the case waits at the task, no failure, no incident
    expect(calls).toBe(1);
    const jobId = (await engine.instance(id)).activities.find((a) => a.node === 'call')!.job!;
    const job = await store.getJob(jobId);
    expect(job?.lockedBy).toBe((engine as unknown as { workerId: string }).workerId);
    expect(job?.lockedUntil ?? 0).toBeGreaterThan(clock.now());
    expect(await trail(engine, id, ['job.failed', 'incident.raised'])).toEqual([]);
    // the scheduler did not stall behind it: the other case's timer fired
    expect((await engine.instance(other.id)).status).toBe('completed');

    // when: it finally answers
    answer({ late: true });

    // then: the answer counts
    await until('the case completes', async () => (await engine.instance(id)).status === 'completed', 5_000);
    expect((await engine.instance(id)).variables).toMatchObject({ late: true });
    expect(calls).toBe(1);
    await engine.close();
  }, 20_000);
});

describe('a handler that throws', () => {
  it('should retry after the backoff, doubled each time, and complete when an attempt succeeds', async () => {
    // given: a handler that fails twice; 3 retries, 1 minute backoff
    const clock = new VirtualClock('2026-11-23T09:00:00Z');
    const attempts: Array<{ attempt: number; at: number }> = [];
    const { engine, id } = await setup(clock, 'sop:retries="3" sop:retryBackoff="PT1M"', (job) => {
      attempts.push({ attempt: job.attempt, at: clock.now() });
      if (attempts.length < 3) throw new Error(`payment service answered 503 (try ${attempts.length})`);
      return { paid: true };
    });

    // when
    await clock.advance('PT10M');

    // then: attempts at 0, +1 min, +1+2 min; the case went on
    const t0 = attempts[0].at;
    expect(attempts.map((a) => ({ attempt: a.attempt, after: a.at - t0 }))).toEqual([
      { attempt: 1, after: 0 },
      { attempt: 2, after: 60_000 },
      { attempt: 3, after: 180_000 },
    ]);
    expect((await trail(engine, id, ['job.failed'])).map((e) => e.data.error)).toEqual(['payment service answered 503 (try 1)', 'payment service answered 503 (try 2)']);
    expect((await engine.instance(id)).status).toBe('completed');
    expect((await engine.instance(id)).incidents).toEqual([]);
  });

  it('should raise an incident when retries run out, and run the job again with new retries when the incident is resolved', async () => {
    // given: a handler that fails until the service is fixed; 1 retry
    const clock = new VirtualClock('2026-11-23T09:00:00Z');
    let fixed = false;
    let calls = 0;
    const { engine, id } = await setup(clock, 'sop:retries="1" sop:retryBackoff="PT1M"', () => {
      calls += 1;
      if (!fixed) throw new Error('mail server down');
      return { sent: true };
    });
    await clock.advance('PT5M');
    const [incident] = (await engine.instance(id)).incidents;
    expect(incident).toMatchObject({ kind: 'job', node: 'call' });
    expect(incident.message).toContain('mail server down');
    expect(calls).toBe(1);

    // when: someone fixes the service and resolves the incident
    fixed = true;
    await engine.resolveIncident(id, incident.id, { by: 'ops' });
    await clock.advance('PT1M');

    // then
    const view = await engine.instance(id);
    expect(view.status).toBe('completed');
    expect(view.incidents).toEqual([]);
    expect(view.variables).toMatchObject({ sent: true });
    expect((await trail(engine, id)).map((e) => e.type)).toEqual(expect.arrayContaining(['incident.raised', 'incident.resolved', 'job.completed']));
    expect((await trail(engine, id, ['incident.resolved']))[0].actor).toBe('ops');
    expect(await engine.audit.verify(id)).toMatchObject({ ok: true });
  });

  it('should do the same on a real clock: retries after the backoff, then an incident', async () => {
    // given: real time 6000× faster (a minute in 10 ms); a handler that always throws; 2 retries, 1 minute backoff
    const clock = new WallClock({ speed: 6000 });
    const attempts: number[] = [];
    const { engine, id } = await setup(clock, 'sop:retries="2" sop:retryBackoff="PT1M"', () => {
      attempts.push(clock.now());
      throw new Error('always down');
    });

    // when
    await until('the incident is raised', async () => (await engine.instance(id)).incidents.length > 0, 10_000);

    // then: two attempts, the second no earlier than the backoff after the first
    expect(attempts).toHaveLength(2);
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(60_000);
    expect((await trail(engine, id, ['job.failed'])).map((e) => e.data.error)).toEqual(['always down', 'always down']);
    await engine.close();
  }, 20_000);
});

describe('a burst of due jobs', () => {
  it('should run at most jobConcurrency handlers at once and leave the other jobs unleased, for itself later or another worker', async () => {
    // given: five cases whose handlers each wait until released, and room for two at once
    const store = new MemoryStore();
    const release: Array<() => void> = [];
    let running = 0;
    let most = 0;
    const engine = createEngine({
      store,
      clock: new WallClock(),
      jobConcurrency: 2,
      handlers: {
        work: () =>
          new Promise((resolve) => {
            running += 1;
            most = Math.max(most, running);
            release.push(() => {
              running -= 1;
              resolve({});
            });
          }),
      },
    });
    await engine.deploy(diagram(''));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await engine.start('p')).id);

    // when
    await until('two handlers run', async () => release.length === 2, 5_000);
    await sleep(50);

    // then: two run, the other three jobs are not leased to anyone
    expect(release).toHaveLength(2);
    const leased = [];
    for (const id of ids) {
      const jobId = (await engine.instance(id)).activities.find((a) => a.node === 'call')?.job;
      if (jobId && (await store.getJob(jobId))?.lockedBy) leased.push(id);
    }
    expect(leased).toHaveLength(2);

    // when: each handler is released in turn
    while ((await engine.instances({ status: 'running' })).total > 0) {
      release.shift()?.();
      await sleep(10);
    }

    // then: all five ran, never more than two at once
    expect(most).toBe(2);
    expect((await engine.instances({ status: 'completed' })).total).toBe(5);
    await engine.close();
  }, 20_000);
});
