/**
 * The bpmnlint rule, config and resolver shapes, typed for this package
 * (bpmnlint 11 ships JavaScript with JSDoc types only).
 */

/** Extra data a report may carry besides the element id and message. */
export interface ReportContext {
  /** Property path in the moddle element, as bpmnlint uses it. */
  path?: string[];
  /** The attribute the report is about, e.g. `sop:sla` or `conditionExpression`. */
  attribute?: string;
  /** Stable id of the kind of finding, e.g. `sla-valid.unknown-calendar` (for translation). */
  code?: string;
  /** The values the message is built from, so a translation can be rendered (plain data). */
  params?: Readonly<Record<string, unknown>>;
  [key: string]: unknown;
}

/** What a rule reports through: bpmnlint's `Reporter`. */
export interface Reporter {
  report(id: string, message: string, context?: string[] | ReportContext): void;
}

/** A moddle element as bpmnlint hands it to rules (untyped, as bpmn-moddle builds it). */
export type ModdleElement = any;

/** Called for every element of the diagram, depth first; `false` skips the element's children. */
export type CheckFn = (node: ModdleElement, reporter: Reporter) => boolean | void;

/** A rule instance: its check, and optional metadata (documentation link). */
export interface RuleDefinition {
  meta?: { documentation?: { url?: string }; [key: string]: unknown };
  check: CheckFn | { enter?: CheckFn; leave?: CheckFn };
}

/** A rule module: a factory taking the rule's configuration (the second item of `['error', {…}]`). */
export type RuleFactory<C = any> = (config?: C) => RuleDefinition;

/** A rule's severity as written in a config. */
export type RuleSeverity = 'off' | 'warn' | 'error' | 'info' | 0 | 1 | 2 | 3;

/** A rule's setting: a severity, or a severity with the rule's configuration. */
export type RuleSetting = RuleSeverity | [RuleSeverity] | [RuleSeverity, unknown];

/** A bpmnlint configuration (`.bpmnlintrc`). */
export interface LintConfig {
  extends?: string | string[];
  rules?: Record<string, RuleSetting>;
}

/** Finds rules and configs by package and name, as `new Linter({ resolver })` needs. */
export interface Resolver {
  resolveRule(pkg: string, ruleName: string): RuleFactory | Promise<RuleFactory>;
  resolveConfig(pkg: string, configName: string): LintConfig | Promise<LintConfig>;
}

/** A bpmnlint plugin as an object: its rules (factories) and configs by name. */
export interface BpmnlintPlugin {
  rules: Readonly<Record<string, RuleFactory>>;
  configs: Readonly<Record<string, LintConfig>>;
}
