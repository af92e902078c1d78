import { describe, expect, it } from 'vitest';
import { BpmnValidationError, createEngine, MemoryStore, VirtualClock, type AuditEvent, type EngineOptions } from '@sopflow/engine';

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0"`;
const T0 = '2026-01-05T09:00:00Z'; // a Monday
const at = (iso: string) => Date.parse(iso);

/** One user task with an SLA of an hour and the given rules, between a start and an end. */
function taskWith(rules: string, attrs = 'sop:sla="PT1H"'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:userTask id="t" name="Review" sop:candidateGroups="desk" ${attrs}><bpmn:extensionElements>${rules}</bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
}

async function setup(xml: string, options: Partial<EngineOptions> = {}) {
  const clock = new VirtualClock(T0);
  let n = 0;
  const engine = createEngine({ clock, ids: () => `i${++n}`, ...options });
  await engine.deploy(xml);
  const events = async (instanceId: string, types?: string[]): Promise<AuditEvent[]> =>
    (await engine.audit.query({ instanceId, limit: 10_000, ...(types ? { types } : {}) })).items.sort((a, b) => a.seq - b.seq);
  return { engine, clock, events };
}

async function deployError(xml: string): Promise<BpmnValidationError> {
  const engine = createEngine({ clock: new VirtualClock(T0) });
  const error = await engine.deploy(xml).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BpmnValidationError);
  return error as BpmnValidationError;
}

describe('SLA rules through the engine', () => {
  it('should reassign the task to the rule target when the rule fires, and not before', async () => {
    // given
    const { engine, clock, events } = await setup(taskWith('<sop:escalation at="100%" action="reassign" target="group:leads, user:lee"/>'));
    const { id } = await engine.start('p');
    // when
    await clock.advance('PT59M');
    // then
    expect((await engine.tasks({ instanceId: id })).items[0]).toMatchObject({ candidateGroups: ['desk'], candidateUsers: [] });
    // when
    await clock.advance('PT1M');
    // then
    const [task] = (await engine.tasks({ instanceId: id })).items;
    expect(task).toMatchObject({ assignee: 'lee', candidateGroups: ['leads'] });
    const [rule] = await events(id, ['sla.reassign']);
    expect(rule).toMatchObject({ node: 't', time: at('2026-01-05T10:00:00Z'), data: { rule: 0, action: 'reassign', targets: ['group:leads', 'user:lee'] } });
    const [moved] = await events(id, ['task.reassigned']);
    expect(moved.data).toMatchObject({ task: task.id, to: { assignee: 'lee', candidateGroups: ['leads'] } });
    // the lead can now complete it, the desk no longer
    await expect(engine.complete(task.id, { by: { id: 'ann', groups: ['desk'] } })).rejects.toThrow(/not/i);
    await engine.complete(task.id, { by: 'lee' });
    expect((await engine.instance(id)).status).toBe('completed');
  });

  it.each([
    ['a literal group', 'group:leads', {}, { candidateGroups: ['leads'], candidateUsers: [] }],
    ['a literal user', 'user:lee', {}, { assignee: 'lee', candidateGroups: [], candidateUsers: [] }],
    ['FEEL giving a user', '=&quot;user:&quot; + lead', { lead: 'alice' }, { assignee: 'alice', candidateGroups: [], candidateUsers: [] }],
    ['FEEL giving a list of users', '=for u in leads return &quot;user:&quot; + u', { leads: ['ann', 'bo'] }, { candidateUsers: ['ann', 'bo'], candidateGroups: [] }],
  ])('should reassign to %s', async (_what, target, variables, expected) => {
    // given
    const { engine, clock } = await setup(taskWith(`<sop:escalation at="100%" action="reassign" target="${target}"/>`));
    const { id } = await engine.start('p', { variables });
    // when
    await clock.advance('PT1H');
    // then
    const [task] = (await engine.tasks({ instanceId: id })).items;
    expect({ assignee: task.assignee, candidateUsers: task.candidateUsers, candidateGroups: task.candidateGroups }).toEqual({ assignee: undefined, ...expected });
  });

  it('should refuse a reassign target without group:/user: at run time — an incident naming the rule, the element and the value, the assignment unchanged', async () => {
    // given: the target is FEEL giving a bare user id
    const { engine, clock, events } = await setup(taskWith('<sop:escalation at="100%" action="reassign" target="=lead"/>'));
    const { id } = await engine.start('p', { variables: { lead: 'alice' } });
    const [before] = (await engine.tasks({ instanceId: id })).items;
    // when
    await clock.advance('PT2H');
    // then
    const [after] = (await engine.tasks({ instanceId: id })).items;
    expect({ assignee: after.assignee, candidateUsers: after.candidateUsers, candidateGroups: after.candidateGroups }).toEqual({
      assignee: before.assignee,
      candidateUsers: before.candidateUsers,
      candidateGroups: ['desk'],
    });
    expect(await events(id, ['task.reassigned'])).toEqual([]);
    const [incident] = await events(id, ['incident.raised']);
    expect(incident.node).toBe('t');
    expect(incident.data.kind).toBe('assignment');
    expect(incident.data.message).toContain('sop:escalation[1] (reassign)');
    expect(incident.data.message).toContain('(t)');
    expect(incident.data.message).toContain('"alice"');
    const [refused] = await events(id, ['sla.reassign']);
    expect(refused.data).toMatchObject({ targets: ['alice'], refused: incident.data.message });
    expect((await engine.instance(id)).incidents).toHaveLength(1);
    // the desk can still finish the task, and the case ends
    await engine.complete(after.id, { by: { id: 'ann', groups: ['desk'] } });
    expect((await engine.instance(id)).status).toBe('completed');
  });

  it('should refuse a reassign target that names nobody at run time', async () => {
    // given
    const { engine, clock, events } = await setup(taskWith('<sop:escalation at="100%" action="reassign" target="=leads"/>'));
    const { id } = await engine.start('p', { variables: { leads: [] } });
    // when
    await clock.advance('PT1H');
    // then
    expect((await engine.tasks({ instanceId: id })).items[0].candidateGroups).toEqual(['desk']);
    const [incident] = await events(id, ['incident.raised']);
    expect(incident.data.message).toContain('names nobody');
  });

  it.each([
    ['a bare id', 'alice'],
    ['a FEEL string with a bare id', '=&quot;alice&quot;'],
    ['a FEEL list with a bare id', '=[&quot;group:leads&quot;, &quot;bob&quot;]'],
    ['an empty FEEL list', '=[]'],
  ])('should refuse at deploy a reassign target known to be %s, naming the element', async (_what, target) => {
    // given / when
    const error = await deployError(taskWith(`<sop:escalation at="100%" action="reassign" target="${target}"/>`));
    // then
    expect(error.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'sla.rule', elementId: 't', attribute: 'sop:escalation[1]', params: expect.objectContaining({ variant: 'target' }) })]);
  });

  it('should accept a FEEL target it cannot know at deploy', async () => {
    // given / when
    const engine = createEngine({ clock: new VirtualClock(T0) });
    const result = await engine.deploy(taskWith('<sop:escalation at="100%" action="reassign" target="=&quot;user:&quot; + lead"/>'));
    // then
    expect(result.processes).toHaveLength(1);
  });

  it('should notify the rule targets and leave the task as it is', async () => {
    // given
    const { engine, clock, events } = await setup(taskWith('<sop:escalation at="50%" action="notify" target="=[&quot;group:leads&quot;, &quot;user:&quot; + boss]" message="half the time gone"/>'));
    const seen: unknown[] = [];
    engine.on('sla.notify', (e) => seen.push(e.data));
    const { id } = await engine.start('p', { variables: { boss: 'wu' } });
    // when
    await clock.advance('PT30M');
    // then
    const [notify] = await events(id, ['sla.notify']);
    expect(notify).toMatchObject({ node: 't', time: at('2026-01-05T09:30:00Z'), data: { action: 'notify', targets: ['group:leads', 'user:wu'], message: 'half the time gone', candidateGroups: ['desk'] } });
    expect(seen).toEqual([expect.objectContaining({ targets: ['group:leads', 'user:wu'] })]);
    expect((await engine.tasks({ instanceId: id })).items[0]).toMatchObject({ candidateGroups: ['desk'] });
    expect(await events(id, ['task.reassigned'])).toEqual([]);
  });

  it("should stamp each fired rule with the time that firing was due, beside the SLA's due time", async () => {
    // given: a reminder at half time, then every 20 minutes after the breach, three times
    const { engine, clock, events } = await setup(taskWith('<sop:escalation at="50%" action="remind"/><sop:escalation at="100%" every="PT20M" times="3" action="remind"/>'));
    const { id } = await engine.start('p');
    // when
    await clock.advance('PT3H');
    // then
    const reminders = await events(id, ['sla.reminder']);
    expect(reminders.map((e) => [e.data.rule, e.data.firing, e.data.scheduledAt, e.data.due])).toEqual([
      [0, 1, at('2026-01-05T09:30:00Z'), at('2026-01-05T10:00:00Z')],
      [1, 1, at('2026-01-05T10:00:00Z'), at('2026-01-05T10:00:00Z')],
      [1, 2, at('2026-01-05T10:20:00Z'), at('2026-01-05T10:00:00Z')],
      [1, 3, at('2026-01-05T10:40:00Z'), at('2026-01-05T10:00:00Z')],
    ]);
    for (const e of reminders) expect(e.time).toBe(e.data.scheduledAt);
  });

  it('should record a rule that fired late with its scheduled time, so the lateness shows', async () => {
    // given: no scheduler running while the firing falls due
    const store = new MemoryStore();
    const { engine, clock, events } = await setup(taskWith('<sop:escalation at="50%" action="remind"/>'), { scheduler: false, store });
    const { id } = await engine.start('p');
    await clock.advance('PT45M');
    expect(await events(id, ['sla.reminder'])).toEqual([]);
    // when: a scheduler catches up a quarter of an hour late
    const late = createEngine({ clock, store });
    await late.idle();
    await clock.advance('PT0S');
    await late.idle();
    // then
    const [reminder] = await events(id, ['sla.reminder']);
    expect(reminder.time).toBe(at('2026-01-05T09:45:00Z'));
    expect(reminder.data.scheduledAt).toBe(at('2026-01-05T09:30:00Z'));
    await late.close();
  });

  it('should run an uncaught SLA escalate as recorded and let the case go on', async () => {
    // given
    const { engine, clock, events } = await setup(taskWith('<sop:escalation at="100%" action="escalate" escalationCode="LATE"/>'));
    const uncaught: unknown[] = [];
    engine.on('escalation.uncaught', (e) => uncaught.push(e.data));
    const { id } = await engine.start('p');
    // when
    await clock.advance('PT1H');
    // then
    expect((await events(id)).map((e) => e.type).filter((t) => t.startsWith('sla.') || t.startsWith('escalation.'))).toEqual([
      'sla.breached',
      'sla.escalation',
      'escalation.thrown',
      'escalation.uncaught',
    ]);
    expect(uncaught).toEqual([{ code: 'LATE' }]);
    expect((await engine.instance(id)).status).toBe('running');
    expect(await engine.tasks({ instanceId: id })).toMatchObject({ total: 1 });
    const [task] = (await engine.tasks({ instanceId: id })).items;
    await clock.advance('PT1M');
    await engine.complete(task.id, { by: { id: 'ann', groups: ['desk'] } });
    expect((await engine.instance(id)).status).toBe('completed');
    expect((await events(id, ['sla.missed']))[0].data).toMatchObject({ overByMs: 60_000 });
  });
});

describe('SLAs on sub-processes, call activities and the whole process', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d">
  <bpmn:escalation id="E" escalationCode="CASE_LATE"/>
  <bpmn:process id="case" isExecutable="true" sop:sla="PT8H" sop:department="ops">
    <bpmn:extensionElements><sop:escalation at="PT6H" action="escalate" escalationCode="CASE_LATE"/></bpmn:extensionElements>
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
    <bpmn:subProcess id="sub" name="Prepare" sop:sla="PT2H" sop:department="prep">
      <bpmn:extensionElements><sop:escalation at="50%" action="remind"/></bpmn:extensionElements>
      <bpmn:startEvent id="ss"/>
      <bpmn:sequenceFlow id="sf1" sourceRef="ss" targetRef="prepare"/>
      <bpmn:userTask id="prepare" sop:candidateGroups="prep"/>
      <bpmn:sequenceFlow id="sf2" sourceRef="prepare" targetRef="se"/>
      <bpmn:endEvent id="se"/>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="call"/>
    <bpmn:callActivity id="call" name="Check" calledElement="check" sop:sla="PT3H" sop:department="qa"/>
    <bpmn:sequenceFlow id="f3" sourceRef="call" targetRef="e"/>
    <bpmn:endEvent id="e"/>
    <bpmn:subProcess id="onLate" triggeredByEvent="true">
      <bpmn:startEvent id="lateStart" isInterrupting="false"><bpmn:escalationEventDefinition escalationRef="E"/></bpmn:startEvent>
      <bpmn:sequenceFlow id="lf1" sourceRef="lateStart" targetRef="chase"/>
      <bpmn:userTask id="chase" sop:candidateGroups="leads"/>
      <bpmn:sequenceFlow id="lf2" sourceRef="chase" targetRef="lateEnd"/>
      <bpmn:endEvent id="lateEnd"/>
    </bpmn:subProcess>
  </bpmn:process>
  <bpmn:process id="check" isExecutable="true">
    <bpmn:startEvent id="cs"/>
    <bpmn:sequenceFlow id="c1" sourceRef="cs" targetRef="inspect"/>
    <bpmn:userTask id="inspect" sop:candidateGroups="qa"/>
    <bpmn:sequenceFlow id="c2" sourceRef="inspect" targetRef="ce"/>
    <bpmn:endEvent id="ce"/>
  </bpmn:process>
</bpmn:definitions>`;

  it('should time a sub-process, a call activity and the case, and catch a process-level escalate in an event sub-process', async () => {
    // given
    const { engine, clock, events } = await setup(xml);
    const { id } = await engine.start('case');
    // when: the sub-process takes 1.5 hours (met, reminded at 1 h)
    await clock.advance('PT90M');
    await engine.complete((await engine.tasks({ instanceId: id, node: 'prepare' })).items[0].id, { by: 'system' });
    // and the called check is still open 4 hours later (due after 3)
    await clock.advance('PT4H');
    // then: at 5.5 h nothing of the case SLA yet
    expect(await events(id, ['sla.escalation'])).toEqual([]);
    // when: the case passes 6 h — the process-level rule escalates, caught by the event sub-process
    await clock.advance('PT30M');
    // then
    expect(await engine.tasks({ instanceId: id, node: 'chase' })).toMatchObject({ total: 1 });
    // when: the check ends at 6 h, an hour and a half late
    await engine.complete((await engine.tasks({ processId: 'check' })).items[0].id, { by: 'system' });
    await engine.complete((await engine.tasks({ instanceId: id, node: 'chase' })).items[0].id, { by: 'system' });
    // then
    expect((await engine.instance(id)).status).toBe('completed');
    const sla = (await events(id)).filter((e) => e.type.startsWith('sla.') || e.type.startsWith('escalation.'));
    expect(sla.map((e) => `${e.type} ${e.node ?? '(process)'} ${e.data.department ?? ''}`.trim())).toEqual([
      'sla.reminder sub prep',
      'sla.met sub prep',
      'sla.breached call qa',
      'sla.escalation (process) ops',
      'escalation.thrown (process)',
      'escalation.caught lateStart',
      'sla.missed call qa',
      'sla.met (process) ops',
    ]);
    expect(sla.find((e) => e.type === 'sla.met' && e.node === 'sub')!.data).toMatchObject({ due: at('2026-01-05T11:00:00Z'), marginMs: 30 * 60_000 });
    expect(sla.find((e) => e.type === 'sla.missed')!.data).toMatchObject({ due: at('2026-01-05T13:30:00Z'), overByMs: 90 * 60_000 });
    expect(sla.find((e) => e.type === 'sla.met' && !e.node)!.data).toMatchObject({ due: at('2026-01-05T17:00:00Z') });
    // the report counts them
    const report = await engine.report({ processId: 'case' });
    const call = report.nodes.find((n) => n.node === 'call')!;
    expect(call).toMatchObject({ executions: 1, overdue: 1 });
  });
});

describe('SLA validation at deploy', () => {
  it.each([
    ['sop:sla', taskWith('', 'sop:sla="PT24X"'), 'sop:sla'],
    ["a rule's at", taskWith('<sop:escalation at="P1X" action="remind"/>'), 'sop:escalation[1].at'],
    ["a rule's every", taskWith('<sop:escalation at="100%" every="bogus" action="remind"/>'), 'sop:escalation[1].every'],
  ])('should refuse a malformed duration in %s, naming the element and the attribute', async (_what, xml, attribute) => {
    // given / when
    const error = await deployError(xml);
    // then
    expect(error.problems).toEqual([expect.objectContaining({ severity: 'error', elementId: 't', attribute })]);
    expect(error.message).toContain(`<t> ${attribute}: Invalid ISO 8601 duration`);
  });
});
