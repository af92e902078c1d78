/**
 * The KPI report drawn in the page, as the engine's `reportToHtml` draws
 * it: SLA compliance and overdue steps per department (bars), cycle time
 * per step (median to p90, and the maximum), and the tables per process,
 * step and department. SVG built with DOM calls; every text is a text node.
 */
import type { Kpi, Report } from '@sopflow/engine';
import { h } from '../../app/dom.js';
import { formatDuration as humanDuration, t, tr } from '../../i18n/language.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** `87.5 %`, or `–` without SLAs. Pure. */
export function percent(value: number | null): string {
  return value === null ? '–' : `${tr.number(value * 100, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
}

const LABEL_W = 240;
const PLOT_W = 380;
const ROW_H = 26;

function chart(id: string, title: string, rows: number, extra = 120): { figure: HTMLElement; body: SVGSVGElement } {
  const width = LABEL_W + PLOT_W + extra;
  const body = svg('svg', { role: 'img', 'aria-label': title, viewBox: `0 0 ${width} ${rows * ROW_H + 10}`, width, 'font-size': 13 });
  const figure = h('figure', { class: 'chart', attrs: { id } }, h('figcaption', {}, title));
  figure.append(body);
  return { figure, body };
}

/** Horizontal bars, one per item, scaled to the largest value; `danger` ones in red. */
export function barChart(id: string, title: string, items: Array<{ label: string; value: number; text: string; danger?: boolean }>): HTMLElement {
  const { figure, body } = chart(id, title, items.length);
  const max = Math.max(1, ...items.map((i) => i.value));
  items.forEach((item, i) => {
    const y = i * ROW_H + 5;
    const w = Math.max(1, (item.value / max) * PLOT_W);
    body.append(
      svg('text', { x: LABEL_W - 8, y: y + 17, 'text-anchor': 'end' }, item.label),
      svg('rect', { x: LABEL_W, y: y + 4, width: w.toFixed(1), height: ROW_H - 8, rx: 3, class: item.danger ? 'bar danger' : 'bar' }),
      svg('text', { x: LABEL_W + w + 6, y: y + 17 }, item.text),
    );
  });
  if (!items.length) figure.append(h('p', { class: 'muted' }, t('report.chart.empty')));
  return figure;
}

/** Cycle time per step: median to p90 as a bar, the maximum as a dot. */
export function cycleChart(report: Report): HTMLElement {
  const items = report.nodes.filter((n) => n.cycle.count > 0);
  const { figure, body } = chart('chart-cycle', t('report.chart.cycle'), items.length, 200);
  const max = Math.max(1, ...items.map((n) => n.cycle.maxMs ?? 0));
  const x = (ms: number | null) => LABEL_W + ((ms ?? 0) / max) * PLOT_W;
  items.forEach((n, i) => {
    const y = i * ROW_H + 5;
    body.append(
      svg('text', { x: LABEL_W - 8, y: y + 17, 'text-anchor': 'end' }, n.nodeName ?? n.node),
      svg('line', { x1: x(0), x2: x(n.cycle.maxMs), y1: y + 13, y2: y + 13, class: 'range' }),
      svg('rect', { x: x(n.cycle.medianMs), y: y + 6, width: Math.max(2, x(n.cycle.p90Ms) - x(n.cycle.medianMs)).toFixed(1), height: 14, class: 'bar' }),
      svg('circle', { cx: x(n.cycle.maxMs), cy: y + 13, r: 3, class: 'max' }),
      svg('text', { x: LABEL_W + PLOT_W + 10, y: y + 17 }, `${humanDuration(n.cycle.medianMs)} · ${humanDuration(n.cycle.p90Ms)} · ${humanDuration(n.cycle.maxMs)}`),
    );
  });
  if (!items.length) figure.append(h('p', { class: 'muted' }, t('report.chart.no-step')));
  return figure;
}

const COLUMNS = ['executions', 'median', 'p90', 'max', 'sla-met', 'compliance', 'reminders', 'escalations', 'reopens', 'overdue'];

function cells(k: Kpi): string[] {
  return [String(k.executions), humanDuration(k.cycle.medianMs), humanDuration(k.cycle.p90Ms), humanDuration(k.cycle.maxMs), `${k.slaMet}/${k.withSla}`, percent(k.compliance), String(k.reminders), String(k.escalations), String(k.reopens), String(k.overdue)];
}

/** A KPI table: one row per process, step or department. */
export function kpiTable(id: string, first: string, rows: Array<{ name: string; kpi: Kpi }>): HTMLElement {
  return h(
    'table',
    { class: 'grid kpi', attrs: { id } },
    h('thead', {}, h('tr', {}, h('th', {}, first), ...COLUMNS.map((c) => h('th', {}, t(`report.col.${c}`))))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, h('td', {}, r.name), ...cells(r.kpi).map((c) => h('td', { class: 'num' }, c))))),
  );
}

/** The whole report: per-process cards, the charts, the tables. */
export function reportView(report: Report): HTMLElement {
  return h(
    'div',
    { class: 'report', attrs: { id: 'report' } },
    h(
      'div',
      { class: 'report-cards' },
      ...report.processes.map((p) =>
        h(
          'div',
          { class: 'card report-card', attrs: { 'data-process': p.processId } },
          h('h3', {}, p.processId),
          h('p', {}, t('report.card.instances', { ...p.instances })),
          h('p', {}, t('report.card.step-compliance'), h('strong', {}, percent(p.compliance)), t('report.card.case-compliance'), h('strong', {}, percent(p.instanceCompliance))),
          h('p', {}, t('report.card.case-time', { median: humanDuration(p.instanceCycle.medianMs), p90: humanDuration(p.instanceCycle.p90Ms) })),
        ),
      ),
    ),
    barChart(
      'chart-compliance',
      t('report.chart.compliance'),
      report.departments.filter((d) => d.compliance !== null).map((d) => ({ label: d.department, value: (d.compliance ?? 0) * 100, text: t('report.chart.compliance.bar', { percent: percent(d.compliance), n: d.withSla }), danger: (d.compliance ?? 1) < 0.8 })),
    ),
    barChart('chart-overdue', t('report.chart.overdue'), report.departments.map((d) => ({ label: d.department, value: d.overdue, text: String(d.overdue), danger: d.overdue > 0 }))),
    cycleChart(report),
    h('h3', {}, t('report.processes')),
    kpiTable('kpi-processes', t('report.col.process'), report.processes.map((p) => ({ name: p.processId, kpi: p }))),
    h('h3', {}, t('report.steps')),
    kpiTable('kpi-nodes', t('report.col.step'), report.nodes.map((n) => ({ name: `${n.processId} / ${n.nodeName ?? n.node}`, kpi: n }))),
    h('h3', {}, t('report.departments')),
    kpiTable('kpi-departments', t('report.col.department'), report.departments.map((d) => ({ name: d.department, kpi: d }))),
  );
}
