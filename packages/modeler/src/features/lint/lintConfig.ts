/**
 * The lint configuration of the modeler: the same rules and settings as
 * `sopflow validate` — the folder's `.bpmnlintrc` or the default config,
 * resolved with bpmnlint-plugin-sopflow's static resolver (which knows
 * bpmnlint's built-in rules and sopflow's), and the calendar names passed
 * to `sopflow/sla-valid`.
 */
import { createResolver, DEFAULT_CONFIG, resolveLintConfig, type LintConfig, type Resolver } from 'bpmnlint-plugin-sopflow';

/** What bpmn-js-bpmnlint's `linting.setLinterConfig` takes. */
export interface LinterConfig {
  config: LintConfig;
  resolver: Resolver;
}

/**
 * Resolves a configuration (default `sopflow validate`'s) for
 * bpmn-js-bpmnlint, with the known calendar names. Pure apart from
 * resolving the rules (no I/O).
 * @throws Error when the configuration names a rule or config outside bpmnlint and sopflow
 */
export async function linterConfig(config: LintConfig = DEFAULT_CONFIG, calendars: readonly string[] = []): Promise<LinterConfig> {
  const resolver = createResolver();
  return { config: await resolveLintConfig(config, { resolver, calendars }), resolver };
}
