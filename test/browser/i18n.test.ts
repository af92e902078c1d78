/// <reference lib="dom" />
/**
 * The modeler and the workbench in English and Simplified Chinese, in
 * Chromium: the language comes from the browser's (`navigator.languages`,
 * set by the browser context's locale) until the switch in the page
 * chooses one; switching reloads the page in the other language and keeps
 * the unsaved diagram. Checked in both languages: bpmn-js's palette, the
 * properties panel with the SOP tab, a lint finding (problems list and
 * canvas overlay, rendered from its message id), and the workbench's
 * Monitor. Screenshots go to test-results/browser/i18n-*.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualClock } from '@sopflow/engine';
import { translator } from '@sopflow/i18n';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../packages/cli/src/server/startServer.js';
import { browserAvailable, CHROMIUM, ensureModelerBuilt, openDiagram, openModeler, ROOT, startWorkbench, type Modeler, type Workbench } from './harness.js';

const available = browserAvailable();
const en = translator('en');
const zh = translator('zh-CN');
const CJK = /[\u4e00-\u9fff]/;

const palette = (page: Page, action: string) => page.locator(`.djs-palette .entry[data-action="${action}"]`).getAttribute('aria-label');
const groupLabel = (page: Page, group: string) => page.locator(`.bio-properties-panel-group[data-group-id="group-${group}"] .bio-properties-panel-group-header-title`).textContent();
const entryLabel = (page: Page, entry: string) => page.locator(`[data-entry-id="${entry}"] .bio-properties-panel-label`).first().textContent();

/** Chooses `lang` with the switch and waits for the page to come back (a new document) in it. */
async function switchTo(page: Page, lang: 'en' | 'zh-CN'): Promise<void> {
  await page.evaluate(() => ((window as unknown as { beforeSwitch?: boolean }).beforeSwitch = true));
  await page.locator('#language-switch').selectOption(lang);
  const reloaded = () =>
    page
      .evaluate((l) => !(window as unknown as { beforeSwitch?: boolean }).beforeSwitch && document.documentElement.lang === l && (document.querySelector('#language-switch') as HTMLSelectElement | null)?.value === l, lang)
      .catch(() => false); // the document is being replaced
  await expect.poll(reloaded, { timeout: 60_000, message: `the page reloaded in ${lang}` }).toBe(true);
}

describe.skipIf(!available)('the modeler in two languages', () => {
  let m: Modeler | undefined;

  beforeAll(() => ensureModelerBuilt(), 240_000);
  afterAll(async () => {
    await m?.close();
  });

  it('should take the language from the browser when none was chosen', { timeout: 90_000 }, async () => {
    // given: a browser whose language is Chinese (Taiwan: the closest sopflow has is Simplified Chinese)
    m = await openModeler('i18n-browser-language', undefined, { locale: 'zh-TW' });
    const { page } = m;

    // when: the modeler opens a diagram
    await openDiagram(page, 'order-handling/order-handling.bpmn');

    // then: the page, bpmn-js's palette and the properties panel are in Chinese
    expect(await page.evaluate(() => [document.documentElement.lang, navigator.language])).toEqual(['zh-CN', 'zh-TW']);
    expect(await page.locator('#language-switch').inputValue()).toBe('zh-CN');
    expect(await palette(page, 'create.start-event')).toBe('创建开始事件');
    expect(await page.locator('#tab-problems').textContent()).toMatch(/^问题/);
    expect(await page.locator('#save').textContent()).toBe(zh.t('modeler.save'));
    expect(m.errors).toEqual([]);
    await m.close();

    // given: an English browser
    m = await openModeler('i18n-browser-language-en', undefined, { locale: 'en-GB' });
    await openDiagram(m.page, 'order-handling/order-handling.bpmn');

    // then: English
    expect(await m.page.locator('html').getAttribute('lang')).toBe('en');
    expect(await palette(m.page, 'create.start-event')).toBe('Create start event');
    expect(await m.page.locator('#save').textContent()).toBe('Save');
    expect(m.errors).toEqual([]);
    await m.close();
    m = undefined;
  });

  it('should switch the palette, the SOP tab and a lint finding between English and Chinese, keeping the unsaved diagram', { timeout: 120_000 }, async () => {
    // given: an English browser, the order SOP with a user task whose owner was removed (unsaved)
    m = await openModeler('i18n-switch', undefined, { locale: 'en-US' });
    const { page } = m;
    await openDiagram(page, 'order-handling/order-handling.bpmn');
    await page.locator('g.djs-element[data-element-id="Task_PickAndPack"]').click();
    await page.locator('#bio-properties-panel-sop-candidateGroups').fill('');
    await page.locator('#save.dirty').waitFor();
    const finding = page.locator('#problems-list li[data-rule="sopflow/user-task-owner"][data-element="Task_PickAndPack"] .problem-message');
    const englishMessage = en.message({ code: 'user-task-owner.missing', message: (await finding.textContent()) ?? '' });
    expect(await finding.textContent()).toMatch(/^User task has no owner/);
    expect(await palette(page, 'create.start-event')).toBe('Create start event');
    expect(await groupLabel(page, 'sop')).toBe('SOP');
    expect(await entryLabel(page, 'sop-candidateGroups')).toBe('Candidate groups');
    expect(await page.locator('.sop-sla-words').textContent()).toBe('= 4 working hours (calendar office)');
    expect(await groupLabel(page, 'general')).toBe('General');
    await expect.poll(() => page.locator('.bjsl-button').textContent()).toContain('1 error, 0 warnings');
    await m.shot('en');

    // when: Chinese is chosen with the switch
    await switchTo(page, 'zh-CN');

    // then: the same diagram is open, still unsaved, without the owner
    await page.locator('#file-name', { hasText: 'order-handling/order-handling.bpmn •' }).waitFor();
    await page.locator('#save.dirty').waitFor();
    expect(await page.locator('#status').textContent()).toBe(zh.t('modeler.status.restored', { path: 'order-handling/order-handling.bpmn' }));
    // and: the palette (bpmn-js-i18n), the properties panel and the SOP tab are in Chinese
    expect(await palette(page, 'create.start-event')).toBe('创建开始事件');
    expect(await palette(page, 'create.task')).toBe('创建任务');
    await page.locator('g.djs-element[data-element-id="Task_PickAndPack"]').click();
    expect(await page.locator('#bio-properties-panel-sop-candidateGroups').inputValue()).toBe('');
    expect(await groupLabel(page, 'general')).toBe('常规');
    expect(await groupLabel(page, 'sop-escalations')).toBe('升级规则');
    expect(await entryLabel(page, 'sop-assignee')).toBe('处理人');
    expect(await entryLabel(page, 'sop-candidateGroups')).toBe('候选组');
    expect(await page.locator('[data-entry-id="sop-sla-picker"] .sop-picker-apply').textContent()).toBe('设置');
    expect(await page.locator('.sop-sla-words').textContent()).toBe('= 4 个工作小时（日历 office）');
    expect(await page.locator('.bio-properties-panel-header-type').textContent()).toBe('用户任务');
    expect(await page.locator('#tab-simulation').textContent()).toBe('模拟');
    // and: the lint finding is rendered from its message id, in the problems list and on the canvas
    await page.locator('#tab-problems').click();
    const zhMessage = zh.message({ code: 'user-task-owner.missing', message: englishMessage });
    expect(zhMessage).toMatch(CJK);
    await expect.poll(() => finding.textContent()).toBe(zhMessage);
    expect(await page.locator('#problems-summary').textContent()).toMatch(/个错误.*个警告.*健全性/);
    expect(await page.locator('.bjsl-button').textContent()).toContain('1 个错误，0 个警告');
    await page.locator('#canvas').click({ position: { x: 600, y: 600 } });
    await page.locator('.djs-overlay[data-container-id="Task_PickAndPack"] .bjsl-icon, .djs-overlay-linting .bjsl-icon').first().waitFor({ state: 'attached' });
    const overlayTexts = await page.locator('.bjsl-dropdown-content li[data-rule="sopflow/user-task-owner"] .message').allTextContents();
    expect(overlayTexts).toContain(zhMessage);
    await page.locator('#tab-properties').click();
    await page.locator('g.djs-element[data-element-id="Task_PickAndPack"]').click();
    await m.shot('zh-CN');

    // when: back to English
    await switchTo(page, 'en');

    // then: English again, the change still unsaved
    await page.locator('#file-name', { hasText: 'order-handling/order-handling.bpmn •' }).waitFor();
    expect(await palette(page, 'create.start-event')).toBe('Create start event');
    await page.locator('#tab-problems').click();
    await expect.poll(() => finding.textContent()).toBe(englishMessage);
    // and: the choice is remembered over the browser's language
    expect(await page.evaluate(() => localStorage.getItem('sopflow.lang'))).toBe('en');
    expect(m.errors).toEqual([]);
  });
});

describe.skipIf(!available)('the workbench in two languages', () => {
  let workbench: Workbench;
  let clock: VirtualClock;
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const RESULTS = join(ROOT, 'test-results/browser/i18n-workbench');

  beforeAll(async () => {
    ensureModelerBuilt();
    await rm(RESULTS, { recursive: true, force: true });
    await mkdir(RESULTS, { recursive: true });
    workbench = await startWorkbench({ locale: 'en-US' });
    ({ clock, server, context, page, errors } = workbench);
  }, 240_000);

  afterAll(async () => {
    await workbench?.close();
  });

  it('should show the Monitor, a case and the KPI report in English and in Chinese', { timeout: 120_000 }, async () => {
    // given: an urgent complaint whose first response is 10 minutes late
    const api = `${server.origin}/api/workbench`;
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    const started = await fetch(`${api}/instances`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ processId: 'complaint-escalation', businessKey: 'C-200', variables: { severity: 'urgent', category: 'delivery', channel: 'hotline' }, user: 'wu' }),
    });
    expect(started.status).toBe(201);
    await clock.advance('PT40M');
    const monitor = `${server.origin}/monitor.html?token=${server.token}#process=complaint-escalation`;

    // when: the Monitor is opened in an English browser
    await page.goto(monitor);
    const badge = page.locator('.heat-badge.breaches[data-node="Task_AcknowledgeAndApologise"]');
    await badge.waitFor();

    // then: English
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#nav-monitor').textContent()).toBe('Monitor');
    expect(await page.locator('.monitor-side h2').textContent()).toBe('Processes');
    expect(await page.locator('#monitor-processes li[data-process="complaint-escalation"] .count.breached').textContent()).toBe('1 breached');
    expect(await badge.textContent()).toBe('1 breach');
    expect(await page.locator('#case-list th').allTextContents()).toEqual(['Case', 'Status', 'Started', 'Ended', 'Version']);
    await expect.poll(() => page.locator('#engine-time').textContent()).toBe('Mon 2026-11-23 09:40');
    await page.screenshot({ path: join(RESULTS, '01-monitor-en.png') });

    // when: Chinese is chosen
    await switchTo(page, 'zh-CN');
    await badge.waitFor();

    // then: the same view in Chinese, times in the workbench's zone in Chinese
    expect(await page.title()).toBe('监控 — sopflow 工作台');
    expect(await page.locator('#nav-monitor').textContent()).toBe('监控');
    expect(await page.locator('#nav-run').textContent()).toBe('运行');
    expect(await page.locator('.monitor-side h2').textContent()).toBe('流程');
    expect(await page.locator('#monitor-processes li[data-process="complaint-escalation"] .count.breached').textContent()).toBe('1 超时');
    expect(await page.locator('#monitor-processes li[data-process="complaint-escalation"] .count.running').textContent()).toBe('1 运行中');
    expect(await badge.textContent()).toBe('1 次超时');
    expect(await page.locator('#case-list th').allTextContents()).toEqual(['案例', '状态', '开始', '结束', '版本']);
    expect(await page.locator('#case-list tr[data-case] .badge.running').textContent()).toBe('运行中');
    await expect.poll(() => page.locator('#engine-time').textContent()).toBe('2026年11月23日 星期一 09:40');
    expect(await page.locator('#case-list tr[data-case] td').nth(2).textContent()).toBe('2026年11月23日 星期一 09:00');
    await page.screenshot({ path: join(RESULTS, '02-monitor-zh-CN.png') });

    // when: the case is opened
    await page.locator('#case-list tr[data-case] a').click();
    await page.locator('#case-verify[data-ok="true"]').waitFor();

    // then: its audit trail and deadlines in Chinese
    expect(await page.locator('#case-verify').textContent()).toMatch(/^✓ 已验证：\d+ 个事件，哈希链完整。$/);
    expect(await page.locator('#case-audit tr[data-type="sla.breached"] td').nth(2).textContent()).toBe('SLA 超时');
    expect(await page.locator('#case-timers h2').textContent()).toBe('定时器与截止时间');
    await page.screenshot({ path: join(RESULTS, '03-case-zh-CN.png') });

    // when: the KPI report is shown
    await page.locator('#nav-report').click();
    await page.locator('#report').waitFor();

    // then: headings, columns and durations in Chinese
    expect(await page.locator('#monitor-heading h1').textContent()).toBe('KPI 报表');
    expect(await page.locator('#kpi-processes th').allTextContents()).toEqual(['流程', '执行次数', '中位数', 'p90', '最大值', 'SLA 达成', '达成率', '提醒', '升级', '重开', '逾期']);
    expect(await page.locator('.report-card[data-process="complaint-escalation"]').textContent()).toContain('1 开始');
    await page.screenshot({ path: join(RESULTS, '04-report-zh-CN.png') });

    // when: the Run view is opened
    await page.locator('#nav-run').click();
    await page.locator('#inbox').waitFor();

    // then: in Chinese too (the choice is remembered across the views)
    expect(await page.locator('#who h2').textContent()).toBe('您是谁');
    expect(await page.locator('#start-submit').textContent()).toBe('启动案例');
    expect(await page.locator('#process-rows tr[data-process="complaint-escalation"]').count()).toBe(1);
    // and: the live feed's notices (written by the server in English) rendered from their message ids, times in the zone
    const reminder = page.locator('#feed li.notice[data-type="sla.reminder"]').first();
    await reminder.waitFor();
    expect(await reminder.textContent()).toContain('提醒：案例 C-200（complaint-escalation）的“Acknowledge and apologise”将于 2026年11月23日 星期一 09:30 到期');
    expect(await reminder.locator('.to').textContent()).toBe('收件人：group:support-agents');
    // and: the engine's refusal of a task to someone it is not for, from its message id
    await page.locator('#who-user').fill('zheng');
    await page.locator('#who-groups').fill('supervisors');
    await page.locator('#inbox-all').check();
    await page.locator('#inbox li.task[data-node="Task_AcknowledgeAndApologise"] strong').click();
    await page.locator('#task-complete').click();
    await page.locator('#status.error').waitFor();
    expect(await page.locator('#status').textContent()).toMatch(/^无权处理任务“.+”：只有该任务的负责人、候选人或候选组成员才能处理。$/);
    expect(zh.template('task.not-assignable')).toBe('无权处理任务“{taskId}”：只有该任务的负责人、候选人或候选组成员才能处理。');

    // when: a browser set to Chinese opens the Monitor, with nothing chosen in it
    const profileZh = await mkdtemp(join(tmpdir(), 'sopflow-chromium-'));
    const chinese = await chromium.launchPersistentContext(profileZh, {
      executablePath: CHROMIUM,
      headless: true,
      locale: 'zh-CN',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const other = chinese.pages()[0] ?? (await chinese.newPage());
      await other.goto(`${server.origin}/monitor.html?token=${server.token}`);
      await other.locator('#monitor-processes li[data-process="complaint-escalation"]').waitFor();
      // then: it is in Chinese
      expect(await other.locator('html').getAttribute('lang')).toBe('zh-CN');
      expect(await other.locator('#nav-monitor').textContent()).toBe('监控');
      expect(await other.locator('#language-switch').inputValue()).toBe('zh-CN');
    } finally {
      await chinese.close();
      await rm(profileZh, { recursive: true, force: true });
    }

    // when: back to English
    await page.goto(`${server.origin}/monitor.html?token=${server.token}#report`);
    await switchTo(page, 'en');
    await page.locator('#report').waitFor();
    expect(await page.locator('#monitor-heading h1').textContent()).toBe('KPI report');
    expect(errors).toEqual([]);
  });
});
