import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDateTime, parseCalendarFile, parseDateTime } from '@sopflow/engine';
import { Simulation } from '../src/features/simulation/Simulation.js';

const complaint = readFileSync(new URL('../../../examples/complaint-escalation/complaint-escalation.bpmn', import.meta.url), 'utf8');
const approval = readFileSync(new URL('../../../examples/cross-department-approval/cross-department-approval.bpmn', import.meta.url), 'utf8');
const calendars = parseCalendarFile(readFileSync(new URL('../../../examples/calendars.json', import.meta.url), 'utf8'), 'calendars.json');
const ZONE = 'Asia/Shanghai';
const at = (text: string) => parseDateTime(text, ZONE);
const shown = (ms: number) => formatDateTime(ms, ZONE);

describe('Simulation', () => {
  it('should offer the message start of the complaint SOP', async () => {
    // when
    const simulation = await Simulation.create({ xml: complaint, calendars, start: at('2026-11-23T09:00') });

    // then
    expect(simulation.starts).toEqual([
      expect.objectContaining({ processId: 'complaint-escalation', node: 'StartEvent_ComplaintReceived', kind: 'message', message: 'complaint-received' }),
    ]);
    await simulation.close();
  });

  it('should remind at 75 % and escalate a normal complaint at 2 working hours', async () => {
    // given: a normal complaint on Monday 09:00
    const simulation = await Simulation.create({ xml: complaint, calendars, start: at('2026-11-23T09:00'), timeZone: ZONE });
    await simulation.start({ businessKey: 'C-1', variables: { severity: 'normal', category: 'billing' } });

    // when
    const first = simulation.nextDue();
    await simulation.advanceToNextDue();
    await simulation.advanceToNextDue();

    // then
    expect(shown(first!)).toBe('2026-11-23T10:30:00+08:00');
    const audit = await simulation.audit();
    const sla = audit.filter((e) => e.type.startsWith('sla.') || e.type.startsWith('escalation.')).map((e) => `${e.type} ${e.node} ${shown(e.time)}`);
    expect(sla).toEqual([
      'sla.reminder Task_AcknowledgeAndApologise 2026-11-23T10:30:00+08:00',
      'sla.breached Task_AcknowledgeAndApologise 2026-11-23T11:00:00+08:00',
      'sla.escalation Task_AcknowledgeAndApologise 2026-11-23T11:00:00+08:00',
      'escalation.thrown Task_AcknowledgeAndApologise 2026-11-23T11:00:00+08:00',
      'escalation.caught BoundaryEvent_FirstResponseOverdue 2026-11-23T11:00:00+08:00',
    ]);
    expect((await simulation.tasks()).map((t) => t.node)).toEqual(['Task_AcknowledgeAndApologise', 'Task_SupervisorIntervention']);
    await simulation.close();
  });

  it('should run a changed diagram: with a 1-hour SLA the escalation comes at 1 working hour', async () => {
    // given
    const xml = complaint.replace('duration(&quot;PT2H&quot;)', 'duration(&quot;PT1H&quot;)');
    const simulation = await Simulation.create({ xml, calendars, start: at('2026-11-23T09:00'), timeZone: ZONE });
    await simulation.start({ businessKey: 'C-2', variables: { severity: 'normal', category: 'billing' } });

    // when
    await simulation.advance('PT1H');

    // then
    const escalations = (await simulation.audit()).filter((e) => e.type === 'escalation.thrown');
    expect(escalations.map((e) => shown(e.time))).toEqual(['2026-11-23T10:00:00+08:00']);
    await simulation.close();
  });

  it('should complete a task with variables, run the automatic steps and wait at the next task', async () => {
    // given
    const simulation = await Simulation.create({ xml: complaint, calendars, start: at('2026-11-23T09:00'), timeZone: ZONE });
    await simulation.start({ businessKey: 'C-3', variables: { severity: 'urgent', category: 'delivery' } });
    const [acknowledge] = await simulation.tasks();

    // when
    await simulation.complete(acknowledge.id, { note: 'called the customer' });

    // then
    const tasks = await simulation.tasks();
    expect(tasks.map((t) => [t.node, t.candidateGroups])).toEqual([['Task_InvestigateAndResolve', ['logistics']]]);
    const [view] = await simulation.views();
    expect(view.variables).toMatchObject({ note: 'called the customer', department: 'logistics' });
    expect((await simulation.audit()).some((e) => e.type === 'job.completed' && e.node === 'Task_NotifyDepartmentHead')).toBe(true);
    await simulation.close();
  });

  it('should move one working day of the calendar: Friday 17:00 to Monday 17:00', async () => {
    // given
    const simulation = await Simulation.create({ xml: approval, calendars, start: at('2026-11-20T17:00') });

    // when
    await simulation.advanceWorkingDay();

    // then
    expect(shown(simulation.clock.now())).toBe('2026-11-23T17:00:00+08:00');
    await simulation.close();
  });

  it('should refuse a diagram the engine cannot run, with the engine error', async () => {
    // given
    const broken = complaint.replace('sop:sla="PT24H"', 'sop:sla="PT24X"');

    // when
    const creating = Simulation.create({ xml: broken, calendars, start: 0 });

    // then
    await expect(creating).rejects.toThrow(/PT24X/);
  });
});
