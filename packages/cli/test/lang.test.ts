/**
 * `--lang zh-CN` (or SOPFLOW_LANG=zh-CN): human output of validate, test,
 * report and audit in Simplified Chinese; English otherwise; machine
 * formats keep the code and the English message (json and sarif add the
 * translation); CSV stays UTF-8 with a byte order mark.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '@sopflow/cli';
import { createEngine, VirtualClock } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const BROKEN = 'test/fixtures/broken';
const CJK = /[\u4e00-\u9fff]/;

function io(cwd = repo, env: Record<string, string> = {}): Io & { out: string; err: string } {
  const box = { out: '', err: '' };
  return Object.assign(box, { stdout: (t: string) => void (box.out += t), stderr: (t: string) => void (box.err += t), cwd, env });
}

describe('sopflow validate in two languages', () => {
  it('should print findings, labels, counterexamples and the summary in Chinese with --lang zh-CN', async () => {
    // given
    const out = io();
    // when
    const code = await main(['validate', `${BROKEN}/soundness.deadlock.bpmn`, `${BROKEN}/rule.sla-valid.bpmn`, '--lang', 'zh-CN'], out);
    // then
    expect(code).toBe(1);
    expect(out.out).toContain("错误  <Gateway_Join> 'Both done' 'Both done' (Gateway_Join) 在顺序流 Flow_A2（来自 'Express' (Task_A)）上持有令牌，却在永远等待顺序流 Flow_B2（来自 'Standard' (Task_B)）");
    expect(out.out).toContain('因此流程实例永远无法完成。  sopflow/soundness/deadlock');
    expect(out.out).toContain('反例路径：Flow_1 → Flow_A → Flow_A2');
    expect(out.out).toContain('sop:calendar“ofice”不是已知的工作日历');
    expect(out.out).toContain('✖ 2 个文件中共有 4 个问题（4 个错误，0 个警告）');
    expect(out.out).not.toContain('so the case can never finish');
  });

  it('should stay English without --lang, as before, and speak Chinese with SOPFLOW_LANG=zh-CN', async () => {
    // given
    const english = io();
    const chinese = io(repo, { SOPFLOW_LANG: 'zh_CN.UTF-8' });
    // when
    await main(['validate', `${BROKEN}/soundness.deadlock.bpmn`], english);
    await main(['validate', `${BROKEN}/soundness.deadlock.bpmn`], chinese);
    // then
    expect(english.out).toContain("error    <Gateway_Join> 'Both done' 'Both done' (Gateway_Join) holds a token on flow Flow_A2 (from 'Express' (Task_A)) but waits forever");
    expect(english.out).toContain('counterexample: Flow_1 → Flow_A → Flow_A2');
    expect(english.out).toContain('✖ 2 problems (2 errors, 0 warnings) in 1 file');
    expect(english.out).not.toMatch(CJK);
    expect(chinese.out).toContain('✖ 1 个文件中共有 2 个问题（2 个错误，0 个警告）');
  });

  it('should let --lang en win over SOPFLOW_LANG, and refuse a language it does not speak (exit 2)', async () => {
    const english = io(repo, { SOPFLOW_LANG: 'zh-CN' });
    expect(await main(['validate', 'examples/**/*.bpmn', '--lang=en'], english)).toBe(0);
    expect(english.out).toBe('✓ 3 files checked, no problems\n');
    const chinese = io();
    expect(await main(['validate', 'examples/**/*.bpmn', '--lang', 'zh-CN'], chinese)).toBe(0);
    expect(chinese.out).toBe('✓ 已检查 3 个文件，没有发现问题\n');
    const french = io();
    expect(await main(['validate', 'examples/**/*.bpmn', '--lang', 'fr'], french)).toBe(2);
    expect(french.err).toBe("sopflow validate: --lang 'fr': expected en or zh-CN.\n");
    const none = io();
    expect(await main(['validate', 'examples/**/*.bpmn', '--lang'], none)).toBe(2);
    expect(none.err).toContain('--lang needs a value');
  });

  it('should keep code, params and the English message in json, adding the translation only when not English', async () => {
    // given
    const zh = io();
    const en = io();
    // when
    await main(['validate', `${BROKEN}/rule.sla-valid.bpmn`, '--format', 'json', '--lang', 'zh-CN'], zh);
    await main(['validate', `${BROKEN}/rule.sla-valid.bpmn`, '--format', 'json'], en);
    // then
    const [zhFile] = JSON.parse(zh.out);
    const calendar = zhFile.problems.find((p: { code: string }) => p.code === 'sla-valid.unknown-calendar');
    expect(calendar).toMatchObject({
      rule: 'sopflow/sla-valid',
      code: 'sla-valid.unknown-calendar',
      params: { variant: 'none-defined', calendar: 'ofice', calendars: [] },
      message: expect.stringMatching(/^sop:calendar 'ofice' is not a known calendar/),
      translation: { lang: 'zh-CN', message: expect.stringMatching(/^sop:calendar“ofice”不是已知的工作日历/) },
    });
    const [enFile] = JSON.parse(en.out);
    expect(enFile.problems[0]).toHaveProperty('code');
    expect(enFile.problems.some((p: object) => 'translation' in p)).toBe(false);
  });

  it('should keep sarif and junit English, sarif carrying the code and the translation in properties', async () => {
    // given
    const sarif = io();
    const junit = io();
    // when
    await main(['validate', `${BROKEN}/rule.user-task-owner.bpmn`, '--format', 'sarif', '--lang', 'zh-CN'], sarif);
    await main(['validate', `${BROKEN}/rule.user-task-owner.bpmn`, '--format', 'junit', '--lang', 'zh-CN'], junit);
    // then
    const [result] = JSON.parse(sarif.out).runs[0].results;
    expect(result.message.text).toMatch(/User task has no owner/);
    expect(result.properties).toMatchObject({ code: 'user-task-owner.missing', translation: { lang: 'zh-CN', message: expect.stringContaining('用户任务没有负责人') } });
    expect(junit.out).toContain('User task has no owner');
    expect(junit.out).not.toMatch(CJK);
  });
});

describe('sopflow test in two languages', () => {
  it('should report a failed step and the summary in Chinese, the engine\'s reason as it is', async () => {
    // given
    const out = io();
    // when
    const code = await main(['test', 'packages/cli/test/fixtures/scenarios/wrong-expectations.scenario.yaml', '--lang', 'zh-CN'], out);
    // then
    expect(code).toBe(1);
    expect(out.out).toContain('✗ packages/cli/test/fixtures/scenarios/wrong-expectations.scenario.yaml');
    expect(out.out).toContain('    第 2 步（第 10 行）：expected event 1 (sla.reminder at 2026-11-23T13:00+08:00)');
    expect(out.out).toContain('场景：0 个通过，1 个失败，共 1 个');
  });
});

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="refund" name="退款" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <bpmn:userTask id="review" name="审核退款" sop:candidateGroups="finance" sop:department="财务部" sop:sla="PT1H"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

describe('sopflow report and audit in two languages', () => {
  let dir: string;
  let store: string;

  beforeAll(async () => {
    // A store with two refunds started Monday 23 November 2026 09:00 Shanghai: one reviewed in 30 minutes, one in 26 hours 5 minutes.
    dir = mkdtempSync(join(tmpdir(), 'sopflow-lang-'));
    store = join(dir, 'sopflow.db');
    const sqlite = openSqliteStore(store);
    const clock = new VirtualClock('2026-11-23T09:00:00+08:00');
    const engine = createEngine({ store: sqlite, clock, scheduler: false });
    await engine.deploy(xml);
    const by = { id: 'ann', groups: ['finance'] };
    await engine.start('refund', { id: 'r1', businessKey: '退-1' });
    await engine.start('refund', { id: 'r2', businessKey: '退-2' });
    const task = async (id: string) => (await engine.tasks({ instanceId: id })).items[0];
    await clock.advance('PT30M');
    await engine.complete((await task('r1')).id, { by });
    await clock.advance('PT25H35M');
    await engine.complete((await task('r2')).id, { by });
    await engine.close();
    await sqlite.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should print the KPI table in Chinese: headings, durations and the period\'s dates in the --tz zone', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['report', '--store', `sqlite:${store}`, '--from', '2026-11-23', '--to', '2026-11-30', '--tz', 'Asia/Shanghai', '--lang', 'zh-CN'], out);
    // then
    expect(code).toBe(0);
    expect(out.err).toBe('');
    const lines = out.out.split('\n');
    expect(lines[0]).toBe('KPI 报表，2026年11月23日 星期一 00:00 – 2026年11月30日 星期一 00:00（Asia/Shanghai）');
    expect(out.out).toMatch(/^流程\s+执行次数\s+中位时长\s+P90 时长\s+最长时长\s+SLA 达成\s+达成率\s+提醒\s+升级\s+重开\s+超期$/m);
    expect(out.out).toMatch(/^节点\s+执行次数/m);
    expect(out.out).toMatch(/^部门\s+执行次数/m);
    expect(out.out).toMatch(/^refund \/ 审核退款\s+2\s+.*1 天 2 小时 5 分钟\s+1\/2\s+50\.0 %/m);
    expect(out.out).toContain('  refund：发起 2 个，完成 2 个，取消 0 个，进行中 0 个；');
    expect(out.out).toMatch(/^财务部\s+2/m);
  });

  it('should write the HTML page in Chinese: lang, headings, chart captions, durations and dates', async () => {
    // given
    const file = join(dir, 'report.html');
    const out = io(dir);
    // when
    const code = await main(['report', '--store', `sqlite:${store}`, '--format', 'html', '--out', file, '--from', '2026-11-23', '--tz', 'Asia/Shanghai', '--lang', 'zh-CN'], out);
    // then
    expect(code).toBe(0);
    const page = readFileSync(file, 'utf8');
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<title>KPI 报表</title>');
    expect(page).toContain('2026年11月23日 星期一 00:00 – 现在（Asia/Shanghai） · 生成于 ');
    expect(page).toContain('发起 2 个 · 完成 2 个 · 取消 0 个 · 进行中 0 个');
    expect(page).toContain('步骤 SLA 达成率 <strong>50.0 %</strong>');
    expect(page).toContain('<figcaption>各部门 SLA 达成率</figcaption>');
    expect(page).toContain('<th>步骤</th><th>执行次数</th><th>中位时长</th>');
    expect(page).toContain('1 天 2 小时 5 分钟');
    expect(page).not.toMatch(/\b(started|completed|Overdue steps|Departments)\b/);
  });

  it('should keep the English table without --lang, and CSV UTF-8 with a byte order mark in any language', async () => {
    // given
    const english = io(dir);
    const csv = io(dir);
    // when
    await main(['report', '--store', `sqlite:${store}`], english);
    await main(['report', '--store', `sqlite:${store}`, '--format', 'csv', '--lang', 'zh-CN'], csv);
    // then
    expect(english.out).toMatch(/^KPI report, /);
    expect(english.out).toContain('executions');
    expect(csv.out.startsWith('\uFEFFscope,process,node,nodeName,department,')).toBe(true);
    expect(csv.out).toContain('审核退款');
  });

  it('should verify the audit trail in Chinese and export CSV with a byte order mark', async () => {
    // given
    const verify = io(dir);
    const file = join(dir, 'audit.csv');
    const exported = io(dir);
    // when
    const code = await main(['audit', 'verify', '--store', `sqlite:${store}`, '--lang', 'zh-CN'], verify);
    await main(['audit', 'export', '--store', `sqlite:${store}`, '--format', 'csv', '--out', file, '--lang', 'zh-CN'], exported);
    // then
    expect(code).toBe(0);
    expect(verify.out).toBe('✓ 已验证 3 条审计链，全部完好\n'); // two cases and the deployment
    expect(exported.err).toBe(`已写入 ${file}\n`);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('退-1');
  });

  it('should name a broken chain and the kind of break in Chinese (exit 1)', async () => {
    // given: a copy of the store with one event edited in the file
    const copy = join(dir, 'tampered.db');
    writeFileSync(copy, readFileSync(store));
    const db = new Database(copy);
    expect(db.prepare(`UPDATE audit SET actor = 'mallory' WHERE instance_id = 'r2' AND seq = 3`).run().changes).toBe(1);
    db.close();
    const out = io(dir);
    // when
    const code = await main(['audit', 'verify', '--store', `sqlite:${copy}`, '--lang', 'zh-CN'], out);
    // then
    expect(code).toBe(1);
    expect(out.out).toBe('✗ r2 #3 被修改：第 3 个事件与其哈希值不符：它被修改过。\n3 条审计链中有 1 条已损坏\n');
  });
});
