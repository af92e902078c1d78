/**
 * The complaint-escalation SOP embedded in a program: the engine on a
 * SQLite file, a virtual clock moved through the first hour of an urgent
 * complaint, reminders and escalations turned into e-mails (printed here),
 * the tasks worked by the people they are for, and the audit trail checked.
 *
 *   npm run example -- complaint
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, formatDateTime, parseCalendarFile, VirtualClock, type EngineEvent } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';

const ZONE = 'Asia/Shanghai';
const here = new URL('.', import.meta.url);

// The store: one SQLite file. A real application keeps it (./complaint.db); this example uses a temp folder.
const folder = mkdtempSync(join(tmpdir(), 'sopflow-complaint-'));
const store = openSqliteStore(join(folder, 'complaint.db'));

// Time: a virtual clock that moves only when told, so an hour passes in milliseconds.
// In production: new WallClock() (or new WallClock({ speed: 60 }) to watch it happen).
const clock = new VirtualClock('2026-11-23T09:00+08:00'); // a Monday, 09:00 in Shanghai
const now = () => formatDateTime(clock.now(), ZONE).slice(0, 16).replace('T', ' ');
const say = (text: string) => console.log(`[${now()}] ${text}`);

const engine = createEngine({
  store,
  clock,
  timeZone: ZONE,
  // Working-time SLAs count the office hours of this calendar.
  calendars: parseCalendarFile(readFileSync(new URL('../calendars.json', here), 'utf8'), 'calendars.json'),
  // Service and send tasks by their sop:type. A handler returns variables, or throws to be retried.
  handlers: {
    'notify-department-head': (job) => {
      email(`group:${String(job.variables.department)}-heads`, `Urgent complaint for ${String(job.variables.department)} (copy for your information)`);
      return {};
    },
    'notify-quality': () => {
      email('group:quality-managers', 'A complaint was escalated to quality after three dissatisfied follow-ups');
      return {};
    },
  },
});

/** What the mail server would get. */
function email(to: string, subject: string): void {
  say(`E-mail to ${to}\n${' '.repeat(19)}Subject: ${subject}`);
}

/** The people a task-related event is for: its assignee, else its candidate groups. */
function recipients(event: EngineEvent): string {
  const data = event.data as { assignee?: string; candidateGroups?: string[]; task?: { assignee?: string; candidateGroups?: string[] } };
  const assignee = data.assignee ?? data.task?.assignee;
  return assignee ? `user:${assignee}` : (data.candidateGroups ?? data.task?.candidateGroups ?? []).map((g) => `group:${g}`).join(', ');
}

// Reminders, breaches and escalations arrive as events after their step is committed.
engine.on('task.created', (e) => email(recipients(e), `New task: ${e.nodeName} for complaint ${e.businessKey}`));
engine.on('sla.reminder', (e) => email(recipients(e), `Reminder: ${e.nodeName} for complaint ${e.businessKey} is due at ${formatDateTime(e.data.due as number, ZONE).slice(11, 16)}`));
engine.on('sla.breached', (e) => say(`SLA breached: ${e.nodeName} for complaint ${e.businessKey} (counted against ${String(e.data.department)})`));
engine.on('escalation.thrown', (e) => say(`Escalated ${String(e.data.code)} from ${e.nodeName}`));
engine.on('instance.completed', (e) => say(`Complaint ${e.businessKey} closed`));

await engine.deploy(readFileSync(new URL('complaint-escalation.bpmn', here)));

// A complaint arrives as the message that starts the SOP; its key becomes the business key.
const { started } = await engine.correlate('complaint-received', {
  key: 'C-1001',
  variables: { severity: 'urgent', channel: 'hotline', customerTier: 'vip', category: 'delivery' },
});
const caseId = started[0];
say(`Complaint C-1001 received (case ${caseId.slice(0, 8)})`);

// Nobody answers for 40 minutes: the reminder comes at 75 % of the 30-minute SLA, the escalation at 100 %.
await clock.advance('PT40M');

/** Completes the one open task of this case at `node`, as `by` (the engine checks they may). */
async function work(node: string, by: { id: string; groups: string[] }, variables: Record<string, unknown> = {}): Promise<void> {
  const [task] = (await engine.tasks({ instanceId: caseId, node })).items;
  say(`${by.id} completes ${task.name}${Object.keys(variables).length ? ` with ${JSON.stringify(variables)}` : ''}`);
  await engine.complete(task.id, { by, variables });
}

await work('Task_AcknowledgeAndApologise', { id: 'wu', groups: ['support-agents'] });
await work('Task_SupervisorIntervention', { id: 'zheng', groups: ['supervisors'] });
await clock.advance('PT3H');
await work('Task_InvestigateAndResolve', { id: 'qiu', groups: ['logistics'] }, { resolution: 'Parcel re-sent by express' });
await clock.advance('PT2H');
await work('Task_CustomerFollowUp', { id: 'wu', groups: ['support-agents'] }, { satisfied: true });

// The audit trail is hash-chained: verify proves nothing was edited, removed or reordered.
const trail = await engine.audit.verify(caseId);
const { total } = await engine.audit.query({ instanceId: caseId, limit: 1 });
say(`Audit trail ${trail.ok ? 'verified' : 'BROKEN'}: ${total} events`);

await engine.close();
await store.close();
rmSync(folder, { recursive: true, force: true });
