import { describe, expect, it } from 'vitest';
import { createEngine, VirtualClock } from '@sopflow/engine';

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0"`;
const T0 = Date.parse('2026-01-05T09:00:00Z'); // a Monday

// start → plain task → user task with an SLA and a reminder at 50 % → end
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="prepare"/>
    <bpmn:task id="prepare" name="Prepare"/>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="review"/>
    <bpmn:userTask id="review" name="Review" sop:candidateGroups="desk" sop:sla="PT1H"><bpmn:extensionElements><sop:escalation at="50%" action="remind"/></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

// History rows are written when a step ends: one row per activity execution, closed if it ended in the step, else open.
describe('activity history rows', () => {
  it('should write a closed row for an activity that opened and ended in one step, an open one for a waiting task, and keep it current', async () => {
    // given
    const clock = new VirtualClock(T0);
    let n = 0;
    const engine = createEngine({ clock, ids: () => `i${++n}` });
    await engine.deploy(XML);
    // when
    const { id } = await engine.start('p');
    // then
    const rows = async () => (await engine.activities({ instanceId: id })).items.sort((a, b) => a.node.localeCompare(b.node));
    const [prepare, review] = await rows();
    expect(prepare).toMatchObject({ node: 'prepare', nodeName: 'Prepare', startedAt: T0, endedAt: T0, durationMs: 0, outcome: 'completed' });
    expect(review).toMatchObject({ node: 'review', nodeType: 'userTask', startedAt: T0, department: 'desk', due: T0 + 3_600_000, reminders: 0 });
    expect(review).not.toHaveProperty('endedAt');
    // when: the reminder fires
    await clock.advance('PT30M');
    // then: the open row counts it
    expect((await rows())[1]).toMatchObject({ node: 'review', reminders: 1 });
    expect((await rows())[1]).not.toHaveProperty('endedAt');
    // when
    const [task] = (await engine.tasks({ instanceId: id })).items;
    await engine.complete(task.id, { by: 'system' });
    // then
    const closed = await rows();
    expect(closed).toHaveLength(2);
    expect(closed[1]).toMatchObject({ node: 'review', reminders: 1, endedAt: T0 + 1_800_000, durationMs: 1_800_000, outcome: 'completed', completedBy: 'system', slaMet: true });
  });
});
