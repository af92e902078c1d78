/// <reference lib="dom" />
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, corpusAvailable } from '../support/corpus.js';
import { browserAvailable, ensureModelerBuilt, openDiagram, openModeler, ROOT, type Modeler } from './harness.js';

const available = browserAvailable();
const ORDER = 'order-handling/order-handling.bpmn';
const COMPLAINT = 'complaint-escalation/complaint-escalation.bpmn';
const APPROVAL = 'cross-department-approval/cross-department-approval.bpmn';

/** The opening tag of an element in saved XML. */
function tagOf(xml: string, id: string): string {
  const match = new RegExp(`<bpmn:\\w+ id="${id}"[^>]*>`).exec(xml);
  if (!match) throw new Error(`No element ${id} in the saved diagram.`);
  return match[0];
}

describe.skipIf(!available)('the bundled modeler in Chromium', () => {
  let modeler: Modeler | undefined;

  beforeAll(() => {
    ensureModelerBuilt();
  }, 180_000);

  afterEach(async () => {
    // Every test ends with no error on the page (CSP violations included).
    const errors = modeler?.errors ?? [];
    await modeler?.close();
    modeler = undefined;
    expect(errors).toEqual([]);
  });

  /** Selects an element on the canvas (a click on a selected one would deselect it) and shows its properties; the canvas keeps the keyboard focus. */
  async function select(m: Modeler, id: string): Promise<void> {
    await m.page.locator('#tab-properties').click();
    const shape = m.page.locator(`g.djs-element[data-element-id="${id}"]`);
    const name = (await shape.locator('text').allTextContents()).join(' ').replace(/\s+/g, ' ').trim();
    const header = m.page.locator('.bio-properties-panel-header-label');
    if ((await header.textContent())?.trim() !== name) await shape.click();
    else await m.page.locator('#canvas svg[tabindex="0"]').focus();
    await m.page.locator('.bio-properties-panel-header-label', { hasText: name }).waitFor();
    await m.page.locator('.bio-properties-panel-group[data-group-id="group-sop"]').waitFor();
  }

  async function save(m: Modeler): Promise<void> {
    await m.page.locator('#save.dirty').waitFor();
    await m.page.locator('#save').click();
    await m.page.locator('#status', { hasText: 'Saved' }).waitFor();
  }

  async function simulate(m: Modeler, options: { time: string; key: string; variables: string }): Promise<void> {
    const page = m.page;
    await page.locator('#tab-simulation').click();
    await page.locator('#sim-start-event option').first().waitFor({ state: 'attached' });
    await page.locator('#sim-time').fill(options.time);
    await page.locator('#sim-key').fill(options.key);
    await page.locator('#sim-variables').fill(options.variables);
    await page.locator('#sim-start').click();
    await page.locator('#sim-message', { hasText: 'Case started.' }).waitFor();
  }

  it('should edit an SLA in the SOP tab, refuse a bad one, and save the new sop:sla to disk', async () => {
    // given
    const m = (modeler = await openModeler('edit-sla'));
    await openDiagram(m.page, ORDER);
    await select(m, 'Task_PickAndPack');
    const sla = m.page.locator('#bio-properties-panel-sop-sla');
    await expect.poll(() => sla.inputValue()).toBe('PT4H');
    await m.shot('pick-and-pack-selected');

    // when: a bad duration is typed
    await sla.fill('4 hours');
    const error = m.page.locator('[data-entry-id="sop-sla"] .bio-properties-panel-error');
    await error.waitFor();
    await m.shot('bad-sla-refused');

    // then: it is shown on the field and not applied
    expect(await error.textContent()).toContain("Invalid ISO 8601 duration '4 hours'");
    await m.page.locator('#save').click();
    await m.page.locator('#status', { hasText: 'Not saved' }).waitFor();
    expect(tagOf(await readFile(join(m.dir, ORDER), 'utf8'), 'Task_PickAndPack')).toContain('sop:sla="PT4H"');

    // when: a good one is typed and saved
    await sla.fill('PT6H');
    await save(m);
    await m.shot('saved');

    // then
    const saved = tagOf(await readFile(join(m.dir, ORDER), 'utf8'), 'Task_PickAndPack');
    expect(saved).toContain('sop:sla="PT6H"');
    expect(saved).toContain('sop:calendar="office"');
  });

  it('should set an SLA with the duration picker and add an escalation rule', async () => {
    // given
    const m = (modeler = await openModeler('picker-and-rule'));
    await openDiagram(m.page, ORDER);
    await select(m, 'Task_AfterSalesFeedback');

    // when
    const picker = m.page.locator('[data-entry-id="sop-sla-picker"]');
    await picker.locator('input[data-unit="days"]').fill('1');
    await picker.locator('input[data-unit="hours"]').fill('4');
    await picker.locator('input[data-unit="minutes"]').fill('0');
    await picker.locator('button.sop-picker-apply').click();
    await m.page.locator('.bio-properties-panel-group[data-group-id="group-sop-escalations"] .bio-properties-panel-add-entry').click();
    const at = m.page.locator('#bio-properties-panel-sop-escalation-0-at');
    await at.fill('75%');
    await m.page.locator('#bio-properties-panel-sop-escalation-0-action').selectOption('notify');
    const targetError = m.page.locator('[data-entry-id="sop-escalation-0-target"] .bio-properties-panel-error');
    await targetError.waitFor();
    await m.page.locator('#bio-properties-panel-sop-escalation-0-target').fill('group:customer-service-lead');
    await targetError.waitFor({ state: 'detached' });
    await m.shot('rule-added');
    await save(m);

    // then
    const xml = await readFile(join(m.dir, ORDER), 'utf8');
    expect(tagOf(xml, 'Task_AfterSalesFeedback')).toContain('sop:sla="P1DT4H"');
    expect(xml).toMatch(/<bpmn:userTask id="Task_AfterSalesFeedback"[^>]*>\s*<bpmn:extensionElements>\s*<sop:escalation at="75%" action="notify" target="group:customer-service-lead" \/>/);
  });

  it('should reorder and remove escalation rules in the SOP tab, and save them in that order', async () => {
    // given: the approval's initial review, with a reminder at 4 h and a repeating one from the deadline
    const m = (modeler = await openModeler('reorder-remove-rules'));
    await openDiagram(m.page, APPROVAL);
    await select(m, 'Task_InitialReview');
    const group = m.page.locator('.bio-properties-panel-group[data-group-id="group-sop-escalations"]');
    await m.shot('rules');
    const item = (i: number) => group.locator(`.bio-properties-panel-collapsible-entry[data-entry-id="sop-escalation-${i}"]`);
    const labels = () => group.locator('.bio-properties-panel-collapsible-entry-header-title').allTextContents();
    expect(await labels()).toHaveLength(2);
    const [first, second] = await labels();

    // when: the second rule is moved up
    await item(1).locator('.bio-properties-panel-collapsible-entry-header').click();
    await item(1).locator('[data-entry-id="sop-escalation-1-order"] button.sop-move-up').click();

    // then: the list shows it first
    await expect.poll(labels).toEqual([second.replace(/^2\./, '1.'), first.replace(/^1\./, '2.')]);
    await m.shot('rule-moved-up');

    // when: the rule now second (the 4-hour reminder) is removed, and the diagram saved
    await item(1).hover();
    await item(1).locator('.bio-properties-panel-remove-entry').click({ force: true });
    await expect.poll(labels).toEqual([second.replace(/^2\./, '1.')]);
    await m.shot('rule-removed');
    await save(m);

    // then: the file keeps the one rule, the other extension elements untouched
    const xml = await readFile(join(m.dir, APPROVAL), 'utf8');
    const task = /<bpmn:userTask id="Task_InitialReview"[\s\S]*?<\/bpmn:userTask>/.exec(xml)![0];
    const rules = [...task.matchAll(/<sop:escalation ([^>]*)\/>/g)].map((r) => Object.fromEntries([...r[1].matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
    expect(rules).toEqual([{ at: '100%', every: 'PT4H', action: 'remind' }]);
    expect(task).toContain('<sop:field name="decision"');
  });

  it('should list a lint error when a user task loses its owner, on the element and in the problems list', async () => {
    // given
    const m = (modeler = await openModeler('lint-error'));
    await openDiagram(m.page, ORDER);
    await m.page.locator('#tab-problems').click();
    await m.page.locator('#soundness-state[data-state="sound"]').waitFor();
    expect(await m.page.locator('#problems-list li.problem.error').count()).toBe(0);
    await select(m, 'Task_PickAndPack');

    // when
    await m.page.locator('#bio-properties-panel-sop-candidateGroups').fill('');
    await m.page.locator('#bio-properties-panel-sop-candidateGroups').blur();
    await m.page.locator('#tab-problems').click();

    // then
    const problem = m.page.locator('#problems-list li.problem.error[data-rule="sopflow/user-task-owner"][data-element="Task_PickAndPack"]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('User task has no owner');
    expect(await m.page.locator('.djs-overlays[data-container-id="Task_PickAndPack"] .bjsl-overlay').count()).toBeGreaterThan(0);
    expect(await m.page.locator('#tab-problems').textContent()).toBe('Problems (1)');
    await m.shot('owner-missing');
  });

  it('should show a soundness finding with its counterexample run marked on the flows', async () => {
    // given
    const m = (modeler = await openModeler('soundness'));
    await copyFile(join(ROOT, 'test/browser/fixtures/deadlock.xor-split-and-join.bpmn'), join(m.dir, 'deadlock.bpmn'));
    await m.page.locator('#refresh-files').click();
    await openDiagram(m.page, 'deadlock.bpmn');
    await m.page.locator('#tab-problems').click();

    // when
    const finding = m.page.locator('#problems-list li.problem[data-rule="soundness/deadlock"]');
    await finding.click();

    // then
    expect(await finding.textContent()).toContain('waits forever');
    for (const flow of ['Flow_ToChoice', 'Flow_ToReviewA', 'Flow_AToJoin']) {
      await m.page.locator(`g.djs-element.sop-counterexample[data-element-id="${flow}"]`).waitFor({ state: 'attached' });
    }
    expect(await m.page.locator('g.djs-element.sop-counterexample[data-element-id="Flow_ToReviewB"]').count()).toBe(0);
    expect(await m.page.locator('g.djs-element.sop-finding[data-element-id="Gateway_Join"]').count()).toBe(1);
    await m.shot('deadlock-path');
  });

  it('should simulate the complaint SOP to the first-response escalation and mark it on the canvas', async () => {
    // given: a normal complaint on Monday 09:00 (2 working hours, reminder at 75 %)
    const m = (modeler = await openModeler('simulate-complaint'));
    await openDiagram(m.page, COMPLAINT);
    await simulate(m, { time: '2026-11-23T09:00', key: 'C-1', variables: 'severity = normal\ncategory = billing' });
    const acknowledge = m.page.locator('g.djs-element[data-element-id="Task_AcknowledgeAndApologise"]');
    await m.page.locator('.sim-token[data-node="Task_AcknowledgeAndApologise"]').waitFor();
    await m.shot('case-started');

    // when
    await m.page.locator('#sim-next-due').click();
    await m.page.locator('.sim-event-reminder').waitFor();
    await m.shot('reminder');
    await m.page.locator('#sim-next-due').click();
    await m.page.locator('.sim-event-escalation').waitFor();
    await m.shot('escalated');

    // then
    expect(await acknowledge.getAttribute('class')).toMatch(/\bsim-escalated\b/);
    expect(await m.page.locator('.sim-event-escalation').textContent()).toBe('⚠ Escalated FIRST_RESPONSE_OVERDUE 11:00');
    expect(await m.page.locator('.sim-event-reminder').textContent()).toBe('Reminder 10:30');
    expect(await m.page.locator('g.djs-element[data-element-id="BoundaryEvent_FirstResponseOverdue"]').getAttribute('class')).toMatch(/\bsim-caught\b/);
    expect(await m.page.locator('#sim-now').textContent()).toBe('Mon 2026-11-23 11:00');
    expect(await m.page.locator('#sim-tasks li.sim-task').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.node))).toEqual([
      'Task_AcknowledgeAndApologise',
      'Task_SupervisorIntervention',
    ]);
    expect(await m.page.locator('#sim-audit li[data-type="escalation.thrown"]').textContent()).toContain('Mon 2026-11-23 11:00');
  });

  it('should complete a task by clicking it on the canvas, with variables', async () => {
    // given
    const m = (modeler = await openModeler('complete-task'));
    await openDiagram(m.page, COMPLAINT);
    await simulate(m, { time: '2026-11-23T09:00', key: 'C-2', variables: '{ "severity": "urgent", "category": "delivery" }' });

    // when
    await m.page.locator('g.djs-element[data-element-id="Task_AcknowledgeAndApologise"]').click();
    await m.page.locator('#sim-complete-form').waitFor();
    await m.page.locator('#sim-complete-variables').fill('note = called back');
    await m.page.locator('#sim-complete').click();

    // then: the automatic steps ran and the department's task waits
    await m.page.locator('.sim-token[data-node="Task_InvestigateAndResolve"]').waitFor();
    expect(await m.page.locator('#sim-tasks li.sim-task').textContent()).toContain('Investigate and resolve — group logistics');
    expect(await m.page.locator('g.djs-element[data-element-id="Task_AcknowledgeAndApologise"]').getAttribute('class')).toMatch(/\bsim-completed\b/);
    expect(await m.page.locator('#sim-audit li[data-type="task.completed"]').count()).toBe(1);
    await m.shot('completed');
  });

  it("should accept the owner's change: first response in 1 h instead of 2 h, still clean, escalating at 1 working hour, saved", async () => {
    // given
    const m = (modeler = await openModeler('acceptance-first-response-1h'));
    await openDiagram(m.page, COMPLAINT);
    await m.page.locator('#tab-problems').click();
    await m.page.locator('#soundness-state[data-state="sound"]').waitFor();
    expect(await m.page.locator('#problems-list li.problem').first().textContent()).toBe('No problems.');
    await select(m, 'Task_AcknowledgeAndApologise');
    const sla = m.page.locator('#bio-properties-panel-sop-sla');
    expect(await sla.inputValue()).toBe('=if severity = "urgent" then duration("PT30M") else duration("PT2H")');

    // when: the owner changes 2 h to 1 h
    await sla.fill('=if severity = "urgent" then duration("PT30M") else duration("PT1H")');
    await m.page.locator('#save.dirty').waitFor();
    await m.shot('sla-changed');

    // then: lint and soundness stay clean
    await m.page.locator('#tab-problems').click();
    await m.page.locator('#soundness-state[data-state="sound"]').waitFor();
    expect(await m.page.locator('#problems-summary').textContent()).toContain('0 errors, 0 warnings');

    // when: a normal complaint arrives Monday 09:00 and an hour passes
    await simulate(m, { time: '2026-11-23T09:00', key: 'C-3', variables: 'severity = normal\ncategory = product' });
    expect(await m.page.locator('.sim-due[data-node="Task_AcknowledgeAndApologise"]').textContent()).toBe('due Mon 2026-11-23 10:00');
    await m.page.locator('#sim-plus-hour').click();

    // then: the escalation came at 1 working hour
    await m.page.locator('.sim-event-escalation').waitFor();
    expect(await m.page.locator('#sim-audit li[data-type="escalation.thrown"]').textContent()).toContain('Mon 2026-11-23 10:00');
    expect(await m.page.locator('#sim-audit li[data-type="sla.reminder"]').textContent()).toContain('Mon 2026-11-23 09:45');
    await m.shot('escalated-at-1h');

    // when
    await save(m);

    // then
    const saved = tagOf(await readFile(join(m.dir, COMPLAINT), 'utf8'), 'Task_AcknowledgeAndApologise');
    expect(saved).toContain('sop:sla="=if severity = &#34;urgent&#34; then duration(&#34;PT30M&#34;) else duration(&#34;PT1H&#34;)"');
  });

  it('should warn when the file changed on disk since it was opened, and let the owner overwrite it', async () => {
    // given: opened, then changed on disk by someone else
    const m = (modeler = await openModeler('conflict'));
    await openDiagram(m.page, ORDER);
    const path = join(m.dir, ORDER);
    await writeFile(path, (await readFile(path, 'utf8')).replace('name="Pick and pack"', 'name="Pick and pack (theirs)"'));
    await select(m, 'Task_PickAndPack');
    await m.page.locator('#bio-properties-panel-sop-sla').fill('PT5H');
    await m.page.locator('#save.dirty').waitFor();

    // when
    await m.page.locator('#save').click();
    const dialog = m.page.locator('#conflict-dialog');
    await dialog.waitFor();
    await m.shot('conflict');
    await m.page.locator('#conflict-overwrite').click();
    await m.page.locator('#status', { hasText: 'Saved' }).waitFor();

    // then
    const saved = tagOf(await readFile(path, 'utf8'), 'Task_PickAndPack');
    expect(saved).toContain('name="Pick and pack"');
    expect(saved).toContain('sop:sla="PT5H"');
  });

  it('should create a diagram from a template and export it as SVG and PNG', async () => {
    // given
    const m = (modeler = await openModeler('new-and-export'));

    // when
    await m.page.locator('#new-diagram').click();
    await m.page.locator('#new-name').fill('team/approval copy');
    await m.page.locator('#new-dialog input[value="cross-department-approval"]').check();
    await m.shot('new-dialog');
    await m.page.locator('#new-create').click();
    await m.page.locator('#file-name', { hasText: 'team/approval copy.bpmn' }).waitFor();
    const [svg] = await Promise.all([m.page.waitForEvent('download'), m.page.locator('#export-svg').click()]);
    const [png] = await Promise.all([m.page.waitForEvent('download'), m.page.locator('#export-png').click()]);

    // then
    const original = await readFile(join(ROOT, 'examples/cross-department-approval/cross-department-approval.bpmn'), 'utf8');
    expect(await readFile(join(m.dir, 'team/approval copy.bpmn'), 'utf8')).toBe(original);
    expect(await m.page.locator('#file-list li.current').getAttribute('data-path')).toBe('team/approval copy.bpmn');
    expect(svg.suggestedFilename()).toBe('approval copy.svg');
    expect(await readFile(await svg.path(), 'utf8')).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*Initial review/);
    expect(png.suggestedFilename()).toBe('approval copy.png');
    expect((await readFile(await png.path())).subarray(1, 4).toString()).toBe('PNG');
  });

  it.runIf(corpusAvailable)('should open a corpus diagram that has no layout laid out, ready to save with it', async () => {
    // given: a real diagram from the corpus with its diagram interchange removed (the corpus has none without DI that has content)
    const m = (modeler = await openModeler('layout-missing-di'));
    const source = await readFile(join(CORPUS, 'camunda/camunda-8-tutorials/solutions/ticket-booking/Ticket Booking.bpmn'), 'utf8');
    const bare = source.replace(/<(\w+:)?BPMNDiagram\b[\s\S]*<\/(\w+:)?BPMNDiagram>/g, '');
    await writeFile(join(m.dir, 'no-layout.bpmn'), bare);
    await m.page.reload();

    // when
    await openDiagram(m.page, 'no-layout.bpmn');
    await m.page.locator('#status', { hasText: 'laid out automatically' }).waitFor();
    await m.shot('laid-out');

    // then: every task is drawn, apart from the others, and the layout is saved on request
    const boxes = await m.page.locator('.djs-element.djs-shape[data-element-id$="Task"], .djs-element.djs-shape[data-element-id*="Task_"]').evaluateAll((els) =>
      els.map((el) => (el as SVGGraphicsElement).getBoundingClientRect()).map((r) => ({ x: Math.round(r.x), y: Math.round(r.y) })),
    );
    const taskIds = [...bare.matchAll(/<bpmn:(?:serviceTask|userTask|receiveTask|task) id="([^"]+)"/g)].map((x) => x[1]);
    const drawn = await m.page.locator('.djs-element.djs-shape').evaluateAll((els) => els.map((el) => el.getAttribute('data-element-id')));
    expect(taskIds.length).toBeGreaterThan(3);
    for (const id of taskIds) expect(drawn).toContain(id);
    expect(new Set(boxes.map((b) => `${b.x},${b.y}`)).size).toBe(boxes.length);
    await save(m);
    expect(await readFile(join(m.dir, 'no-layout.bpmn'), 'utf8')).toMatch(/<bpmndi:BPMNShape [^>]*bpmnElement="WaitForPaymentReceivedEvent"/);
  });

  it('should undo and redo with the keyboard', async () => {
    // given: a changed SLA, and the canvas has the keyboard focus
    const m = (modeler = await openModeler('undo-redo'));
    await openDiagram(m.page, ORDER);
    await select(m, 'Task_PickAndPack');
    await m.page.locator('#bio-properties-panel-sop-sla').fill('PT8H');
    await m.page.locator('#save.dirty').waitFor();
    const slaOf = async () => {
      await select(m, 'Task_PickAndPack');
      return m.page.locator('#bio-properties-panel-sop-sla').inputValue();
    };
    const changed = await slaOf();

    // when
    await m.page.keyboard.press('Control+z');
    const undone = await slaOf();
    await m.page.keyboard.press('Control+y');
    const redone = await slaOf();

    // then
    expect([changed, undone, redone]).toEqual(['PT8H', 'PT4H', 'PT8H']);
  });
});
