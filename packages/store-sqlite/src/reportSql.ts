/**
 * The KPI report in SQL: GROUP BY over the history and instance tables,
 * window functions for the percentiles. Each figure follows `computeReport`
 * in `@sopflow/engine` (the reference) term by term — same filters, same
 * linear interpolation, same arithmetic order — so the numbers are
 * identical, not merely close. Only the finished groups (a few rows per
 * process, node and department) reach JavaScript, to be put in the
 * reference's order.
 */
import { byDepartment, byNode, type CycleStats, type DepartmentKpi, type Kpi, type NodeKpi, type ProcessKpi, type Report, type ReportQuery } from '@sopflow/engine';
import type { Row } from './rows.js';

/** Which rows a report group is keyed by. */
export type ActivityGrouping = 'process' | 'node' | 'department';

const KEYS: Record<ActivityGrouping, string[]> = {
  process: ['process_id'],
  node: ['process_id', 'node'],
  department: ['department'],
};

// `t` is within the period [@from, @to) — computeReport's `within`, NULL-safe.
const within = (t: string) => `(${t} IS NOT NULL AND (@from IS NULL OR ${t} >= @from) AND (@to IS NULL OR ${t} < @to))`;
// Still open at the period's end (`end` is +∞ without @to).
const openAtEnd = (started: string, ended: string) => `((@to IS NULL OR ${started} < @to) AND (${ended} IS NULL OR (@to IS NOT NULL AND ${ended} >= @to)))`;
// percentile(sorted, p) of report.ts: rank = p·(n−1); v[⌊rank⌋] + (v[⌈rank⌉] − v[⌊rank⌋])·(rank − ⌊rank⌋).
const rank = (p: string) => `(${p} * (n - 1))`;
const lo = (p: string) => `CAST(${rank(p)} AS INTEGER)`;
const hi = (p: string) => `(${lo(p)} + (${rank(p)} > ${lo(p)}))`;
const pick = (p: string, name: string) =>
  `max(CASE WHEN i = ${lo(p)} THEN v END) AS ${name}_lo, max(CASE WHEN i = ${hi(p)} THEN v END) AS ${name}_hi, max(${rank(p)} - ${lo(p)}) AS ${name}_frac`;
const interpolate = (name: string) => `${name}_lo + (${name}_hi - ${name}_lo) * ${name}_frac`;

/**
 * Percentiles of `v` per group over the rows of CTE `source` that pass
 * `where`: CTEs `ranked` and `pct` (n, median, p90, max per group).
 */
function percentileCtes(keys: string[], source: string, value: string, where: string): string {
  const k = keys.join(', ');
  return `
ranked AS (
  SELECT ${k}, ${value} AS v,
    row_number() OVER (PARTITION BY ${k} ORDER BY ${value}) - 1 AS i,
    count(*) OVER (PARTITION BY ${k}) AS n
  FROM ${source} WHERE ${where}
),
pct AS (
  SELECT ${k}, max(n) AS n, ${pick('0.5', 'median')}, ${pick('0.9', 'p90')}, max(v) AS max_ms
  FROM ranked GROUP BY ${k}
)`;
}

/**
 * The activity KPIs (`kpi()` of report.ts) per process, per node or per
 * department, in order of each group's first stored row (the reference's
 * Map insertion order). Parameters: @from, @to, and @processId when
 * `oneProcess`.
 */
export function activityKpiSql(grouping: ActivityGrouping, oneProcess: boolean): string {
  const keys = KEYS[grouping];
  const k = keys.join(', ');
  const filters = [oneProcess ? 'process_id = @processId' : '1', grouping === 'department' ? 'department IS NOT NULL' : '1'].join(' AND ');
  return `
WITH base AS (
  SELECT ${k}, rowid AS rid, due, reminders, escalations,
    first_value(node_name) OVER (PARTITION BY ${k} ORDER BY rowid) AS first_name,
    coalesce(duration_ms, 0) AS dur,
    (multi IS NOT 'container' AND outcome IS 'completed' AND ${within('ended_at')}) AS done,
    (sla_met IS 1) AS met,
    (multi IS NOT 'container' AND ${openAtEnd('started_at', 'ended_at')}) AS open,
    (multi IS NOT 'container' AND ${within('ended_at')}) AS ended_in,
    (multi IS NOT 'instance' AND visit > 1 AND ${within('started_at')}) AS reopen
  FROM history WHERE ${filters}
),${percentileCtes(keys, 'base', 'dur', 'done')},
agg AS (
  SELECT ${k},
    min(rid) AS first_rid,
    max(first_name) AS node_name,
    sum(done) AS executions,
    sum(done AND due IS NOT NULL) AS with_sla,
    sum(done AND due IS NOT NULL AND met) AS sla_met,
    sum(CASE WHEN ended_in OR open THEN reminders ELSE 0 END) AS reminders,
    sum(CASE WHEN ended_in OR open THEN escalations ELSE 0 END) AS escalations,
    sum(reopen) AS reopens,
    sum(open AND due IS NOT NULL AND (@to IS NULL OR due < @to)) AS open_overdue
  FROM base GROUP BY ${k}
)
SELECT agg.*, ${interpolate('median')} AS median_ms, ${interpolate('p90')} AS p90_ms, max_ms
FROM agg LEFT JOIN pct USING (${k})
ORDER BY first_rid`;
}

/**
 * The instance figures of each process (started, completed, cancelled,
 * running; whole-case cycle times and process-level SLA), in processId
 * order. Parameters: @from, @to, and @processId when `oneProcess`.
 */
export function instanceKpiSql(oneProcess: boolean): string {
  return `
WITH base AS (
  SELECT process_id, status, started_at, ended_at, due,
    (status = 'completed' AND ${within('ended_at')}) AS done
  FROM instances WHERE ${oneProcess ? 'process_id = @processId' : '1'}
),${percentileCtes(['process_id'], 'base', 'ended_at - started_at', 'done')},
agg AS (
  SELECT process_id,
    sum(${within('started_at')}) AS started,
    sum(done) AS completed,
    sum(status = 'cancelled' AND ${within('ended_at')}) AS cancelled,
    sum(${openAtEnd('started_at', 'ended_at')}) AS running,
    sum(done AND due IS NOT NULL) AS with_sla,
    sum(done AND due IS NOT NULL AND ended_at <= due) AS sla_met
  FROM base GROUP BY process_id
)
SELECT agg.*, ${interpolate('median')} AS median_ms, ${interpolate('p90')} AS p90_ms, max_ms
FROM agg LEFT JOIN pct USING (process_id)`;
}

/** The grouped rows of one report, as the SQL above returns them. */
export interface ReportRows {
  processes: Row[];
  nodes: Row[];
  departments: Row[];
  instances: Row[];
}

const num = (value: unknown): number => value as number;
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : (value as number));

function cycle(row: Row | undefined, count: unknown): CycleStats {
  return { count: num(count ?? 0), medianMs: numOrNull(row?.median_ms), p90Ms: numOrNull(row?.p90_ms), maxMs: numOrNull(row?.max_ms) };
}

function kpi(row: Row | undefined): Kpi {
  const withSla = num(row?.with_sla ?? 0);
  const slaMet = num(row?.sla_met ?? 0);
  const openOverdue = num(row?.open_overdue ?? 0);
  return {
    executions: num(row?.executions ?? 0),
    cycle: cycle(row, row?.executions),
    withSla,
    slaMet,
    compliance: withSla ? slaMet / withSla : null,
    reminders: num(row?.reminders ?? 0),
    escalations: num(row?.escalations ?? 0),
    reopens: num(row?.reopens ?? 0),
    overdue: withSla - slaMet + openOverdue,
    openOverdue,
  };
}

/**
 * Puts the grouped rows together as a `Report`, in `computeReport`'s order:
 * processes by id; nodes and departments with the engine's `byNode` and
 * `byDepartment` (total orders, so no tie depends on row order). Pure.
 */
export function assembleReport(query: ReportQuery, rows: ReportRows): Report {
  const activityByProcess = new Map(rows.processes.map((r) => [r.process_id as string, r]));
  const instancesByProcess = new Map(rows.instances.map((r) => [r.process_id as string, r]));
  const processIds = [...new Set([...activityByProcess.keys(), ...instancesByProcess.keys()])].sort();
  const processes: ProcessKpi[] = processIds.map((processId) => {
    const cases = instancesByProcess.get(processId);
    const withSla = num(cases?.with_sla ?? 0);
    const met = num(cases?.sla_met ?? 0);
    return {
      processId,
      ...kpi(activityByProcess.get(processId)),
      instances: {
        started: num(cases?.started ?? 0),
        completed: num(cases?.completed ?? 0),
        cancelled: num(cases?.cancelled ?? 0),
        running: num(cases?.running ?? 0),
      },
      instanceCycle: cycle(cases, cases?.completed),
      instancesWithSla: withSla,
      instancesSlaMet: met,
      instanceCompliance: withSla ? met / withSla : null,
    };
  });
  const nodes: NodeKpi[] = rows.nodes
    .map((r) => ({
      processId: r.process_id as string,
      node: r.node as string,
      ...(r.node_name ? { nodeName: r.node_name as string } : {}),
      ...kpi(r),
    }))
    .sort(byNode);
  const departments: DepartmentKpi[] = rows.departments
    .map((r) => ({ department: r.department as string, ...kpi(r) }))
    .sort(byDepartment);
  return { query, processes, nodes, departments };
}
