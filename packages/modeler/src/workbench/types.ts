/**
 * What the workbench's API sends (see packages/cli/src/workbench and
 * docs/workbench.md): the views' view of it. Types only.
 */
import type { AuditEvent, FieldDef, FormSchema, InstanceView, Report, TaskRow } from '@sopflow/engine';

/** A start or task form as the server sends it: where it comes from and the form-js schema to render. */
export interface FormView {
  source: 'sop:form' | 'zeebe:userTaskForm' | 'sop:field';
  schema: FormSchema;
}

export interface StartInfo {
  node: string;
  name?: string;
  kind: 'none' | 'message';
  message?: string;
  /** The engine's rules of the start form. */
  fields: FieldDef[];
  form?: FormView;
}

export interface ProcessSummary {
  id: string;
  name?: string;
  version: number;
  key: string;
  deployedAt: number;
  file?: string;
  starts: StartInfo[];
  messages: string[];
  signals: string[];
  counts: { running: number; completed: number; cancelled: number; breached: number };
}

export interface Status {
  folder: string;
  store: string;
  now: number;
  /** 1 = real time, 60 = an hour a minute, 0 = time moves only when told. */
  speed: number;
  zone: string;
  calendars: string[];
  feed: number;
}

export interface TaskView extends TaskRow {
  /** The engine's rules of the task's form. */
  fields: FieldDef[];
  form?: FormView;
  processName?: string;
}

export interface Notice {
  to: string[];
  text: string;
  level: 'info' | 'warning' | 'alert';
}

export interface FeedItem {
  seq: number;
  type: string;
  time: number;
  instanceId?: string;
  processId?: string;
  businessKey?: string;
  node?: string;
  nodeName?: string;
  notice?: Notice;
  /** The notice as a message id (`feed.<type>`) and values (instants in epoch ms), for a page in another language. */
  ref?: { code: string; params: Record<string, string | number> };
}

export interface DeployedFile {
  path: string;
  processes: Array<{ id: string; name?: string; version: number; key: string; created: boolean }>;
  warnings: unknown[];
  error?: string;
}

export interface HeatMap {
  processId: string;
  key: string;
  version: number;
  nodes: Record<string, { waiting: number; breaches: number }>;
}

export interface CaseSummary {
  id: string;
  processId: string;
  version: number;
  businessKey?: string;
  status: 'running' | 'completed' | 'cancelled';
  startedAt: number;
  endedAt?: number;
  incidents: number;
  due?: number;
}

export interface CaseDetail {
  instance: InstanceView;
  processName?: string;
  tasks: TaskRow[];
  audit: AuditEvent[];
  verify: { ok: boolean; checked: number; problems: Array<{ seq: number; kind: string; message: string }> };
}

export type { Report };
