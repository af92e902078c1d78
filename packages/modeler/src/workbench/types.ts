/**
 * What the workbench's API sends (see packages/cli/src/workbench and
 * docs/workbench.md): the views' view of it. Types only.
 */
import type { AuditEvent, InstanceView, Report, TaskRow } from '@sopflow/engine';

/** A `<sop:field>` of a start event or task form. */
export interface FormField {
  name: string;
  label?: string;
  type: 'string' | 'text' | 'number' | 'boolean' | 'date' | 'time' | 'datetime' | 'enum' | 'list';
  required?: boolean;
  /** FEEL condition under which the field is required. */
  requiredWhen?: string;
  /** FEEL condition under which the field is hidden (and not required). */
  hiddenWhen?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  values?: string[];
}

export interface StartInfo {
  node: string;
  name?: string;
  kind: 'none' | 'message';
  message?: string;
  fields: FormField[];
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
  fields: FormField[];
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
