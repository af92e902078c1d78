import { describe, expect, it } from 'vitest';
import { createEngine, MemoryStore, VirtualClock, type Commit } from '@sopflow/engine';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d">
  <bpmn:process id="wait" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=delay</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="u"/>
    <bpmn:userTask id="u"/>
    <bpmn:sequenceFlow id="f3" sourceRef="u" targetRef="e"/>
    <bpmn:endEvent id="e"/>
    <bpmn:boundaryEvent id="late" attachedToRef="u"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="e2"/>
    <bpmn:endEvent id="e2"/>
  </bpmn:process>
</bpmn:definitions>`;

/** A memory store that remembers the order in which timers fired (committed). */
class RecordingStore extends MemoryStore {
  readonly fired: string[] = [];
  override async commit(commit: Commit): Promise<void> {
    await super.commit(commit);
    for (const e of commit.audit) if (e.type === 'timer.fired') this.fired.push(`${e.instanceId}:${e.node}`);
  }
}

describe('restart', () => {
  it('should fire every due timer of a dropped engine exactly once, in due order, and never a cancelled one', async () => {
    // given: five cases waiting 5, 1, 4, 2, 3 hours; a sixth whose timer was cancelled
    const store = new RecordingStore();
    const before = new VirtualClock('2026-01-05T00:00:00Z');
    let n = 0;
    const first = createEngine({ store, clock: before, ids: () => `c${++n}` });
    await first.deploy(xml);
    const delays = ['PT5H', 'PT1H', 'PT4H', 'PT2H', 'PT3H'];
    const ids: string[] = [];
    for (const delay of delays) ids.push((await first.start('wait', { variables: { delay } })).id);
    const cancelled = await first.start('wait', { variables: { delay: 'PT30M' } });
    await first.cancel(cancelled.id);
    await first.close();
    // when: a new engine on the same store, 10 hours later
    const after = new VirtualClock('2026-01-05T10:00:00Z');
    const second = createEngine({ store, clock: after, ids: () => `d${++n}` });
    await after.flush();
    await second.idle();
    // then: the five catch timers fired in due order, then the one-hour boundaries they armed (overdue already: due from the restart instant)
    const catches = store.fired.filter((f) => f.endsWith(':t'));
    expect(catches).toEqual([ids[1], ids[3], ids[4], ids[2], ids[0]].map((id) => `${id}:t`));
    expect(store.fired.filter((f) => f.startsWith(`${cancelled.id}:`))).toEqual([]);
    expect(new Set(store.fired).size).toBe(store.fired.length);
    // when: an hour later the boundaries armed at the restart fire, once each
    await after.advance('PT1H');
    // then
    expect(store.fired.filter((f) => f.endsWith(':late')).sort()).toEqual(ids.map((id) => `${id}:late`).sort());
    for (const id of ids) expect((await second.instance(id)).status).toBe('completed');
    expect((await second.audit.verify()).ok).toBe(true);
  });
});

describe('the work limit', () => {
  it('should park a step that moves too long without waiting, and resume it exactly there when resolved', async () => {
    // given: a 500-task sequence and a limit of 1,000 moves per step
    const ids = ['s', ...Array.from({ length: 500 }, (_, i) => `t${i}`), 'e'];
    const body = ids.map((id) => (id === 's' ? '<bpmn:startEvent id="s"/>' : id === 'e' ? '<bpmn:endEvent id="e"/>' : `<bpmn:task id="${id}"/>`)).join('');
    const flows = ids.slice(0, -1).map((id, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${id}" targetRef="${ids[i + 1]}"/>`).join('');
    const engine = createEngine({ clock: new VirtualClock(0), limits: { maxWorkPerStep: 1_000 } });
    await engine.deploy(`<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="long" isExecutable="true">${body}${flows}</bpmn:process></bpmn:definitions>`);
    // when
    const parked = await engine.start('long');
    // then
    expect(parked.status).toBe('running');
    expect(parked.incidents).toEqual([expect.objectContaining({ kind: 'work-limit' })]);
    expect(parked.incidents[0].node).toMatch(/^t\d+$/);
    // when: resolved (each resolution allows another 1,000 moves)
    let view = parked;
    for (let round = 0; round < 5 && view.incidents.length; round++) {
      await engine.resolveIncident(view.id, view.incidents[0].id);
      view = await engine.instance(view.id);
    }
    // then
    expect(view.status).toBe('completed');
    const entered = (await engine.audit.query({ instanceId: view.id, types: ['node.entered'], limit: 10_000 })).items.map((e) => e.node);
    expect(entered).toEqual(ids);
    expect((await engine.audit.verify(view.id)).ok).toBe(true);
  });
});
