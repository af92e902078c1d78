import { describe, expect, it } from 'vitest';
import { sopEngine, work } from './sopEngine.js';

describe('the three standard SOPs, happy paths', () => {
  it('should take a valid order from the order-received message to Order completed', async () => {
    // given
    const { engine } = await sopEngine({
      'validate-order': () => ({ orderValid: true }),
      'ship-parcel': () => ({ trackingNumber: 'SF123' }),
      'check-tracking': () => ({}),
    });
    // when
    const { started } = await engine.correlate('order-received', {
      key: 'SO-1001',
      variables: { orderNumber: 'SO-1001', customer: { name: 'Wang Fang' }, items: [{ sku: 'A-1', qty: 2 }] },
    });
    const id = started[0];
    await engine.idle();
    await work(engine, id, 'Task_PickAndPack', { id: 'lin', groups: ['warehouse'] });
    await work(engine, id, 'Task_OutboundCheck', { id: 'lin', groups: ['warehouse'] }, { checkResult: 'match' });
    await engine.correlate('parcel-delivered', { key: 'SO-1001', variables: { deliveredAt: '2026-11-24T15:00:00+08:00' } });
    await work(engine, id, 'Task_AfterSalesFeedback', { id: 'zhou', groups: ['customer-service'] }, { rating: 5 });
    // then
    const done = await engine.instance(id);
    expect(done.status).toBe('completed');
    expect(done.businessKey).toBe('SO-1001');
    expect(done.variables).toMatchObject({ orderValid: true, trackingNumber: 'SF123', checkResult: 'match', rating: 5 });
    const ends = (await engine.audit.query({ instanceId: id, types: ['node.left'] })).items.map((e) => e.node);
    expect(ends).toContain('EndEvent_OrderCompleted');
    expect((await engine.audit.verify(id)).ok).toBe(true);
  });

  it('should take a normal complaint from received to Complaint closed', async () => {
    // given
    const { engine } = await sopEngine({ 'notify-department-head': () => ({}) });
    // when
    const { started } = await engine.correlate('complaint-received', {
      key: 'C-42',
      variables: { severity: 'normal', channel: 'phone', customerTier: 'gold', category: 'billing' },
    });
    const id = started[0];
    await work(engine, id, 'Task_AcknowledgeAndApologise', { id: 'agent1', groups: ['support-agents'] });
    expect((await engine.instance(id)).variables.department).toBe('finance');
    await work(engine, id, 'Task_InvestigateAndResolve', { id: 'fin1', groups: ['finance'] }, { resolution: 'refund issued' });
    await work(engine, id, 'Task_CustomerFollowUp', { id: 'agent1', groups: ['support-agents'] }, { satisfied: true });
    // then
    const done = await engine.instance(id);
    expect(done.status).toBe('completed');
    const ends = (await engine.audit.query({ instanceId: id, types: ['node.left'] })).items.map((e) => e.node);
    expect(ends).toContain('EndEvent_ComplaintClosed');
  });

  it('should take a cross-department request from submission to Request approved', async () => {
    // given
    const archived: string[] = [];
    const { engine } = await sopEngine({ 'archive-request': (job) => void archived.push(job.instanceId) });
    // when
    const instance = await engine.start('cross-department-approval', {
      variables: {
        goal: 'New ERP module',
        deadline: '2026-12-31',
        amount: 30000,
        departments: ['finance', 'it'],
        urgent: false,
        applicant: 'chen',
        applicantManager: 'li',
        managerDepartment: 'operations',
      },
    });
    await work(engine, instance.id, 'Task_InitialReview', { id: 'li', groups: [] }, { decision: 'approve' });
    const countersigns = (await engine.tasks({ instanceId: instance.id, node: 'Task_Countersign' })).items;
    expect(countersigns.map((t) => t.candidateGroups[0]).sort()).toEqual(['finance-heads', 'it-heads']);
    for (const task of countersigns) {
      await engine.complete(task.id, { by: { id: 'head', groups: task.candidateGroups }, variables: { approved: true, reason: '' } });
    }
    await engine.idle();
    await work(engine, instance.id, 'Task_FinalApprovalDirector', { id: 'dir', groups: ['directors'] }, { approved: true });
    // then
    const done = await engine.instance(instance.id);
    expect(done.status).toBe('completed');
    expect(archived).toEqual([instance.id]);
    expect(done.variables.countersigns).toEqual([
      { department: 'finance', approved: true, reason: '' },
      { department: 'it', approved: true, reason: '' },
    ]);
  });
});
