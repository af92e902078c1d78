import { describe, expect, it } from 'vitest';
import { createEngine, MemoryStore, VirtualClock, type AuditEvent } from '@sopflow/engine';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="claim" isExecutable="true" sop:sensitive="iban, phone">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <bpmn:userTask id="review" name="Review claim" sop:candidateGroups="claims"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

async function trail() {
  const store = new MemoryStore();
  let n = 0;
  const engine = createEngine({ store, clock: new VirtualClock('2026-11-23T09:00:00Z'), ids: () => `c${++n}`, auditSalt: 'pepper' });
  await engine.deploy(xml);
  const { id } = await engine.start('claim', { variables: { amount: 120, iban: 'DE89370400440532013000', phone: '+86 138 0000 0000' } });
  const [task] = (await engine.tasks({ instanceId: id })).items;
  await engine.complete(task.id, { by: { id: 'ann', groups: ['claims'] }, variables: { approved: true, phone: '+86 139 1111 1111' } });
  return { engine, store, id, events: store.unsafeAuditOf(id) };
}

describe('audit trail', () => {
  it('should verify an untouched trail', async () => {
    // given
    const { engine, id, events } = await trail();
    // when
    const result = await engine.audit.verify(id);
    // then
    expect(result).toEqual({ ok: true, checked: 1, problems: [] });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it.each([
    ['an edited field', (events: AuditEvent[]) => void (events[4].actor = 'mallory'), { seq: 5, kind: 'edited' }],
    ['edited data', (events: AuditEvent[]) => void ((events[5].data as { variables: Record<string, unknown> }).variables = { approved: false }), { seq: 6, kind: 'edited' }],
    ['a deleted event', (events: AuditEvent[]) => void events.splice(3, 1), { seq: 4, kind: 'missing' }],
    ['two swapped events', (events: AuditEvent[]) => void ([events[2], events[3]] = [events[3], events[2]]), { seq: 3, kind: 'reordered' }],
    ['a truncated chain', (events: AuditEvent[]) => void events.splice(events.length - 2), { kind: 'truncated' }],
    [
      'an event replaced with a re-hashed forgery',
      (events: AuditEvent[]) => {
        const forged = { ...events[2], actor: 'mallory' };
        // a forger can recompute this event's hash, but not the next event's link to it
        events[2] = { ...forged, hash: 'f'.repeat(64) };
      },
      { seq: 3, kind: 'edited' },
    ],
  ])('should name the first bad event after %s', async (_what, tamper, expected) => {
    // given
    const { engine, id, events } = await trail();
    const total = events.length;
    tamper(events);
    // when
    const result = await engine.audit.verify(id);
    // then
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ instanceId: id, ...expected });
    if (expected.kind === 'truncated') expect(result.problems[0].message).toContain(`recorded ${total} events but ${total - 2} are stored`);
  });

  it('should detect a link broken by a consistently re-hashed event', async () => {
    // given: the forger edits event 3 and recomputes its hash with the same function
    const { engine, id, events } = await trail();
    const { sha256Hex, canonicalJson } = await import('@sopflow/engine');
    const { hash: _old, ...body } = { ...events[2], actor: 'mallory' };
    events[2] = { ...body, hash: sha256Hex(canonicalJson(body)) };
    // when
    const result = await engine.audit.verify(id);
    // then: event 3 now checks out on its own, but event 4 no longer links to it
    expect(result.problems[0]).toMatchObject({ seq: 4, kind: 'broken-link' });
  });

  it('should never store sensitive variables in clear, only a salted digest', async () => {
    // given
    const { events } = await trail();
    // when
    const text = JSON.stringify(events);
    // then
    expect(text).not.toContain('DE89370400440532013000');
    expect(text).not.toContain('138 0000');
    expect(text).not.toContain('139 1111');
    expect(text).toContain('"amount":120');
    const started = events.find((e) => e.type === 'instance.started')!;
    expect((started.data.variables as Record<string, unknown>).iban).toEqual({ redacted: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const changed = events.find((e) => e.type === 'variables.changed')!;
    expect(changed.data.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'phone', value: { redacted: true, sha256: expect.any(String) }, previous: { redacted: true, sha256: expect.any(String) } })]),
    );
  });
});

describe('hashed part of an event', () => {
  it('should be exactly the canonical JSON of the event without its hash', async () => {
    // given
    const { canonicalJson, hashedPart } = await import('../../src/audit/chain.js').then(async (chain) => ({ ...chain, canonicalJson: (await import('@sopflow/engine')).canonicalJson }));
    const { events } = await trail();
    // when / then
    for (const event of events) {
      const { hash: _h, ...body } = event;
      expect(hashedPart(body)).toBe(canonicalJson(body));
    }
    const odd = { instanceId: 'x"\\', seq: 1, time: -1, type: 't', actor: '王', processId: 'p', version: 2, businessKey: '', node: 'n', nodeName: 'ä "q"', data: { z: [1, { b: 2, a: null }], a: 'é' }, prevHash: 'h' };
    expect(hashedPart(odd)).toBe(canonicalJson(odd));
  });
});
