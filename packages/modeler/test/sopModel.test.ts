import { describe, expect, it } from 'vitest';
import { createModdle } from '@sopflow/engine';
import { sopDescriptor } from '@sopflow/moddle';
import { BpmnModdle } from 'bpmn-moddle';
import { escalationRules, reorderRules, ruleLabel, sopAttr, sopTarget, type ModdleElement } from '../src/features/sop-properties/model.js';
import { newDiagramXml, processIdFor, TEMPLATES } from '../src/templates/index.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="D" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true" sop:sensitive="iban">
    <bpmn:userTask id="t" sop:candidateGroups="clerks" sop:sla="PT2H">
      <bpmn:extensionElements>
        <sop:escalation at="50%" action="remind" />
        <sop:field name="ok" type="boolean" />
        <sop:escalation at="100%" action="escalate" escalationCode="LATE" />
        <sop:escalation at="PT4H" every="PT4H" action="notify" target="group:leads" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="g" />
  </bpmn:process>
</bpmn:definitions>`;

async function load(): Promise<{ process: ModdleElement; task: ModdleElement; gateway: ModdleElement }> {
  // As bpmn-js loads it: bpmn-moddle with the sop descriptor only.
  const moddle = new BpmnModdle({ sop: structuredClone(sopDescriptor) });
  const { rootElement } = await moddle.fromXML(XML);
  const process = rootElement.rootElements[0];
  return { process, task: process.flowElements[0], gateway: process.flowElements[1] };
}

describe('SOP tab model', () => {
  it('should find what carries the SOP attributes of a selection', async () => {
    // given
    const { process, task, gateway } = await load();

    // when
    const found = [process, task, gateway].map((bo) => sopTarget({ id: bo.id!, type: bo.$type, businessObject: bo })?.kind);

    // then
    expect(found).toEqual(['process', 'userTask', undefined]);
    expect([sopAttr(task, 'sla'), sopAttr(task, 'assignee'), sopAttr(process, 'sensitive')]).toEqual(['PT2H', '', 'iban']);
  });

  it('should list the escalation rules and move one without moving the other extension elements', async () => {
    // given
    const { task } = await load();
    const values: ModdleElement[] = task.extensionElements.values;

    // when
    const moved = reorderRules(values, 2, 0);

    // then
    expect(escalationRules(task).map(ruleLabel)).toEqual(['at 50% → remind', 'at 100% → escalate LATE', 'at PT4H, every PT4H → notify']);
    expect(moved.map((v) => v.$type)).toEqual(['sop:Escalation', 'sop:Field', 'sop:Escalation', 'sop:Escalation']);
    expect(moved.filter((v) => v.$type === 'sop:Escalation').map(ruleLabel)).toEqual(['at PT4H, every PT4H → notify', 'at 50% → remind', 'at 100% → escalate LATE']);
    expect(reorderRules(values, 0, 5)).toEqual(values);
  });

  it('should start a blank diagram with a process named after the file, and templates as copies', async () => {
    // when
    const blank = newDiagramXml(TEMPLATES[0], 'team/Refund <fast>.bpmn');
    const complaint = newDiagramXml(TEMPLATES.find((t) => t.id === 'complaint-escalation')!, 'x.bpmn');

    // then
    expect(processIdFor('team/Refund <fast>.bpmn')).toBe('Refund-fast');
    expect(blank).toContain('<bpmn:process id="Refund-fast" name="Refund &lt;fast>" isExecutable="true">');
    expect(blank).toContain('bpmnElement="Refund-fast"');
    const { warnings } = await createModdle().fromXML(blank);
    expect(warnings).toEqual([]);
    expect(complaint).toContain('id="complaint-escalation"');
    expect(TEMPLATES.map((t) => t.id)).toEqual(['blank', 'order-handling', 'complaint-escalation', 'cross-department-approval']);
  });
});
