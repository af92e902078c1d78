import { readFile } from 'node:fs/promises';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import { createEngine, MemoryStore, UTF8_BOM, VirtualClock } from '@sopflow/engine';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="leave" name="请假审批" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="apply"/>
    <bpmn:userTask id="apply" name="申请" sop:candidateGroups="staff"/>
    <bpmn:sequenceFlow id="f2" sourceRef="apply" targetRef="approve"/>
    <bpmn:userTask id="approve" name="审批 &amp; sign" sop:assignee="=manager" sop:sla="PT1H"/>
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

async function history() {
  const clock = new VirtualClock('2026-11-23T01:00:00Z');
  let n = 0;
  const engine = createEngine({ store: new MemoryStore(), clock, ids: () => `c${++n}` });
  await engine.deploy(xml);
  for (const manager of ['王经理', 'li']) {
    const { id } = await engine.start('leave', { businessKey: manager === 'li' ? '=HYPERLINK("x")' : 'L-1', variables: { manager, reason: 'needs "quotes", commas\nand =SUM(A1)' } });
    await clock.advance('PT10M');
    await engine.complete((await engine.tasks({ instanceId: id })).items[0].id, { by: { id: '张三', groups: ['staff'] } });
    await clock.advance(manager === 'li' ? 'PT2H' : 'PT20M');
    await engine.complete((await engine.tasks({ instanceId: id })).items[0].id, { by: manager });
  }
  return engine;
}

describe('exports', () => {
  it('should export JSON Lines: one parseable audit event per line, in order', async () => {
    // given
    const engine = await history();
    // when
    const text = await collect(engine.export.audit({ format: 'jsonl', query: { instanceId: 'c2' } }));
    // then
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines[0]).toMatchObject({ type: 'instance.started', instanceId: 'c2', processId: 'leave' });
    expect(lines.at(-1)).toMatchObject({ type: 'instance.completed' });
  });

  it('should export CSV with a BOM, RFC 4180 quoting and formula-safe cells', async () => {
    // given
    const engine = await history();
    // when
    const text = await collect(engine.export.audit({ format: 'csv', query: { instanceId: 'c2', types: ['instance.started', 'task.completed'] } }));
    // then
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const [header, ...rows] = text.slice(1).trimEnd().split('\r\n');
    expect(header).toBe('instanceId,seq,time,type,actor,processId,version,businessKey,node,nodeName,data,prevHash,hash');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain(',task.completed,张三,leave,1,L-1,apply,申请,');
    expect(text).toContain('\\""quotes\\""');
    const other = await collect(engine.export.audit({ format: 'csv', bom: false, query: { instanceId: 'c3', types: ['instance.started'] } }));
    expect(other.split('\r\n')[1]).toContain(`,leave,1,"'=HYPERLINK(""x"")",`);
  });

  it('should export XES that validates against the IEEE 1849 schema, with lifecycle, resource and Chinese names', async () => {
    // given
    const engine = await history();
    // when
    const xes = await collect(engine.export.xes({ processId: 'leave' }));
    // then
    const schema = await readFile(new URL('../fixtures/xes/xes-1849.xsd', import.meta.url), 'utf8');
    const result = await validateXML({ xml: [{ fileName: 'log.xes', contents: xes }], schema: [{ fileName: 'xes-1849.xsd', contents: schema }] });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(xes.match(/<trace>/g)).toHaveLength(2);
    expect(xes).toContain('<string key="concept:name" value="审批 &amp; sign"/>');
    expect(xes).toContain('<string key="org:resource" value="王经理"/>');
    expect(xes.match(/lifecycle:transition" value="start"/g)).toHaveLength(4);
    expect(xes.match(/lifecycle:transition" value="complete"/g)).toHaveLength(4 + 1); // + the global default
    expect(xes).toContain('<boolean key="sopflow:slaMet" value="false"/>');
  });

  it('should reject an XES document the schema does not allow (the validation is real)', async () => {
    // given
    const schema = await readFile(new URL('../fixtures/xes/xes-1849.xsd', import.meta.url), 'utf8');
    const broken = '<?xml version="1.0"?><log xmlns="http://www.xes-standard.org/"><trace><event><string key="concept:name"/></event></trace></log>';
    // when
    const result = await validateXML({ xml: [{ fileName: 'bad.xes', contents: broken }], schema: [{ fileName: 'xes-1849.xsd', contents: schema }] });
    // then
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(/xes\.version|value/);
  });
});
