/// <reference lib="dom" />
/**
 * Task forms in the modeler, in Chromium: an owner opens the form-js
 * editor from a user task's SOP tab (on a form generated from its
 * `<sop:field>`s), changes a label, saves — the task now holds
 * `<sop:form>` in place of its fields, as one undoable step — and the
 * saved file has it. SOPFLOW_DOCS_IMAGES=1 also writes the editor's
 * screenshot to docs/images/forms-modeler-editor.png.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, ensureModelerBuilt, openDiagram, openModeler, ROOT, type Modeler } from './harness.js';

const available = browserAvailable();
/** With SOPFLOW_DOCS_IMAGES=1, the editor's screenshot for docs/forms.md (128 colours, pngquant). */
const DOCS = process.env.SOPFLOW_DOCS_IMAGES === '1' ? join(ROOT, 'docs/images') : undefined;
const APPROVAL = 'cross-department-approval/cross-department-approval.bpmn';

/** The XML of one element, from its opening tag to its closing one. */
function elementXml(xml: string, id: string): string {
  const match = new RegExp(`<bpmn:(\\w+) id="${id}"[\\s\\S]*?</bpmn:\\1>`).exec(xml);
  if (!match) throw new Error(`No element ${id} in the saved diagram.`);
  return match[0];
}

describe.skipIf(!available)('task forms in the modeler', () => {
  let modeler: Modeler | undefined;

  beforeAll(() => {
    ensureModelerBuilt();
  }, 180_000);

  afterEach(async () => {
    const errors = modeler?.errors ?? [];
    await modeler?.close();
    modeler = undefined;
    expect(errors).toEqual([]);
  });

  it('should open the form editor on a task\'s <sop:field>s, save the edited form as <sop:form> (undoable) and write it to the file', async () => {
    // given: the approval SOP, its initial review selected (one <sop:field>: the decision)
    const m = (modeler = await openModeler('task-form'));
    const page = m.page;
    await openDiagram(page, APPROVAL);
    await page.locator('#tab-properties').click();
    await page.locator('g.djs-element[data-element-id="Task_InitialReview"]').click();
    const entry = page.locator('[data-entry-id="sop-form"]');
    await entry.waitFor();
    expect(await entry.locator('[data-form-source]').getAttribute('data-form-source')).toBe('sop:field');

    // when: the form editor is opened and the decision's label changed
    await page.locator('#sop-form-edit').click();
    const dialog = page.locator('#form-editor');
    await dialog.waitFor();
    const field = dialog.locator('.fjs-editor-container .fjs-form-field-select');
    await field.waitFor();
    await m.shot('form-editor');
    await field.click();
    const general = dialog.locator('[data-group-id="group-general"] .bio-properties-panel-group-header');
    await general.waitFor();
    if (!/\bopen\b/.test((await general.getAttribute('class')) ?? '')) await general.click();
    const label = dialog.locator('#bio-properties-panel-label');
    await label.waitFor();
    await label.fill('Review decision');
    await dialog.locator('.fjs-editor-container .fjs-form-field-select', { hasText: 'Review decision' }).waitFor();
    await m.shot('form-editor-label-changed');
    if (DOCS) {
      const path = join(DOCS, 'forms-modeler-editor.png');
      await page.screenshot({ path });
      execFileSync('pngquant', ['--force', '--output', path, '128', path]);
    }
    await page.locator('#form-editor-save').click();
    await dialog.waitFor({ state: 'detached' });

    // then: the task holds a form-js form now
    await entry.locator('[data-form-source="sop:form"]').waitFor();
    expect(await entry.textContent()).toContain('with 1 field');

    // when: undone and redone
    await page.locator('#canvas svg[tabindex="0"]').focus();
    await page.keyboard.press('Control+z');
    await entry.locator('[data-form-source="sop:field"]').waitFor();
    await page.keyboard.press('Control+y');
    await entry.locator('[data-form-source="sop:form"]').waitFor();

    // when: saved
    await page.locator('#save.dirty').waitFor();
    await page.locator('#save').click();
    await page.locator('#status', { hasText: 'Saved' }).waitFor();

    // then: the file has the form in place of the field, and it reads as a form-js schema
    const task = elementXml(await readFile(join(m.dir, APPROVAL), 'utf8'), 'Task_InitialReview');
    expect(task).not.toContain('<sop:field');
    const body = /<sop:form>([\s\S]*?)<\/sop:form>/.exec(task)?.[1];
    expect(body, task).toBeDefined();
    const schema = JSON.parse(body!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    expect(schema.components).toEqual([expect.objectContaining({ type: 'select', key: 'decision', label: 'Review decision', validate: { required: true }, values: [{ label: 'approve', value: 'approve' }, { label: 'reject', value: 'reject' }] })]);
    // …and the problems list stays clean: the diagram still compiles
    await page.locator('#tab-problems').click();
    await m.shot('form-saved');
  });
  it('should show a form the engine would refuse as a lint error on its task, and a form that is not JSON in the Form entry', async () => {
    // given: a diagram whose task has a form-js form with a look-ahead pattern (RE2 cannot run it), another whose form is not JSON
    const m = (modeler = await openModeler('task-form-bad'));
    const page = m.page;
    const diagram = (form: string) =>
      readFile(join(m.dir, APPROVAL), 'utf8').then((xml) =>
        xml.replace(/(<bpmn:userTask id="Task_FinalApprovalDirector"[^>]*>\s*<bpmn:extensionElements>)\s*<sop:field [^>]*\/>/, `$1<sop:form>${form}</sop:form>`),
      );
    await writeFile(join(m.dir, 'bad-pattern.bpmn'), await diagram('{ "components": [ { "type": "textfield", "key": "code", "label": "Code", "validate": { "pattern": "^(?=SO-)" } } ] }'));
    await writeFile(join(m.dir, 'not-json.bpmn'), await diagram('{ "components": [ '));
    await page.reload();

    // when
    await openDiagram(page, 'bad-pattern.bpmn');
    await page.locator('#tab-problems').click();

    // then: the executable rule names the task and the pattern
    const problem = page.locator('#problems-list li.problem.error[data-element="Task_FinalApprovalDirector"]');
    await problem.first().waitFor();
    expect(await problem.allTextContents()).toEqual([expect.stringContaining('the form cannot check it')]);

    // when: the other one, its task selected
    await openDiagram(page, 'not-json.bpmn');
    await page.locator('#tab-properties').click();
    await page.locator('g.djs-element[data-element-id="Task_FinalApprovalDirector"]').click();

    // then: the entry says so and offers no editor
    const entry = page.locator('[data-entry-id="sop-form"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('is not JSON');
    expect(await page.locator('#sop-form-edit').isDisabled()).toBe(true);
    await page.locator('#tab-problems').click();
    await page.locator('#problems-list li.problem.error[data-element="Task_FinalApprovalDirector"]', { hasText: 'not a JSON form-js schema' }).waitFor();
  });
  it("should give the approval's start event a form-js form from its fields, saved to the file", async () => {
    // given: the approval's none start event selected
    const m = (modeler = await openModeler('start-form'));
    const page = m.page;
    await openDiagram(page, APPROVAL);
    await page.locator('#tab-properties').click();
    await page.locator('g.djs-element[data-element-id="StartEvent_SubmitRequest"]').click();
    const group = page.locator('.bio-properties-panel-group[data-group-id="group-sop-start-form"]');
    await group.locator('[data-form-source="sop:field"]').waitFor();

    // when: its form opened in the editor and saved as it is
    await group.locator('#sop-form-edit').click();
    await page.locator('#form-editor .fjs-editor-container .fjs-form-field-textarea').waitFor();
    await page.locator('#form-editor-save').click();
    await group.locator('[data-form-source="sop:form"]').waitFor();
    await page.locator('#save.dirty').waitFor();
    await page.locator('#save').click();
    await page.locator('#status', { hasText: 'Saved' }).waitFor();

    // then: the start event holds the form, each field a component of its type
    const start = /<bpmn:startEvent id="StartEvent_SubmitRequest"[\s\S]*?<\/bpmn:startEvent>/.exec(await readFile(join(m.dir, APPROVAL), 'utf8'))![0];
    expect(start).not.toContain('<sop:field');
    const schema = JSON.parse(/<sop:form>([\s\S]*?)<\/sop:form>/.exec(start)![1].replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    expect(schema.components.map((c: { key: string; type: string }) => [c.key, c.type])).toEqual([
      ['goal', 'textarea'],
      ['deadline', 'datetime'],
      ['amount', 'number'],
      ['departments', 'textfield'],
      ['urgent', 'radio'],
    ]);
    // the free list keeps its custom property through the editor: it still reaches the engine as a list
    expect(schema.components[3].properties).toEqual({ 'sopflow:list': 'comma-separated' });
  });
});
