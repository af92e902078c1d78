/**
 * What one step asks the outside world to do — the commands of the pure core
 * (as Temporal's workflow commands). The runtime turns them into store rows
 * and follow-up commands, and commits them with the new snapshot at once.
 */

import type { Variables } from './state.js';

/** An open user task, as task lists see it. */
export interface TaskRow {
  id: string;
  instanceId: string;
  processId: string;
  definition: string;
  node: string;
  name?: string;
  businessKey?: string;
  assignee?: string;
  candidateUsers: string[];
  candidateGroups: string[];
  createdAt: number;
  /** SLA due time, when the task has an SLA. */
  due?: number;
  department?: string;
  formKey?: string;
}

/** A service-task job waiting for a worker. */
export interface JobRow {
  id: string;
  instanceId: string;
  definition: string;
  node: string;
  type: string;
  retries: number;
  attempt: number;
  /** Not before this time (retry backoff). */
  due: number;
  variables: Variables;
  /** Stable across redeliveries of the same attempt: the idempotency key for handlers. */
  idempotencyKey: string;
}

/** A durable timer. Instance timers carry the instance; start timers the definition. */
export interface TimerRow {
  id: string;
  due: number;
  instanceId?: string;
  definition: string;
  node: string;
  /** Start-timer cycles: how often it has fired. */
  fired?: number;
}

/** A waiting message or signal catch, for correlation lookups. */
export interface SubscriptionRow {
  id: string;
  instanceId: string;
  kind: 'message' | 'signal';
  name: string;
  /** Correlation key (messages); null when the catch has none. */
  key: string | null;
}

/**
 * One activity execution, for history and KPI reports (as Camunda's
 * historic activity instances): opened when the activity starts, closed
 * when it ends, in the same commits as the steps.
 */
export interface ActivityRecord {
  id: string;
  instanceId: string;
  processId: string;
  version: number;
  businessKey?: string;
  node: string;
  nodeName?: string;
  nodeType: string;
  /** Multi-instance: the container, or one instance (1-based). */
  multi?: 'container' | 'instance';
  instance?: number;
  /** 1 for the first entry of this node in the instance; more for re-opens. */
  visit: number;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  outcome?: 'completed' | 'cancelled';
  department?: string;
  assignee?: string;
  completedBy?: string;
  due?: number;
  /** Set when it ended with an SLA: met or not, and by how much it was late. */
  slaMet?: boolean;
  overByMs?: number;
  reminders: number;
  escalations: number;
}

export type EngineEventType =
  | 'instance.started'
  | 'instance.completed'
  | 'instance.cancelled'
  | 'task.created'
  | 'task.assigned'
  | 'task.completed'
  | 'task.cancelled'
  | 'job.created'
  | 'message.sent'
  | 'sla.reminder'
  | 'sla.notify'
  | 'sla.breached'
  | 'escalation.thrown'
  | 'escalation.uncaught'
  | 'incident.raised'
  | 'incident.resolved'
  /** A background step (timer, job result) failed; it is retried when its lease expires. */
  | 'engine.error';

/** An event published on the engine's event stream after its step is committed. */
export interface EngineEvent {
  type: EngineEventType;
  instanceId: string;
  processId: string;
  businessKey?: string;
  node?: string;
  nodeName?: string;
  time: number;
  data: Record<string, unknown>;
}

export type Effect =
  | { type: 'task.create'; task: TaskRow }
  | { type: 'task.update'; task: TaskRow }
  | { type: 'task.end'; taskId: string }
  | { type: 'job.create'; job: JobRow }
  | { type: 'job.update'; job: JobRow }
  | { type: 'job.end'; jobId: string }
  | { type: 'timer.schedule'; timer: TimerRow }
  | { type: 'timer.cancel'; timerId: string }
  | { type: 'sub.open'; sub: SubscriptionRow }
  | { type: 'sub.close'; subId: string }
  /** `sensitive`: names the called instance must redact (the caller's, and inputs computed from them). */
  | { type: 'call.start'; child: string; processId: string; variables: Variables; businessKey?: string; exec: string; depth: number; sensitive?: string[] }
  | { type: 'call.cancel'; child: string }
  | {
      type: 'parent.notify';
      parent: { instance: string; exec: string };
      outcome: 'complete' | 'error' | 'escalation' | 'cancelled';
      variables?: Variables;
      code?: string;
      message?: string;
      /** Names the child holds sensitive: the caller redacts them from what comes back. */
      sensitive?: string[];
    }
  /** `sensitive`: payload names computed from the thrower's sensitive variables; receivers redact them. */
  | { type: 'signal.broadcast'; name: string; variables: Variables; sensitive?: string[] }
  | { type: 'history'; record: ActivityRecord }
  | { type: 'emit'; event: EngineEvent };

/** One audit event as the core drafts it; the runtime numbers and chains it. */
export interface AuditDraft {
  type: string;
  time: number;
  actor: string;
  node?: string;
  nodeName?: string;
  data?: Record<string, unknown>;
}
