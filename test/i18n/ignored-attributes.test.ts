/**
 * The deploy warnings about Camunda/Zeebe attributes sopflow does not read
 * (packages/engine/src/compile/ignoredAttributes.ts) read in Chinese with
 * what sopflow does instead — one wording per `instead`, none falling back
 * to the generic text.
 */
import { createEngine, MemoryStore, VirtualClock } from '@sopflow/engine';
import { problemRef, translator } from '@sopflow/i18n';
import { describe, expect, it } from 'vitest';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">
  <bpmn:process id="p" isExecutable="true" camunda:candidateStarterGroups="clerks">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
    <bpmn:userTask id="a" camunda:asyncBefore="true" camunda:dueDate="2026-12-01" camunda:priority="5">
      <bpmn:extensionElements><camunda:formData><camunda:formField id="x" type="string"/></camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
    <bpmn:serviceTask id="b" camunda:class="x.Y">
      <bpmn:extensionElements>
        <camunda:failedJobRetryTimeCycle>R3/PT1M</camunda:failedJobRetryTimeCycle>
        <camunda:field name="to" stringValue="ops"/>
        <camunda:errorEventDefinition id="err" expression="\${true}"/>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="c"/>
    <bpmn:callActivity id="c" calledElement="p" camunda:calledElementBinding="deployment">
      <bpmn:extensionElements><camunda:in businessKey="#{execution.processBusinessKey}"/></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="f4" sourceRef="c" targetRef="z"/>
    <bpmn:callActivity id="z"><bpmn:extensionElements><zeebe:calledElement processId="p" propagateAllChildVariables="false"/></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="f5" sourceRef="z" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

describe('ignored Camunda/Zeebe attributes in Chinese', () => {
  it('should say in Chinese which attribute of which element is not read, and what sopflow does instead', async () => {
    // given
    const engine = createEngine({ store: new MemoryStore(), clock: new VirtualClock(0), scheduler: false });
    const { warnings } = await engine.deploy(xml);
    await engine.close();
    const ignored = warnings.filter((w) => w.params?.variant === 'ignored-attribute');
    const zh = translator('zh-CN');
    // when
    const texts = ignored.map((w) => zh.message(problemRef(w)));
    // then: every kind of "instead" is here, each with its own wording
    expect(new Set(ignored.map((w) => w.params?.instead))).toEqual(
      new Set(['one-commit', 'retries', 'due-order', 'latest-version', 'sla', 'authorize', 'no-headers', 'all-variables', 'bpmn-error', 'no-business-key', 'sop-fields']),
    );
    ignored.forEach((w, i) => {
      expect(texts[i]).toMatch(new RegExp(`^sopflow 不读取「${w.elementId}」上的 ${w.attribute}：`));
      expect(texts[i]).not.toContain('此属性不会被执行');
    });
  });
});
