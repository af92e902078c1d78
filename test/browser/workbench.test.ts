/// <reference lib="dom" />
/**
 * The workbench (`sopflow start`) in Chromium: the real start command on a
 * temporary copy of the examples and a temporary SQLite file. Time is a
 * VirtualClock handed to the command (its `clock` option, as a test hook):
 * the test moves it with `clock.advance(…)`, and the engine's scheduler
 * fires what falls due, as it would on the wall clock. A complaint is
 * started in the Run view, escalates when 40 minutes pass, shows up in the
 * Monitor, is worked to its end, and its audit trail verifies. Screenshots
 * of each step go to test-results/browser/workbench/ (and, with
 * SOPFLOW_DOCS_IMAGES=1, the README's to docs/images/).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VirtualClock } from '@sopflow/engine';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../packages/cli/src/server/startServer.js';
import { browserAvailable, ensureModelerBuilt, ROOT, startWorkbench, type Workbench } from './harness.js';

const available = browserAvailable();
const RESULTS = join(ROOT, 'test-results/browser/workbench');
const DOCS = process.env.SOPFLOW_DOCS_IMAGES === '1' ? join(ROOT, 'docs/images') : undefined;

describe.skipIf(!available)('the workbench in Chromium', () => {
  let workbench: Workbench;
  let clock: VirtualClock;
  let server: RunningServer;
  let page: Page;
  let errors: string[];
  let shots = 0;

  async function shot(step: string, docsName?: string): Promise<void> {
    const path = join(RESULTS, `${String(++shots).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path });
    if (DOCS && docsName) {
      execFileSync('pngquant', ['--force', '--output', join(DOCS, docsName), '128', path]);
    }
  }

  const url = (pageName: string, hash = '') => workbench.url(pageName, hash);

  async function who(user: string, groups: string): Promise<void> {
    await page.locator('#who-user').fill(user);
    await page.locator('#who-groups').fill(groups);
  }

  /** Completes the task at `node` from the inbox as the person typed under “Who you are”. */
  async function completeTask(node: string, fill: () => Promise<void> = async () => {}): Promise<void> {
    const task = page.locator(`#inbox li.task[data-node="${node}"]`);
    await task.waitFor();
    await task.locator('strong').click();
    await page.locator('#task-form').waitFor();
    await fill();
    await page.locator('#task-complete').click();
    await page.locator('#status', { hasText: 'Completed' }).waitFor();
    await task.waitFor({ state: 'detached' });
  }

  beforeAll(async () => {
    ensureModelerBuilt();
    expect(existsSync(join(ROOT, 'packages/modeler/dist/run.html')), 'the modeler build has the workbench pages').toBe(true);
    await rm(RESULTS, { recursive: true, force: true });
    await mkdir(RESULTS, { recursive: true });
    workbench = await startWorkbench();
    ({ clock, server, page, errors } = workbench);
  }, 240_000);

  afterAll(async () => {
    await workbench?.close();
  });

  it('should start a complaint in the Run view, show its escalation in the Monitor, work it to the end and verify its audit trail', { timeout: 120_000 }, async () => {
    // given: the Run view, with the three SOPs deployed
    await page.goto(url('run.html'));
    await page.locator('#start-process option[value="complaint-escalation"]').waitFor({ state: 'attached' });
    expect(await page.locator('#process-rows tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.process))).toEqual([
      'complaint-escalation',
      'cross-department-approval',
      'order-handling',
    ]);
    await expect.poll(() => page.locator('#engine-time').textContent()).toBe('Mon 2026-11-23 09:00');

    // when: an urgent complaint is started from the Run view
    await who('wu', 'support-agents');
    await page.locator('#start-process').selectOption('complaint-escalation');
    await page.locator('#start-key').fill('C-100');
    await page.locator('#start-form-extra').fill('severity = urgent\ncategory = delivery\nchannel = hotline');
    await page.locator('#start-submit').click();

    // then: it waits in the support agents' inbox, due in 30 minutes
    const acknowledge = page.locator('#inbox li.task[data-node="Task_AcknowledgeAndApologise"]');
    await acknowledge.waitFor();
    expect(await acknowledge.textContent()).toContain('due Mon 2026-11-23 09:30');
    await shot('run-case-started', 'workbench-run.png');

    // when: 40 minutes pass
    await clock.advance('PT40M');

    // then: the reminder and the escalation appear live, and the supervisors get a task
    await page.locator('#feed li.notice[data-type="sla.reminder"]').waitFor();
    await page.locator('#feed li.notice[data-type="escalation.thrown"]').waitFor();
    expect(await page.locator('#feed li.notice[data-type="sla.reminder"]').textContent()).toContain('To: group:support-agents');
    await expect.poll(() => page.locator('#engine-time').textContent()).toBe('Mon 2026-11-23 09:40');
    await page.locator('#inbox-all').check();
    await page.locator('#inbox li.task[data-node="Task_SupervisorIntervention"]').waitFor();
    await page.locator('#inbox-all').uncheck();
    await shot('run-reminder-and-escalation');

    // when: the Monitor is opened on the complaint SOP
    await page.locator('#nav-monitor').click();
    await page.locator('#monitor-processes li[data-process="complaint-escalation"] a').click();

    // then: one breached case, and the heat map shows where it waits and where it breached
    await page.locator('.heat-badge.breaches[data-node="Task_AcknowledgeAndApologise"]').waitFor();
    expect(await page.locator('#monitor-processes li[data-process="complaint-escalation"] .count.breached').getAttribute('data-count')).toBe('1');
    expect(await page.locator('.heat-badge.waiting[data-node="Task_SupervisorIntervention"]').getAttribute('data-count')).toBe('1');
    expect(await page.locator('g.djs-element[data-element-id="Task_AcknowledgeAndApologise"]').getAttribute('class')).toMatch(/\bheat-breach\b/);
    await shot('monitor-heat-map', 'workbench-monitor.png');

    // when: the case page is opened
    await page.locator('#case-list tr[data-status="running"] a', { hasText: 'C-100' }).click();

    // then: its tokens, tasks and audit trail so far
    await page.locator('#case-status[data-status="running"]').waitFor();
    await page.locator('.sim-token[data-node="Task_SupervisorIntervention"]').waitFor();
    await page.locator('#case-audit tr[data-type="escalation.thrown"]').waitFor();
    expect(await page.locator('#case-tasks li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.node))).toEqual(['Task_AcknowledgeAndApologise', 'Task_SupervisorIntervention']);
    await shot('monitor-case-escalated', 'workbench-case.png');
    const caseUrl = page.url();

    // when: the tasks are worked in the Run view, each by someone it is for
    await page.locator('#nav-run').click();
    await who('wu', 'support-agents');
    await completeTask('Task_AcknowledgeAndApologise');
    await who('zheng', 'supervisors');
    await completeTask('Task_SupervisorIntervention');

    // then: the engine refuses the investigation to a support agent…
    await who('wu', 'support-agents');
    await page.locator('#inbox-all').check();
    await page.locator('#inbox li.task[data-node="Task_InvestigateAndResolve"] strong').click();
    await page.locator('#task-complete').click();
    await page.locator('#status.error', { hasText: 'wu' }).waitFor();
    await shot('run-refused-to-wrong-group');
    await page.locator('#inbox-all').uncheck();

    // …and lets logistics resolve it, and the agent follow up with a satisfied customer
    await who('qiu', 'logistics');
    await completeTask('Task_InvestigateAndResolve');
    await who('wu', 'support-agents');
    await completeTask('Task_CustomerFollowUp', async () => {
      await page.locator('#task-form-formjs').getByLabel('Yes').check();
      await shot('run-follow-up-form');
    });
    await page.locator('#feed li.notice[data-type="instance.completed"]').waitFor();

    // then: the case page shows it completed, with a verified audit trail
    await page.goto(caseUrl);
    await page.locator('#case-status[data-status="completed"]').waitFor();
    await page.locator('#case-verify[data-ok="true"]').waitFor();
    expect(await page.locator('#case-verify').textContent()).toMatch(/^✓ Verified: \d+ events, the hash chain is intact\.$/);
    expect(await page.locator('#case-audit tr[data-type="instance.completed"]').count()).toBe(1);
    await shot('monitor-case-completed-verified');

    // when: the KPI report is opened
    await page.locator('#nav-report').click();

    // then: the complaint's first-response breach counts against the support agents
    await page.locator('#chart-overdue').waitFor();
    expect(await page.locator('#kpi-departments tr', { hasText: 'support-agents' }).locator('td').last().textContent()).toBe('1');
    await shot('monitor-report', 'workbench-report.png');
    expect(errors).toEqual([]);
  });

  it("should refuse the approval's countersign without a written reason in the browser, show the engine's refusal on the field, and complete it with one", { timeout: 120_000 }, async () => {
    // given: an urgent approval waiting for the finance head's countersign, the task open in the Run view
    const api = async (path: string, body?: unknown) => {
      const reply = await fetch(`${server.origin}/api/workbench/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { Authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(reply.ok, await reply.clone().text()).toBe(true);
      return reply.json();
    };
    const { id } = await api('instances', { processId: 'cross-department-approval', businessKey: 'AP-7', variables: { goal: 'Robots', deadline: '2027-03-31', amount: 120000, departments: ['finance'], urgent: true, applicant: 'chen' } });
    const countersigns = async () => (await api('tasks?groups=finance-heads')).tasks.filter((t: { instanceId: string }) => t.instanceId === id);
    expect(await countersigns()).toHaveLength(1);
    await page.goto(url('run.html'));
    await who('fang', 'finance-heads');
    await page.locator('#inbox li.task[data-node="Task_Countersign"] strong').click();
    const form = page.locator('#task-form-formjs');
    await form.getByLabel('No').waitFor();
    const reason = form.locator('textarea');
    expect(await reason.count(), 'the reason shows only when rejecting').toBe(0);

    // when: rejecting without a reason
    await form.getByLabel('No').check();
    await reason.waitFor();
    await page.locator('#task-complete').click();

    // then: form-js refuses it on the reason field, nothing is sent, the task stays open
    await page.locator('#status.error', { hasText: 'Not sent' }).waitFor();
    expect(await form.locator('.fjs-form-field-error').textContent()).toContain('Field is required.');
    await shot('run-countersign-reason-required', 'forms-workbench-refused.png');

    // when: a reason too short to say anything
    await reason.fill('no');
    await page.locator('#task-complete').click();

    // then
    await form.locator('.fjs-form-field-error', { hasText: 'minimum length of 10' }).waitFor();
    expect(await countersigns()).toHaveLength(1);

    // when: the submission reaches the engine without its reason (as a stale page or another client could send it)
    await reason.fill('The budget is not approved this quarter.');
    await page.route('**/api/workbench/tasks/*/complete', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}');
      delete body.variables.reason;
      await route.continue({ postData: JSON.stringify(body) });
    });
    await page.locator('#task-complete').click();

    // then: the engine's refusal is shown on the field, and the task is still open (asked through the API)
    await page.locator('#status.error', { hasText: "variables.reason" }).waitFor();
    await form.locator('.fjs-form-field-error', { hasText: 'is required when approved = false' }).waitFor();
    expect(await countersigns()).toHaveLength(1);
    await page.unroute('**/api/workbench/tasks/*/complete');

    // when: sent with its reason
    await page.locator('#task-complete').click();

    // then: completed with the reason, and the case goes back to the applicant to revise
    await page.locator('#status', { hasText: 'Completed “Countersign”' }).waitFor();
    expect(await countersigns()).toEqual([]);
    const detail = await api(`instances/${encodeURIComponent(id)}`);
    const completed = detail.audit.find((e: { type: string }) => e.type === 'task.completed');
    expect(completed.data.variables).toEqual({ approved: false, reason: 'The budget is not approved this quarter.' });
    expect(errors.filter((e) => !/status of 400 \(Bad Request\)/.test(e))).toEqual([]);
    errors.length = 0;
  });

  it("should give a task's form the case's variables, so a field its condition shows for this case is required in the page", { timeout: 60_000 }, async () => {
    // given: a task whose note is asked (and required) only for urgent cases, and an urgent case at it
    const form = JSON.stringify({ components: [{ type: 'textfield', key: 'note', label: 'Note for the urgent case', validate: { required: true }, conditional: { hide: '=severity != "urgent"' } }] });
    await writeFile(
      join(workbench.dir, 'urgent-note.bpmn'),
      `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="D" targetNamespace="t">
  <bpmn:process id="urgent-note" name="Urgent note" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="Task_Note" />
    <bpmn:userTask id="Task_Note" name="Write the note" sop:candidateGroups="clerks">
      <bpmn:extensionElements><sop:form>${form.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</sop:form></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_Note" targetRef="e" /><bpmn:endEvent id="e" />
  </bpmn:process>
</bpmn:definitions>`,
    );
    const headers = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
    expect((await fetch(`${server.origin}/api/workbench/deploy`, { method: 'POST', headers, body: JSON.stringify({ path: 'urgent-note.bpmn' }) })).status).toBe(200);
    expect((await fetch(`${server.origin}/api/workbench/instances`, { method: 'POST', headers, body: JSON.stringify({ processId: 'urgent-note', businessKey: 'N-1', variables: { severity: 'urgent' } }) })).status).toBe(201);
    await page.goto(url('run.html'));
    await who('lin', 'clerks');
    await page.locator('#inbox li.task[data-node="Task_Note"] strong').click();

    // when: completed without the note
    const note = page.locator('#task-form-formjs').getByLabel('Note for the urgent case');
    await note.waitFor();
    await page.locator('#task-complete').click();

    // then: refused in the page; with the note, completed
    await page.locator('#task-form-formjs .fjs-form-field-error', { hasText: 'Field is required.' }).waitFor();
    await note.fill('Called the customer back.');
    await page.locator('#task-complete').click();
    await page.locator('#status', { hasText: 'Completed “Write the note”' }).waitFor();
    expect(errors).toEqual([]);
  });

  it("should start an approval from its start form: required fields refused in the page, a comma-separated list sent as a list", { timeout: 60_000 }, async () => {
    // given: the Run view, the approval's start form
    await page.goto(url('run.html'));
    await who('chen', 'staff');
    await page.locator('#start-process option[value="cross-department-approval"]').waitFor({ state: 'attached' });
    await page.locator('#start-process').selectOption('cross-department-approval');
    const form = page.locator('#start-form-formjs');
    await form.getByLabel('Goal').waitFor();

    // when: started empty
    await page.locator('#start-submit').click();

    // then: refused in the page, every required field marked
    await page.locator('#status.error', { hasText: 'Not sent' }).waitFor();
    expect(await form.locator('.fjs-form-field-error').count()).toBe(4);

    // when: filled in
    await page.locator('#start-key').fill('AP-8');
    await form.getByLabel('Goal').fill('Two robots for the warehouse');
    await form.getByLabel('Deadline').fill('3/31/2027');
    await form.getByLabel('Deadline').press('Enter');
    await form.getByLabel('Amount').fill('120000');
    await form.getByLabel('Departments to countersign').fill('finance, it');
    await form.getByLabel('Yes').check();
    await shot('run-start-form');
    await page.locator('#start-submit').click();

    // then: the case runs with typed variables
    await page.locator('#status', { hasText: 'Started case AP-8' }).waitFor();
    const reply = await fetch(`${server.origin}/api/workbench/instances?process=cross-department-approval`, { headers: { Authorization: `Bearer ${server.token}` } });
    const { items } = await reply.json();
    const started = items.find((c: { businessKey?: string }) => c.businessKey === 'AP-8');
    const detail = await (await fetch(`${server.origin}/api/workbench/instances/${encodeURIComponent(started.id)}`, { headers: { Authorization: `Bearer ${server.token}` } })).json();
    expect(detail.audit[0].data.variables).toEqual({ goal: 'Two robots for the warehouse', deadline: '2027-03-31', amount: 120000, departments: ['finance', 'it'], urgent: true });
    expect(errors).toEqual([]);
  });

  it("should simulate the order SOP to its end in the modeler, the parcel's delivery sent as a message", async () => {
    // given: the order SOP open in the modeler's Simulate tab, a case started
    await page.goto(`${url('')}&workbench=1`);
    await page.locator('#file-list li[data-path="order-handling/order-handling.bpmn"] button').click();
    await page.locator('.djs-element.djs-shape').first().waitFor();
    await page.locator('#tab-simulation').click();
    await page.locator('#sim-start-event option').first().waitFor({ state: 'attached' });
    await page.locator('#sim-time').fill('2026-11-23T09:00');
    await page.locator('#sim-key').fill('SO-1');
    await page.locator('#sim-variables').fill('orderNumber = SO-1');
    await page.locator('#sim-start').click();
    await page.locator('#sim-message', { hasText: 'Case started.' }).waitFor();
    const complete = async (node: string, variables: string) => {
      await page.locator(`#sim-tasks li.sim-task[data-node="${node}"]`).click();
      await page.locator('#sim-complete-variables').fill(variables);
      await page.locator('#sim-complete').click();
      await page.locator(`#sim-tasks li.sim-task[data-node="${node}"]`).waitFor({ state: 'detached' });
    };
    await complete('Task_ReviewAbnormalOrder', 'decision = continue');
    await complete('Task_PickAndPack', '');
    await complete('Task_OutboundCheck', 'checkResult = match');
    await page.locator('.sim-token[data-node="Task_TrackDelivery"]').waitFor();

    // when: the carrier's message arrives
    await page.locator('#sim-message-form summary').click();
    expect(await page.locator('#sim-msg-name').inputValue()).toBe('parcel-delivered');
    await page.locator('#sim-msg-key').fill('SO-1');
    await page.locator('#sim-correlate').click();
    await page.locator('#sim-message', { hasText: 'Message parcel-delivered (key SO-1): delivered to 1 case(s).' }).waitFor();
    await shot('modeler-simulation-message');
    await complete('Task_AfterSalesFeedback', '');

    // then
    await page.locator('#sim-message', { hasText: 'Case completed.' }).waitFor();
    expect(await page.locator('#sim-audit li[data-type="message.received"]').count()).toBe(1);
    expect(await page.locator('#sim-audit li[data-type="instance.completed"]').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("should start an order by sending its message from the Run view, and list the case's timers with their due times", async () => {
    // given: the Run view
    await page.goto(url('run.html'));
    await page.locator('#start-process option[value="order-handling"]').waitFor({ state: 'attached' });

    // when: the order-received message is sent with a key, as the shop would (on a Monday morning, inside office hours)
    const now = (await page.locator('#engine-time').textContent()) ?? '';
    expect(now).toMatch(/^Mon 2026-11-23 (09|1[0-5]):\d{2}$/);
    const plus = (minutes: number) => {
      const [h, m] = now.slice(-5).split(':').map(Number);
      const t = h * 60 + m + minutes;
      return `Mon 2026-11-23 ${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
    };
    await page.locator('#message-name').fill('order-received');
    await page.locator('#message-key').fill('SO-7');
    await page.locator('#message-variables').fill('orderNumber = SO-7');
    await page.locator('#message-send').click();

    // then: it started one case
    await page.locator('#status', { hasText: 'Message order-received: delivered to 0 waiting case(s), started 1.' }).waitFor();
    await shot('run-message-sent');

    // when: the case page is opened from the Monitor
    await page.locator('#nav-monitor').click();
    await page.locator('#monitor-processes li[data-process="order-handling"] a').click();
    await page.locator('#case-list tr[data-status="running"] a', { hasText: 'SO-7' }).click();

    // then: its timers — the order was found abnormal (the workbench's validate-order answers no), so the review waits,
    // due 2 working hours after it started, its SLA rules (reminder at 75 %, escalation at the deadline) each with a due time
    await page.locator('#case-status[data-status="running"]').waitFor();
    const rows = page.locator('#case-timers tbody tr');
    await page.locator('#case-timers tr[data-node="Task_ReviewAbnormalOrder"]').first().waitFor();
    const table = await rows.evaluateAll((trs) => trs.map((tr) => [(tr as HTMLElement).dataset.node, ...Array.from(tr.querySelectorAll('td'), (td) => td.textContent)]));
    expect(table).toContainEqual(['Task_ReviewAbnormalOrder', 'Review abnormal order', 'SLA deadline', plus(120)]);
    expect(table).toContainEqual(['Task_ReviewAbnormalOrder', 'Review abnormal order', 'SLA rule (reminder, escalation)', plus(90)]);
    expect(table).toContainEqual(['Task_ReviewAbnormalOrder', 'Review abnormal order', 'SLA rule (reminder, escalation)', plus(120)]);
    await shot('monitor-case-timers');
    expect(errors).toEqual([]);
  });

  it('should deploy a diagram changed in the modeler as a new version, used by the next case', async () => {
    // given: the modeler, from the workbench's links
    await page.goto(url('run.html'));
    await page.locator('#nav-modeler').click();
    await page.locator('#file-list li[data-path="complaint-escalation/complaint-escalation.bpmn"] button').click();
    await page.locator('.djs-element.djs-shape').first().waitFor();

    // when: the follow-up SLA is changed and Deploy is pressed (it saves first)
    await page.locator('g.djs-element[data-element-id="Task_CustomerFollowUp"]').click();
    const sla = page.locator('#bio-properties-panel-sop-sla');
    await sla.waitFor();
    await sla.fill('PT12H');
    await page.locator('#deploy').click();

    // then
    await page.locator('#status', { hasText: 'Deployed complaint-escalation/complaint-escalation.bpmn: Complaint escalation v2.' }).waitFor();
    await shot('modeler-deployed', 'workbench-modeler.png');
    await page.locator('#nav-run').click();
    await page.locator('#process-rows tr[data-process="complaint-escalation"] td', { hasText: 'v2' }).waitFor();
    expect(await page.locator('#start-process option[value="complaint-escalation"]').textContent()).toBe('Complaint escalation (v2)');
    expect(errors).toEqual([]);
  });
});
