/**
 * The cross-department approval SOP embedded in a program: the engine on a
 * SQLite file, a request whose reviewer stays idle for a working day and a
 * half (reminders after 4 working hours, at the deadline and every 4
 * working hours after), then countersigned by two departments, approved by
 * the vice president (120,000 is above a director's authority) and
 * archived; the KPI report counts the overdue review against the
 * reviewer's department.
 *
 *   npm run example -- approval
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, formatDateTime, formatReportTable, parseCalendarFile, VirtualClock } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';

const ZONE = 'Asia/Shanghai';
const here = new URL('.', import.meta.url);

// The store: one SQLite file (./approvals.db in a real application; a temp folder here).
const folder = mkdtempSync(join(tmpdir(), 'sopflow-approval-'));
const store = openSqliteStore(join(folder, 'approvals.db'));

// A virtual clock: working days pass in milliseconds. In production: new WallClock().
const clock = new VirtualClock('2026-11-23T09:00+08:00'); // a Monday, 09:00 in Shanghai
const now = () => formatDateTime(clock.now(), ZONE).slice(0, 16).replace('T', ' ');
const say = (text: string) => console.log(`[${now()}] ${text}`);

const engine = createEngine({
  store,
  clock,
  timeZone: ZONE,
  // "1 working day" is counted in the office calendar: 09:00–12:00 and 13:00–18:00, Monday to Friday.
  calendars: parseCalendarFile(readFileSync(new URL('../calendars.json', here), 'utf8'), 'calendars.json'),
  handlers: {
    'notify-risk-control': () => ({}),
    'archive-request': (job) => {
      say(`archive-request: "${String(job.variables.goal)}" filed in the archive`);
      return { archivedAt: now() };
    },
  },
});

/** What the mail server would get. */
function email(to: string, subject: string): void {
  say(`E-mail to ${to}\n${' '.repeat(19)}Subject: ${subject}`);
}

engine.on('task.created', (e) => {
  const task = e.data.task as { assignee?: string; candidateGroups: string[] };
  email(task.assignee ? `user:${task.assignee}` : task.candidateGroups.map((g) => `group:${g}`).join(', '), `Please decide: ${e.nodeName}`);
});
engine.on('sla.reminder', (e) => {
  const to = e.data.assignee ? `user:${String(e.data.assignee)}` : ((e.data.candidateGroups as string[]) ?? []).map((g) => `group:${g}`).join(', ');
  const due = formatDateTime(e.data.due as number, ZONE).slice(0, 16).replace('T', ' ');
  email(to, clock.now() >= (e.data.due as number) ? `Overdue: ${e.nodeName} was due ${due}` : `Reminder: ${e.nodeName} is due ${due}`);
});
engine.on('sla.breached', (e) => say(`SLA breached: ${e.nodeName}, counted against ${String(e.data.department)}`));
engine.on('instance.completed', () => say('Request approved and archived'));

await engine.deploy(readFileSync(new URL('cross-department-approval.bpmn', here)));

// The request, with the form data of its start event (and who applies, and their manager).
const request = await engine.start('cross-department-approval', {
  by: 'chen',
  variables: {
    goal: 'Warehouse robots',
    deadline: '2027-03-31',
    amount: 120000,
    departments: ['finance', 'it'],
    urgent: false,
    applicant: 'chen',
    applicantManager: 'li',
    managerDepartment: 'operations',
  },
});
say(`Request submitted by chen (case ${request.id.slice(0, 8)})`);

/** Completes every open task of the request at `node` as `by`, with variables. */
async function decide(node: string, by: string | { id: string; groups: string[] }, variables: Record<string, unknown>, which?: string): Promise<void> {
  const { items } = await engine.tasks({ instanceId: request.id, node, ...(which ? { candidateGroups: [which] } : {}) });
  for (const task of items) {
    say(`${typeof by === 'string' ? by : by.id} completes ${task.name} with ${JSON.stringify(variables)}`);
    await engine.complete(task.id, { by, variables });
  }
}

// The manager does not look at it for a day and a half (working time: Monday 09:00 to Tuesday 14:00).
await clock.advance('P1DT5H');
await decide('Task_InitialReview', 'li', { decision: 'approve' });
await decide('Task_Countersign', { id: 'sun', groups: ['finance-heads'] }, { approved: true }, 'finance-heads');
await decide('Task_Countersign', { id: 'he', groups: ['it-heads'] }, { approved: true }, 'it-heads');
await decide('Task_FinalApprovalVicePresident', { id: 'zhao', groups: ['vice-presidents'] }, { approved: true });
await engine.idle();

const { ok } = await engine.audit.verify(request.id);
say(`Case ${(await engine.instance(request.id)).status}; audit trail ${ok ? 'verified' : 'BROKEN'}`);

// The KPI report: the late initial review is counted against the operations department.
console.log(`\n${formatReportTable(await engine.report({ processId: 'cross-department-approval' }))}`);

await engine.close();
await store.close();
rmSync(folder, { recursive: true, force: true });
