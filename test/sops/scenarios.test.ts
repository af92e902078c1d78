import { describe, expect, it } from 'vitest';
import { events, local, sopEngine, timeline, trailText, work, type Person } from './sopEngine.js';

const warehouse: Person = { id: 'lin', groups: ['warehouse'] };
const orderDesk: Person = { id: 'qian', groups: ['order-desk'] };
const lead: Person = { id: 'sun', groups: ['order-desk-lead'] };
const service: Person = { id: 'zhou', groups: ['customer-service'] };
const agent: Person = { id: 'wu', groups: ['support-agents'] };
const supervisor: Person = { id: 'zheng', groups: ['supervisors'] };

const ORDER = { orderNumber: 'SO-1001', customer: { name: 'Wang Fang' }, items: [{ sku: 'A-1', qty: 2 }] };
const orderHandlers = (valid: boolean, tracking: string[] = []) => ({
  'validate-order': () => ({ orderValid: valid }),
  'ship-parcel': () => ({ trackingNumber: 'SF123' }),
  'check-tracking': (job: { instanceId: string }) => void tracking.push(job.instanceId),
});

describe('acceptance scenarios (virtual time)', () => {
  it('1. order: a valid order completes, every SLA met, the audit trail shows each step', async () => {
    // given
    const { engine, clock } = await sopEngine(orderHandlers(true));
    // when
    const [id] = (await engine.correlate('order-received', { key: 'SO-1001', variables: ORDER })).started;
    await engine.idle();
    await clock.advance('PT1H');
    await work(engine, id, 'Task_PickAndPack', warehouse);
    await clock.advance('PT30M');
    await work(engine, id, 'Task_OutboundCheck', warehouse, { checkResult: 'match' });
    await clock.advance('PT20H');
    await engine.correlate('parcel-delivered', { key: 'SO-1001' });
    await clock.advance('PT2H');
    await work(engine, id, 'Task_AfterSalesFeedback', service, { rating: 5 });
    // then
    expect((await engine.instance(id)).status).toBe('completed');
    const mainLine = (await timeline(engine, id, ['node.left', 'sla.met', 'sla.missed', 'sla.breached'])).filter((line) => !/Tracking/.test(line));
    expect(mainLine).toEqual([
      '2026-11-23 09:00 node.left StartEvent_OrderReceived',
      '2026-11-23 09:00 sla.met Task_ValidateOrder',
      '2026-11-23 09:00 node.left Task_ValidateOrder',
      '2026-11-23 09:00 node.left Gateway_OrderOk',
      '2026-11-23 09:00 node.left Gateway_PickAndPackMerge',
      '2026-11-23 10:00 sla.met Task_PickAndPack',
      '2026-11-23 10:00 node.left Task_PickAndPack',
      '2026-11-23 10:00 node.left Gateway_OutboundCheckMerge',
      '2026-11-23 10:30 node.left Task_OutboundCheck',
      '2026-11-23 10:30 node.left Gateway_CheckResult',
      '2026-11-23 10:30 node.left Task_Ship',
      '2026-11-24 06:30 node.left Task_TrackDelivery',
      '2026-11-24 08:30 sla.met Task_AfterSalesFeedback',
      '2026-11-24 08:30 node.left Task_AfterSalesFeedback',
      '2026-11-24 08:30 node.left EndEvent_OrderCompleted',
    ]);
    expect((await engine.audit.verify(id)).ok).toBe(true);
    await expect(await trailText(engine, id)).toMatchFileSnapshot('__trails__/scenario-1.txt');
  });

  it('2. order: an abnormal order left 2 working hours — reminder at 1.5 h, lead task at 2 h; the desk completes and it goes on', async () => {
    // given
    const { engine, clock } = await sopEngine(orderHandlers(false));
    const reminders: string[] = [];
    engine.on('sla.reminder', (e) => reminders.push(`${local(e.time)} ${e.node}`));
    const [id] = (await engine.correlate('order-received', { key: 'SO-2002', variables: { ...ORDER, orderNumber: 'SO-2002' } })).started;
    await engine.idle();
    // when
    await clock.advance('PT2H');
    // then
    expect(reminders).toEqual(['2026-11-23 10:30 Task_ReviewAbnormalOrder']);
    const leadTasks = (await engine.tasks({ instanceId: id, node: 'Task_LeadReviewAbnormalOrder' })).items;
    expect(leadTasks.map((t) => [local(t.createdAt), t.candidateGroups])).toEqual([['2026-11-23 11:00', ['order-desk-lead']]]);
    expect((await engine.tasks({ instanceId: id, node: 'Task_ReviewAbnormalOrder' })).total).toBe(1); // non-interrupting: still open
    // when
    await clock.advance('PT15M');
    await work(engine, id, 'Task_ReviewAbnormalOrder', orderDesk, { decision: 'continue' });
    await work(engine, id, 'Task_LeadReviewAbnormalOrder', lead);
    // then
    expect((await engine.tasks({ instanceId: id })).items.map((t) => t.node)).toEqual(['Task_PickAndPack']);
    expect(await timeline(engine, id, ['sla.reminder', 'sla.breached', 'sla.escalation', 'escalation.caught', 'sla.missed'])).toEqual([
      '2026-11-23 10:30 sla.reminder Task_ReviewAbnormalOrder',
      '2026-11-23 11:00 sla.breached Task_ReviewAbnormalOrder',
      '2026-11-23 11:00 sla.escalation Task_ReviewAbnormalOrder',
      '2026-11-23 11:00 escalation.caught BoundaryEvent_AbnormalReviewOverdue',
      '2026-11-23 11:15 sla.missed Task_ReviewAbnormalOrder',
    ]);
    const [missed] = await events(engine, id, 'sla.missed');
    expect(missed.data).toMatchObject({ overByMs: 15 * 60_000, department: 'order-desk' });
    // the report shows the one breach: on the review step, against the order desk
    const report = await engine.report({ processId: 'order-handling' });
    expect(report.processes).toEqual([expect.objectContaining({ processId: 'order-handling', overdue: 1, openOverdue: 0 })]);
    expect(report.nodes.filter((n) => n.overdue > 0)).toEqual([
      expect.objectContaining({ node: 'Task_ReviewAbnormalOrder', executions: 1, withSla: 1, slaMet: 0, compliance: 0, overdue: 1, reminders: 1, escalations: 1 }),
    ]);
    expect(report.departments.filter((d) => d.overdue > 0)).toEqual([expect.objectContaining({ department: 'order-desk', overdue: 1 })]);
    await expect(await trailText(engine, id)).toMatchFileSnapshot('__trails__/scenario-2.txt');
  });

  it('3. order: parcel-delivered at hour 80 — the delayed-parcel task came at hour 72, the hourly check fired 79 times and stopped', async () => {
    // given
    const tracking: string[] = [];
    const { engine, clock } = await sopEngine(orderHandlers(true, tracking));
    const [id] = (await engine.correlate('order-received', { key: 'SO-3003', variables: { ...ORDER, orderNumber: 'SO-3003' } })).started;
    await engine.idle();
    await work(engine, id, 'Task_PickAndPack', warehouse);
    await work(engine, id, 'Task_OutboundCheck', warehouse, { checkResult: 'match' });
    const trackingStarted = clock.now();
    // when: the parcel is delivered during hour 80, before the 80th check
    await clock.advance(80 * 3_600_000 - 1_000);
    await engine.correlate('parcel-delivered', { key: 'SO-3003' });
    await engine.idle();
    await clock.advance('PT10H');
    // then
    const delayed = (await engine.tasks({ instanceId: id, node: 'Task_HandleDelayedParcel' })).items;
    expect(delayed.map((t) => (t.createdAt - trackingStarted) / 3_600_000)).toEqual([72]);
    const fired = await events(engine, id, 'timer.fired');
    const checks = fired.filter((e) => e.node === 'BoundaryEvent_TrackingCheckDue');
    expect(checks).toHaveLength(79);
    expect(checks.map((e) => (e.time - trackingStarted) / 3_600_000)).toEqual(Array.from({ length: 79 }, (_, i) => i + 1));
    expect(tracking).toHaveLength(79);
    expect((await engine.instance(id)).timers.filter((t) => t.node === 'BoundaryEvent_TrackingCheckDue')).toEqual([]);
    // the case goes on to feedback while the delayed-parcel task is still open
    expect((await engine.tasks({ instanceId: id })).items.map((t) => t.node).sort()).toEqual(['Task_AfterSalesFeedback', 'Task_HandleDelayedParcel']);
    await expect(await trailText(engine, id)).toMatchFileSnapshot('__trails__/scenario-3.txt');
  });

  it('4a. complaint: urgent, acknowledged after 40 min — supervisor intervention created at 30 min', async () => {
    // given
    const { engine, clock } = await sopEngine({ 'notify-department-head': () => ({}) }, '2026-11-21T22:00:00+08:00'); // a Saturday night: urgent runs on the wall clock
    const [id] = (await engine.correlate('complaint-received', { key: 'C-1', variables: { severity: 'urgent', channel: 'hotline', customerTier: 'vip', category: 'delivery' } })).started;
    // when
    await clock.advance('PT40M');
    await work(engine, id, 'Task_AcknowledgeAndApologise', agent);
    // then
    const intervention = (await engine.tasks({ instanceId: id, node: 'Task_SupervisorIntervention' })).items;
    expect(intervention.map((t) => [local(t.createdAt), t.candidateGroups])).toEqual([['2026-11-21 22:30', ['supervisors']]]);
    expect(await timeline(engine, id, ['sla.reminder', 'sla.breached', 'escalation.caught', 'sla.missed'])).toEqual([
      '2026-11-21 22:22 sla.reminder Task_AcknowledgeAndApologise',
      '2026-11-21 22:30 sla.breached Task_AcknowledgeAndApologise',
      '2026-11-21 22:30 escalation.caught BoundaryEvent_FirstResponseOverdue',
      '2026-11-21 22:40 sla.missed Task_AcknowledgeAndApologise',
    ]);
    await work(engine, id, 'Task_SupervisorIntervention', supervisor);
    expect((await engine.tasks({ instanceId: id, node: 'Task_InvestigateAndResolve' })).items[0].candidateGroups).toEqual(['logistics']);
    await expect(await trailText(engine, id)).toMatchFileSnapshot('__trails__/scenario-4a.txt');
  });

  it('4b. complaint: normal, received Friday 17:30 — first-response deadline Monday 10:30', async () => {
    // given
    const { engine, clock } = await sopEngine({}, '2026-11-20T17:30:00+08:00');
    // when
    const [id] = (await engine.correlate('complaint-received', { key: 'C-2', variables: { severity: 'normal', channel: 'email', customerTier: 'standard', category: 'billing' } })).started;
    // then
    const [task] = (await engine.tasks({ instanceId: id })).items;
    expect(local(task.due!)).toBe('2026-11-23 10:30');
    await clock.advance('P3D');
    expect(await timeline(engine, id, ['sla.reminder', 'sla.breached'])).toEqual([
      '2026-11-23 10:00 sla.reminder Task_AcknowledgeAndApologise',
      '2026-11-23 10:30 sla.breached Task_AcknowledgeAndApologise',
    ]);
    await expect(await trailText(engine, id)).toMatchFileSnapshot('__trails__/scenario-4b.txt');
  });

  it('5. complaint: dissatisfied twice → re-opened twice; the third time → escalated to quality', async () => {
    // given
    const { engine } = await sopEngine({ 'notify-quality': () => ({}) });
    const [id] = (await engine.correlate('complaint-received', { key: 'C-5', variables: { severity: 'normal', channel: 'app', customerTier: 'gold', category: 'product' } })).started;
    await work(engine, id, 'Task_AcknowledgeAndApologise', agent);
    // when
    for (let round = 1; round <= 3; round++) {
      await work(engine, id, 'Task_InvestigateAndResolve', { id: 'qa1', groups: ['quality'] }, { resolution: `try ${round}` });
      await work(engine, id, 'Task_CustomerFollowUp', agent, { satisfied: false });
    }
    // then
    const instance = await engine.instance(id);
    expect(instance.status).toBe('completed');
    expect(instance.variables.reopens).toBe(3);
    expect((await events(engine, id, 'node.entered')).filter((e) => e.node === 'Task_InvestigateAndResolve')).toHaveLength(3);
    const left = (await events(engine, id, 'node.left')).map((e) => e.node);
    expect(left.at(-1)).toBe('EndEvent_EscalatedToQuality');
    expect(left).not.toContain('EndEvent_ComplaintClosed');
    expect((await events(engine, id, 'escalation.thrown')).map((e) => e.data.code)).toEqual(['ESCALATED_TO_QUALITY']);
    await expect(await trailText(engine, id)).toMatchFileSnapshot('__trails__/scenario-5.txt');
  });

  it('6. approval: 120,000 over two departments — one rejects with a reason, revise, approved, VP final approval, archived', async () => {
    // given
    const archived: string[] = [];
    const { engine } = await sopEngine({ 'archive-request': (job) => void archived.push(job.instanceId) });
    const { id } = await engine.start('cross-department-approval', {
      variables: { goal: 'Warehouse robots', deadline: '2027-03-31', amount: 120000, departments: ['finance', 'it'], urgent: false, applicant: 'chen', applicantManager: 'li', managerDepartment: 'operations' },
    });
    const head = (dept: string): Person => ({ id: `${dept}-head`, groups: [`${dept}-heads`] });
    // when: first round — IT rejects with a reason
    await work(engine, id, 'Task_InitialReview', { id: 'li', groups: [] }, { decision: 'approve' });
    let signs = (await engine.tasks({ instanceId: id, node: 'Task_Countersign' })).items;
    expect(signs.map((t) => t.candidateGroups[0]).sort()).toEqual(['finance-heads', 'it-heads']);
    for (const task of signs) {
      const dept = task.candidateGroups[0].replace('-heads', '');
      await engine.complete(task.id, { by: head(dept), variables: dept === 'it' ? { approved: false, reason: 'Integration plan with the WMS is missing' } : { approved: true, reason: '' } });
    }
    await engine.idle();
    await work(engine, id, 'Task_ReviseRequest', { id: 'chen', groups: [] }, { withdraw: false, goal: 'Warehouse robots, WMS integration plan attached' });
    await work(engine, id, 'Task_InitialReview', { id: 'li', groups: [] }, { decision: 'approve' });
    signs = (await engine.tasks({ instanceId: id, node: 'Task_Countersign' })).items;
    for (const task of signs) await engine.complete(task.id, { by: head(task.candidateGroups[0].replace('-heads', '')), variables: { approved: true, reason: '' } });
    await engine.idle();
    // then
    expect((await engine.tasks({ instanceId: id })).items.map((t) => [t.node, t.candidateGroups])).toEqual([['Task_FinalApprovalVicePresident', ['vice-presidents']]]);
    await work(engine, id, 'Task_FinalApprovalVicePresident', { id: 'vp', groups: ['vice-presidents'] }, { approved: true });
    expect((await engine.instance(id)).status).toBe('completed');
    expect(archived).toEqual([id]);
    const rejected = (await events(engine, id, 'task.completed')).filter((e) => (e.data.variables as { approved?: boolean }).approved === false);
    expect(rejected.map((e) => [e.actor, (e.data.variables as { reason: string }).reason])).toEqual([['it-head', 'Integration plan with the WMS is missing']]);
    expect((await events(engine, id, 'node.left')).at(-1)!.node).toBe('EndEvent_RequestApproved');
    await expect(await trailText(engine, id)).toMatchFileSnapshot('__trails__/scenario-6.txt');
  });

  it('7. approval: urgent → green channel, risk control notified, initial review skipped', async () => {
    // given
    const notified: string[] = [];
    const { engine } = await sopEngine({ 'notify-risk-control': (job) => void notified.push(String(job.variables.goal)) });
    // when
    const { id } = await engine.start('cross-department-approval', {
      variables: { goal: 'Emergency generator', deadline: '2026-11-30', amount: 40000, departments: ['facilities'], urgent: true, applicant: 'chen', applicantManager: 'li', managerDepartment: 'operations' },
    });
    await engine.idle();
    // then
    expect(notified).toEqual(['Emergency generator']);
    const entered = (await events(engine, id, 'node.entered')).map((e) => e.node);
    expect(entered).not.toContain('Task_InitialReview');
    expect(entered).toContain('Task_NotifyRiskControl');
    expect((await engine.tasks({ instanceId: id })).items.map((t) => [t.node, t.candidateGroups])).toEqual([['Task_Countersign', ['facilities-heads']]]);
    await expect(await trailText(engine, id)).toMatchFileSnapshot('__trails__/scenario-7.txt');
  });

  it('8. approval: reviewer idle 3 working days — reminders at 4 h, then every 4 working hours; the overdue step counts against the department', async () => {
    // given
    const { engine, clock } = await sopEngine();
    const { id } = await engine.start('cross-department-approval', {
      variables: { goal: 'Office chairs', deadline: '2026-12-15', amount: 8000, departments: ['finance'], urgent: false, applicant: 'chen', applicantManager: 'li', managerDepartment: 'operations' },
    });
    // when
    await clock.advance('P2DT9H'); // Monday 09:00 → Wednesday 18:00: three working days
    // then
    expect(await timeline(engine, id, ['sla.reminder', 'sla.breached'])).toEqual([
      '2026-11-23 14:00 sla.reminder Task_InitialReview',
      '2026-11-23 18:00 sla.breached Task_InitialReview',
      '2026-11-23 18:00 sla.reminder Task_InitialReview',
      '2026-11-24 14:00 sla.reminder Task_InitialReview',
      '2026-11-24 18:00 sla.reminder Task_InitialReview',
      '2026-11-25 14:00 sla.reminder Task_InitialReview',
      '2026-11-25 18:00 sla.reminder Task_InitialReview',
    ]);
    const [breach] = await events(engine, id, 'sla.breached');
    expect(breach.data).toMatchObject({ department: 'operations' });
    expect((await events(engine, id, 'sla.reminder')).every((e) => e.data.assignee === 'li')).toBe(true);
    // the report counts the overdue (still open) step against the reviewer's department
    const report = await engine.report({ processId: 'cross-department-approval' });
    expect(report.departments.filter((d) => d.overdue > 0)).toEqual([expect.objectContaining({ department: 'operations', overdue: 1, openOverdue: 1, reminders: 6 })]);
    expect(report.nodes.find((n) => n.node === 'Task_InitialReview')).toMatchObject({ overdue: 1, openOverdue: 1, reminders: 6 });
    await expect(await trailText(engine, id)).toMatchFileSnapshot('__trails__/scenario-8.txt');
  });
});
