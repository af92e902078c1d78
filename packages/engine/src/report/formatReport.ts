/**
 * The KPI report for people: a text table for terminals, CSV for
 * spreadsheets, and a self-contained HTML page with charts (inline SVG, no
 * scripts, nothing fetched) that a process owner can open. Pure.
 */

import { UTF8_BOM } from '../audit/export.js';
import { formatDateTime } from '../time/dateTime.js';
import type { CycleStats, Kpi, Report } from './report.js';

/** `1 h 30 min`, `2 d 4 h`, `45 s`: a duration for people. */
export function humanDuration(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)} %`;
}

interface Row {
  scope: string;
  name: string;
  kpi: Kpi;
}

function rows(report: Report): Row[] {
  return [
    ...report.processes.map((p) => ({ scope: 'process', name: p.processId, kpi: p })),
    ...report.nodes.map((n) => ({ scope: 'node', name: `${n.processId} / ${n.nodeName ?? n.node}`, kpi: n })),
    ...report.departments.map((d) => ({ scope: 'department', name: d.department, kpi: d })),
  ];
}

const COLUMNS = ['executions', 'median', 'p90', 'max', 'SLA met', 'compliance', 'reminders', 'escalations', 're-opens', 'overdue'] as const;

function cells(kpi: Kpi, time: (ms: number | null) => string = humanDuration): string[] {
  const c: CycleStats = kpi.cycle;
  return [
    String(kpi.executions),
    time(c.medianMs),
    time(c.p90Ms),
    time(c.maxMs),
    `${kpi.slaMet}/${kpi.withSla}`,
    percent(kpi.compliance),
    String(kpi.reminders),
    String(kpi.escalations),
    String(kpi.reopens),
    String(kpi.overdue),
  ];
}

/** Display width: CJK characters take two columns in a terminal. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return w;
}

function pad(text: string, to: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return right ? fill + text : text + fill;
}

/** Display options of the report formats. */
export interface ReportFormatOptions {
  /** IANA zone the period is shown in (`2026-11-01 00:00 – 2026-12-01 00:00 (Asia/Shanghai)`); without it, ISO instants in UTC. */
  timeZone?: string;
}

/** The ids of the texts of the HTML report and the text table (see {@link ReportWording}). */
export type ReportTextId =
  | 'table.title'
  | 'table.process'
  | 'scope.process'
  | 'scope.node'
  | 'scope.department'
  | 'title'
  | 'period'
  | 'beginning'
  | 'now'
  | 'generated'
  | 'instances'
  | 'compliance'
  | 'compliance-of'
  | 'chart.compliance'
  | 'chart.overdue'
  | 'chart.cycle'
  | 'chart.cycle-label'
  | 'steps'
  | 'departments'
  | 'column.step'
  | 'column.department'
  | `column.${(typeof COLUMNS)[number]}`;

/**
 * How the HTML report and the text table are worded in another language: each text by id with
 * the values it shows (undefined keeps the English), durations and instants
 * as that language writes them, and the page's `lang`. Without it the page
 * is English.
 */
export interface ReportWording {
  /** BCP 47 language of the page (`<html lang>`). */
  lang: string;
  text(id: ReportTextId, params: Record<string, string | number>): string | undefined;
  duration(ms: number | null): string;
  /** An instant (the period's bounds, when the page was made) in the report's time zone. */
  dateTime(ms: number): string;
}

/** The report's period `[from, to)` for people: in `timeZone` when given, to the minute (or the day), else ISO in UTC. */
function periodText(report: Report, timeZone: string | undefined, dateOnly: boolean): string {
  const at = (ms: number) =>
    timeZone === undefined
      ? dateOnly
        ? new Date(ms).toISOString().slice(0, 10)
        : new Date(ms).toISOString()
      : formatDateTime(ms, timeZone)
          .slice(0, dateOnly ? 10 : 16)
          .replace('T', ' ');
  const { from, to } = report.query;
  return `${from !== undefined ? at(from) : 'the beginning'} – ${to !== undefined ? at(to) : 'now'}${timeZone !== undefined && (from !== undefined || to !== undefined) ? ` (${timeZone})` : ''}`;
}

/**
 * The report as aligned text tables: processes, nodes, departments (CJK
 * text counted two columns wide). With a wording, in that language. Pure.
 */
export function formatReportTable(report: Report, options: ReportFormatOptions & { wording?: ReportWording } = {}): string {
  const w = options.wording;
  const say = (id: ReportTextId, params: Record<string, string | number>, english: string) => w?.text(id, params) ?? english;
  const time = (ms: number | null) => (w ? w.duration(ms) : humanDuration(ms));
  const { processId, from, to } = report.query;
  const out: string[] = [];
  const english = `KPI report${processId ? ` for ${processId}` : ''}, ${periodText(report, options.timeZone, false)}`;
  out.push(
    w
      ? say(
          'table.title',
          {
            process: processId ?? 'none',
            from: from !== undefined ? w.dateTime(from) : say('beginning', {}, 'the beginning'),
            to: to !== undefined ? w.dateTime(to) : say('now', {}, 'now'),
            zone: options.timeZone !== undefined && (from !== undefined || to !== undefined) ? options.timeZone : 'none',
          },
          english,
        )
      : english,
  );
  for (const scope of ['process', 'node', 'department'] as const) {
    const list = rows(report).filter((r) => r.scope === scope);
    if (!list.length) continue;
    const header = [say(`scope.${scope}`, {}, scope), ...COLUMNS.map((c) => say(`column.${c}`, {}, c))];
    const body = list.map((r) => [r.name, ...cells(r.kpi, time)]);
    const widths = header.map((h, i) => Math.max(width(h), ...body.map((b) => width(b[i]))));
    out.push('');
    out.push(header.map((h, i) => pad(h, widths[i], i > 0)).join('  '));
    out.push(widths.map((n) => '─'.repeat(n)).join('  '));
    for (const b of body) out.push(b.map((c, i) => pad(c, widths[i], i > 0)).join('  '));
    if (scope === 'process') {
      for (const p of report.processes) {
        const figures = {
          process: p.processId,
          started: String(p.instances.started),
          completed: String(p.instances.completed),
          cancelled: String(p.instances.cancelled),
          running: String(p.instances.running),
          median: time(p.instanceCycle.medianMs),
          p90: time(p.instanceCycle.p90Ms),
          compliance: percent(p.instanceCompliance),
        };
        out.push(
          say(
            'table.process',
            figures,
            `  ${p.processId}: ${figures.started} started, ${figures.completed} completed, ${figures.cancelled} cancelled, ${figures.running} running; ` +
              `case time median ${figures.median}, p90 ${figures.p90}; case SLA ${figures.compliance}`,
          ),
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}

function csvCell(text: string): string {
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV (UTF-8 with BOM): one row per process, node and department, durations in ms. */
export function reportToCsv(report: Report): string {
  const header = ['scope', 'process', 'node', 'nodeName', 'department', 'executions', 'medianMs', 'p90Ms', 'maxMs', 'withSla', 'slaMet', 'compliance', 'reminders', 'escalations', 'reopens', 'overdue', 'openOverdue'];
  const line = (scope: string, process: string, node: string, nodeName: string, department: string, k: Kpi) =>
    [scope, process, node, nodeName, department, k.executions, k.cycle.medianMs ?? '', k.cycle.p90Ms ?? '', k.cycle.maxMs ?? '', k.withSla, k.slaMet, k.compliance ?? '', k.reminders, k.escalations, k.reopens, k.overdue, k.openOverdue]
      .map((v) => csvCell(String(v)))
      .join(',');
  return (
    UTF8_BOM +
    [
      header.join(','),
      ...report.processes.map((p) => line('process', p.processId, '', '', '', p)),
      ...report.nodes.map((n) => line('node', n.processId, n.node, n.nodeName ?? '', '', n)),
      ...report.departments.map((d) => line('department', '', '', '', d.department, d)),
    ].join('\r\n') +
    '\r\n'
  );
}

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Horizontal bars (inline SVG): one per item, labelled, scaled to the largest value. */
function bars(items: Array<{ label: string; value: number; text: string; danger?: boolean }>, title: string): string {
  const rowH = 26;
  const labelW = 260;
  const barW = 420;
  const max = Math.max(1, ...items.map((i) => i.value));
  const h = items.length * rowH + 10;
  const body = items
    .map((item, i) => {
      const y = i * rowH + 5;
      const w = Math.max(1, (item.value / max) * barW);
      return (
        `<text x="${labelW - 8}" y="${y + 17}" text-anchor="end">${html(item.label)}</text>` +
        `<rect x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="3" fill="${item.danger ? '#c0392b' : '#2e86de'}"/>` +
        `<text x="${labelW + w + 6}" y="${y + 17}">${html(item.text)}</text>`
      );
    })
    .join('');
  return `<figure><figcaption>${html(title)}</figcaption><svg role="img" aria-label="${html(title)}" viewBox="0 0 ${labelW + barW + 120} ${h}" width="100%" font-size="13" font-family="system-ui, sans-serif">${body}</svg></figure>`;
}

/** Median-to-p90-to-max ranges per node (inline SVG): where the time goes. */
function ranges(report: Report, time: (ms: number | null) => string, caption: string, label: string): string {
  const items = report.nodes.filter((n) => n.cycle.count > 0);
  if (!items.length) return '';
  const rowH = 26;
  const labelW = 260;
  const plotW = 420;
  const max = Math.max(...items.map((n) => n.cycle.maxMs ?? 0), 1);
  const x = (ms: number | null) => labelW + ((ms ?? 0) / max) * plotW;
  const body = items
    .map((n, i) => {
      const y = i * rowH + 5;
      return (
        `<text x="${labelW - 8}" y="${y + 17}" text-anchor="end">${html(n.nodeName ?? n.node)}</text>` +
        `<line x1="${x(0)}" x2="${x(n.cycle.maxMs)}" y1="${y + 13}" y2="${y + 13}" stroke="#bbb"/>` +
        `<rect x="${x(n.cycle.medianMs)}" y="${y + 6}" width="${Math.max(2, x(n.cycle.p90Ms) - x(n.cycle.medianMs)).toFixed(1)}" height="14" fill="#2e86de"/>` +
        `<circle cx="${x(n.cycle.maxMs)}" cy="${y + 13}" r="3" fill="#c0392b"/>` +
        `<text x="${labelW + plotW + 10}" y="${y + 17}">${html(`${time(n.cycle.medianMs)} · ${time(n.cycle.p90Ms)} · ${time(n.cycle.maxMs)}`)}</text>`
      );
    })
    .join('');
  return `<figure><figcaption>${html(caption)}</figcaption><svg role="img" aria-label="${html(label)}" viewBox="0 0 ${labelW + plotW + 200} ${items.length * rowH + 10}" width="100%" font-size="13" font-family="system-ui, sans-serif">${body}</svg></figure>`;
}

function table(report: Report, scope: 'node' | 'department', header: string[], time: (ms: number | null) => string): string {
  const list = rows(report).filter((r) => r.scope === scope);
  if (!list.length) return '';
  const head = `<tr>${header.map((h) => `<th>${html(h)}</th>`).join('')}</tr>`;
  const body = list.map((r) => `<tr><td>${html(r.name)}</td>${cells(r.kpi, time).map((c) => `<td>${html(c)}</td>`).join('')}</tr>`).join('');
  return `<table>${head}${body}</table>`;
}

/**
 * A self-contained HTML page (inline CSS and SVG, no scripts, nothing loaded
 * from elsewhere): cycle-time distribution per step, SLA compliance and
 * overdue steps per department, and the tables. Every text is escaped.
 */
export function reportToHtml(report: Report, options: ReportFormatOptions & { title?: string; generatedAt?: number; wording?: ReportWording } = {}): string {
  const w = options.wording;
  const say = (id: ReportTextId, params: Record<string, string | number>, english: string) => w?.text(id, params) ?? english;
  const time = (ms: number | null) => (w ? w.duration(ms) : humanDuration(ms));
  const processId = report.query.processId;
  const title = options.title ?? say('title', { process: processId ?? 'none' }, `KPI report${processId ? ` — ${processId}` : ''}`);
  const { from, to } = report.query;
  const period = w
    ? say('period', { from: from !== undefined ? w.dateTime(from) : say('beginning', {}, 'the beginning'), to: to !== undefined ? w.dateTime(to) : say('now', {}, 'now'), zone: options.timeZone ?? 'UTC' }, '')
    : periodText(report, options.timeZone, true);
  const generated = options.generatedAt === undefined ? '' : w ? say('generated', { at: w.dateTime(options.generatedAt) }, '') : ` · generated ${new Date(options.generatedAt).toISOString()}`;
  const processes = report.processes
    .map((p) => {
      const counts = { started: p.instances.started, completed: p.instances.completed, cancelled: p.instances.cancelled, running: p.instances.running };
      const instances = say('instances', counts, `${p.instances.started} started · ${p.instances.completed} completed · ${p.instances.cancelled} cancelled · ${p.instances.running} running`);
      const figures = { step: percent(p.compliance), case: percent(p.instanceCompliance), median: time(p.instanceCycle.medianMs), p90: time(p.instanceCycle.p90Ms) };
      const english = `Step SLA compliance <strong>${figures.step}</strong> · case SLA compliance <strong>${figures.case}</strong> · case time median ${figures.median}, p90 ${figures.p90}`;
      // The compliance line holds markup: its template marks the figures with <strong> itself; every value in it is escaped.
      const escaped = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, html(v)]));
      return `<section class="card"><h2>${html(p.processId)}</h2><p>${html(instances)}</p><p>${w?.text('compliance', escaped) ?? english}</p></section>`;
    })
    .join('');
  const compliance = bars(
    report.departments
      .filter((d) => d.compliance !== null)
      .map((d) => ({ label: d.department, value: (d.compliance ?? 0) * 100, text: say('compliance-of', { compliance: percent(d.compliance), total: d.withSla }, `${percent(d.compliance)} of ${d.withSla}`), danger: (d.compliance ?? 1) < 0.8 })),
    say('chart.compliance', {}, 'SLA compliance per department'),
  );
  const overdue = bars(
    report.departments.map((d) => ({ label: d.department, value: d.overdue, text: String(d.overdue), danger: d.overdue > 0 })),
    say('chart.overdue', {}, 'Overdue steps per department (counted against the department)'),
  );
  const head = (scope: 'node' | 'department') => [scope === 'node' ? say('column.step', {}, 'Step') : say('column.department', {}, 'Department'), ...COLUMNS.map((c) => say(`column.${c}`, {}, c))];
  return `<!doctype html>
<html lang="${html(w?.lang ?? 'en')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${html(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}.muted{color:#666}
.card{border:1px solid #ddd;border-radius:8px;padding:.6rem 1rem;margin:1rem 0}
figure{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.4rem}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f7f7f7}
</style></head><body>
<h1>${html(title)}</h1>
<p class="muted">${html(period)}${html(generated)}</p>
${processes}
${ranges(report, time, say('chart.cycle', {}, 'Cycle time per step: median to 90th percentile (bar), maximum (dot)'), say('chart.cycle-label', {}, 'Cycle time per step'))}
${compliance}
${overdue}
<h2>${html(say('steps', {}, 'Steps'))}</h2>
${table(report, 'node', head('node'), time)}
<h2>${html(say('departments', {}, 'Departments'))}</h2>
${table(report, 'department', head('department'), time)}
</body></html>
`;
}
