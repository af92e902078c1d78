/**
 * How the engine's KPI report formats (text table, HTML page) are worded in
 * a language other than English: headings, scope and column names from the
 * CLI's texts, durations (`1 天 2 小时`) and the period's dates
 * (`2026年11月23日 星期一 09:00`) from the translator, in the report's time
 * zone. English keeps the engine's own words. Pure.
 */
import type { ReportTextId, ReportWording } from '@sopflow/engine';
import type { Translator } from '@sopflow/i18n';

function duration(t: Translator, ms: number | null): string {
  return ms === null ? '–' : t.duration(ms);
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
      const key = column
        ? `cli.report.column.${column}`
        : id === 'beginning' || id === 'now' || id.startsWith('scope.')
          ? `cli.report.${id}`
          : id === 'table.title'
            ? 'cli.report.title'
            : id === 'table.process'
              ? 'cli.report.process'
              : `cli.report.html.${id}`;
      return t.has(key) ? t.t(key, params) : undefined;
    },
    duration: (ms) => duration(t, ms),
    dateTime: (ms) => t.dateTime(ms, { zone: timeZone, style: 'date-time' }),
  };
}
