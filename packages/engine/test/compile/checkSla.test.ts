import { describe, expect, it } from 'vitest';
import { BpmnValidationError, createEngine, VirtualClock } from '@sopflow/engine';

const office = { name: 'office', zone: 'Asia/Shanghai', hours: { mon: ['09:00-12:00', '13:00-18:00'], tue: ['09:00-18:00'], wed: ['09:00-18:00'], thu: ['09:00-18:00'], fri: ['09:00-18:00'] } };

function diagram(task: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:escalation id="Esc_Late" escalationCode="LATE"/>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    ${task}
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/><bpmn:endEvent id="e"/>
    ${extra}
  </bpmn:process>
</bpmn:definitions>`;
}

async function deploy(xml: string) {
  const engine = createEngine({ clock: new VirtualClock(0), scheduler: false, calendars: [office] });
  return engine.deploy(xml);
}

describe('deploy-time SLA checks', () => {
  it('should refuse a calendar the engine does not know, naming the element and the registered ones', async () => {
    // given
    const xml = diagram('<bpmn:userTask id="t" name="Review" sop:sla="PT2H" sop:calendar="ofice"/>');
    // when
    const attempt = deploy(xml);
    // then
    await expect(attempt).rejects.toThrow(BpmnValidationError);
    await expect(attempt).rejects.toThrow("<t> sop:calendar: Calendar 'ofice' is not registered with the engine (registered: office).");
  });

  it('should warn about an escalation code nothing catches', async () => {
    // given
    const xml = diagram(
      '<bpmn:userTask id="t" sop:sla="PT2H"><bpmn:extensionElements><sop:escalation at="100%" action="escalate" escalationCode="LATE"/></bpmn:extensionElements></bpmn:userTask>',
    );
    // when
    const { warnings } = await deploy(xml);
    // then
    expect(warnings).toEqual([expect.objectContaining({ code: 'sla.escalation-uncaught', elementId: 't', attribute: 'sop:escalation[1]' })]);
  });

  it('should not warn when a boundary event catches the escalation', async () => {
    // given
    const xml = diagram(
      '<bpmn:userTask id="t" sop:sla="PT2H"><bpmn:extensionElements><sop:escalation at="100%" action="escalate" escalationCode="LATE"/></bpmn:extensionElements></bpmn:userTask>',
      '<bpmn:boundaryEvent id="b" attachedToRef="t" cancelActivity="false"><bpmn:escalationEventDefinition escalationRef="Esc_Late"/></bpmn:boundaryEvent><bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="e2"/><bpmn:endEvent id="e2"/>',
    );
    // when
    const { warnings } = await deploy(xml);
    // then
    expect(warnings).toEqual([]);
  });

  it('should warn about a rule that comes after the activity\'s own interrupting timer', async () => {
    // given: the task is withdrawn after 1 hour; a reminder at 75% of 2 hours would come at 1.5 hours
    const xml = diagram(
      '<bpmn:userTask id="t" sop:sla="PT2H"><bpmn:extensionElements><sop:escalation at="75%" action="remind"/></bpmn:extensionElements></bpmn:userTask>',
      '<bpmn:boundaryEvent id="timeout" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:sequenceFlow id="f3" sourceRef="timeout" targetRef="e2"/><bpmn:endEvent id="e2"/>',
    );
    // when
    const { warnings } = await deploy(xml);
    // then
    expect(warnings).toEqual([expect.objectContaining({ code: 'sla.rule-after-timer', elementId: 't' })]);
    expect(warnings[0].message).toContain('interrupting timer timeout ends the activity first');
  });
});
