import { DEFAULT_CONFIG, type LintConfig } from 'bpmnlint-plugin-sopflow';
import type Calendars from '../calendars/Calendars.js';
import { linterConfig } from './lintConfig.js';

interface EventBusLike {
  on(event: string, callback: (event: any) => void): void;
  fire(type: string, data?: unknown): unknown;
}

interface Linting {
  setLinterConfig(config: unknown): void;
}

/** One lint finding as the problems list shows it. */
export interface LintIssue {
  id: string;
  message: string;
  rule: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
  /** For a finding about an element that is not drawn (a process behind a participant). */
  actualElementId?: string;
}

/**
 * Feeds bpmn-js-bpmnlint the configuration of `sopflow validate` and the
 * calendar names, re-applied when the calendars file changes; re-fires the
 * linter's results as `sopLint.issues` with a flat list of issues.
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
      this.problem = `Lint configuration: ${(error as Error).message}; using the default configuration.`;
      this.linting.setLinterConfig(await linterConfig(DEFAULT_CONFIG, names));
    }
  }
}
