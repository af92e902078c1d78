/**
 * bpmnlint-plugin-sopflow — lint rules for sopflow SOP diagrams (owners,
 * SLAs, calendars, escalations, FEEL, gateways, messages, executability),
 * shared by `sopflow validate` and the modeler. Browser-safe: no Node
 * built-ins, every rule imported statically. See docs/rules/README.md.
 */

// rules and configs
export { rules, type RuleId } from './rules/index.js';
export { all, configs, DEFAULT_CONFIG, PLUGIN_NAME, PLUGIN_PACKAGE, recommended } from './configs.js';
export { plugin } from './plugin.js';
export type { SlaValidConfig } from './rules/sla-valid.js';
export type { MessageThrownOrExternalConfig } from './rules/message-thrown-or-external.js';
export type { ExecutableConfig } from './rules/executable.js';

// resolving and linting
export { createResolver, type ResolverOptions } from './resolver/createResolver.js';
export { checkLintConfig, linkFlows, lintDefinitions, resolveLintConfig, type LintFinding, type LintOptions } from './lintDefinitions.js';
export { builtinMessage, BUILTIN_RULES } from './builtinMessages.js';

// types
export type {
  BpmnlintPlugin,
  LintConfig,
  ModdleElement,
  Reporter,
  ReportContext,
  Resolver,
  RuleDefinition,
  RuleFactory,
  RuleSetting,
  RuleSeverity,
} from './types.js';
export * from './soundness/index.js';
