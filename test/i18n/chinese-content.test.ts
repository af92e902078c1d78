import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import { createEngine, formatReportTable, reportToCsv, reportToHtml, VirtualClock, type Engine, type EngineEvent } from '@sopflow/engine';
import { main, type Io } from '@sopflow/cli';

// Diagram content in Chinese — names, documentation, FEEL names and string
// literals, job types, department and group names — must come out unchanged
// everywhere an owner reads it. Ids stay ASCII: bpmn-moddle (like the XML
// Schema ID rules bpmn-js applies) drops elements whose id is not ASCII.
const FIXTURE = new URL('fixtures/审批.bpmn', import.meta.url);

const 经理 = { id: '王经理', groups: ['部门经理'] };
const 财务 = { id: '李会计', groups: ['财务部负责人'] };
const 法务 = { id: '赵律师', groups: ['法务部负责人'] };
const 总经理 = { id: '陈总', groups: ['总经理'] };

async function approvalEngine(): Promise<{ engine: Engine; clock: VirtualClock; seen: EngineEvent[] }> {
  const clock = new VirtualClock('2026-11-23T09:00:00+08:00');
  let n = 0;
  const engine = createEngine({
    clock,
    ids: () => `案-${++n}`,
    timeZone: 'Asia/Shanghai',
    handlers: { 归档: async (job) => ({ 归档编号: `档案-${String(job.variables.事由)}` }) },
  });
  const seen: EngineEvent[] = [];
  engine.on('*', (event) => void seen.push(event));
  await engine.deploy(await readFile(FIXTURE));
  return { engine, clock, seen };
}

async function completeAt(engine: Engine, instanceId: string, node: string, by: { id: string; groups: string[] }, variables: Record<string, unknown>) {
  const { items } = await engine.tasks({ instanceId, node, candidateGroups: by.groups });
  expect(items.length, `an open ${node} task for ${by.id}`).toBeGreaterThan(0);
  await engine.complete(items[0].id, { by, variables });
  await engine.idle();
}

function io(cwd: string): Io & { out: string; err: string } {
  const box = { out: '', err: '' };
  return Object.assign(box, { stdout: (t: string) => void (box.out += t), stderr: (t: string) => void (box.err += t), cwd, env: {} });
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

describe('Chinese diagram content', () => {
  it('should run the 申请-初审-会签-终审-归档 approval with Chinese names, FEEL names and literals', async () => {
    // given
    const { engine, clock, seen } = await approvalEngine();
    const deployed = await engine.definition('approval-zh');
    expect(deployed.name).toBe('跨部门审批流程');
    // when
    const instance = await engine.start('approval-zh', { variables: { 事由: '采购笔记本电脑', 金额: 12000 }, businessKey: '申请-001', by: '张三' });
    await clock.advance('PT4H');
    await completeAt(engine, instance.id, 'Task_Review', 经理, { 决定: '通过' });
    await completeAt(engine, instance.id, 'Task_Countersign', 财务, { 同意: true, 意见: '预算内，同意' });
    await completeAt(engine, instance.id, 'Task_Countersign', 法务, { 同意: true });
    await completeAt(engine, instance.id, 'Task_FinalApproval', 总经理, {});
    // then
    const view = await engine.instance(instance.id);
    expect(view.status).toBe('completed');
    expect(view.variables).toMatchObject({
      归档编号: '档案-采购笔记本电脑',
      会签结果: [
        { 部门: '财务部', 同意: true },
        { 部门: '法务部', 同意: true },
      ],
    });
    const reminder = seen.find((e) => e.type === 'sla.reminder');
    expect(reminder?.data).toMatchObject({ message: '初审已等待四小时，请尽快处理', department: '行政部', candidateGroups: ['部门经理'] });
    const { items } = await engine.audit.query({ instanceId: instance.id, types: ['node.left'], limit: 100 });
    expect(items.map((e) => e.nodeName)).toEqual(expect.arrayContaining(['提交申请', '初审', '初审通过？', '会签', '全部同意？', '终审', '归档', '已归档']));
    expect(items[0].businessKey).toBe('申请-001');
    expect(await engine.audit.verify(instance.id)).toMatchObject({ ok: true });
  });

  it('should take the rejection branch on a Chinese string literal', async () => {
    // given
    const { engine } = await approvalEngine();
    const instance = await engine.start('approval-zh', { variables: { 事由: '团建', 金额: 3000 } });
    // when
    await completeAt(engine, instance.id, 'Task_Review', 经理, { 决定: '驳回' });
    // then
    const { items } = await engine.audit.query({ instanceId: instance.id, types: ['instance.completed', 'node.left'], limit: 100 });
    expect(items.map((e) => e.nodeName).filter(Boolean)).toContain('已驳回');
    expect(items.map((e) => e.nodeName)).not.toContain('会签');
  });

  it('should keep Chinese names in the KPI report as a table, CSV with BOM and HTML', async () => {
    // given: one finished and one rejected case
    const { engine, clock } = await approvalEngine();
    const done = await engine.start('approval-zh', { variables: { 事由: '采购', 金额: 100 } });
    await clock.advance('PT10H');
    await completeAt(engine, done.id, 'Task_Review', 经理, { 决定: '驳回' });
    // when
    const report = await engine.report({ processId: 'approval-zh' });
    const table = formatReportTable(report);
    const csv = reportToCsv(report);
    const html = reportToHtml(report);
    // then
    expect(table).toMatch(/初审/);
    expect(table).toMatch(/行政部/);
    const lines = table.split('\n');
    const header = lines.findIndex((l) => l.startsWith('node'));
    // Columns line up on screen: a Chinese character takes two columns, like the box-drawing rule assumes.
    const screenWidth = (s: string) => [...s].reduce((w, ch) => w + (/[\u2E80-\uA4CF\uFF00-\uFF60]/.test(ch) ? 2 : 1), 0);
    const rowWidths = lines.slice(header, header + 4).filter(Boolean).map(screenWidth);
    expect(new Set(rowWidths).size, rowWidths.join(',')).toBe(1);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('Task_Review,初审');
    expect(html).toMatch(/<meta charset="utf-8">/i);
    expect(html).toContain('初审');
    expect(html).toContain('行政部');
  });

  it('should export the audit trail as CSV with a BOM, JSON Lines and XES, Chinese intact', async () => {
    // given
    const { engine } = await approvalEngine();
    const instance = await engine.start('approval-zh', { variables: { 事由: '出差，上海→北京 "急"', 金额: 800 }, businessKey: '申请-002', by: '张三' });
    await completeAt(engine, instance.id, 'Task_Review', 经理, { 决定: '驳回' });
    // when
    const csv = await collect(engine.export.audit({ format: 'csv', query: { instanceId: instance.id } }));
    const jsonl = await collect(engine.export.audit({ format: 'jsonl', query: { instanceId: instance.id } }));
    const xes = await collect(engine.export.xes({ processId: 'approval-zh' }));
    // then
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('申请-002');
    expect(csv).toContain('王经理');
    expect(csv).toContain('上海→北京 \\""急\\""'); // JSON-escaped inside the data cell, then CSV-escaped: nothing lost
    const started = jsonl.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'instance.started');
    expect(started.data.variables.事由).toBe('出差，上海→北京 "急"');
    const schema = await readFile(new URL('../../packages/engine/test/fixtures/xes/xes-1849.xsd', import.meta.url), 'utf8');
    const checked = await validateXML({ xml: [{ fileName: 'log.xes', contents: xes }], schema: [{ fileName: 'xes-1849.xsd', contents: schema }] });
    expect(checked.errors).toEqual([]);
    expect(xes).toContain('<string key="concept:name" value="初审"/>');
    expect(xes).toContain('<string key="org:resource" value="王经理"/>');
  });
});

describe('Chinese diagram content in sopflow validate', () => {
  it('should validate a diagram with a Chinese file name and Chinese names cleanly', async () => {
    // given
    const out = io(process.cwd());
    // when
    const code = await main(['validate', fileURLToPath(FIXTURE), '--format', 'json'], out);
    // then
    expect(out.err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out.out)).toEqual([{ file: 'test/i18n/fixtures/审批.bpmn', problems: [] }]);
  });

  it('should name Chinese elements in lint findings and soundness counterexamples', async () => {
    // given: a choice after 终审 joined by a parallel gateway — the join waits forever
    const original = await readFile(FIXTURE, 'utf8');
    const xml = original
      .replace(
        /<bpmn:serviceTask id="Task_Archive"/,
        '<bpmn:exclusiveGateway id="Gateway_Split" name="是否通知？" /><bpmn:serviceTask id="Task_Notify" name="通知申请人" sop:type="通知" />' +
          '<bpmn:parallelGateway id="Gateway_Merge" name="汇合" /><bpmn:sequenceFlow id="Flow_SplitNotify" sourceRef="Gateway_Split" targetRef="Task_Notify" />' +
          '<bpmn:sequenceFlow id="Flow_SplitArchive" sourceRef="Gateway_Split" targetRef="Task_Archive" />' +
          '<bpmn:sequenceFlow id="Flow_NotifyMerge" sourceRef="Task_Notify" targetRef="Gateway_Merge" /><bpmn:sequenceFlow id="Flow_MergeEnd" sourceRef="Gateway_Merge" targetRef="End_Archived" />$&',
      )
      .replace(/(<bpmn:sequenceFlow id="Flow_ToArchive" sourceRef="Task_FinalApproval" targetRef=)"Task_Archive"/, '$1"Gateway_Split"')
      .replace(/(<bpmn:sequenceFlow id="Flow_ToEnd" sourceRef="Task_Archive" targetRef=)"End_Archived"/, '$1"Gateway_Merge"')
      .replace(/\s*<bpmn:(incoming|outgoing)>[^<]*<\/bpmn:\1>/g, ''); // stale links; sopflow derives them from the flows
    const dir = await mkdtemp(join(tmpdir(), 'sopflow-zh-'));
    const deadlock = join(dir, '有问题的审批.bpmn');
    await writeFile(deadlock, xml);
    const badRule = join(dir, '催办规则.bpmn');
    await writeFile(badRule, original.replace('<sop:escalation at="PT4H" action="remind" message="初审已等待四小时，请尽快处理" />', '$&<sop:escalation at="soon" action="remind" />'));
    // The edits carry no diagram interchange: leave that rule out so the findings under test stand alone.
    await writeFile(join(dir, '.bpmnlintrc'), JSON.stringify({ extends: ['bpmnlint:recommended', 'plugin:sopflow/recommended'], rules: { 'no-bpmndi': 'off' } }));
    const out = io(dir);
    // when
    const code = await main(['validate', deadlock, badRule], out);
    // then
    expect(code).toBe(1);
    // Files are reported in sorted order, each heading its own findings.
    const badRulePart = out.out.slice(out.out.indexOf('催办规则.bpmn'), out.out.indexOf('有问题的审批.bpmn'));
    const deadlockPart = out.out.slice(out.out.indexOf('有问题的审批.bpmn'));
    expect(deadlockPart).toContain('有问题的审批.bpmn');
    expect(deadlockPart).toMatch(/<Gateway_Merge> '汇合' .*from '通知申请人' \(Task_Notify\).*from '归档' \(Task_Archive\).*sopflow\/soundness\/deadlock/);
    expect(deadlockPart).toMatch(/counterexample: Flow_ToReview → .* → Flow_NotifyMerge/);
    expect(deadlockPart).toMatch(/'是否通知？' \(Gateway_Split\) never takes flow Flow_SplitArchive/);
    expect(badRulePart).toMatch(/<Task_Review> '初审' sop:escalation\[2\] at 'soon'/);
  });
});
