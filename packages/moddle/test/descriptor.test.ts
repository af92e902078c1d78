import { describe, expect, it } from 'vitest';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { sopCamundaCompatibleDescriptor, sopDescriptor, SOP_NAMESPACE } from '../src/index.js';

const TYPES = [
  'bpmn:Process', 'bpmn:UserTask', 'bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:ScriptTask',
  'bpmn:BusinessRuleTask', 'bpmn:SubProcess', 'bpmn:CallActivity', 'bpmn:Message',
  'bpmn:MultiInstanceLoopCharacteristics',
];

function descriptorsOf(moddle: any): void {
  for (const type of TYPES) moddle.getElementDescriptor(moddle.create(type));
}

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:sop="${SOP_NAMESPACE}" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
  <bpmn:process id="p" isExecutable="true" sop:calendar="office">
    <bpmn:userTask id="t" sop:candidateGroups="support-agents" camunda:assignee="bob" sop:sla="PT2H">
      <bpmn:extensionElements>
        <sop:escalation at="75%" action="remind"/>
        <sop:escalation at="100%" action="escalate" escalationCode="LATE"/>
      </bpmn:extensionElements>
    </bpmn:userTask>
  </bpmn:process>
</bpmn:definitions>`;

describe('sop descriptor', () => {
  it('should load beside the Zeebe descriptor', () => {
    // given
    const moddle = new BpmnModdle({ sop: sopDescriptor, zeebe } as any);
    // then
    expect(() => descriptorsOf(moddle)).not.toThrow();
  });

  it('should collide with the Camunda 7 descriptor, which is why the compatible variant exists', () => {
    // given
    const moddle = new BpmnModdle({ sop: sopDescriptor, camunda } as any);
    // then
    expect(() => descriptorsOf(moddle)).toThrow(/already defined/);
  });

  it('should load beside the Camunda 7 descriptor in its compatible variant', () => {
    // given
    const moddle = new BpmnModdle({ sop: sopCamundaCompatibleDescriptor, camunda } as any);
    // then
    expect(() => descriptorsOf(moddle)).not.toThrow();
  });

  it('should read sop attributes and escalation rules', async () => {
    // given
    const moddle = new BpmnModdle({ sop: sopDescriptor } as any);
    // when
    const { rootElement, warnings } = await moddle.fromXML(xml);
    // then
    expect(warnings).toEqual([]);
    const process = (rootElement as any).rootElements[0];
    const task = process.flowElements[0];
    expect(process.get('sop:calendar')).toBe('office');
    expect(task.get('sop:candidateGroups')).toBe('support-agents');
    expect(task.get('sop:sla')).toBe('PT2H');
    expect(task.extensionElements.values.map((v: any) => [v.$type, v.at, v.action, v.escalationCode])).toEqual([
      ['sop:Escalation', '75%', 'remind', undefined],
      ['sop:Escalation', '100%', 'escalate', 'LATE'],
    ]);
  });

  it('should keep colliding sop attributes as generic attributes in the compatible variant', async () => {
    // given
    const moddle = new BpmnModdle({ sop: sopCamundaCompatibleDescriptor, camunda } as any);
    // when
    const { rootElement } = await moddle.fromXML(xml);
    // then
    const task = (rootElement as any).rootElements[0].flowElements[0];
    expect(task.get('camunda:assignee')).toBe('bob');
    expect(task.$attrs['sop:candidateGroups']).toBe('support-agents');
    expect(task.get('sop:sla')).toBe('PT2H');
  });
});
