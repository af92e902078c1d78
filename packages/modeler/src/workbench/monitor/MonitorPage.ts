/**
 * The Monitor view: every process with its running, completed and breached
 * cases; a process's heat map on its diagram (where cases wait, where SLAs
 * breach) and its latest cases; one case with its tokens on the diagram,
 * its tasks, timers and audit trail with the verification of its hash
 * chain; and the KPI report. The route is the URL's hash:
 * `#process=<id>`, `#case=<id>`, `#report`.
 */
import { parseDateTime } from '@sopflow/engine';
import { h, replaceChildren } from '../../app/dom.js';
import { t, tr } from '../../i18n/language.js';
import { debounce, followFeed } from '../live.js';
import type { Shell } from '../shell.js';
import type { CaseDetail, ProcessSummary } from '../types.js';
import type { WorkbenchClient } from '../WorkbenchClient.js';
import { DiagramView } from './DiagramView.js';
import { auditDetail, parseRoute, TECHNICAL, type Route } from './format.js';

/** A case's status in words (`running` / `运行中`). Pure. */
function statusText(status: string): string {
  return tr.template(`monitor.status.${status}`) === undefined ? status : t(`monitor.status.${status}`);
}

/** An audit event's type in words (`task completed` / `任务完成`); the type itself when it has none. Pure. */
function eventText(type: string): string {
  return tr.template(`workbench.event.${type}`) === undefined ? type : t(`workbench.event.${type}`);
}

/** A timer's role in words. Pure. */
function timerText(kind: string): string {
  return tr.template(`monitor.timer.${kind}`) === undefined ? kind : t(`monitor.timer.${kind}`);
}
import { reportView } from './reportCharts.js';

/** The Monitor view in a shell. */
export class MonitorPage {
  private processes: ProcessSummary[] = [];
  private route: Route = { view: 'process' };
  private readonly diagram: DiagramView;
  private readonly refreshSoon = debounce(() => void this.refresh(), 200);
  private readonly els = {
    list: h('ul', { class: 'process-list', attrs: { id: 'monitor-processes' } }),
    reportLink: h('a', { class: 'report-link', attrs: { id: 'nav-report' } }, t('monitor.report-link')),
    heading: h('div', { class: 'monitor-heading', attrs: { id: 'monitor-heading' } }),
    canvas: h('div', { class: 'diagram', attrs: { id: 'diagram' } }),
    diagramPane: h('div', { class: 'diagram-pane' }),
    details: h('div', { class: 'monitor-details', attrs: { id: 'monitor-details' } }),
    everyEvent: h('input', { attrs: { id: 'audit-every-event', type: 'checkbox' } }),
  };

  constructor(
    private readonly shell: Shell,
    private readonly client: WorkbenchClient,
  ) {
    const els = this.els;
    els.reportLink.setAttribute('href', '#report');
    replaceChildren(els.diagramPane, els.canvas);
    replaceChildren(
      shell.main,
      h('aside', { class: 'monitor-side' }, h('h2', {}, t('monitor.processes')), els.list, els.reportLink),
      h('div', { class: 'monitor-body' }, els.heading, els.diagramPane, els.details),
    );
    this.diagram = new DiagramView(els.canvas);
    els.everyEvent.addEventListener('change', () => void this.refresh());
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
      void this.refresh();
    });
  }

  /** Loads the route and follows the live feed. */
  async start(): Promise<void> {
    this.route = parseRoute(location.hash);
    await this.refresh();
    // The report is computed when asked (Show); the other views follow what happens.
    followFeed(this.client, { onItem: () => this.route.view !== 'report' && this.refreshSoon(), onState: (state) => this.shell.setLive(state) });
  }

  private async refresh(): Promise<void> {
    try {
      const [status, processes] = await Promise.all([this.client.status(), this.client.processes()]);
      this.shell.setStatus(status);
      this.processes = processes;
      this.renderList();
      const route = this.route;
      if (route.view === 'case') await this.showCase(route.id);
      else if (route.view === 'report') await this.showReport();
      else await this.showProcess(route.id ?? processes[0]?.id);
    } catch (error) {
      this.shell.say((error as Error).message, 'error');
    }
  }

  private renderList(): void {
    const current = this.route.view === 'process' ? (this.route.id ?? this.processes[0]?.id) : undefined;
    replaceChildren(
      this.els.list,
      ...this.processes.map((p) =>
        h(
          'li',
          { class: `process${p.id === current ? ' current' : ''}`, attrs: { 'data-process': p.id } },
          h('a', { attrs: { href: `#process=${encodeURIComponent(p.id)}` } }, h('strong', {}, p.name ?? p.id), h('span', { class: 'muted' }, ` v${p.version}`)),
          h(
            'div',
            { class: 'counts' },
            h('span', { class: 'count running', attrs: { 'data-count': String(p.counts.running) } }, t('monitor.count.running', { n: p.counts.running })),
            h('span', { class: 'count completed', attrs: { 'data-count': String(p.counts.completed) } }, t('monitor.count.completed', { n: p.counts.completed })),
            h('span', { class: `count breached${p.counts.breached ? ' alert' : ''}`, attrs: { 'data-count': String(p.counts.breached) } }, t('monitor.count.breached', { n: p.counts.breached })),
          ),
        ),
      ),
    );
    this.els.reportLink.classList.toggle('current', this.route.view === 'report');
  }

  private async showProcess(id: string | undefined): Promise<void> {
    this.els.diagramPane.hidden = false;
    const process = this.processes.find((p) => p.id === id);
    if (!process) {
      replaceChildren(this.els.heading, h('h1', {}, t('monitor.no-process')), h('p', { class: 'muted' }, t('monitor.no-process.hint')));
      replaceChildren(this.els.details);
      return;
    }
    const [map, cases] = await Promise.all([this.client.heatMap(process.id), this.client.cases({ process: process.id, limit: 50 })]);
    await this.diagram.show(map.key, () => this.client.deploymentXml(map.key));
    this.diagram.heat(map);
    replaceChildren(
      this.els.heading,
      h('h1', {}, process.name ?? process.id, h('span', { class: 'muted' }, ` v${process.version}`)),
      h('p', { class: 'legend' }, h('span', { class: 'heat-badge waiting' }, t('monitor.legend.waiting')), t('monitor.legend.waiting.text'), h('span', { class: 'heat-badge breaches' }, t('monitor.legend.breaches')), t('monitor.legend.breaches.text')),
    );
    replaceChildren(
      this.els.details,
      h('h2', {}, t('monitor.cases', { n: cases.total })),
      h(
        'table',
        { class: 'grid', attrs: { id: 'case-list' } },
        h('thead', {}, h('tr', {}, h('th', {}, t('monitor.col.case')), h('th', {}, t('monitor.col.status')), h('th', {}, t('monitor.col.started')), h('th', {}, t('monitor.col.ended')), h('th', {}, t('monitor.col.version')))),
        h(
          'tbody',
          {},
          ...cases.items.map((c) =>
            h(
              'tr',
              { attrs: { 'data-case': c.id, 'data-status': c.status } },
              h('td', {}, h('a', { attrs: { href: `#case=${encodeURIComponent(c.id)}` } }, c.businessKey ?? c.id.slice(0, 8))),
              h('td', {}, h('span', { class: `badge ${c.status}` }, statusText(c.status)), c.incidents ? h('span', { class: 'badge alert' }, t('monitor.incidents', { n: c.incidents })) : null),
              h('td', {}, this.shell.format(c.startedAt)),
              h('td', {}, c.endedAt !== undefined ? this.shell.format(c.endedAt) : '—'),
              h('td', {}, `v${c.version}`),
            ),
          ),
        ),
      ),
    );
  }

  private async showCase(id: string): Promise<void> {
    this.els.diagramPane.hidden = false;
    const detail = await this.client.caseDetail(id);
    const { instance } = detail;
    await this.diagram.show(instance.definition, () => this.client.deploymentXml(instance.definition));
    this.diagram.tokens({ instance, tasks: detail.tasks, audit: detail.audit, format: (ms) => this.shell.format(ms) });
    replaceChildren(
      this.els.heading,
      h('p', { class: 'breadcrumb' }, h('a', { attrs: { href: `#process=${encodeURIComponent(instance.processId)}` } }, `← ${detail.processName ?? instance.processId}`)),
      h(
        'h1',
        {},
        t('monitor.case.title', { key: instance.businessKey ?? instance.id.slice(0, 8) }),
        h('span', { class: `badge ${instance.status}`, attrs: { id: 'case-status', 'data-status': instance.status } }, statusText(instance.status)),
      ),
      h(
        'p',
        { class: 'muted' },
        t('monitor.case.meta', { process: detail.processName ?? instance.processId, version: instance.version, id: instance.id, started: this.shell.format(instance.startedAt) }),
        instance.endedAt !== undefined ? t('monitor.case.meta.ended', { ended: this.shell.format(instance.endedAt) }) : '',
      ),
    );
    replaceChildren(this.els.details, h('div', { class: 'case-columns' }, this.caseTasks(detail), this.caseTimers(detail)), this.caseAudit(detail));
  }

  private caseTasks(detail: CaseDetail): HTMLElement {
    return h(
      'section',
      { class: 'card', attrs: { id: 'case-tasks' } },
      h('h2', {}, t('monitor.case.tasks')),
      h(
        'ul',
        { class: 'plain' },
        ...(detail.tasks.length
          ? detail.tasks.map((task) =>
              h(
                'li',
                { attrs: { 'data-node': task.node } },
                h('strong', {}, task.name ?? task.node),
                ` — ${task.assignee ? t('monitor.case.assigned', { user: task.assignee }) : tr.list([...task.candidateGroups.map((group) => t('monitor.case.group', { group })), ...task.candidateUsers])}`,
                task.due !== undefined ? h('span', { class: task.due < this.shell.now() ? 'alert' : 'muted' }, t('monitor.case.due', { due: this.shell.format(task.due) })) : null,
              ),
            )
          : [h('li', { class: 'muted' }, t('monitor.case.none'))]),
      ),
      detail.instance.incidents.length ? h('h3', {}, t('monitor.case.incidents')) : null,
      ...detail.instance.incidents.map((i) => h('p', { class: 'alert' }, `${i.node}: ${i.message}`)),
    );
  }

  private caseTimers(detail: CaseDetail): HTMLElement {
    const rows = [
      ...detail.instance.activities.flatMap((a) => (a.due !== undefined ? [{ node: a.node, what: t('monitor.timer.sla-deadline'), due: a.due }] : [])),
      ...detail.instance.timers.map((timer) => ({ node: timer.node, what: timerText(timer.kind), due: timer.due })),
      ...(detail.instance.sla?.due !== undefined ? [{ node: t('monitor.case.process'), what: t('monitor.timer.case-sla'), due: detail.instance.sla.due }] : []),
    ].sort((a, b) => a.due - b.due);
    const name = (node: string) => detail.instance.activities.find((a) => a.node === node)?.name ?? node;
    return h(
      'section',
      { class: 'card', attrs: { id: 'case-timers' } },
      h('h2', {}, t('monitor.case.timers')),
      h(
        'table',
        { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', {}, t('monitor.case.col.step')), h('th', {}, t('monitor.case.col.what')), h('th', {}, t('monitor.case.col.due')))),
        h(
          'tbody',
          {},
          ...(rows.length
            ? rows.map((r) => h('tr', { attrs: { 'data-node': r.node } }, h('td', {}, name(r.node)), h('td', {}, r.what), h('td', { class: r.due < this.shell.now() ? 'alert' : '' }, this.shell.format(r.due))))
            : [h('tr', {}, h('td', { class: 'muted', attrs: { colspan: '3' } }, t('monitor.case.none-pending')))]),
        ),
      ),
    );
  }

  private caseAudit(detail: CaseDetail): HTMLElement {
    const { verify } = detail;
    const shown = detail.audit.filter((e) => this.els.everyEvent.checked || !TECHNICAL.has(e.type));
    return h(
      'section',
      { class: 'card', attrs: { id: 'case-audit' } },
      h('h2', { class: 'audit-heading' }, t('monitor.audit'), h('label', { class: 'inline muted' }, this.els.everyEvent, t('monitor.audit.every'))),
      h(
        'p',
        { class: `verify ${verify.ok ? 'ok' : 'alert'}`, attrs: { id: 'case-verify', 'data-ok': String(verify.ok) } },
        verify.ok
          ? t('monitor.audit.verified', { n: detail.audit.length })
          : t('monitor.audit.broken', { problems: verify.problems.map((p) => t('monitor.audit.problem', { seq: p.seq, kind: p.kind, message: p.message })).join('; ') }),
      ),
      h(
        'table',
        { class: 'grid audit' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, '#'), ...(['time', 'event', 'step', 'actor', 'details'] as const).map((column) => h('th', {}, t(`monitor.audit.col.${column}`)))),
        ),
        h(
          'tbody',
          {},
          ...shown.map((e) =>
            h(
              'tr',
              { class: `audit-${e.type.replace(/\./g, '-')}`, attrs: { 'data-type': e.type, 'data-seq': String(e.seq) } },
              h('td', { class: 'num' }, e.seq),
              h('td', {}, this.shell.format(e.time)),
              h('td', { attrs: { title: e.type } }, eventText(e.type)),
              h('td', {}, e.nodeName ?? e.node ?? ''),
              h('td', {}, e.actor),
              h('td', { class: 'detail' }, auditDetail(e)),
            ),
          ),
        ),
      ),
    );
  }

  private async showReport(): Promise<void> {
    this.els.diagramPane.hidden = true;
    const process = h('select', { attrs: { id: 'report-process' } }, h('option', { attrs: { value: '' } }, t('report.every-process')), ...this.processes.map((p) => h('option', { attrs: { value: p.id } }, p.name ?? p.id)));
    const from = h('input', { attrs: { id: 'report-from', type: 'date' } });
    const to = h('input', { attrs: { id: 'report-to', type: 'date' } });
    const body = h('div', { attrs: { id: 'report-body' } });
    const load = async () => {
      const day = (text: string) => (text ? parseDateTime(`${text}T00:00`, this.shell.zone) : undefined);
      try {
        const report = await this.client.report({ ...(process.value ? { process: process.value } : {}), ...(from.value ? { from: day(from.value) } : {}), ...(to.value ? { to: day(to.value) } : {}) });
        replaceChildren(body, reportView(report));
      } catch (error) {
        this.shell.say((error as Error).message, 'error');
      }
    };
    replaceChildren(
      this.els.heading,
      h('h1', {}, t('report.title')),
      h('p', { class: 'muted' }, t('report.intro')),
      h(
        'form',
        { class: 'report-filter', on: { submit: (e: Event) => (e.preventDefault(), void load()) } },
        h('label', {}, t('report.process'), process),
        h('label', {}, t('report.from'), from),
        h('label', {}, t('report.to'), to),
        h('button', { attrs: { id: 'report-apply', type: 'submit' } }, t('report.show')),
      ),
    );
    replaceChildren(this.els.details, body);
    await load();
  }
}
