/**
 * A worker that leased a timer row and lost its lease (it stalled; another
 * worker took the row, fired it and re-armed the repeating timer) must not
 * fire it again when it finally runs: the row it holds is stale. Found by
 * the multi-worker test on PostgreSQL under load, where a reminder fired
 * 14 engine hours before its due time.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, MemoryStore, VirtualClock, type JobLease } from '@sopflow/engine';
import type { Command } from '../../src/run/Unit.js';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:userTask id="t" sop:candidateGroups="desk" sop:sla="PT1H"><bpmn:extensionElements><sop:escalation at="100%" every="PT1H" action="remind"/></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

const T0 = Date.parse('2026-01-05T09:00:00Z');
const HOUR = 3_600_000;

/** What the scheduler does with the timer rows it acquired (Engine's private unit of work). */
type Executes = { execute(commands: Command[], leases?: JobLease[]): Promise<unknown> };

describe('a timer row whose lease ran out and was fired by another worker', () => {
  it('should not fire again early when the stalled worker runs it', async () => {
    // given: a reminder due at 10:00, repeating every hour, leased by worker A with a one-second lease
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const a = createEngine({ store, clock, workerId: 'A', scheduler: false });
    const b = createEngine({ store, clock, workerId: 'B', scheduler: false });
    await a.deploy(xml);
    await a.start('p', { id: 'case' });
    await clock.advance(HOUR);
    // (the SLA's breach timer is due then too: the repeating reminder is the one of rule 0)
    const reminder = Object.values((await store.getInstance('case'))!.state.timers).find((t) => t.rule === 0)!.id;
    const stale = (await store.acquireTimers({ now: clock.now(), workerId: 'A', leaseMs: 1000, limit: 10 })).find((t) => t.id === reminder)!;
    expect(stale).toMatchObject({ instanceId: 'case', due: T0 + HOUR });

    // when: A stalls past its lease, B takes the row and fires it (re-armed for 11:00), then A runs the row it holds
    await clock.advance(2000);
    const taken = (await store.acquireTimers({ now: clock.now(), workerId: 'B', leaseMs: 1000, limit: 10 })).find((t) => t.id === reminder)!;
    expect(taken).toEqual(stale);
    await (b as unknown as Executes).execute([{ kind: 'timer', timer: taken }]);
    await (a as unknown as Executes).execute([{ kind: 'timer', timer: stale }]);

    // then: the reminder fired once, and the next one is still due at 11:00
    const fired = (await store.auditTrail('case')).filter((e) => e.type === 'timer.fired' && e.data.timer === reminder);
    expect(fired.map((e) => e.data.due)).toEqual([T0 + HOUR]);
    expect((await store.getTimer(stale.id))?.due).toBe(T0 + 2 * HOUR);

    // and at 11:00 it fires as due, once
    await clock.advance(HOUR);
    const next = (await store.acquireTimers({ now: clock.now(), workerId: 'A', leaseMs: 1000, limit: 10 })).find((t) => t.id === reminder)!;
    await (a as unknown as Executes).execute([{ kind: 'timer', timer: next }]);
    const all = (await store.auditTrail('case')).filter((e) => e.type === 'timer.fired' && e.data.timer === reminder);
    expect(all.map((e) => [e.data.due, e.time >= Number(e.data.due)])).toEqual([
      [T0 + HOUR, true],
      [T0 + 2 * HOUR, true],
    ]);
    await a.close();
    await b.close();
  });
});
