import { readFile } from 'node:fs/promises';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import { createEngine, MemoryStore, VirtualClock, type AuditEvent } from '@sopflow/engine';

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0"`;
const IBAN = 'DE89370400440532013000';
const IBAN2 = 'DE00000000000000000001';
const PIN = '4711-0815';

/** A caller declaring `iban` sensitive; called processes that declare nothing (or only `pin`). */
const calls = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d">
  <bpmn:process id="parent" isExecutable="true" sop:sensitive="iban">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
    <bpmn:callActivity id="call" calledElement="child"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
  <bpmn:process id="child" isExecutable="true">
    <bpmn:startEvent id="cs"/>
    <bpmn:sequenceFlow id="c1" sourceRef="cs" targetRef="ct"/>
    <bpmn:userTask id="ct" sop:candidateGroups="g"/>
    <bpmn:sequenceFlow id="c2" sourceRef="ct" targetRef="ce"/>
    <bpmn:endEvent id="ce"/>
  </bpmn:process>
  <bpmn:process id="renaming" isExecutable="true" sop:sensitive="iban">
    <bpmn:startEvent id="rs"/>
    <bpmn:sequenceFlow id="r1" sourceRef="rs" targetRef="rcall"/>
    <bpmn:callActivity id="rcall" calledElement="vault"><bpmn:extensionElements>
      <sop:input source="=iban" target="account"/>
      <sop:input source="=amount" target="amount"/>
      <sop:output source="=pin" target="code"/>
      <sop:output source="=note" target="note"/>
    </bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="r2" sourceRef="rcall" targetRef="rt"/>
    <bpmn:userTask id="rt" sop:candidateGroups="g"/>
    <bpmn:sequenceFlow id="r3" sourceRef="rt" targetRef="re"/>
    <bpmn:endEvent id="re"/>
  </bpmn:process>
  <bpmn:process id="vault" isExecutable="true" sop:sensitive="pin">
    <bpmn:startEvent id="vs"/>
    <bpmn:sequenceFlow id="v1" sourceRef="vs" targetRef="vt"/>
    <bpmn:userTask id="vt" sop:candidateGroups="g"/>
    <bpmn:sequenceFlow id="v2" sourceRef="vt" targetRef="ve"/>
    <bpmn:endEvent id="ve"/>
  </bpmn:process>
</bpmn:definitions>`;

/** One process receiving sensitive data through a message, a signal and a job. */
const channels = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d2">
  <bpmn:message id="M" name="paid" sop:correlationKey="=orderId"/>
  <bpmn:signal id="S" name="rotate"/>
  <bpmn:process id="channels" name="Channels" isExecutable="true" sop:sensitive="iban, card">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="msg"/>
    <bpmn:intermediateCatchEvent id="msg" name="Paid"><bpmn:messageEventDefinition messageRef="M"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="msg" targetRef="sig"/>
    <bpmn:intermediateCatchEvent id="sig" name="Rotate"><bpmn:signalEventDefinition signalRef="S"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="sig" targetRef="job"/>
    <bpmn:serviceTask id="job" name="Charge" sop:type="charge"/>
    <bpmn:sequenceFlow id="f4" sourceRef="job" targetRef="review"/>
    <bpmn:userTask id="review" name="Review" sop:candidateGroups="g"/>
    <bpmn:sequenceFlow id="f5" sourceRef="review" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

function engineWith(options: Partial<Parameters<typeof createEngine>[0]> = {}) {
  const store = new MemoryStore();
  let n = 0;
  const engine = createEngine({ store, clock: new VirtualClock('2026-11-23T09:00:00Z'), ids: () => `c${++n}`, auditSalt: 'pepper', ...options });
  return { engine, store };
}

async function allEvents(engine: ReturnType<typeof createEngine>): Promise<AuditEvent[]> {
  return (await engine.audit.query({ limit: 10_000 })).items;
}

const digest = { redacted: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) };

describe('sensitive variables across call activities', () => {
  it("should redact the caller's sensitive variables in the called instance's start, task completion and variable changes", async () => {
    // given
    const { engine } = engineWith();
    await engine.deploy(calls);
    const parent = await engine.start('parent', { variables: { iban: IBAN, amount: 5 } });
    // when
    const [task] = (await engine.tasks({})).items;
    await engine.complete(task.id, { by: 'system', variables: { iban: IBAN2 } });
    await engine.idle();
    // then
    expect((await engine.instance(parent.id)).status).toBe('completed');
    const events = await allEvents(engine);
    const text = JSON.stringify(events);
    expect(text).not.toContain(IBAN);
    expect(text).not.toContain(IBAN2);
    const child = events.filter((e) => e.instanceId !== parent.id && e.processId === 'child');
    expect(child.find((e) => e.type === 'instance.started')!.data.variables).toEqual({ iban: digest, amount: 5 });
    expect(child.find((e) => e.type === 'task.completed')!.data.variables).toEqual({ iban: digest });
    expect(child.find((e) => e.type === 'variables.changed')!.data.changes).toEqual([{ name: 'iban', scope: 'r', value: digest, previous: digest }]);
    // the value coming back to the caller stays redacted too
    const back = events.filter((e) => e.instanceId === parent.id && e.type === 'variables.changed');
    expect(back).toHaveLength(1);
    expect(back[0].data.changes).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'iban', value: digest })]));
    expect(await engine.audit.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('should redact an input mapped from a sensitive variable under another name, and what a called process declares sensitive when it comes back', async () => {
    // given
    const { engine } = engineWith();
    await engine.deploy(calls);
    const caller = await engine.start('renaming', { variables: { iban: IBAN, amount: 5 } });
    const [inVault] = (await engine.tasks({ processId: 'vault' })).items;
    // when: the called process sets its own sensitive pin, and a plain note
    await engine.complete(inVault.id, { by: 'system', variables: { pin: PIN, note: 'ok', account: IBAN2 } });
    await engine.idle();
    // then
    const events = await allEvents(engine);
    const text = JSON.stringify(events);
    expect(text).not.toContain(IBAN);
    expect(text).not.toContain(IBAN2);
    expect(text).not.toContain(PIN);
    const vault = events.filter((e) => e.processId === 'vault');
    expect(vault.find((e) => e.type === 'instance.started')!.data.variables).toEqual({ account: digest, amount: 5 });
    const back = events.filter((e) => e.instanceId === caller.id && e.type === 'variables.changed').flatMap((e) => e.data.changes as Array<{ name: string; value: unknown }>);
    expect(back).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'code', value: digest }), expect.objectContaining({ name: 'note', value: 'ok' })]));
    // and later changes to the name in the caller stay redacted
    const [review] = (await engine.tasks({ instanceId: caller.id })).items;
    await engine.complete(review.id, { by: 'system', variables: { code: '9999-0000' } });
    const completed = (await engine.audit.query({ instanceId: caller.id, types: ['task.completed'] })).items[0];
    expect(completed.data.variables).toEqual({ code: digest });
    expect(JSON.stringify(await allEvents(engine))).not.toContain('9999-0000');
    expect(await engine.audit.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it("should leave the called instance's audit alone when the caller declares nothing sensitive", async () => {
    // given
    const { engine } = engineWith();
    await engine.deploy(calls.replace('id="parent" isExecutable="true" sop:sensitive="iban"', 'id="parent" isExecutable="true"'));
    // when
    await engine.start('parent', { variables: { iban: IBAN } });
    // then
    const started = (await engine.audit.query({ processId: 'child', types: ['instance.started'] })).items[0];
    expect(started.data.variables).toEqual({ iban: IBAN });
  });
});

describe('sensitive variables in a thrown signal', () => {
  const signals = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d3">
  <bpmn:signal id="S" name="card-blocked"/>
  <bpmn:process id="thrower" isExecutable="true" sop:sensitive="card">
    <bpmn:startEvent id="ts"/>
    <bpmn:sequenceFlow id="t1" sourceRef="ts" targetRef="throw"/>
    <bpmn:intermediateThrowEvent id="throw"><bpmn:extensionElements>
      <sop:input source="=card" target="blocked"/>
      <sop:input source="=reason" target="reason"/>
    </bpmn:extensionElements><bpmn:signalEventDefinition signalRef="S"/></bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="t2" sourceRef="throw" targetRef="te"/>
    <bpmn:endEvent id="te"/>
  </bpmn:process>
  <bpmn:process id="listener" isExecutable="true">
    <bpmn:startEvent id="ls"/>
    <bpmn:sequenceFlow id="l1" sourceRef="ls" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:signalEventDefinition signalRef="S"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="l2" sourceRef="wait" targetRef="le"/>
    <bpmn:endEvent id="le"/>
  </bpmn:process>
  <bpmn:process id="started" isExecutable="true">
    <bpmn:startEvent id="ss"><bpmn:signalEventDefinition signalRef="S"/></bpmn:startEvent>
    <bpmn:sequenceFlow id="s1" sourceRef="ss" targetRef="st"/>
    <bpmn:userTask id="st" sop:candidateGroups="g"/>
    <bpmn:sequenceFlow id="s2" sourceRef="st" targetRef="se"/>
    <bpmn:endEvent id="se"/>
  </bpmn:process>
</bpmn:definitions>`;

  it("should redact a payload computed from the thrower's sensitive variables in every receiver's trail, waiting or started", async () => {
    // given
    const { engine } = engineWith();
    await engine.deploy(signals);
    const listener = await engine.start('listener');
    // when
    await engine.start('thrower', { variables: { card: '4111 1111 1111 1111', reason: 'lost' } });
    await engine.idle();
    // then
    expect((await engine.instance(listener.id)).status).toBe('completed');
    const events = await allEvents(engine);
    expect(JSON.stringify(events)).not.toContain('4111');
    const received = events.find((e) => e.instanceId === listener.id && e.type === 'signal.received')!;
    expect(received.data.variables).toEqual({ blocked: digest, reason: 'lost' });
    const started = events.find((e) => e.processId === 'started' && e.type === 'instance.started')!;
    expect(started.data.variables).toEqual({ blocked: digest, reason: 'lost' });
    // and the started instance keeps redacting the name
    const [task] = (await engine.tasks({ processId: 'started' })).items;
    await engine.complete(task.id, { by: 'system', variables: { blocked: '5500 0000 0000 0004' } });
    expect(JSON.stringify(await allEvents(engine))).not.toContain('5500');
    expect(await engine.audit.verify()).toMatchObject({ ok: true, problems: [] });
  });
});

describe('a correlation key computed from a sensitive variable', () => {
  it('should be redacted in message.received', async () => {
    // given
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d4">
  <bpmn:message id="M" name="refund" sop:correlationKey="=iban"/>
  <bpmn:process id="refunds" isExecutable="true" sop:sensitive="iban">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="M"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
    const { engine } = engineWith();
    await engine.deploy(xml);
    const { id } = await engine.start('refunds', { variables: { iban: IBAN } });
    // when
    await engine.correlate('refund', { key: IBAN, variables: { amount: 3 } });
    // then
    expect((await engine.instance(id)).status).toBe('completed');
    const [received] = (await engine.audit.query({ instanceId: id, types: ['message.received'] })).items;
    expect(received.data).toEqual({ message: 'refund', key: digest, variables: { amount: 3 } });
    expect(JSON.stringify(await allEvents(engine))).not.toContain(IBAN);
  });
});

describe('sensitive variables through messages, signals, jobs and exports', () => {
  async function run() {
    const { engine } = engineWith({ handlers: { charge: () => ({ card: '4111 1111 1111 1111', charged: true }) } });
    await engine.deploy(channels);
    const { id } = await engine.start('channels', { businessKey: 'O-1', variables: { orderId: 'O-1' } });
    await engine.correlate('paid', { key: 'O-1', variables: { iban: IBAN, amount: 12 } });
    await engine.signal('rotate', { variables: { iban: IBAN2 } });
    await engine.idle();
    return { engine, id };
  }

  it('should redact message, signal and job completion data', async () => {
    // given / when
    const { engine, id } = await run();
    // then
    const events = (await engine.audit.query({ instanceId: id, limit: 1000 })).items;
    expect(events.find((e) => e.type === 'message.received')!.data.variables).toEqual({ iban: digest, amount: 12 });
    expect(events.find((e) => e.type === 'signal.received')!.data.variables).toEqual({ iban: digest });
    expect(events.find((e) => e.type === 'job.completed')!.data.variables).toEqual({ card: digest, charged: true });
    const text = JSON.stringify(events);
    expect(text).not.toContain(IBAN);
    expect(text).not.toContain(IBAN2);
    expect(text).not.toContain('4111');
  });

  it('should keep sensitive values out of JSON Lines, CSV and XES exports', async () => {
    // given
    const { engine, id } = await run();
    const [task] = (await engine.tasks({ instanceId: id })).items;
    await engine.complete(task.id, { by: 'system', variables: { iban: 'DE11112222333344445555' } });
    // when
    const jsonl = await collect(engine.export.audit({ format: 'jsonl' }));
    const csv = await collect(engine.export.audit({ format: 'csv' }));
    const xes = await collect(engine.export.xes({ processId: 'channels' }));
    // then
    expect(jsonl).toContain('"redacted":true');
    expect(csv).toContain('""redacted"":true');
    expect(xes).toContain('<trace>');
    for (const text of [jsonl, csv, xes]) {
      for (const secret of [IBAN, IBAN2, '4111', 'DE11112222333344445555']) expect(text).not.toContain(secret);
    }
    const schema = await readFile(new URL('../fixtures/xes/xes-1849.xsd', import.meta.url), 'utf8');
    const result = await validateXML({ xml: [{ fileName: 'log.xes', contents: xes }], schema: [{ fileName: 'xes-1849.xsd', contents: schema }] });
    expect(result.valid).toBe(true);
  });
});
