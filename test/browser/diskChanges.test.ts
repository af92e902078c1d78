/// <reference lib="dom" />
/**
 * The open diagram's file changed by someone else while the modeler page
 * was in the background: when the page gets the focus back, an unchanged
 * diagram is loaded again, and one with unsaved changes says so at once
 * (not only when saving).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, ensureModelerBuilt, openDiagram, openModeler, type Modeler } from './harness.js';

const available = browserAvailable();
const ORDER = 'order-handling/order-handling.bpmn';

describe.skipIf(!available)('the open file changed on disk', () => {
  let modeler: Modeler | undefined;

  beforeAll(() => ensureModelerBuilt(), 180_000);

  afterEach(async () => {
    // the check after the deletion reads the file and gets the 404 it expects; the browser logs it anyway
    const errors = (modeler?.errors ?? []).filter((e) => !/status of 404 \(Not Found\)/.test(e));
    await modeler?.close();
    modeler = undefined;
    expect(errors).toEqual([]);
  });

  /** What the page does when its window gets the focus back. */
  const refocus = (m: Modeler) => m.page.evaluate(() => window.dispatchEvent(new Event('focus')));
  const taskLabel = (m: Modeler) => m.page.locator('g.djs-element[data-element-id="Task_PickAndPack"] text').allTextContents();

  it('should load the new version when nothing is unsaved, and warn at once when something is', async () => {
    // given: the order SOP open, no unsaved changes
    const m = (modeler = await openModeler('disk-changes'));
    await openDiagram(m.page, ORDER);
    const file = join(m.dir, ORDER);
    const original = await readFile(file, 'utf8');

    // when: another editor renames a task on disk and the page gets the focus back
    await writeFile(file, original.replace('name="Pick and pack"', 'name="Pick, pack and weigh"'));
    await refocus(m);

    // then: the new version is shown, still without unsaved changes
    await m.page.locator('#status', { hasText: 'the new version was loaded' }).waitFor();
    expect((await taskLabel(m)).join(' ')).toContain('weigh');
    expect(await m.page.locator('#save.dirty').count()).toBe(0);
    await m.shot('reloaded');

    // when: the owner changes something here, the file changes on disk again, and the page gets the focus back
    await m.page.locator('g.djs-element[data-element-id="Task_PickAndPack"]').click();
    await m.page.keyboard.press('Delete');
    await m.page.locator('#save.dirty').waitFor();
    await writeFile(file, original);
    await refocus(m);

    // then: the owner is told now, and the unsaved work is still there
    await m.page.locator('#status.error', { hasText: 'changed on disk since you opened it' }).waitFor();
    expect(await m.page.locator('g.djs-element[data-element-id="Task_PickAndPack"]').count()).toBe(0);
    expect(await m.page.locator('#save.dirty').count()).toBe(1);
    await m.shot('changed-while-dirty');

    // when: the file is deleted on disk
    await rm(file);
    await refocus(m);

    // then
    await m.page.locator('#status.error', { hasText: 'was deleted on disk' }).waitFor();
  });
});
