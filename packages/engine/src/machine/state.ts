/**
 * The state of one process instance: the xstate machine's context. Plain
 * JSON, small, and complete: the store rows for tasks, timers, jobs and
 * subscriptions are projections of it, written in the same commit.
 */

import type { TimerSpec } from '../time/index.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Variables = Record<string, unknown>;

export type InstanceStatus = 'running' | 'completed' | 'cancelled';

export interface ScopeState {
  id: string;
  /** Scope definition: process id, sub-process node id, or the activity id for local scopes. */
  def: string;
  parent?: string;
  /** The exec that owns this scope (sub-process, multi-instance container, activity with inputs). */
  exec?: string;
  vars: Variables;
  /** Execs directly in this scope plus tokens waiting at its joins. */
  active: number;
  /** Subscriptions and timers of this scope's event sub-process starts. */
  owned?: string[];
}

export type ExecKind =
  | 'task'
  | 'job'
  | 'wait'
  | 'eventGateway'
  | 'subProcess'
  | 'call'
  | 'multi'
  | 'incident';

export interface TaskState {
  id: string;
  assignee?: string;
  candidateUsers: string[];
  candidateGroups: string[];
  createdAt: number;
  claimedAt?: number;
}

export interface JobState {
  id: string;
  type: string;
  retries: number;
  attempt: number;
  due: number;
}

export interface MultiState {
  total: number;
  completed: number;
  active: number;
  next: number;
  items?: unknown[];
  outputs?: unknown[];
  /** Standard loop: iterations so far. */
  loop?: boolean;
}

/** An activity instance or a waiting token. */
export interface Exec {
  id: string;
  node: string;
  /** Scope instance the node sits in. */
  scope: string;
  kind: ExecKind;
  startedAt: number;
  /** Scope created for this exec (sub-process content, inputs, multi-instance body locals). */
  child?: string;
  /** Ids of subscriptions and timers this exec owns (boundaries, waits, SLA rules). */
  owned?: string[];
  task?: TaskState;
  job?: JobState;
  /** Call activity: the called instance. */
  call?: string;
  multi?: MultiState;
  /** Multi-instance body: its container and item index. */
  body?: { container: string; index: number };
  /** Incident park: the incident holding this token. */
  incident?: string;
  /** Non-interrupting event sub-process instance. */
  eventSub?: boolean;
  sla?: SlaState;
  /** How many times this activity has been entered in the instance, this one included (re-opens > 1). */
  visit?: number;
}

export interface SlaState {
  due?: number;
  calendar?: string;
  department?: string;
  /** Total SLA length in the time base, for fractions (ms of working or wall time). */
  length?: number;
  /** Reminders and escalations its rules have fired so far. */
  reminders?: number;
  escalations?: number;
}

export type SubRole = 'wait' | 'boundary' | 'eventSub' | 'eventGateway';

export interface SubState {
  id: string;
  kind: 'message' | 'signal';
  name: string;
  key?: string;
  role: SubRole;
  /** The catching node (catch event, receive task, boundary, event sub-process start, gateway target). */
  node: string;
  exec?: string;
  scope?: string;
}

export type TimerRole = SubRole | 'sla';

export interface TimerState {
  id: string;
  due: number;
  role: TimerRole;
  node: string;
  exec?: string;
  scope?: string;
  spec?: TimerSpec;
  calendar?: string;
  fired: number;
  /** SLA: rule index, or -1 for the due-time breach marker. */
  rule?: number;
}

export interface Incident {
  id: string;
  kind: 'no-flow' | 'expression' | 'job' | 'uncaught-error' | 'call' | 'assignment' | 'timer' | 'work-limit';
  node: string;
  exec?: string;
  message: string;
  createdAt: number;
  retry: Work | null;
  /** A step stopped at the work limit: everything it still had to do, resumed in order when resolved. */
  resume?: Work[];
}

/** A unit of work in a step's queue (also what an incident retries). */
export type Work =
  /** A token arrives at a node. */
  | { t: 'enter'; node: string; scope: string; flow?: string }
  /** A node's work is done: take its outgoing flows. */
  | { t: 'leave'; node: string; scope: string }
  /** A catching node fired (boundary, event-gateway target, event sub-process start): outputs, then onward. */
  | { t: 'resume'; node: string; scope: string; vars?: Variables }
  /** An exec finished normally. */
  | { t: 'complete'; exec: string; vars?: Variables }
  /** Start one instance of a multi-instance or loop activity. */
  | { t: 'body'; exec: string; index: number }
  /** Complete the scope if nothing is left in it. */
  | { t: 'check'; scope: string };

export interface InstanceState {
  id: string;
  processId: string;
  /** Definition key, `${processId}:${version}`. */
  definition: string;
  version: number;
  businessKey?: string;
  status: InstanceStatus;
  startedAt: number;
  endedAt?: number;
  /** Counter for ids inside the instance (tokens, tasks, timers…): deterministic. */
  seq: number;
  /** Call depth: 0 for a top-level instance. */
  depth: number;
  parent?: { instance: string; exec: string };
  root: string;
  scopes: Record<string, ScopeState>;
  execs: Record<string, Exec>;
  /** Parallel/inclusive join buffers: `${scope}/${gateway}` → flow id → tokens. */
  joins: Record<string, Record<string, number>>;
  subs: Record<string, SubState>;
  timers: Record<string, TimerState>;
  incidents: Record<string, Incident>;
  /** The process-level SLA, if the process has one. */
  sla?: SlaState;
  /** Activity entries per node, for re-open counts. */
  visits?: Record<string, number>;
  /**
   * Sensitive variable names beyond the definition's `sop:sensitive`: those a
   * caller passed down, those a called instance sent back, and mapping
   * targets computed from a sensitive value. Redacted like the declared ones.
   */
  sensitive?: string[];
}
