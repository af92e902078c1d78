import { h, replaceChildren } from '../../app/dom.js';
import { t, tr } from '../../i18n/language.js';
import type { LintIssue } from '../lint/SopLinting.js';
import type CounterexampleHighlight from '../soundness/CounterexampleHighlight.js';
import type { Finding, SoundnessResult } from '../soundness/index.js';

interface Host {
  get<T = any>(name: string): T;
}

interface EventBusLike {
  on(event: string, callback: (event: any) => void): void;
}

interface ElementRegistryLike {
  get(id: string): { id: string; businessObject?: { name?: string } } | undefined;
}

/** One row of the list. */
interface Row {
  source: 'lint' | 'soundness';
  severity: 'error' | 'warning' | 'info';
  elementId: string;
  message: string;
  rule: string;
  finding?: Finding;
}

const ORDER = { error: 0, warning: 1, info: 2 } as const;

function lintSeverity(category: LintIssue['category']): Row['severity'] {
  return category === 'warn' ? 'warning' : category === 'info' ? 'info' : 'error';
}

/**
 * The problems list: lint findings (the rules of `sopflow validate`) and
 * soundness findings, errors first. Selecting a row selects its element;
 * a soundness row also shows its counterexample run on the canvas.
 */
export class ProblemsPanel {
  private lint: Row[] = [];
  private soundness: Row[] = [];
  /** `checking`, `sound`, `findings` or `not-checked` (the diagram does not compile), with the text shown. */
  private soundnessState: { state: string; text: string } = { state: 'checking', text: t('modeler.problems.checking') };
  private lintProblem: string | undefined;
  private readonly list = h('ul', { class: 'problems-list', attrs: { id: 'problems-list' } });
  private readonly summary = h('div', { class: 'problems-summary', attrs: { id: 'problems-summary' } });

  constructor(
    readonly root: HTMLElement,
    private readonly host: Host,
    private readonly onCount: (errors: number, warnings: number) => void,
  ) {
    replaceChildren(root, this.summary, this.list);
    const eventBus = host.get<EventBusLike>('eventBus');
    eventBus.on('sopLint.issues', (event: { issues: LintIssue[]; problem?: string }) => {
      this.lintProblem = event.problem;
      this.lint = event.issues.map((issue) => ({
        source: 'lint',
        severity: lintSeverity(issue.category),
        elementId: issue.actualElementId ?? issue.id,
        message: issue.message,
        rule: issue.rule,
      }));
      this.render();
    });
    eventBus.on('soundness.checking', () => {
      this.soundnessState = { state: 'checking', text: t('modeler.problems.checking') };
      this.renderSummary();
    });
    eventBus.on('soundness.completed', (result: SoundnessResult) => {
      this.soundness = result.findings.map((finding) => ({
        source: 'soundness',
        severity: finding.kind === 'state-space-bound' ? 'warning' : 'error',
        elementId: finding.elementId,
        // In the page's language, from the finding's message id and parameters.
        message: tr.message({ code: finding.code, params: finding.params, message: finding.message }),
        rule: `soundness/${finding.kind}`,
        finding,
      }));
      this.soundnessState = result.error
        ? { state: 'not-checked', text: t('modeler.problems.not-checked') }
        : result.findings.length
          ? { state: 'findings', text: t('modeler.problems.findings', { n: result.findings.length }) }
          : { state: 'sound', text: t('modeler.problems.sound') };
      this.render();
    });
    eventBus.on('import.done', () => {
      this.soundness = [];
      this.soundnessState = { state: 'checking', text: t('modeler.problems.checking') };
    });
  }

  private rows(): Row[] {
    return [...this.lint, ...this.soundness].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  }

  private renderSummary(): void {
    const rows = this.rows();
    const errors = rows.filter((r) => r.severity === 'error').length;
    const warnings = rows.filter((r) => r.severity === 'warning').length;
    replaceChildren(
      this.summary,
      h('span', { class: errors ? 'count error' : 'count' }, t('modeler.problems.errors', { n: errors })),
      t('modeler.problems.separator'),
      h('span', { class: warnings ? 'count warning' : 'count' }, t('modeler.problems.warnings', { n: warnings })),
      h('span', { class: 'soundness-state', attrs: { id: 'soundness-state', 'data-state': this.soundnessState.state } }, t('modeler.problems.soundness', { state: this.soundnessState.text })),
      this.lintProblem ? h('div', { class: 'lint-config-problem' }, this.lintProblem) : null,
    );
    this.onCount(errors, warnings);
  }

  private render(): void {
    this.renderSummary();
    const registry = this.host.get<ElementRegistryLike>('elementRegistry');
    const rows = this.rows();
    replaceChildren(
      this.list,
      ...(rows.length
        ? rows.map((row) => {
            const element = registry.get(row.elementId);
            const name = element?.businessObject?.name;
            return h(
              'li',
              {
                class: `problem ${row.severity}`,
                attrs: { 'data-source': row.source, 'data-rule': row.rule, 'data-element': row.elementId, tabindex: '0' },
                on: { click: () => this.reveal(row), keydown: (e: KeyboardEvent) => e.key === 'Enter' && this.reveal(row) },
              },
              h('span', { class: 'problem-icon', attrs: { 'aria-label': t(`modeler.problems.severity.${row.severity}`) } }, row.severity === 'error' ? '✖' : row.severity === 'warning' ? '⚠' : 'ℹ'),
              h('span', { class: 'problem-message' }, row.message),
              h('span', { class: 'problem-where' }, name ? `${name} (${row.elementId})` : row.elementId),
              h('span', { class: 'problem-rule' }, row.rule),
            );
          })
        : [h('li', { class: 'problem none' }, t('modeler.problems.none'))]),
    );
  }

  private reveal(row: Row): void {
    const registry = this.host.get<ElementRegistryLike>('elementRegistry');
    const highlight = this.host.get<CounterexampleHighlight>('counterexampleHighlight');
    for (const li of this.list.querySelectorAll('li.selected')) li.classList.remove('selected');
    const li = [...this.list.querySelectorAll('li')].find((el) => el.dataset.element === row.elementId && el.dataset.rule === row.rule);
    li?.classList.add('selected');
    if (row.finding) highlight.show(row.finding);
    else highlight.clear();
    const element = registry.get(row.elementId);
    if (element) {
      this.host.get<{ select(e: unknown): void }>('selection').select(element);
      if (!row.finding) this.host.get<{ scrollToElement(e: unknown): void }>('canvas').scrollToElement(element);
    }
  }
}
