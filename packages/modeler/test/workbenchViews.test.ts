import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '@sopflow/engine';
import { checkFields, FormError, readFieldValue } from '../src/workbench/forms.js';
import { auditDetail, heatLevel, parseRoute } from '../src/workbench/monitor/format.js';
import { splitGroups, taskOwners } from '../src/workbench/run/RunPage.js';
import { engineNow, speedText } from '../src/workbench/shell.js';
import type { FormField } from '../src/workbench/types.js';

const countersign: FormField[] = [
  { name: 'approved', label: 'Approve', type: 'boolean', required: true },
  { name: 'reason', label: 'Reason', type: 'text', requiredWhen: 'approved = false', minLength: 10 },
];

describe('workbench forms', () => {
  it.each<[FormField['type'], string, unknown]>([
    ['number', ' 120000 ', 120000],
    ['boolean', 'true', true],
    ['boolean', 'false', false],
    ['list', 'finance, it ,', ['finance', 'it']],
    ['date', '2027-03-31', '2027-03-31'],
    ['enum', 'approve', 'approve'],
    ['string', '  C-1 ', 'C-1'],
    ['text', 'two\nlines', 'two\nlines'],
    ['string', '   ', undefined],
  ])('should read a %s field typed as %j', (type, raw, expected) => {
    // when
    const value = readFieldValue({ name: 'f', type }, raw);

    // then
    expect(value).toEqual(expected);
  });

  it('should refuse a number that is not one, naming the field', () => {
    // when
    const reading = () => readFieldValue({ name: 'amount', label: 'Amount', type: 'number' }, '12k');

    // then
    expect(reading).toThrow(new FormError('amount', "Amount: '12k' is not a number."));
  });

  it('should require a reason only when the countersign is a rejection, and a long enough one', () => {
    // when
    const approved = () => checkFields(countersign, { approved: true });
    const rejectedSilently = () => checkFields(countersign, { approved: false });
    const rejectedBriefly = () => checkFields(countersign, { approved: false, reason: 'no' });
    const missing = () => checkFields(countersign, {});

    // then
    expect(approved).not.toThrow();
    expect(rejectedSilently).toThrow('Reason is required when approved = false.');
    expect(rejectedBriefly).toThrow('Reason: at least 10 characters.');
    expect(missing).toThrow('Approve is required.');
  });

  it('should refuse a choice that is not offered', () => {
    // when
    const checking = () => checkFields([{ name: 'decision', type: 'enum', values: ['approve', 'reject'] }], { decision: 'maybe' });

    // then
    expect(checking).toThrow('decision: one of approve, reject.');
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
