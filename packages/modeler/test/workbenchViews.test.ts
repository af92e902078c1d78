import { describe, expect, it } from 'vitest';
import { formSchemaOfFields, type AuditEvent, type FieldDef, type FormSchema } from '@sopflow/engine';
import { contextOfForm, errorsOfProblems, renderable, variablesOfForm } from '../src/workbench/formData.js';
import { auditDetail, heatLevel, parseRoute } from '../src/workbench/monitor/format.js';
import { splitGroups, taskOwners } from '../src/workbench/run/RunPage.js';
import { engineNow, speedText } from '../src/workbench/shell.js';

describe('workbench forms', () => {
  const fields: FieldDef[] = [
    { name: 'approved', label: 'Approve', type: 'boolean', required: true },
    { name: 'reason', label: 'Reason', type: 'text', requiredWhen: { feel: 'approved = false' }, minLength: 10 },
    { name: 'departments', label: 'Departments', type: 'list' },
  ];
  const schema = formSchemaOfFields(fields);

  it('should send the answers over the other variables, empty ones left out and a comma-separated list split', () => {
    // when
    const variables = variablesOfForm(schema, { approved: false, reason: '', departments: ' finance, it ,' }, { reason: 'from the box', amount: 1 });

    // then
    expect(variables).toEqual({ approved: false, reason: 'from the box', departments: ['finance', 'it'], amount: 1 });
  });

  it("should lay the fields of a group's path under that object", () => {
    // given
    const grouped: FormSchema = { components: [{ type: 'group', path: 'address', components: [{ type: 'textfield', key: 'postcode', id: 'pc' }] }] };

    // when
    const variables = variablesOfForm(grouped, { address: { postcode: '200000' } }, { address: { city: 'Shanghai' } });
    const { errors, elsewhere } = errorsOfProblems(grouped, [
      { field: 'address.postcode', code: 'pattern', message: 'bad postcode' },
      { field: 'user', code: 'required', message: 'who?' },
    ]);

    // then
    expect(variables).toEqual({ address: { city: 'Shanghai', postcode: '200000' } });
    expect(errors).toEqual({ pc: ['bad postcode'] });
    expect(elsewhere.map((p) => p.field)).toEqual(['user']);
  });

  it("should give the form the case's variables it does not answer itself, and a root a hand-written schema leaves out", () => {
    // when
    const context = contextOfForm(schema, { approved: false, reason: 'an earlier round', severity: 'urgent', amount: 5 });

    // then
    expect(context).toEqual({ severity: 'urgent', amount: 5 });
    expect(renderable({ components: [] })).toEqual({ type: 'default', components: [] });
    expect(renderable(schema)).toBe(schema);
  });

  it("should put the engine's refusal of the rejection's reason on the reason field", () => {
    // when
    const { errors, elsewhere } = errorsOfProblems(schema, [{ field: 'reason', code: 'required', message: "'Reason' (reason) is required when approved = false." }]);

    // then
    expect(errors).toEqual({ Field_reason: ["'Reason' (reason) is required when approved = false."] });
    expect(elsewhere).toEqual([]);
  });
});

describe('workbench view helpers', () => {
  it('should read the Monitor route from the URL hash', () => {
    // then
    expect(parseRoute('')).toEqual({ view: 'process' });
    expect(parseRoute('#process=order-handling')).toEqual({ view: 'process', id: 'order-handling' });
    expect(parseRoute('#case=abc%3A1')).toEqual({ view: 'case', id: 'abc:1' });
    expect(parseRoute('#report')).toEqual({ view: 'report' });
  });

  it('should shade nodes in four steps by their share of the busiest node', () => {
    // then
    expect([0, 1, 2, 5, 8].map((n) => heatLevel(n, 8))).toEqual([0, 1, 1, 3, 4]);
    expect(heatLevel(3, 0)).toBe(0);
  });

  it('should say who a task is for and read groups typed with commas', () => {
    // then
    expect(taskOwners({ assignee: 'li', candidateUsers: [], candidateGroups: ['x'] })).toBe('assigned to li');
    expect(taskOwners({ candidateUsers: ['chen'], candidateGroups: ['finance-heads'] })).toBe('group finance-heads, user chen');
    expect(splitGroups(' warehouse, ,warehouse-lead , warehouse')).toEqual(['warehouse', 'warehouse-lead']);
  });

  it('should run the shown engine time at the clock speed between status reads', () => {
    // given
    const status = { now: 1_000_000, speed: 60 };

    // then
    expect(engineNow(status, 5_000, 6_000)).toBe(1_060_000);
    expect(engineNow({ now: 7, speed: 0 }, 0, 99_999)).toBe(7);
    expect([0, 1, 60].map(speedText)).toEqual(['moves only when told', 'real time', '60× faster']);
  });

  it('should summarise an audit event for the trail: code, actor, groups, variables', () => {
    // given
    const event = (type: string, data: Record<string, unknown>) => ({ type, data }) as AuditEvent;

    // then
    expect(auditDetail(event('escalation.thrown', { code: 'FIRST_RESPONSE_OVERDUE' }))).toBe('FIRST_RESPONSE_OVERDUE');
    expect(auditDetail(event('task.completed', { by: 'wu', variables: { satisfied: true } }))).toBe('by wu · {"satisfied":true}');
    expect(auditDetail(event('task.created', { candidateGroups: ['logistics'] }))).toBe('groups logistics');
  });
});
