/**
 * The KPI report as aligned text tables in a language other than English:
 * headings, scope and column names from the CLI's texts, durations
 * (`1 天 2 小时`) and the period's dates (`2026年11月23日 星期一 09:00`)
 * from the translator, dates in the report's time zone. English keeps the
 * engine's `formatReportTable`. Pure.
 */
import type { CycleStats, Kpi, Report, ReportTextId, ReportWording } from '@sopflow/engine';
import type { Translator } from '@sopflow/i18n';
import { displayWidth, padTo } from '../i18n.js';

const COLUMNS = ['executions', 'median', 'p90', 'max', 'sla-met', 'compliance', 'reminders', 'escalations', 'reopens', 'overdue'] as const;

function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)} %`;
}

function duration(t: Translator, ms: number | null): string {
  return ms === null ? '–' : t.duration(ms);
}

function cells(t: Translator, kpi: Kpi): string[] {
  const c: CycleStats = kpi.cycle;
  return [
    String(kpi.executions),
    duration(t, c.medianMs),
    duration(t, c.p90Ms),
    duration(t, c.maxMs),
    `${kpi.slaMet}/${kpi.withSla}`,
    percent(kpi.compliance),
    String(kpi.reminders),
    String(kpi.escalations),
    String(kpi.reopens),
    String(kpi.overdue),
  ];
}

/** The ids of the table's columns by the engine's English column names (as the HTML report names them). */
const COLUMN_IDS: Readonly<Record<string, string>> = {
  executions: 'executions',
  median: 'median',
  p90: 'p90',
  max: 'max',
  'SLA met': 'sla-met',
  compliance: 'compliance',
  reminders: 'reminders',
  escalations: 'escalations',
  're-opens': 'reopens',
  overdue: 'overdue',
};

/**
 * How the engine's HTML report is worded in `t`'s language: its texts from
 * the CLI's catalog, durations and dates (in `timeZone`) from the
 * translator. Pure.
 */
export function reportWording(t: Translator, timeZone = 'UTC'): ReportWording {
  return {
    lang: t.lang,
    text(id: ReportTextId, params) {
      const column = id.startsWith('column.') ? COLUMN_IDS[id.slice('column.'.length)] : undefined;
      const key = column ? `cli.report.column.${column}` : id === 'beginning' || id === 'now' ? `cli.report.${id}` : `cli.report.html.${id}`;
      return t.has(key) ? t.t(key, params) : undefined;
    },
    duration: (ms) => duration(t, ms),
    dateTime: (ms) => t.dateTime(ms, { zone: timeZone, style: 'date-time' }),
  };
}

/** The report as text tables (processes, nodes, departments) in `t`'s language, the period's dates in `timeZone` (default UTC). Pure. */
export function reportTableIn(report: Report, t: Translator, timeZone?: string): string {
  const zone = timeZone ?? 'UTC';
  const at = (ms: number | undefined, otherwise: string) => (ms === undefined ? t.t(otherwise) : t.dateTime(ms, { zone, style: 'date-time' }));
  const bounded = report.query.from !== undefined || report.query.to !== undefined;
  const out = [
    t.t('cli.report.title', {
      process: report.query.processId ?? 'none',
      from: at(report.query.from, 'cli.report.beginning'),
      to: at(report.query.to, 'cli.report.now'),
      zone: timeZone !== undefined && bounded ? timeZone : 'none',
    }),
  ];
  const rows = [
    ...report.processes.map((p) => ({ scope: 'process', name: p.processId, kpi: p as Kpi })),
    ...report.nodes.map((n) => ({ scope: 'node', name: `${n.processId} / ${n.nodeName ?? n.node}`, kpi: n as Kpi })),
    ...report.departments.map((d) => ({ scope: 'department', name: d.department, kpi: d as Kpi })),
  ];
  for (const scope of ['process', 'node', 'department'] as const) {
    const list = rows.filter((r) => r.scope === scope);
    if (!list.length) continue;
    const header = [t.t(`cli.report.scope.${scope}`), ...COLUMNS.map((c) => t.t(`cli.report.column.${c}`))];
    const body = list.map((r) => [r.name, ...cells(t, r.kpi)]);
    const widths = header.map((h, i) => Math.max(displayWidth(h), ...body.map((b) => displayWidth(b[i]))));
    out.push('');
    out.push(header.map((h, i) => padTo(h, widths[i], i > 0)).join('  '));
    out.push(widths.map((w) => '─'.repeat(w)).join('  '));
    for (const b of body) out.push(b.map((c, i) => padTo(c, widths[i], i > 0)).join('  '));
    if (scope === 'process') {
      for (const p of report.processes) {
        out.push(
          t.t('cli.report.process', {
            process: p.processId,
            started: String(p.instances.started),
            completed: String(p.instances.completed),
            cancelled: String(p.instances.cancelled),
            running: String(p.instances.running),
            median: duration(t, p.instanceCycle.medianMs),
            p90: duration(t, p.instanceCycle.p90Ms),
            compliance: percent(p.instanceCompliance),
          }),
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}
