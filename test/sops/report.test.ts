import { describe, expect, it } from 'vitest';
import { BusinessCalendar, cycleStats, parseDuration, type Engine } from '@sopflow/engine';
import { sopEngine } from './sopEngine.js';

/** Deterministic pseudo-random numbers (mulberry32), so the generated history is the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const N = Number(process.env.SOPFLOW_REPORT_CASES ?? 10_000);
const DEPARTMENTS = ['operations', 'sales', 'finance', 'it'];
const MINUTE = 60_000;

interface Planned {
  node: string;
  department: string;
  created: number;
  completed: number;
  due: number;
  reminders: number;
}

type Action = { at: number; run: () => Promise<void> };

/**
 * Generates N approval cases through the real engine on a virtual clock, and
 * plans — independently of the engine — when each task is created and done,
 * its due time and its reminders. The report must agree with the plan.
 */
async function generate(engine: Engine, clock: { now(): number; advanceTo(t: number): Promise<void> }, office: BusinessCalendar) {
  const rnd = random(42);
  const planned: Planned[] = [];
  const actions: Action[] = [];
  const t0 = clock.now();
  const addWorking = (t: number, iso: string) => office.addDuration(t, parseDuration(iso));
  // Each case: initial review by the manager, one countersign per department, final approval.
  for (let i = 0; i < N; i++) {
    const start = office.nextWorkingInstant(t0 + i * 3 * MINUTE);
    const managerDepartment = DEPARTMENTS[Math.floor(rnd() * DEPARTMENTS.length)];
    const departments = DEPARTMENTS.filter(() => rnd() < 0.5).slice(0, 2);
    if (departments.length === 0) departments.push('finance');
    const amount = Math.round(rnd() * 700_000);
    // review takes 1–14 working hours (whole minutes + 30 s, so it never ties a reminder)
    const reviewDone = office.addWorkingTime(start, Math.floor(rnd() * 13 * 60 + 60) * MINUTE + 30_000);
    const signDone = departments.map(() => office.addWorkingTime(reviewDone, Math.floor(rnd() * 20 * 60 + 10) * MINUTE + 30_000));
    const allSigned = Math.max(...signDone);
    const finalDone = office.addWorkingTime(allSigned, Math.floor(rnd() * 20 * 60 + 10) * MINUTE + 30_000);
    const finalNode = amount <= 50_000 ? 'Task_FinalApprovalDirector' : amount <= 500_000 ? 'Task_FinalApprovalVicePresident' : 'Task_FinalApprovalCeo';
    const finalGroup = amount <= 50_000 ? 'directors' : amount <= 500_000 ? 'vice-presidents' : 'ceo';
    // reminders of the initial review: at 4 working hours, then from the due time every 4 working hours
    const reviewDue = addWorking(start, 'P1D');
    let reminders = 0;
    if (addWorking(start, 'PT4H') < reviewDone) reminders++;
    for (let at = reviewDue; at < reviewDone; at = addWorking(at, 'PT4H')) reminders++;
    planned.push({ node: 'Task_InitialReview', department: managerDepartment, created: start, completed: reviewDone, due: reviewDue, reminders });
    departments.forEach((dept, k) =>
      planned.push({ node: 'Task_Countersign', department: dept, created: reviewDone, completed: signDone[k], due: addWorking(reviewDone, 'P2D'), reminders: 0 }),
    );
    planned.push({ node: finalNode, department: finalGroup, created: allSigned, completed: finalDone, due: addWorking(allSigned, 'P2D'), reminders: 0 });

    let id = '';
    actions.push({
      at: start,
      run: async () => {
        ({ id } = await engine.start('cross-department-approval', {
          variables: { goal: `case ${i}`, deadline: '2027-12-31', amount, departments, urgent: false, applicant: `a${i}`, applicantManager: `m${i}`, managerDepartment },
        }));
      },
    });
    actions.push({
      at: reviewDone,
      run: async () => {
        const [task] = (await engine.tasks({ instanceId: id, node: 'Task_InitialReview' })).items;
        await engine.complete(task.id, { by: `m${i}`, variables: { decision: 'approve' } });
      },
    });
    departments.forEach((dept, k) =>
      actions.push({
        at: signDone[k],
        run: async () => {
          const task = (await engine.tasks({ instanceId: id, node: 'Task_Countersign' })).items.find((t) => t.candidateGroups[0] === `${dept}-heads`)!;
          await engine.complete(task.id, { by: { id: `${dept}-head`, groups: [`${dept}-heads`] }, variables: { approved: true, reason: '' } });
        },
      }),
    );
    actions.push({
      at: finalDone,
      run: async () => {
        const [task] = (await engine.tasks({ instanceId: id, node: finalNode })).items;
        await engine.complete(task.id, { by: { id: 'boss', groups: [finalGroup] }, variables: { approved: true } });
      },
    });
  }
  actions.sort((a, b) => a.at - b.at);
  for (const action of actions) {
    await clock.advanceTo(action.at);
    await action.run();
  }
  await engine.idle();
  return planned;
}

describe('KPI report', () => {
  it(`should agree with an independent computation over ${N} generated approval cases`, async () => {
    // given
    const { engine, clock } = await sopEngine({ 'archive-request': () => ({}) }, '2026-01-05T09:00:00+08:00');
    const office = engine.calendar('office')!;
    const planned = await generate(engine, clock, office);
    // when
    const report = await engine.report({ processId: 'cross-department-approval' });
    // then: per node
    const byNode = new Map<string, Planned[]>();
    for (const p of planned) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
    for (const [node, rows] of byNode) {
      const kpi = report.nodes.find((n) => n.node === node)!;
      const met = rows.filter((r) => r.completed <= r.due).length;
      expect({ node, executions: kpi.executions, cycle: kpi.cycle, withSla: kpi.withSla, slaMet: kpi.slaMet, reminders: kpi.reminders, overdue: kpi.overdue }).toEqual({
        node,
        executions: rows.length,
        cycle: cycleStats(rows.map((r) => r.completed - r.created)),
        withSla: rows.length,
        slaMet: met,
        reminders: rows.reduce((n, r) => n + r.reminders, 0),
        overdue: rows.length - met,
      });
    }
    // per department: overdue steps counted against the department
    for (const dept of new Set(planned.map((p) => p.department))) {
      const rows = planned.filter((p) => p.department === dept);
      const kpi = report.departments.find((d) => d.department === dept)!;
      expect({ dept, executions: kpi.executions, overdue: kpi.overdue, compliance: kpi.compliance }).toEqual({
        dept,
        executions: rows.length,
        overdue: rows.filter((r) => r.completed > r.due).length,
        compliance: rows.filter((r) => r.completed <= r.due).length / rows.length,
      });
    }
    // the process: every case completed, none re-opened
    const process = report.processes[0];
    expect(process.instances).toEqual({ started: N, completed: N, cancelled: 0, running: 0 });
    expect(process.reopens).toBe(0);
    expect(planned.some((p) => p.completed > p.due)).toBe(true); // the data has breaches to count
    expect(planned.some((p) => p.reminders > 1)).toBe(true);
    // groupBy: only the groupings asked for, the same figures; an unknown one refused
    const departmentsOnly = await engine.report({ processId: 'cross-department-approval', groupBy: ['department'] });
    expect(departmentsOnly).toEqual({ query: { processId: 'cross-department-approval', groupBy: ['department'] }, processes: [], nodes: [], departments: report.departments });
    await expect(engine.report({ groupBy: ['team' as never] })).rejects.toMatchObject({ code: 'input.invalid' });
    await expect(engine.report({ groupBy: 'node' as never })).rejects.toMatchObject({ code: 'input.invalid' });
  }, 600_000);
});
