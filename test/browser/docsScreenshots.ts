/**
 * Takes the screenshots of docs/modeler.md with the real modeler in
 * Chromium, on a fresh copy of the example SOPs, and writes them to
 * docs/images/ (reduced to 128 colours with pngquant when it is
 * installed, to keep them small). Run from the repository root:
 *
 *   node --conditions=source --import tsx test/browser/docsScreenshots.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { browserAvailable, ensureModelerBuilt, openDiagram, openModeler, ROOT } from './harness.js';

const OUT = join(ROOT, 'docs/images');
const VIEWPORT = { width: 1440, height: 800 };

async function save(name: string, shoot: (path: string) => Promise<unknown>): Promise<void> {
  const path = join(OUT, name);
  await shoot(path);
  try {
    execFileSync('pngquant', ['--force', '--skip-if-larger', '--output', path, '128', path], { stdio: 'ignore' });
  } catch {
    // pngquant is optional (and declines when it would not help): the full-colour PNG stays.
  }
  console.log(`wrote docs/images/${name}`);
}

async function page(name: string, p: Page): Promise<void> {
  await save(name, (path) => p.screenshot({ path }));
}

async function part(name: string, locator: Locator): Promise<void> {
  await save(name, (path) => locator.screenshot({ path }));
}

async function main(): Promise<void> {
  if (!browserAvailable()) process.exit(1);
  ensureModelerBuilt();
  await mkdir(OUT, { recursive: true });
  const m = await openModeler('docs', VIEWPORT);
  const p = m.page;
  try {
    // The SOP tab of the complaint SOP's first step.
    await openDiagram(p, 'complaint-escalation/complaint-escalation.bpmn');
    await p.locator('g.djs-element[data-element-id="Task_AcknowledgeAndApologise"]').click();
    await p.locator('.bio-properties-panel-group[data-group-id="group-sop"]').waitFor();
    await page('modeler-sop-tab.png', p);
    await p.locator('.bio-properties-panel-group[data-group-id="group-sop-escalations"] .bio-properties-panel-collapsible-entry-header').first().click();
    await p.locator('.bio-properties-panel-group[data-group-id="group-sop-escalations"]').evaluate((group) => group.scrollIntoView({ block: 'start' }));
    await part('modeler-escalation-rules.png', p.locator('#panel-properties'));

    // A typing mistake, shown on the field.
    await p.locator('#bio-properties-panel-sop-sla').fill('2 hours');
    await p.locator('[data-entry-id="sop-sla"] .bio-properties-panel-error').waitFor();
    await p.locator('[data-entry-id="sop-sla"]').scrollIntoViewIfNeeded();
    await part('modeler-field-error.png', p.locator('[data-group-id="group-sop"]'));

    // A lint error: a user task without owner (the refused SLA was never applied: nothing to discard).
    await openDiagram(p, 'order-handling/order-handling.bpmn');
    await p.locator('g.djs-element[data-element-id="Task_PickAndPack"]').click();
    await p.locator('#bio-properties-panel-sop-candidateGroups').fill('');
    await p.locator('#tab-problems').click();
    await p.locator('#problems-list li[data-rule="sopflow/user-task-owner"]').waitFor();
    await p.locator('#soundness-state[data-state="sound"]').waitFor();
    // Clear the selection, so that the lint mark on the task shows.
    await p.locator('#canvas').click({ position: { x: 600, y: 600 } });
    await page('modeler-problems.png', p);

    // A soundness finding with its run.
    await copyFile(join(ROOT, 'test/browser/fixtures/deadlock.xor-split-and-join.bpmn'), join(m.dir, 'deadlock.bpmn'));
    await p.locator('#refresh-files').click();
    await p.locator('#file-list li[data-path="deadlock.bpmn"] button').click();
    // The owner-less task is an unsaved change: the modeler asks before leaving it.
    await part('modeler-discard.png', p.locator('#discard-dialog'));
    await p.locator('#discard-yes').click();
    await p.locator('#file-name', { hasText: 'deadlock.bpmn' }).waitFor();
    await p.locator('#tab-problems').click();
    await p.locator('#problems-list li[data-rule="soundness/deadlock"]').click();
    await p.locator('g.sop-counterexample').first().waitFor({ state: 'attached' });
    await page('modeler-soundness.png', p);

    // The simulation of a normal complaint, to its escalation.
    await openDiagram(p, 'complaint-escalation/complaint-escalation.bpmn');
    await p.locator('#tab-simulation').click();
    await p.locator('#sim-start-event option').first().waitFor({ state: 'attached' });
    await p.locator('#sim-time').fill('2026-11-23T09:00');
    await p.locator('#sim-key').fill('C-1001');
    await p.locator('#sim-variables').fill('severity = normal\ncategory = billing');
    await p.locator('#sim-start').click();
    await p.locator('#sim-next-due').click();
    await p.locator('.sim-event-reminder').waitFor();
    await p.locator('#sim-next-due').click();
    await p.locator('.sim-event-escalation').waitFor();
    await page('modeler-simulation.png', p);

    // A new diagram from a template.
    await p.locator('#sim-stop').click();
    await p.locator('#new-diagram').click();
    await p.locator('#new-name').fill('refunds/refund-approval');
    await p.locator('#new-dialog input[value="cross-department-approval"]').check();
    await part('modeler-new-diagram.png', p.locator('#new-dialog'));
    await p.locator('#new-cancel').click();

    // Someone else changed the file meanwhile.
    const path = join(m.dir, 'complaint-escalation/complaint-escalation.bpmn');
    await writeFile(path, (await readFile(path, 'utf8')).replace('name="Customer follow-up"', 'name="Follow-up call"'));
    await p.locator('g.djs-element[data-element-id="Task_CustomerFollowUp"]').click();
    await p.locator('#tab-properties').click();
    await p.locator('#bio-properties-panel-sop-sla').fill('PT8H');
    await p.locator('#save.dirty').waitFor();
    await p.locator('#save').click();
    await part('modeler-conflict.png', p.locator('#conflict-dialog'));
    await p.locator('#conflict-cancel').click();
    if (m.errors.length) throw new Error(`The page logged errors:\n${m.errors.join('\n')}`);
  } finally {
    await m.close();
  }
}

await main();
