/**
 * The KPI report computed where the data is: counts, sums and
 * `percentile_cont` in SQL — one pass over the history with GROUPING SETS
 * (per process, per process and node, per department) and one over the
 * instances. The definitions are `computeReport`'s, clause for clause;
 * ratios and the final ordering are done here in JS with the same
 * arithmetic and comparators, so the result equals `computeReport` on the
 * same data.
 */
import { byDepartment, byNode, type CycleStats, type DepartmentKpi, type Kpi, type NodeKpi, type ProcessKpi, type Report, type ReportQuery } from '@sopflow/engine';
import { query, type Queryable } from './sql.js';

// $1 process id (NULL: all), $2 from, $3 to (NULL: open-ended). Flags mirror computeReport's filters.
const WITHIN_ENDED = `(ended_at IS NOT NULL AND ($2::bigint IS NULL OR ended_at >= $2::bigint) AND ($3::bigint IS NULL OR ended_at < $3::bigint))`;
const WITHIN_STARTED = `(($2::bigint IS NULL OR started_at >= $2::bigint) AND ($3::bigint IS NULL OR started_at < $3::bigint))`;
const OPEN_AT_END = `(($3::bigint IS NULL OR started_at < $3::bigint) AND (ended_at IS NULL OR ($3::bigint IS NOT NULL AND ended_at >= $3::bigint)))`;

function cycleColumns(values: string, filter: string): string {
  return `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${values}) FILTER (WHERE ${filter}) AS median_ms,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY ${values}) FILTER (WHERE ${filter}) AS p90_ms,
    max(${values}) FILTER (WHERE ${filter}) AS max_ms`;
}

/** The history aggregate of one schema (`q` quoted). Pure. */
export function historyReportSql(q: string): string {
  return `
SELECT GROUPING(process_id, node, department) AS grouping_bits, process_id, node, department,
    (array_agg(node_name ORDER BY seq))[1] AS node_name,
    count(*) FILTER (WHERE completed)::integer AS executions,
    ${cycleColumns('coalesce(duration_ms, 0)::float8', 'completed')},
    count(*) FILTER (WHERE completed AND due IS NOT NULL)::integer AS with_sla,
    count(*) FILTER (WHERE completed AND due IS NOT NULL AND sla_met IS TRUE)::integer AS sla_met,
    coalesce(sum(reminders) FILTER (WHERE counted), 0) AS reminders,
    coalesce(sum(escalations) FILTER (WHERE counted), 0) AS escalations,
    count(*) FILTER (WHERE reopened)::integer AS reopens,
    count(*) FILTER (WHERE is_open AND due IS NOT NULL AND ($3::bigint IS NULL OR due < $3::bigint))::integer AS open_overdue
FROM (
  SELECT process_id, node, department, node_name, seq, duration_ms, due, sla_met, reminders, escalations,
    (not_container AND outcome IS NOT DISTINCT FROM 'completed' AND ended_within) AS completed,
    (not_container AND ended_within) OR is_open AS counted,
    is_open,
    (multi IS DISTINCT FROM 'instance' AND visit > 1 AND ${WITHIN_STARTED}) AS reopened
  FROM (
    SELECT h.*, multi IS DISTINCT FROM 'container' AS not_container, ${WITHIN_ENDED} AS ended_within,
      (multi IS DISTINCT FROM 'container' AND ${OPEN_AT_END}) AS is_open
    FROM ${q}.history h WHERE $1::text IS NULL OR process_id = $1::text
  ) flagged
) f
GROUP BY GROUPING SETS ((process_id), (process_id, node), (department))`;
}

/** The instance aggregate of one schema (`q` quoted). Pure. */
export function instanceReportSql(q: string): string {
  return `
SELECT process_id,
    count(*) FILTER (WHERE ${WITHIN_STARTED})::integer AS started,
    count(*) FILTER (WHERE done)::integer AS completed,
    count(*) FILTER (WHERE status = 'cancelled' AND ${WITHIN_ENDED})::integer AS cancelled,
    count(*) FILTER (WHERE ${OPEN_AT_END})::integer AS running,
    count(*) FILTER (WHERE done AND due IS NOT NULL)::integer AS with_sla,
    count(*) FILTER (WHERE done AND due IS NOT NULL AND ended_at <= due)::integer AS sla_met,
    ${cycleColumns('(ended_at - started_at)::float8', 'done')}
FROM (SELECT i.*, (status = 'completed' AND ${WITHIN_ENDED}) AS done FROM ${q}.instances i WHERE $1::text IS NULL OR process_id = $1::text) c
GROUP BY process_id`;
}

interface CycleRow {
  median_ms: number | null;
  p90_ms: number | null;
  max_ms: number | null;
}

interface HistoryRow extends CycleRow {
  grouping_bits: number;
  process_id: string | null;
  node: string | null;
  department: string | null;
  node_name: string | null;
  executions: number;
  with_sla: number;
  sla_met: number;
  reminders: number;
  escalations: number;
  reopens: number;
  open_overdue: number;
}

interface InstanceRow extends CycleRow {
  process_id: string;
  started: number;
  completed: number;
  cancelled: number;
  running: number;
  with_sla: number;
  sla_met: number;
}

// GROUPING(process_id, node, department): a bit per column left out of the group.
const BY_PROCESS = 0b011;
const BY_NODE = 0b001;
const BY_DEPARTMENT = 0b110;

function cycle(count: number, row: CycleRow): CycleStats {
  return { count, medianMs: row.median_ms, p90Ms: row.p90_ms, maxMs: row.max_ms };
}

function kpi(row: HistoryRow | undefined): Kpi {
  if (!row) {
    return {
      executions: 0,
      cycle: { count: 0, medianMs: null, p90Ms: null, maxMs: null },
      withSla: 0,
      slaMet: 0,
      compliance: null,
      reminders: 0,
      escalations: 0,
      reopens: 0,
      overdue: 0,
      openOverdue: 0,
    };
  }
  return {
    executions: row.executions,
    cycle: cycle(row.executions, row),
    withSla: row.with_sla,
    slaMet: row.sla_met,
    compliance: row.with_sla ? row.sla_met / row.with_sla : null,
    reminders: row.reminders,
    escalations: row.escalations,
    reopens: row.reopens,
    overdue: row.with_sla - row.sla_met + row.open_overdue,
    openOverdue: row.open_overdue,
  };
}

/**
 * The KPI report of one schema (`q` quoted). Effects: two queries.
 * Equal to `computeReport` over the same history rows and instances.
 */
export async function report(db: Queryable, q: string, reportQuery: ReportQuery): Promise<Report> {
  const values = [reportQuery.processId || null, reportQuery.from ?? null, reportQuery.to ?? null];
  const [groups, cases] = await Promise.all([query<HistoryRow>(db, historyReportSql(q), values), query<InstanceRow>(db, instanceReportSql(q), values)]);
  const byProcess = new Map<string, HistoryRow>();
  const nodes: NodeKpi[] = [];
  const departments: DepartmentKpi[] = [];
  for (const row of groups) {
    if (row.grouping_bits === BY_PROCESS) byProcess.set(row.process_id!, row);
    else if (row.grouping_bits === BY_NODE) nodes.push({ processId: row.process_id!, node: row.node!, ...(row.node_name ? { nodeName: row.node_name } : {}), ...kpi(row) });
    else if (row.grouping_bits === BY_DEPARTMENT && row.department !== null) departments.push({ department: row.department, ...kpi(row) });
  }
  const instancesBy = new Map(cases.map((c) => [c.process_id, c]));
  const processIds = [...new Set([...byProcess.keys(), ...instancesBy.keys()])].sort();
  const processes: ProcessKpi[] = processIds.map((processId) => {
    const c = instancesBy.get(processId);
    return {
      processId,
      ...kpi(byProcess.get(processId)),
      instances: { started: c?.started ?? 0, completed: c?.completed ?? 0, cancelled: c?.cancelled ?? 0, running: c?.running ?? 0 },
      instanceCycle: c ? cycle(c.completed, c) : { count: 0, medianMs: null, p90Ms: null, maxMs: null },
      instancesWithSla: c?.with_sla ?? 0,
      instancesSlaMet: c?.sla_met ?? 0,
      instanceCompliance: c?.with_sla ? c.sla_met / c.with_sla : null,
    };
  });
  nodes.sort(byNode);
  departments.sort(byDepartment);
  return { query: reportQuery, processes, nodes, departments };
}
