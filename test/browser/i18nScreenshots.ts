/**
 * Takes the screenshots of docs/i18n.md ("In the browser") in English and
 * in Simplified Chinese: the modeler with the SOP tab and a lint finding,
 * its problems list, and the workbench's Monitor with a breached case.
 * Real modeler, real `sopflow start` on a virtual clock, Chromium with the
 * browser's language set to each language. Writes docs/images/i18n-*.png
 * (reduced to 128 colours with pngquant when installed). Chinese needs a
 * CJK font (Debian: fonts-noto-cjk or fonts-wqy-microhei). Run from the
 * repository root:
 *
 *   node --conditions=source --import tsx test/browser/i18nScreenshots.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserAvailable, ensureModelerBuilt, openDiagram, openModeler, ROOT, startWorkbench } from './harness.js';

const OUT = join(ROOT, 'docs/images');
const VIEWPORT = { width: 1440, height: 800 };
const LANGUAGES = [
  { lang: 'en', locale: 'en-US' },
  { lang: 'zh-CN', locale: 'zh-CN' },
] as const;

async function save(name: string, page: Page): Promise<void> {
  const path = join(OUT, name);
  await page.screenshot({ path });
  try {
    execFileSync('pngquant', ['--force', '--skip-if-larger', '--output', path, '128', path], { stdio: 'ignore' });
  } catch {
    // pngquant is optional (and declines when it would not help): the full-colour PNG stays.
  }
  console.log(`wrote docs/images/${name}`);
}

/** The order SOP with an owner-less task: the SOP tab, the lint mark on the canvas, then the problems list. */
async function modeler(lang: string, locale: string): Promise<void> {
  const m = await openModeler(`docs-i18n-${lang}`, VIEWPORT, { locale });
  const p = m.page;
  try {
    await openDiagram(p, 'order-handling/order-handling.bpmn');
    await p.locator('g.djs-element[data-element-id="Task_PickAndPack"]').click();
    await p.locator('#bio-properties-panel-sop-candidateGroups').fill('');
    await p.locator('#problems-list li[data-rule="sopflow/user-task-owner"]').waitFor({ state: 'attached' });
    await p.locator('#soundness-state[data-state="sound"]').waitFor({ state: 'attached' });
    // The lint mark's details, opened next to the selected task.
    await p.locator('.djs-overlay-linting .bjsl-overlay').first().hover().catch(() => {});
    await save(`i18n-modeler-sop-tab-${lang}.png`, p);
    await p.locator('#tab-problems').click();
    await p.locator('#canvas').click({ position: { x: 600, y: 600 } });
    await p.locator('#soundness-state[data-state="sound"]').waitFor();
    await save(`i18n-modeler-problems-${lang}.png`, p);
    if (m.errors.length) throw new Error(`The page logged errors:\n${m.errors.join('\n')}`);
  } finally {
    await m.close();
  }
}

/** `sopflow start` on the examples with an urgent complaint 10 minutes late: the Monitor's heat map, in each language. */
async function monitor(lang: string, locale: string): Promise<void> {
  const w = await startWorkbench({ locale, viewport: VIEWPORT });
  try {
    const api = `${w.server.origin}/api/workbench`;
    const headers = { authorization: `Bearer ${w.server.token}`, 'content-type': 'application/json' };
    for (const [key, severity] of [
      ['C-200', 'urgent'],
      ['C-201', 'normal'],
    ]) {
      const started = await fetch(`${api}/instances`, { method: 'POST', headers, body: JSON.stringify({ processId: 'complaint-escalation', businessKey: key, variables: { severity, category: 'delivery', channel: 'hotline' }, user: 'wu' }) });
      if (started.status !== 201) throw new Error(`could not start ${key}: ${await started.text()}`);
    }
    await w.clock.advance('PT40M');
    await w.page.goto(w.url('monitor.html', 'process=complaint-escalation'));
    await w.page.locator('.heat-badge.breaches[data-node="Task_AcknowledgeAndApologise"]').waitFor();
    await w.page.locator('#engine-time[data-now]').waitFor({ state: 'attached' });
    await save(`i18n-monitor-${lang}.png`, w.page);
    if (w.errors.length) throw new Error(`The page logged errors:\n${w.errors.join('\n')}`);
  } finally {
    await w.close();
  }
}

async function main(): Promise<void> {
  if (!browserAvailable()) process.exit(1);
  ensureModelerBuilt();
  await mkdir(OUT, { recursive: true });
  for (const { lang, locale } of LANGUAGES) await modeler(lang, locale);
  for (const { lang, locale } of LANGUAGES) await monitor(lang, locale);
}

await main();
