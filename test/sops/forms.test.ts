import { describe, expect, it } from 'vitest';
import { FormValidationError } from '@sopflow/engine';
import { sopEngine, work } from './sopEngine.js';

const REQUEST = { goal: 'Office chairs', deadline: '2026-12-15', amount: 8000, departments: ['finance'], urgent: false, applicant: 'chen', applicantManager: 'li', managerDepartment: 'operations' };

describe('the approval SOP forms, checked by the engine', () => {
  it('should refuse a countersign rejection without a written reason, keep the task open, and take one with a reason', async () => {
    // given: the request is at the finance countersign
    const { engine } = await sopEngine();
    const instance = await engine.start('cross-department-approval', { variables: REQUEST });
    await work(engine, instance.id, 'Task_InitialReview', { id: 'li', groups: [] }, { decision: 'approve' });
    const [task] = (await engine.tasks({ instanceId: instance.id, node: 'Task_Countersign' })).items;
    const head = { id: 'zhao', groups: ['finance-heads'] };

    // when: rejected with no reason, then with one too short
    const empty = await engine.complete(task.id, { by: head, variables: { approved: false, reason: '' } }).catch((e) => e);
    const short = await engine.complete(task.id, { by: head, variables: { approved: false, reason: 'No.' } }).catch((e) => e);

    // then
    expect(empty).toBeInstanceOf(FormValidationError);
    expect(empty.fields).toEqual([{ field: 'reason', label: 'Reason', code: 'required', message: "'Reason' (reason) is required when approved = false.", params: { variant: 'when', condition: 'approved = false' } }]);
    expect(short.fields).toEqual([expect.objectContaining({ field: 'reason', code: 'minLength', params: { minLength: 10, length: 3 } })]);
    expect((await engine.tasks({ instanceId: instance.id, node: 'Task_Countersign' })).items.map((t) => t.id)).toEqual([task.id]);

    // when: with a reason
    await engine.complete(task.id, { by: head, variables: { approved: false, reason: 'Chairs are in next year’s budget.' } });
    await engine.idle();

    // then: back to the applicant
    expect((await engine.tasks({ instanceId: instance.id })).items.map((t) => t.node)).toEqual(['Task_ReviseRequest']);
  });

  it('should refuse a request whose start form is not filled in, naming every field', async () => {
    const { engine } = await sopEngine();
    const refused = await engine.start('cross-department-approval', { variables: { goal: 'Chairs', amount: 'a lot' } }).catch((e) => e);
    expect(refused.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`)).toEqual(['deadline:required', 'amount:type', 'departments:required']);
  });
});
