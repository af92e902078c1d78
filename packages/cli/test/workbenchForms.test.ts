import { describe, expect, it } from 'vitest';
import { compile, FormValidationError, parse, type EngineEvent, type FieldDef } from '@sopflow/engine';
import { describeEvent } from '../src/workbench/describeEvent.js';
import { checkStartForm, formRefusal, formView } from '../src/workbench/forms.js';
import { startsOf } from '../src/workbench/monitor.js';

function refusal(run: () => void): { status: number; field: unknown; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof FormValidationError) {
      const http = formRefusal(error);
      return { status: http.status, field: http.details.field, message: http.message };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('workbench forms (server side)', () => {
  const fields: FieldDef[] = [
    { name: 'approved', label: 'Approve', type: 'boolean', required: true },
    { name: 'reason', label: 'Reason', type: 'text', requiredWhen: { feel: 'approved = false' }, minLength: 10 },
    { name: 'code', type: 'string', pattern: '[A-Z]{2}-\\d+' },
    { name: 'departments', type: 'list' },
  ];
  const check = (variables: Record<string, unknown>) => () => checkStartForm('p', 'start', fields, variables);

  it("should accept a complete message start form, with the engine's check", () => {
    // when
    const checking = check({ approved: false, reason: 'The budget is not approved.', code: 'SO-12', departments: ['it'] });
    const listAsText = () => checkStartForm('p', 'start', [{ name: 'departments', type: 'string', required: true }], { departments: ['finance', 'it'] });

    // then
    expect(checking).not.toThrow();
    expect(listAsText).not.toThrow();
  });

  it.each([
    [{}, 'variables.approved', "Field 'variables.approved': 'Approve' (approved) is required."],
    [{ approved: 'yes' }, 'variables.approved', 'Field \'variables.approved\': \'Approve\' (approved) expects true or false, got "yes".'],
    [{ approved: false }, 'variables.reason', "Field 'variables.reason': 'Reason' (reason) is required when approved = false."],
    [{ approved: false, reason: 'nope' }, 'variables.reason', "Field 'variables.reason': 'Reason' (reason) needs at least 10 characters, got 4."],
    [{ approved: true, code: 'so-1' }, 'variables.code', "Field 'variables.code': 'code' must match [A-Z]{2}-\\d+."],
    [{ approved: true, departments: 'it' }, 'variables.departments', 'Field \'variables.departments\': \'departments\' expects a list, got "it".'],
  ])('should refuse %j naming %s', (variables, field, message) => {
    // when
    const refused = refusal(check(variables));

    // then
    expect(refused).toEqual({ status: 400, field, message });
  });

  it('should give a view the form-js schema of the fields, or the diagram\'s own', () => {
    // when
    const generated = formView({ source: 'sop:field' }, fields);
    const own = formView({ source: 'sop:form', schema: { components: [] } }, []);

    // then
    expect(generated?.source).toBe('sop:field');
    expect(generated?.schema.components.map((c) => [c.key, c.type])).toEqual([
      ['approved', 'radio'],
      ['reason', 'textarea'],
      ['code', 'textfield'],
      ['departments', 'textfield'],
    ]);
    expect(own).toEqual({ source: 'sop:form', schema: { components: [] } });
    expect(formView(undefined, [])).toBeUndefined();
  });

  it("should offer a message start's form, compiled by the engine, and check it with the engine's check", async () => {
    // given: a process started by a message whose start event declares fields
    const xml = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:message id="m" name="order-received" />
  <bpmn:process id="orders" isExecutable="true">
    <bpmn:startEvent id="s" name="Order received">
      <bpmn:extensionElements><sop:field name="orderNumber" label="Order" type="string" required="true" pattern="SO-[0-9]+" /></bpmn:extensionElements>
      <bpmn:messageEventDefinition messageRef="m" />
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" /><bpmn:endEvent id="e" />
  </bpmn:process>
</bpmn:definitions>`;
    const [definition] = compile((await parse(xml)).definitions).processes;

    // when
    const [start] = startsOf(definition);

    // then
    expect(start).toMatchObject({ node: 's', kind: 'message', message: 'order-received', fields: [{ name: 'orderNumber', required: true, pattern: 'SO-[0-9]+' }] });
    expect(start.form?.schema.components).toEqual([expect.objectContaining({ key: 'orderNumber', type: 'textfield', validate: expect.objectContaining({ required: true, pattern: '^(?:SO-[0-9]+)$' }) })]);
    expect(refusal(() => checkStartForm('orders', 's', start.fields, { orderNumber: 'so-1' })).message).toBe("Field 'variables.orderNumber': 'Order' (orderNumber) must match SO-[0-9]+.");
  });
});

describe('the live feed in words', () => {
  const format = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const event = (type: EngineEvent['type'], data: Record<string, unknown>, extra: Partial<EngineEvent> = {}): EngineEvent => ({
    type,
    instanceId: '0123456789abcdef',
    processId: 'complaint-escalation',
    businessKey: 'C-1',
    node: 'Task_AcknowledgeAndApologise',
    nodeName: 'Acknowledge and apologise',
    time: 0,
    data,
    ...extra,
  });

  it('should say what a reminder would say, to whom', () => {
    // when
    const notice = describeEvent(event('sla.reminder', { due: 5_400_000, candidateUsers: [], candidateGroups: ['support-agents'], message: 'Call the customer' }), format);

    // then
    expect(notice).toEqual({ to: ['group:support-agents'], text: "Reminder: 'Acknowledge and apologise' in case C-1 (complaint-escalation) is due 01:30 — Call the customer.", level: 'warning' });
  });

  it('should send a reminder of an assigned task to its assignee only', () => {
    // when
    const notice = describeEvent(event('sla.reminder', { due: 0, assignee: 'li', candidateGroups: ['managers'] }), format);

    // then
    expect(notice?.to).toEqual(['user:li']);
  });

  it('should mark breaches and escalations as alerts and leave token moves out', () => {
    // when
    const breach = describeEvent(event('sla.breached', { due: 0, department: 'support-agents' }), format);
    const escalation = describeEvent(event('escalation.thrown', { code: 'FIRST_RESPONSE_OVERDUE' }), format);
    const created = describeEvent(event('task.created', { task: { candidateUsers: [], candidateGroups: ['supervisors'], due: 60_000 } }, { businessKey: undefined }), format);
    const other = describeEvent(event('job.created', {}), format);

    // then
    expect(breach).toEqual({ to: ['department:support-agents'], text: "SLA breached: 'Acknowledge and apologise' in case C-1 (complaint-escalation) was due 00:00.", level: 'alert' });
    expect(escalation?.level).toBe('alert');
    expect(created).toEqual({ to: ['group:supervisors'], text: "New task 'Acknowledge and apologise' in case 01234567 (complaint-escalation), due 00:01.", level: 'info' });
    expect(other).toBeUndefined();
  });
});
