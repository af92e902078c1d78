import { builtinMessage, DEFAULT_CONFIG, type LintConfig } from 'bpmnlint-plugin-sopflow';
import type { Params } from '@sopflow/i18n';
import { t, tr } from '../../i18n/language.js';
import type Calendars from '../calendars/Calendars.js';
import { linterConfig } from './lintConfig.js';

interface EventBusLike {
  on(event: string, callback: (event: any) => void): void;
  fire(type: string, data?: unknown): unknown;
}

interface Linting {
  setLinterConfig(config: unknown): void;
  lint(): Promise<Record<string, LintIssue[]>>;
}

/** One lint finding as the problems list shows it. */
export interface LintIssue {
  id: string;
  message: string;
  rule: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
  /** The message id of the finding (`<rule>.<kind>`, or `bpmnlint.<rule>` for bpmnlint's own rules), for translation. */
  code?: string;
  /** The values its message is built from. */
  params?: Params;
  /** The English message the rule wrote (`message` is in the page's language). */
  englishMessage?: string;
  /** For a finding about an element that is not drawn (a process behind a participant). */
  actualElementId?: string;
}

/**
 * The message of a finding in the page's language, from its code and
 * parameters (bpmnlint's own rules are recognised by their text); the
 * rule's English when there is no translation. Pure.
 */
export function translateIssue(rule: string, issue: LintIssue): LintIssue {
  const english = issue.englishMessage ?? issue.message;
  const coded = issue.code ? { code: issue.code, params: issue.params } : builtinMessage(rule, english);
  if (!coded) return { ...issue, englishMessage: english };
  return { ...issue, code: coded.code, params: coded.params as Params | undefined, englishMessage: english, message: tr.message({ code: coded.code, params: coded.params as Params | undefined, message: english }) };
}

/**
 * Feeds bpmn-js-bpmnlint the configuration of `sopflow validate` and the
 * calendar names, re-applied when the calendars file changes; re-fires the
 * linter's results as `sopLint.issues` with a flat list of issues. The
 * findings are put in the page's language as the linter returns them, so
 * the overlays on the canvas and the problems list say the same.
 */
export default class SopLinting {
  static $inject = ['eventBus', 'linting', 'calendars'];

  private config: LintConfig = DEFAULT_CONFIG;
  private problem: string | undefined;

  constructor(
    private readonly eventBus: EventBusLike,
    private readonly linting: Linting,
    private readonly calendars: Calendars,
  ) {
    const lint = linting.lint.bind(linting);
    linting.lint = async () => {
      const results = await lint();
      return Object.fromEntries(Object.entries(results).map(([rule, issues]) => [rule, issues.map((issue) => translateIssue(rule, issue))]));
    };
    eventBus.on('calendars.changed', () => void this.apply());
    eventBus.on('linting.completed', (event: { issues: Record<string, LintIssue[]> }) => {
      const issues = Object.values(event.issues).flat();
      eventBus.fire('sopLint.issues', { issues, problem: this.problem });
    });
    void this.apply();
  }

  /** Uses this configuration (the folder's `.bpmnlintrc`) from now on. */
  async setConfig(config: LintConfig): Promise<void> {
    this.config = config;
    await this.apply();
  }

  /** Why the configuration could not be used, if it could not (then the default is used). */
  configProblem(): string | undefined {
    return this.problem;
  }

  private async apply(): Promise<void> {
    const names = this.calendars.names();
    try {
      this.linting.setLinterConfig(await linterConfig(this.config, names));
      this.problem = undefined;
    } catch (error) {
      this.problem = t('modeler.lint.config-problem', { reason: (error as Error).message });
      this.linting.setLinterConfig(await linterConfig(DEFAULT_CONFIG, names));
    }
  }
}
