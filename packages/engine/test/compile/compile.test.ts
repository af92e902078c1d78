/**
 * The compile stage on what real diagrams contain: Camunda 7 attributes
 * (also in Activiti's namespace), Zeebe extension elements, catch events
 * without codes, scripts and calls sopflow cannot run. Each refusal names
 * its class, its code and the element.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, type CompileResult } from '../../src/compile/compile.js';
import type { ProcessDefinition } from '../../src/compile/definition.js';
import { BpmnValidationError, SopflowError, UnsupportedElementError, type Problem } from '../../src/errors.js';
import { parse } from '../../src/parse/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/compile/', import.meta.url));

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + name));
}

/** A document with one executable process `P` that starts at `start`; `before` goes ahead of the process. */
function diagram(body: string, before = '', namespaces = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" ${namespaces} id="Definitions_1">
${before}
<bpmn:process id="P" isExecutable="true">
<bpmn:startEvent id="start" />
${body}
</bpmn:process>
</bpmn:definitions>`;
}

async function compileXml(xml: string | Uint8Array): Promise<CompileResult> {
  const parsed = await parse(xml);
  return compile(parsed.definitions, { locate: parsed.locate });
}

async function only(xml: string | Uint8Array): Promise<ProcessDefinition> {
  const { processes } = await compileXml(xml);
  expect(processes).toHaveLength(1);
  return processes[0];
}

/** Awaits the refusal of a compile and returns the error, which must be a SopflowError. */
async function refusal(xml: string): Promise<SopflowError> {
  const error = await compileXml(xml).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SopflowError);
  return error as SopflowError;
}

function problemsOf(error: SopflowError): Problem[] {
  if (error instanceof BpmnValidationError) return error.problems;
  if (error instanceof UnsupportedElementError) return error.elements;
  return [];
}

describe('compile', () => {
  describe('zeebe:ioMapping', () => {
    it('should read an input source without "=" as a static string, as Zeebe does', async () => {
      // given
      const input = fixture('zeebe.static-inputs.bpmn');
      // when
      const definition = await only(input);
      // then
      expect(definition.nodes.CallApi.inputs).toEqual([
        { source: { feel: '"bearer"' }, target: 'authentication.type' },
        { source: { feel: '"{{ secrets.API_TOKEN }}"' }, target: 'authentication.token' },
        { source: { feel: '"https://catfact.ninja/fact"' }, target: 'url' },
        { source: { feel: '"GET"' }, target: 'method' },
        { source: { feel: '20' }, target: 'connectionTimeoutInSeconds' },
      ]);
      expect(definition.nodes.CallApi.outputs).toEqual([{ source: { feel: 'response.body' }, target: 'fact' }]);
      expect(definition.nodes.CallApi.jobType).toBe('io.camunda:http-json:1');
    });

    it('should keep quotes and backslashes of a static input intact', async () => {
      // given
      const xml = diagram(`<bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="x" /><zeebe:ioMapping>
        <zeebe:input source="say &quot;hi&quot; \\ bye" target="text" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>`);
      // when
      const definition = await only(xml);
      // then
      expect(definition.nodes.t.inputs).toEqual([{ source: { feel: JSON.stringify('say "hi" \\ bye') }, target: 'text' }]);
    });

    it('should refuse an output source without "=", which Zeebe refuses too', async () => {
      // given
      const xml = diagram(`<bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="x" /><zeebe:ioMapping>
        <zeebe:output source="result" target="answer" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>`);
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(BpmnValidationError);
      expect(error.code).toBe('bpmn.invalid');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'mapping.source', elementId: 't', attribute: 'zeebe:output[answer]' })]);
    });
  });

  describe('namespaces', () => {
    it("should read Camunda 7 attributes and elements in Activiti's namespace, as Camunda 7 does", async () => {
      // given
      const input = fixture('camunda.activiti-namespace.bpmn');
      // when
      const definition = await only(input);
      // then
      expect(definition.nodes.Approve.assignment).toEqual({ assignee: { feel: 'approver' }, candidateGroups: 'accounting, management' });
      expect(definition.nodes.Approve.formKey).toBe('embedded:app:forms/approve.html');
      expect(definition.nodes.Archive.jobType).toBe('org.example.ArchiveInvoice');
      expect(definition.nodes.Archive.inputs).toEqual([
        { source: { feel: 'year' }, target: 'folder' },
        { source: { feel: '"invoice"' }, target: 'kind' },
      ]);
    });

    it("should see a DMN decision written in Activiti's namespace and refuse it as unsupported", async () => {
      // given
      const xml = diagram(`<bpmn:businessRuleTask id="decide" camunda:decisionRef="approver" activiti:resultVariable="group" />`, '', 'xmlns:activiti="http://activiti.org/bpmn"').replace(
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
        'xmlns:camunda="http://activiti.org/bpmn"',
      );
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(UnsupportedElementError);
      expect(error.code).toBe('bpmn.unsupported');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.unsupported', elementId: 'decide' })]);
    });

    it('should read sop: attributes whatever prefix the document binds to the sop namespace', async () => {
      // given
      const xml = diagram(`<bpmn:userTask id="review" s:assignee="alice" s:candidateGroups="reviewers" s:sla="PT4H" />`, '', 'xmlns:s="https://sopflow.dev/schema/bpmn/sop/1.0"');
      // when
      const definition = await only(xml);
      // then
      expect(definition.nodes.review.assignment).toEqual({ assignee: 'alice', candidateGroups: 'reviewers' });
      expect(definition.nodes.review.sla?.sla).toBe('PT4H');
    });
  });

  describe('error and escalation catches', () => {
    it('should make an error boundary event whose error has no code catch every error', async () => {
      // given
      const xml = diagram(
        `<bpmn:serviceTask id="work" camunda:type="external" camunda:topic="work" />
         <bpmn:boundaryEvent id="failed" attachedToRef="work"><bpmn:errorEventDefinition errorRef="AnyError" /></bpmn:boundaryEvent>`,
        '<bpmn:error id="AnyError" />',
      );
      // when
      const definition = await only(xml);
      // then
      expect(definition.nodes.failed.event).toEqual({ kind: 'error' });
      expect(definition.nodes.work.boundaries).toEqual(['failed']);
    });

    it('should make an escalation boundary event whose escalation has no code catch every escalation', async () => {
      // given
      const xml = diagram(
        `<bpmn:userTask id="work" />
         <bpmn:boundaryEvent id="escalated" attachedToRef="work" cancelActivity="false"><bpmn:escalationEventDefinition escalationRef="AnyEscalation" /></bpmn:boundaryEvent>`,
        '<bpmn:escalation id="AnyEscalation" />',
      );
      // when
      const definition = await only(xml);
      // then
      expect(definition.nodes.escalated.event).toEqual({ kind: 'escalation' });
    });

    it('should still refuse an error end event whose error has no code', async () => {
      // given
      const xml = diagram(`<bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="AnyError" /></bpmn:endEvent>`, '<bpmn:error id="AnyError" />');
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(BpmnValidationError);
      expect(error.code).toBe('bpmn.invalid');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.error-ref', elementId: 'fail', attribute: 'errorRef' })]);
    });

    it('should still refuse an escalation throw whose escalation has no code', async () => {
      // given
      const xml = diagram(
        `<bpmn:intermediateThrowEvent id="raise"><bpmn:escalationEventDefinition escalationRef="AnyEscalation" /></bpmn:intermediateThrowEvent>`,
        '<bpmn:escalation id="AnyEscalation" />',
      );
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(BpmnValidationError);
      expect(error.code).toBe('bpmn.invalid');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.escalation-ref', elementId: 'raise' })]);
    });
  });

  describe('what sopflow cannot run', () => {
    it('should refuse a script loaded with camunda:resource in another language as unsupported, naming the language', async () => {
      // given
      const xml = diagram(`<bpmn:scriptTask id="transform" scriptFormat="xslt" camunda:resource="transform.xsl" camunda:resultVariable="out" />`);
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(UnsupportedElementError);
      expect(error.code).toBe('bpmn.unsupported');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.unsupported', elementId: 'transform', message: expect.stringContaining("'xslt'") })]);
    });

    it('should refuse a FEEL script loaded with camunda:resource as unsupported', async () => {
      // given
      const xml = diagram(`<bpmn:scriptTask id="compute" scriptFormat="feel" camunda:resource="compute.feel" camunda:resultVariable="out" />`);
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(UnsupportedElementError);
      expect(error.code).toBe('bpmn.unsupported');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.unsupported', elementId: 'compute', message: expect.stringContaining('camunda:resource') })]);
    });

    it('should refuse a call activity that calls a CMMN case (camunda:caseRef) as unsupported', async () => {
      // given
      const xml = diagram(`<bpmn:callActivity id="callCase" camunda:caseRef="loanApplicationCase" />`);
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(UnsupportedElementError);
      expect(error.code).toBe('bpmn.unsupported');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.unsupported', elementId: 'callCase', message: expect.stringContaining('CMMN') })]);
    });

    it('should refuse a message name written as an expression instead of matching it as text', async () => {
      // given
      const xml = diagram(`<bpmn:receiveTask id="wait" messageRef="Reply" />`, '<bpmn:message id="Reply" name="=&quot;reply-&quot; + orderId" />');
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(UnsupportedElementError);
      expect(error.code).toBe('bpmn.unsupported');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.unsupported', elementId: 'wait', message: expect.stringContaining('message name') })]);
    });

    it('should refuse a Zeebe job type written as an expression instead of taking it as a type name', async () => {
      // given
      const xml = diagram(`<bpmn:serviceTask id="work"><bpmn:extensionElements><zeebe:taskDefinition type="=workerType" /></bpmn:extensionElements></bpmn:serviceTask>`);
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(UnsupportedElementError);
      expect(error.code).toBe('bpmn.unsupported');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.unsupported', elementId: 'work', message: expect.stringContaining('job type') })]);
    });

    it('should refuse a parallel event-based gateway instead of running it as an exclusive one', async () => {
      // given
      const xml = diagram(
        `<bpmn:eventBasedGateway id="race" eventGatewayType="Parallel" />
         <bpmn:intermediateCatchEvent id="reply"><bpmn:messageEventDefinition messageRef="Reply" /></bpmn:intermediateCatchEvent>
         <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="race" /><bpmn:sequenceFlow id="f2" sourceRef="race" targetRef="reply" />`,
        '<bpmn:message id="Reply" name="reply" />',
      );
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(UnsupportedElementError);
      expect(error.code).toBe('bpmn.unsupported');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.unsupported', elementId: 'race', message: expect.stringContaining('Parallel') })]);
    });

    it('should refuse an instantiating receive task instead of running it as a plain one', async () => {
      // given
      const xml = diagram(`<bpmn:receiveTask id="order" messageRef="Order" instantiate="true" />`, '<bpmn:message id="Order" name="order" />');
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(UnsupportedElementError);
      expect(error.code).toBe('bpmn.unsupported');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.unsupported', elementId: 'order', message: expect.stringContaining('instantiate') })]);
    });

    it('should refuse a Camunda 7 value that mixes text and JUEL instead of taking it literally', async () => {
      // given
      const xml = diagram(`<bpmn:userTask id="review" camunda:assignee="user-\${owner}" />`);
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(BpmnValidationError);
      expect(error.code).toBe('bpmn.invalid');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'expression.juel', elementId: 'review', attribute: 'assignee' })]);
    });

    it('should refuse a camunda:inputParameter that mixes text and JUEL instead of taking it literally', async () => {
      // given
      const xml = diagram(`<bpmn:serviceTask id="greet" camunda:type="external" camunda:topic="greet"><bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="greeting">Hello \${name}</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>`);
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(BpmnValidationError);
      expect(error.code).toBe('bpmn.invalid');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'expression.juel', elementId: 'greet', attribute: 'camunda:inputParameter[greeting]' })]);
    });

    it('should refuse a process timer start event written as an expression, which has no variables at deploy time', async () => {
      // given
      const xml = diagram('').replace(
        '<bpmn:startEvent id="start" />',
        '<bpmn:startEvent id="start"><bpmn:timerEventDefinition><bpmn:timeCycle>=cycle</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>',
      );
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(BpmnValidationError);
      expect(error.code).toBe('bpmn.invalid');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'timer.start-expression', elementId: 'start', attribute: 'timeCycle' })]);
    });

    it('should accept a timer start event of an event sub-process written as an expression', async () => {
      // given
      const xml = diagram(`<bpmn:subProcess id="reminders" triggeredByEvent="true">
        <bpmn:startEvent id="tick" isInterrupting="false"><bpmn:timerEventDefinition><bpmn:timeCycle>=cycle</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
      </bpmn:subProcess>`);
      // when
      const definition = await only(xml);
      // then
      expect(definition.nodes.tick.event?.timer).toEqual({ type: 'timeCycle', value: { feel: 'cycle' } });
    });
  });

  describe('structure', () => {
    it('should refuse a boundary event drawn in another scope than its activity', async () => {
      // given
      const xml = diagram(`<bpmn:userTask id="work" />
        <bpmn:subProcess id="inner"><bpmn:startEvent id="innerStart" />
          <bpmn:boundaryEvent id="late" attachedToRef="work"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        </bpmn:subProcess>`);
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(BpmnValidationError);
      expect(error.code).toBe('bpmn.invalid');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.boundary-host', elementId: 'late', attribute: 'attachedToRef' })]);
    });

    it('should refuse a flow node without an id, located at its process', async () => {
      // given
      const xml = diagram(`<bpmn:task name="Orphan" />`);
      // when
      const error = await refusal(xml);
      // then
      expect(error).toBeInstanceOf(BpmnValidationError);
      expect(error.code).toBe('bpmn.invalid');
      expect(problemsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.missing-id', elementName: 'Orphan', line: 4 })]);
    });

    it('should warn that Camunda 7 and Zeebe listeners are not run', async () => {
      // given
      const xml = diagram(`<bpmn:userTask id="review"><bpmn:extensionElements>
        <camunda:taskListener event="create" class="org.example.Notify" /></bpmn:extensionElements></bpmn:userTask>
        <bpmn:serviceTask id="ship"><bpmn:extensionElements><zeebe:taskDefinition type="ship" />
        <zeebe:executionListeners><zeebe:executionListener eventType="start" type="audit" /></zeebe:executionListeners></bpmn:extensionElements></bpmn:serviceTask>`);
      // when
      const { warnings } = await compileXml(xml);
      // then
      expect(warnings.filter((w) => w.code === 'bpmn.not-executed').map((w) => w.elementId)).toEqual(['review', 'ship']);
    });
  });
});
