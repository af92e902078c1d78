import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, transition } from 'xstate';
import { createEngine, MemoryStore, NotFoundError, pureTransition, VirtualClock } from '@sopflow/engine';

const xml = (name: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="leave" name="${name}" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="approve"/>
    <bpmn:userTask id="approve" name="Approve" sop:candidateGroups="leads"/>
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

const T0 = Date.parse('2026-01-05T09:00:00Z');

async function deployed() {
  const store = new MemoryStore();
  const engine = createEngine({ store, clock: new VirtualClock(T0), ids: () => 'case-1' });
  await engine.deploy(xml('Leave request'));
  return { engine, store };
}

type Step = { type: string; params: { audit: Array<{ type: string; node?: string }>; effects: Array<{ type: string }> } };
const steps = (actions: unknown[]) => actions.filter((a): a is Step => (a as Step).type === 'sop.step');

describe('engine.machineFor()', () => {
  it("should return the deployed version's machine, named and described for xstate tooling", async () => {
    // given
    const { engine } = await deployed();
    await engine.deploy(xml('Leave request, v2'));
    // when
    const latest = await engine.machineFor('leave');
    const first = await engine.machineFor('leave', 1);
    // then
    expect(latest.id).toBe('leave:2');
    expect(first.id).toBe('leave:1');
    expect(latest.config.description).toBe('Leave request, v2 (leave v2)');
    expect(latest.root.meta).toEqual({ processId: 'leave', version: 2, nodes: 3 });
    expect(Object.keys(latest.states)).toEqual(['idle', 'running', 'completed', 'cancelled']);
    await expect(engine.machineFor('nope')).rejects.toThrow(NotFoundError);
  });

  it('should run an instance purely with xstate transition(): effects and audit come out as actions, nothing is stored', async () => {
    // given
    const { engine, store } = await deployed();
    const machine = await engine.machineFor('leave');
    const [idle] = initialTransition(machine);
    // when
    const [running, actions] = transition(machine, idle, { type: 'instance.start', input: { id: 'mine', at: T0, actor: 'system', variables: { days: 2 } } });
    // then
    expect(running.value).toBe('running');
    expect(running.context).toMatchObject({ id: 'mine', processId: 'leave', status: 'running' });
    const [step] = steps(actions);
    expect(step.params.audit.map((e) => e.type)).toEqual(expect.arrayContaining(['instance.started', 'task.created']));
    expect(step.params.effects.map((e) => e.type)).toContain('task.create');
    expect(await store.getInstance('mine')).toBeUndefined();
  });

  it("should drive a stored instance from its restored snapshot to the end, without touching the engine's copy", async () => {
    // given: an instance the engine runs, waiting at its task
    const { engine, store } = await deployed();
    const { id } = await engine.start('leave');
    const record = (await store.getInstance(id))!;
    const [task] = (await engine.tasks({ instanceId: id })).items;
    const machine = await engine.machineFor('leave');
    const snapshot = machine.resolveState({ value: 'running', context: record.state });
    // when
    const [done, actions] = transition(machine, snapshot, { type: 'task.complete', at: T0 + 60_000, actor: { id: 'lee', groups: ['leads'] }, taskId: task.id });
    // then
    expect(done.value).toBe('completed');
    expect(done.status).toBe('done');
    expect(steps(actions)[0].params.audit.map((e) => e.type)).toEqual(expect.arrayContaining(['task.completed', 'instance.completed']));
    expect((await engine.instance(id)).status).toBe('running');
    // and an xstate actor started from the same snapshot reaches the same end
    const actor = createActor(machine, { snapshot });
    actor.start();
    actor.send({ type: 'task.complete', at: T0 + 60_000, actor: { id: 'lee', groups: ['leads'] }, taskId: task.id });
    expect(actor.getSnapshot().value).toBe('completed');
    expect(actor.getSnapshot().context.endedAt).toBe(T0 + 60_000);
    actor.stop();
  });

  it("should give with pureTransition() the snapshot and sop.step params xstate's transition() gives, call after call", async () => {
    // given
    const { engine } = await deployed();
    const machine = await engine.machineFor('leave');
    const [idle] = initialTransition(machine);
    const start = { type: 'instance.start' as const, input: { id: 'mine', at: T0, actor: 'system', variables: { days: 2 } } };
    // when: the same two commands both ways
    const [running, startParams] = pureTransition(machine, idle, start);
    const [xRunning, xStartActions] = transition(machine, idle, start);
    const taskId = (startParams!.effects.find((e) => e.type === 'task.create') as { task: { id: string } }).task.id;
    const complete = { type: 'task.complete' as const, at: T0 + 60_000, actor: { id: 'lee', groups: ['leads'] }, taskId };
    const [done, completeParams] = pureTransition(machine, machine.resolveState({ value: 'running', context: running.context }), complete);
    const [xDone, xCompleteActions] = transition(machine, machine.resolveState({ value: 'running', context: xRunning.context }), complete);
    // then
    expect([running.value, running.status, running.context]).toEqual([xRunning.value, xRunning.status, xRunning.context]);
    expect(startParams).toEqual(steps(xStartActions)[0].params);
    expect([done.value, done.status, done.context]).toEqual([xDone.value, xDone.status, xDone.context]);
    expect(completeParams).toEqual(steps(xCompleteActions)[0].params);
    expect(done.value).toBe('completed');
  });

  it('should leave pureTransition() usable after a command the machine refuses', async () => {
    // given: an instance that has ended
    const { engine } = await deployed();
    const machine = await engine.machineFor('leave');
    const [idle] = initialTransition(machine);
    const [running, started] = pureTransition(machine, idle, { type: 'instance.start', input: { id: 'mine', at: T0, actor: 'system', variables: {} } });
    const cancelled = pureTransition(machine, machine.resolveState({ value: 'running', context: running.context }), { type: 'cancel', at: T0, actor: { id: 'system' }, reason: 'test' })[0];
    // when: a task of it is completed after all
    const taskId = (started!.effects.find((e) => e.type === 'task.create') as { task: { id: string } }).task.id;
    const late = () => pureTransition(machine, machine.resolveState({ value: 'running', context: cancelled.context }), { type: 'task.complete', at: T0, actor: { id: 'system' }, taskId });
    // then: refused, and the next call still hands its step out
    expect(late).toThrow(/cancelled; it accepts no more commands/);
    const [again, params] = pureTransition(machine, idle, { type: 'instance.start', input: { id: 'other', at: T0, actor: 'system', variables: {} } });
    expect(again.context.id).toBe('other');
    expect(params?.audit.map((e) => e.type)).toContain('instance.started');
  });
});
