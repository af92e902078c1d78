/**
 * The KPI report of the SOP policies: cycle times, SLA compliance, reminders,
 * escalations, re-opens and overdue steps per process, node and department.
 * `computeReport` is the reference definition (pure, used by MemoryStore);
 * the SQL stores compute the same figures in SQL and the store contract
 * tests hold them to this one.
 */

import type { ActivityRecord } from '../machine/effects.js';

export interface ReportQuery {
  /** One process, or all. */
  processId?: string;
  /** The period, epoch ms: `[from, to)`. Open-ended when absent. */
  from?: number;
  to?: number;
  /**
   * The groupings wanted (`process`, `node`, `department`); the others come
   * back empty. Default: all three.
   */
  groupBy?: ReportGrouping[];
}

/** A grouping of the report: per process, per node (step), per department. */
export type ReportGrouping = 'process' | 'node' | 'department';

/** The report with only the groupings `groupBy` names (all when absent). Pure. */
export function onlyGroupings(report: Report, groupBy: readonly ReportGrouping[] | undefined): Report {
  if (!groupBy) return report;
  return {
    ...report,
    processes: groupBy.includes('process') ? report.processes : [],
    nodes: groupBy.includes('node') ? report.nodes : [],
    departments: groupBy.includes('department') ? report.departments : [],
  };
}

/** Count and distribution of durations (ms). Percentiles interpolate linearly (PostgreSQL's percentile_cont). */
export interface CycleStats {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
  maxMs: number | null;
}

export interface Kpi {
  /** Executions completed in the period (multi-instance containers not counted; their instances are). */
  executions: number;
  cycle: CycleStats;
  /** Of those, how many had an SLA, and met it. */
  withSla: number;
  slaMet: number;
  /** slaMet ÷ withSla, or null without SLAs. */
  compliance: number | null;
  /** Reminders and escalations fired on executions that ended in the period or are open at its end. */
  reminders: number;
  escalations: number;
  /** Executions started in the period that re-entered a node already run in the same instance. */
  reopens: number;
  /** Completed late in the period, plus open and past due at the period's end. */
  overdue: number;
  openOverdue: number;
}

export interface ProcessKpi extends Kpi {
  processId: string;
  instances: { started: number; completed: number; cancelled: number; running: number };
  /** Whole instances completed in the period: cycle times and process-level SLA compliance. */
  instanceCycle: CycleStats;
  instancesWithSla: number;
  instancesSlaMet: number;
  instanceCompliance: number | null;
}

export interface NodeKpi extends Kpi {
  processId: string;
  node: string;
  nodeName?: string;
}

export interface DepartmentKpi extends Kpi {
  department: string;
}

export interface Report {
  query: ReportQuery;
  processes: ProcessKpi[];
  nodes: NodeKpi[];
  departments: DepartmentKpi[];
}

/** What the report needs of an instance. */
export interface InstanceSummary {
  id: string;
  processId: string;
  status: 'running' | 'completed' | 'cancelled';
  startedAt: number;
  endedAt?: number;
  due?: number;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Report order of nodes: by process id, then node id. Stores computing the report themselves sort with it too. */
export function byNode(a: { processId: string; node: string }, b: { processId: string; node: string }): number {
  return compareText(a.processId, b.processId) || compareText(a.node, b.node);
}

/** Report order of departments: by name. */
export function byDepartment(a: { department: string }, b: { department: string }): number {
  return compareText(a.department, b.department);
}

/** Linear-interpolation percentile of sorted values (PostgreSQL percentile_cont). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function cycleStats(durations: number[]): CycleStats {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianMs: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    maxMs: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

const within = (t: number | undefined, q: ReportQuery) => t !== undefined && (q.from === undefined || t >= q.from) && (q.to === undefined || t < q.to);

function kpi(rows: ActivityRecord[], q: ReportQuery): Kpi {
  const end = q.to ?? Infinity;
  const startedBeforeEnd = (r: ActivityRecord) => r.startedAt < end;
  const completed = rows.filter((r) => r.multi !== 'container' && r.outcome === 'completed' && within(r.endedAt, q));
  const withSla = completed.filter((r) => r.due !== undefined);
  const slaMet = withSla.filter((r) => r.slaMet).length;
  const open = rows.filter((r) => r.multi !== 'container' && startedBeforeEnd(r) && (r.endedAt === undefined || r.endedAt >= end));
  const counted = [...rows.filter((r) => r.multi !== 'container' && within(r.endedAt, q)), ...open];
  const openOverdue = open.filter((r) => r.due !== undefined && r.due < end).length;
  return {
    executions: completed.length,
    cycle: cycleStats(completed.map((r) => r.durationMs ?? 0)),
    withSla: withSla.length,
    slaMet,
    compliance: withSla.length ? slaMet / withSla.length : null,
    reminders: counted.reduce((n, r) => n + r.reminders, 0),
    escalations: counted.reduce((n, r) => n + r.escalations, 0),
    reopens: rows.filter((r) => r.multi !== 'instance' && r.visit > 1 && within(r.startedAt, q)).length,
    overdue: withSla.length - slaMet + openOverdue,
    openOverdue,
  };
}

function groupBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(item);
  }
  return map;
}

/**
 * Computes the report from activity records and instance summaries. Pure.
 * Rows are sorted by process, node and department names for stable output.
 */
export function computeReport(activities: ActivityRecord[], instances: InstanceSummary[], query: ReportQuery = {}): Report {
  const rows = query.processId ? activities.filter((a) => a.processId === query.processId) : activities;
  const cases = query.processId ? instances.filter((i) => i.processId === query.processId) : instances;
  const end = query.to ?? Infinity;
  const processIds = [...new Set([...rows.map((r) => r.processId), ...cases.map((c) => c.processId)])].sort();
  const processes: ProcessKpi[] = processIds.map((processId) => {
    const mine = cases.filter((c) => c.processId === processId);
    const done = mine.filter((c) => c.status === 'completed' && within(c.endedAt, query));
    const withSla = done.filter((c) => c.due !== undefined);
    const met = withSla.filter((c) => (c.endedAt ?? Infinity) <= c.due!).length;
    return {
      processId,
      ...kpi(rows.filter((r) => r.processId === processId), query),
      instances: {
        started: mine.filter((c) => within(c.startedAt, query)).length,
        completed: done.length,
        cancelled: mine.filter((c) => c.status === 'cancelled' && within(c.endedAt, query)).length,
        running: mine.filter((c) => c.startedAt < end && (c.endedAt === undefined || c.endedAt >= end)).length,
      },
      instanceCycle: cycleStats(done.map((c) => c.endedAt! - c.startedAt)),
      instancesWithSla: withSla.length,
      instancesSlaMet: met,
      instanceCompliance: withSla.length ? met / withSla.length : null,
    };
  });
  const nodes: NodeKpi[] = [...groupBy(rows, (r) => `${r.processId}\u0000${r.node}`)]
    .map(([, list]) => ({ processId: list[0].processId, node: list[0].node, ...(list[0].nodeName ? { nodeName: list[0].nodeName } : {}), ...kpi(list, query) }))
    .sort(byNode);
  const departments: DepartmentKpi[] = [...groupBy(rows, (r) => r.department)]
    .map(([department, list]) => ({ department, ...kpi(list, query) }))
    .sort(byDepartment);
  return { query, processes, nodes, departments };
}
