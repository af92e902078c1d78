/**
 * Engine events as people read them in the workbench's live feed: who
 * would be told (the "To:" of an e-mail) and one line saying what
 * happened. Pure.
 */
import type { EngineEvent, TaskRow } from '@sopflow/engine';

/** A line of the live feed. */
export interface Notice {
  /** Who would be told: `user:lin`, `group:support-agents`, … (empty when nobody in particular). */
  to: string[];
  /** What happened, in one sentence. */
  text: string;
  /** How it is shown: `alert` for breaches, escalations and incidents, `warning` for reminders. */
  level: 'info' | 'warning' | 'alert';
}

/** The recipients of a task-related event: its assignee, else its candidate users and groups. */
export function recipients(data: Record<string, unknown>): string[] {
  const task = typeof data.task === 'object' && data.task !== null ? (data.task as Partial<TaskRow>) : undefined;
  const assignee = (task?.assignee ?? data.assignee) as string | undefined;
  if (assignee) return [`user:${assignee}`];
  const users = (task?.candidateUsers ?? data.candidateUsers ?? []) as string[];
  const groups = (task?.candidateGroups ?? data.candidateGroups ?? []) as string[];
  const targets = (data.targets ?? []) as string[];
  return [...users.map((u) => `user:${u}`), ...groups.map((g) => `group:${g}`), ...targets];
}

function when(ms: unknown, format: (ms: number) => string): string {
  return typeof ms === 'number' ? format(ms) : 'unknown';
}

/**
 * What an engine event says to people, or undefined for events the feed
 * does not show (token moves are in the audit trail instead).
 * @param format how instants are written (the workbench's zone)
 */
export function describeEvent(event: EngineEvent, format: (ms: number) => string): Notice | undefined {
  const step = `'${event.nodeName ?? event.node ?? '?'}'`;
  const kase = `case ${event.businessKey ?? event.instanceId.slice(0, 8)} (${event.processId})`;
  const data = event.data;
  switch (event.type) {
    case 'instance.started':
      return { to: [], text: `Started ${kase}.`, level: 'info' };
    case 'instance.completed':
      return { to: [], text: `Completed ${kase}.`, level: 'info' };
    case 'instance.cancelled':
      return { to: [], text: `Cancelled ${kase}${data.reason ? `: ${String(data.reason)}` : ''}.`, level: 'info' };
    case 'task.created': {
      const due = (data.task as TaskRow | undefined)?.due;
      return { to: recipients(data), text: `New task ${step} in ${kase}${due !== undefined ? `, due ${format(due)}` : ''}.`, level: 'info' };
    }
    case 'task.completed':
      return { to: [], text: `Task ${step} in ${kase} completed.`, level: 'info' };
    case 'sla.reminder':
      return {
        to: recipients(data),
        text: `Reminder: ${step} in ${kase} is due ${when(data.due, format)}${data.message ? ` — ${String(data.message)}` : ''}.`,
        level: 'warning',
      };
    case 'sla.notify':
      return { to: recipients(data), text: `Notice: ${step} in ${kase} is due ${when(data.due, format)}${data.message ? ` — ${String(data.message)}` : ''}.`, level: 'warning' };
    case 'sla.breached':
      return { to: data.department ? [`department:${String(data.department)}`] : [], text: `SLA breached: ${step} in ${kase} was due ${when(data.due, format)}.`, level: 'alert' };
    case 'escalation.thrown':
      return { to: [], text: `Escalated ${String(data.code ?? '')} at ${step} in ${kase}.`, level: 'alert' };
    case 'escalation.uncaught':
      return { to: [], text: `Escalation ${String(data.code ?? '')} at ${step} in ${kase} was not caught by the diagram.`, level: 'alert' };
    case 'incident.raised':
      return { to: [], text: `Incident at ${step} in ${kase}: ${String(data.message ?? '')}`, level: 'alert' };
    case 'incident.resolved':
      return { to: [], text: `Incident at ${step} in ${kase} resolved.`, level: 'info' };
    case 'message.sent':
      return { to: [], text: `Message ${String(data.message ?? '')} sent from ${step} in ${kase}.`, level: 'info' };
    case 'engine.error':
      return { to: [], text: `Engine error (retried): ${String(data.message ?? '')}`, level: 'alert' };
    default:
      return undefined;
  }
}

/** A feed line as a message id and its values, for the page to say in its language (times as epoch ms). */
export interface NoticeRef {
  /** `feed.<event type>`: a UI message of the workbench catalog. */
  code: string;
  params: Record<string, string | number>;
}

/**
 * The message id and values of {@link describeEvent}'s line for `event`
 * (the same events), so that a page can render it in its language with the
 * instants in its zone; undefined for events the feed does not show. Pure.
 */
export function noticeRef(event: EngineEvent): NoticeRef | undefined {
  const data = event.data;
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  const params: Record<string, string | number> = {
    step: event.nodeName ?? event.node ?? '?',
    key: event.businessKey ?? event.instanceId.slice(0, 8),
    process: event.processId,
  };
  switch (event.type) {
    case 'task.created': {
      const due = (data.task as TaskRow | undefined)?.due;
      if (due !== undefined) params.due = due;
      break;
    }
    case 'sla.reminder':
    case 'sla.notify':
    case 'sla.breached':
      if (typeof data.due === 'number') params.due = data.due;
      if (data.message) params.message = text(data.message);
      break;
    case 'instance.cancelled':
      if (data.reason) params.reason = text(data.reason);
      break;
    case 'escalation.thrown':
    case 'escalation.uncaught':
      params.code = text(data.code);
      break;
    case 'incident.raised':
    case 'message.sent':
    case 'engine.error':
      params.message = text(data.message);
      break;
    case 'instance.started':
    case 'instance.completed':
    case 'task.completed':
    case 'incident.resolved':
      break;
    default:
      return undefined;
  }
  return { code: `feed.${event.type}`, params };
}
