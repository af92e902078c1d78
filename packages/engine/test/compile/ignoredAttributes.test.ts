import { describe, expect, it } from 'vitest';
import { createEngine, MemoryStore, VirtualClock, type Problem } from '@sopflow/engine';

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0"`;

/** A process `p` whose start leads through the given elements (ids a, b, c… in order) to the end. */
function diagram(elements: string[], processAttributes = ''): string {
  const ids = elements.map((e) => /id="([^"]+)"/.exec(e)![1]);
  const chain = ['s', ...ids, 'e'];
  const flows = chain.slice(1).map((to, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${chain[i]}" targetRef="${to}"/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d">
  <bpmn:process id="p" isExecutable="true" ${processAttributes}>
    <bpmn:startEvent id="s"/>
    ${elements.join('\n    ')}
    ${flows.join('\n    ')}
    <bpmn:endEvent id="e"/>
  </bpmn:process>
  <bpmn:process id="child" isExecutable="true"><bpmn:startEvent id="cs"/><bpmn:sequenceFlow id="cf" sourceRef="cs" targetRef="ce"/><bpmn:endEvent id="ce"/></bpmn:process>
</bpmn:definitions>`;
}

async function warningsOf(xml: string): Promise<Problem[]> {
  const engine = createEngine({ store: new MemoryStore(), clock: new VirtualClock(0), scheduler: false });
  try {
    return (await engine.deploy(xml)).warnings.filter((w) => w.code === 'bpmn.not-executed');
  } finally {
    await engine.close();
  }
}

describe('Camunda and Zeebe attributes sopflow does not read', () => {
  it.each([
    ['camunda:asyncBefore', '<bpmn:serviceTask id="a" sop:type="t" camunda:asyncBefore="true"/>', 'one commit'],
    ['camunda:asyncAfter', '<bpmn:userTask id="a" camunda:asyncAfter="true"/>', 'asynchronous continuation'],
    ['camunda:failedJobRetryTimeCycle', '<bpmn:serviceTask id="a" sop:type="t"><bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R5/PT5M</camunda:failedJobRetryTimeCycle></bpmn:extensionElements></bpmn:serviceTask>', 'sop:retries and sop:retryBackoff'],
    ['camunda:jobPriority', '<bpmn:serviceTask id="a" sop:type="t" camunda:jobPriority="10"/>', 'due order'],
    ['camunda:taskPriority', '<bpmn:serviceTask id="a" camunda:type="external" camunda:topic="t" camunda:taskPriority="5"/>', 'due order'],
    ['camunda:calledElementBinding', '<bpmn:callActivity id="a" calledElement="child" camunda:calledElementBinding="version" camunda:calledElementVersion="2"/>', 'latest deployed version'],
    ['camunda:dueDate', '<bpmn:userTask id="a" camunda:dueDate="${dateTime().plusDays(2).toDate()}"/>', 'sop:sla'],
    ['camunda:followUpDate', '<bpmn:userTask id="a" camunda:followUpDate="2026-12-01T09:00:00"/>', 'sop:sla'],
    ['camunda:priority', '<bpmn:userTask id="a" camunda:priority="80"/>', 'no priority'],
    ['camunda:formData', '<bpmn:userTask id="a"><bpmn:extensionElements><camunda:formData><camunda:formField id="amount" type="long"><camunda:validation><camunda:constraint name="required"/></camunda:validation></camunda:formField></camunda:formData></bpmn:extensionElements></bpmn:userTask>', 'sop:field'],
    ['camunda:field', '<bpmn:serviceTask id="a" camunda:class="org.example.Mail"><bpmn:extensionElements><camunda:field name="to" stringValue="ops@example.com"/></bpmn:extensionElements></bpmn:serviceTask>', 'only variables'],
    ['camunda:errorEventDefinition', '<bpmn:serviceTask id="a" camunda:type="external" camunda:topic="t"><bpmn:extensionElements><camunda:errorEventDefinition id="x" expression="${true}"/></bpmn:extensionElements></bpmn:serviceTask>', 'BpmnError'],
    ['camunda:in businessKey', '<bpmn:callActivity id="a" calledElement="child"><bpmn:extensionElements><camunda:in businessKey="#{execution.processBusinessKey}"/></bpmn:extensionElements></bpmn:callActivity>', 'no business key'],
    ['zeebe:taskSchedule', '<bpmn:userTask id="a"><bpmn:extensionElements><zeebe:taskSchedule dueDate="=now() + duration(&quot;P2D&quot;)"/></bpmn:extensionElements></bpmn:userTask>', 'sop:sla'],
    ['zeebe:priorityDefinition', '<bpmn:userTask id="a"><bpmn:extensionElements><zeebe:priorityDefinition priority="90"/></bpmn:extensionElements></bpmn:userTask>', 'no priority'],
    ['zeebe:taskHeaders', '<bpmn:serviceTask id="a"><bpmn:extensionElements><zeebe:taskDefinition type="mail"/><zeebe:taskHeaders><zeebe:header key="to" value="ops"/></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>', 'only variables'],
    ['zeebe:calledElement bindingType', '<bpmn:callActivity id="a"><bpmn:extensionElements><zeebe:calledElement processId="child" bindingType="deployment"/></bpmn:extensionElements></bpmn:callActivity>', 'latest deployed version'],
    ['zeebe:calledElement propagateAllParentVariables', '<bpmn:callActivity id="a"><bpmn:extensionElements><zeebe:calledElement processId="child" propagateAllParentVariables="false"/></bpmn:extensionElements></bpmn:callActivity>', 'passes every variable'],
    ['zeebe:calledElement propagateAllChildVariables', '<bpmn:callActivity id="a"><bpmn:extensionElements><zeebe:calledElement processId="child" propagateAllChildVariables="false"/></bpmn:extensionElements></bpmn:callActivity>', 'passes every variable'],
  ])('should warn at deploy about %s, naming the element and the attribute', async (attribute, element, instead) => {
    // given
    const xml = diagram([element]);
    // when
    const warnings = await warningsOf(xml);
    // then
    expect(warnings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'bpmn.not-executed',
        elementId: 'a',
        attribute,
        message: expect.stringMatching(new RegExp(`^${attribute.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} on 'a' is not read by sopflow: .*${instead}`)),
        params: { variant: 'ignored-attribute', element: 'a', attribute, instead: expect.any(String) },
      }),
    ]);
  });

  it('should warn about start restrictions on the process', async () => {
    // given
    const xml = diagram(['<bpmn:userTask id="a"/>'], 'camunda:candidateStarterGroups="clerks" camunda:candidateStarterUsers="ann"');
    // when
    const warnings = await warningsOf(xml);
    // then
    expect(warnings.map((w) => [w.elementId, w.attribute, w.params?.instead])).toEqual([
      ['p', 'camunda:candidateStarterGroups', 'authorize'],
      ['p', 'camunda:candidateStarterUsers', 'authorize'],
    ]);
  });

  it('should find the attributes in the Activiti namespace and inside sub-processes', async () => {
    // given
    const xml = diagram([
      '<bpmn:subProcess id="a"><bpmn:startEvent id="ss"/><bpmn:sequenceFlow id="sf1" sourceRef="ss" targetRef="inner"/><bpmn:userTask id="inner" activiti:dueDate="2026-12-01"/><bpmn:sequenceFlow id="sf2" sourceRef="inner" targetRef="se"/><bpmn:endEvent id="se"/></bpmn:subProcess>',
    ]).replace('<bpmn:definitions ', '<bpmn:definitions xmlns:activiti="http://activiti.org/bpmn" ');
    // when
    const warnings = await warningsOf(xml);
    // then
    expect(warnings.map((w) => [w.elementId, w.attribute])).toEqual([['inner', 'camunda:dueDate']]);
  });

  it('should not warn when the value means what sopflow does anyway', async () => {
    // given
    const xml = diagram([
      '<bpmn:userTask id="a" camunda:asyncBefore="false" camunda:asyncAfter="false" camunda:exclusive="true"/>',
      '<bpmn:callActivity id="b" calledElement="child" camunda:calledElementBinding="latest"/>',
      '<bpmn:callActivity id="c"><bpmn:extensionElements><zeebe:calledElement processId="child" bindingType="latest" propagateAllParentVariables="false" propagateAllChildVariables="false"/><zeebe:ioMapping><zeebe:input source="=1" target="x"/><zeebe:output source="=y" target="y"/></zeebe:ioMapping></bpmn:extensionElements></bpmn:callActivity>',
      '<bpmn:userTask id="g" camunda:candidateGroups="clerks" camunda:formKey="embedded:app:forms/a.html"/>',
    ], 'camunda:historyTimeToLive="30" camunda:versionTag="2"');
    // when
    const warnings = await warningsOf(xml);
    // then
    expect(warnings).toEqual([]);
  });
});
