/**
 * A diagram whose signal starts a case that throws the same signal: one
 * broadcast would start cases for ever inside one unit of work. The engine
 * stops it at limits.maxCommandsPerUnit (default 10,000) with a typed error
 * and commits nothing; the engine keeps serving.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, InvalidStateError, MemoryStore, VirtualClock } from '@sopflow/engine';

const LOOP = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="urn:test">
  <bpmn:signal id="Signal_Ping" name="ping" />
  <bpmn:process id="ping-pong" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:signalEventDefinition signalRef="Signal_Ping" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="throw" />
    <bpmn:intermediateThrowEvent id="throw"><bpmn:signalEventDefinition signalRef="Signal_Ping" /></bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="throw" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
  <bpmn:process id="bystander" isExecutable="true">
    <bpmn:startEvent id="b_start" />
    <bpmn:sequenceFlow id="b1" sourceRef="b_start" targetRef="b_task" />
    <bpmn:userTask id="b_task" />
    <bpmn:sequenceFlow id="b2" sourceRef="b_task" targetRef="b_end" />
    <bpmn:endEvent id="b_end" />
  </bpmn:process>
</bpmn:definitions>`;

describe('a signal that starts cases throwing the same signal', () => {
  // The default (10,000) stops it too, but takes about 50 s on a loaded 2-core machine (docs/reliability.md, known gaps): lowered here.
  it('should stop at limits.maxCommandsPerUnit with unit.too-large, commit nothing, and keep serving', async () => {
    const max = 100;
    const limits = { maxCommandsPerUnit: max };
    // given
    const store = new MemoryStore();
    const engine = createEngine({ store, clock: new VirtualClock(0), scheduler: false, limits });
    await engine.deploy(LOOP);
    const bystander = await engine.start('bystander');
    const before = await engine.audit.query({ limit: 1000 });
    // when
    const started = performance.now();
    const error = await engine.signal('ping').catch((e: unknown) => e);
    const ms = performance.now() - started;
    // then
    expect(error).toBeInstanceOf(InvalidStateError);
    expect(error).toMatchObject({ code: 'unit.too-large' });
    expect((error as Error).message).toContain(`more than ${max} follow-up steps`);
    expect(ms).toBeLessThan(15_000);
    expect((await engine.instances({ processId: 'ping-pong' })).total).toBe(0);
    expect((await engine.audit.query({ limit: 1000 })).items).toEqual(before.items);
    // and the engine goes on
    const [task] = (await engine.tasks({ instanceId: bystander.id })).items;
    await engine.complete(task.id, { by: 'system' });
    expect((await engine.instance(bystander.id)).status).toBe('completed');
    expect((await engine.audit.verify()).ok).toBe(true);
    await engine.close();
  });
});
