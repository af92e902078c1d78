/// <reference lib="dom" />
/**
 * Diagram text is data, never markup: names and documentation holding HTML
 * and script are shown as text in every panel of the modeler (canvas,
 * properties, problems, simulation), and the page's own code never turns a
 * string into HTML.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, ensureModelerBuilt, openDiagram, openModeler, ROOT, type Modeler } from './harness.js';

const HOSTILE = '<img src=x onerror="window.__xss=1">Pick<script>window.__xss2=1</script>';
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('diagram text in the modeler', () => {
  it('should never be turned into HTML by the page code (no innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
    const sinks = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write(ln)?|createContextualFragment)\b/;
    const found = sources(join(ROOT, 'packages/modeler/src')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (sinks.test(line) ? [`${file.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });
});

const available = browserAvailable();

describe.skipIf(!available)('hostile diagram text in Chromium', () => {
  let modeler: Modeler | undefined;

  beforeAll(() => ensureModelerBuilt(), 180_000);

  afterEach(async () => {
    const errors = modeler?.errors ?? [];
    await modeler?.close();
    modeler = undefined;
    expect(errors).toEqual([]);
  });

  it('should show names and documentation holding markup as text on the canvas, in the properties, problems and simulation', async () => {
    // given: the order SOP with a task whose name and documentation are HTML with script, and no owner (so lint reports it)
    const m = (modeler = await openModeler('escaping'));
    const path = join(m.dir, 'order-handling/order-handling.bpmn');
    const xml = (await readFile(path, 'utf8')).replace(
      /<bpmn:userTask id="Task_PickAndPack" name="Pick and pack" sop:candidateGroups="warehouse"/,
      `<bpmn:userTask id="Task_PickAndPack" name="${escapeXml(HOSTILE)}"`,
    );
    expect(xml).toContain('onerror=&quot;');
    await writeFile(path, xml.replace(/(<bpmn:userTask id="Task_PickAndPack"[^>]*>)/, `$1<bpmn:documentation>${escapeXml(HOSTILE)}</bpmn:documentation>`));
    await m.page.reload();
    const page = m.page;

    // when: the diagram is opened, the task selected, the problems and the simulation shown
    await openDiagram(page, 'order-handling/order-handling.bpmn');
    await page.locator('#tab-properties').click();
    await page.locator('g.djs-element[data-element-id="Task_PickAndPack"]').click();
    await page.locator('.bio-properties-panel-header-label', { hasText: 'Pick' }).waitFor();
    await m.shot('properties');
    await page.locator('#tab-problems').click();
    await page.locator('#problems-list li.problem[data-element="Task_PickAndPack"]').first().waitFor();
    await m.shot('problems');
    await page.locator('#tab-simulation').click();
    await page.locator('#sim-start-event option').first().waitFor({ state: 'attached' });
    await m.shot('simulation');

    // then: the markup is shown literally wherever it appears, and nothing of it became an element or ran
    const seen = await page.evaluate((hostile) => {
      const w = window as unknown as { __xss?: number; __xss2?: number };
      return {
        ran: [w.__xss, w.__xss2],
        injected: document.querySelectorAll('img[src="x"], #canvas script, #problems script, .bio-properties-panel script').length,
        header: document.querySelector('.bio-properties-panel-header-label')?.textContent ?? '',
        canvasText: Array.from(document.querySelectorAll('g.djs-element[data-element-id="Task_PickAndPack"] text'), (t) => t.textContent).join(''),
        literal: document.body.innerText.includes(hostile),
      };
    }, HOSTILE);
    expect(seen.ran).toEqual([undefined, undefined]);
    expect(seen.injected).toBe(0);
    expect(seen.header).toBe(HOSTILE);
    expect(seen.canvasText.replace(/\s+/g, '')).toBe(HOSTILE.replace(/\s+/g, ''));
    expect(seen.literal).toBe(true);
  });
});
