/**
 * Linting a parsed diagram with bpmnlint's `Linter`, flattened to one list
 * of findings, with the calendars and external messages the rules need.
 */
import type { MessageParams } from '@sopflow/engine';
import Linter from 'bpmnlint/lib/linter.js';
import { builtinMessage } from './builtinMessages.js';
import { DEFAULT_CONFIG, PLUGIN_NAME } from './configs.js';
import { elementsById } from './model/tree.js';
import { createResolver } from './resolver/createResolver.js';
import type { LintConfig, ModdleElement, Resolver, RuleSetting } from './types.js';

/** Options of {@link lintDefinitions}. */
export interface LintOptions {
  /** Names of the calendars in the calendars file; absent when no calendars file was found. */
  calendars?: readonly string[];
  /** Names of messages other systems send (added to `message-thrown-or-external`'s list). */
  external?: readonly string[];
  /** Resolver for rules and configs; default {@link createResolver}(). */
  resolver?: Resolver;
}

/** One finding. */
export interface LintFinding {
  /** Id of the element it is about (the definitions' id for a rule that failed). */
  id: string;
  /** The element's name, when it has one. */
  name?: string;
  /** The rule, as configured: `sopflow/sla-valid`, `label-required`, … */
  rule: string;
  message: string;
  /** `error`, `warn` or `info` as configured; `rule-error` when the rule itself failed. */
  category: 'error' | 'warn' | 'info' | 'rule-error';
  /** The attribute it is about, when the rule says (sopflow rules do). */
  attribute?: string;
  /** Stable id of the kind of finding, for translation (sopflow rules: `<rule>.<kind>`). */
  code?: string;
  /** The values the message is built from (plain data), for translation. */
  params?: MessageParams;
}

type Linted = Awaited<ReturnType<Linter['lint']>>;

/** The rule settings with the options merged into the configuration of the sopflow rules that read them. */
function withOptions(linter: Linter, rules: Record<string, RuleSetting>, options: LintOptions): Record<string, RuleSetting> {
  const out = { ...rules };
  const merge = (rule: string, add: (config: Record<string, unknown>) => Record<string, unknown>) => {
    if (!(rule in out)) return;
    const { category, config } = linter.parseRuleValue(out[rule]);
    if (category === 'off') return;
    out[rule] = [category as 'error', add(config && typeof config === 'object' ? config : {})];
  };
  if (options.calendars) {
    const calendars = [...options.calendars];
    merge(`${PLUGIN_NAME}/sla-valid`, (config) => ({ ...config, calendars }));
  }
  if (options.external) {
    const external = options.external;
    merge(`${PLUGIN_NAME}/message-thrown-or-external`, (config) => ({
      ...config,
      external: [...((config.external as string[] | undefined) ?? []), ...external],
    }));
  }
  return out;
}

function flatten(definitions: ModdleElement, results: Linted): LintFinding[] {
  const findings: LintFinding[] = [];
  let byId: Map<string, ModdleElement> | undefined;
  for (const [rule, reports] of Object.entries(results)) {
    for (const report of reports) {
      const id: string = report.id ?? definitions?.id ?? '';
      byId ??= elementsById(definitions);
      const name = byId.get(id)?.name;
      findings.push({
        id,
        ...(typeof name === 'string' && name !== '' ? { name } : {}),
        rule,
        message: String(report.message),
        category: report.category,
        ...(typeof report.attribute === 'string' ? { attribute: report.attribute } : {}),
        ...(typeof report.code === 'string'
          ? { code: report.code }
          : report.category === 'rule-error'
            ? { code: 'lint.rule-error', params: { rule, detail: String(report.message) } }
            : (builtinMessage(rule, String(report.message)) ?? {})),
        ...(report.params && typeof report.params === 'object' ? { params: report.params as MessageParams } : {}),
      });
    }
  }
  return findings;
}

/**
 * Lints a `bpmn:Definitions` element (from the engine's `parse`, or
 * bpmn-js) with `config` (default {@link DEFAULT_CONFIG}) and returns every
 * finding, rule by rule in config order. `options.calendars` and
 * `options.external` are passed to `sopflow/sla-valid` and
 * `sopflow/message-thrown-or-external` when they are enabled. A rule that
 * throws gives one finding with category `rule-error` (bpmnlint also logs
 * it with `console.error`).
 *
 * @throws Error when the config names a rule or config the resolver does not know.
 */
export async function lintDefinitions(
  definitions: ModdleElement,
  config: LintConfig = DEFAULT_CONFIG,
  options: LintOptions = {},
): Promise<LintFinding[]> {
  const resolver = options.resolver ?? createResolver();
  const resolved = await resolveLintConfig(config, { ...options, resolver });
  linkFlows(definitions);
  const results = await new Linter({ resolver }).lint(definitions, resolved);
  return flatten(definitions, results);
}

/**
 * The config flattened to its rules like {@link resolveLintConfig}, with
 * every rule it turns on resolved too: an unknown rule, config or plugin
 * fails here, before anything is linted, instead of on the first diagram.
 *
 * @throws Error naming the rule or config that cannot be resolved.
 */
export async function checkLintConfig(config: LintConfig, options: LintOptions = {}): Promise<LintConfig> {
  const resolver = options.resolver ?? createResolver();
  const resolved = await resolveLintConfig(config, { ...options, resolver });
  const linter = new Linter({ resolver });
  for (const [name, value] of Object.entries(resolved.rules ?? {})) {
    const { category, config: ruleConfig } = linter.parseRuleValue(value);
    if (category !== 'off') await linter.resolveRule(name, ruleConfig);
  }
  return resolved;
}

/**
 * BPMN allows omitting a flow node's `incoming`/`outgoing` lists (the
 * sequence flows' source/target say it all); bpmn-js writes them, generated
 * diagrams often do not, and bpmnlint's rules read them. Fill them in from
 * the flows, as bpmn-js's importer does, so such diagrams are not reported
 * as disconnected. Iterative over containers; changes only missing links.
 */
export function linkFlows(definitions: ModdleElement): void {
  const stack: ModdleElement[] = [...(definitions?.rootElements ?? [])];
  while (stack.length) {
    const container = stack.pop()!;
    for (const element of container?.flowElements ?? []) {
      if (element.flowElements) stack.push(element);
      if (element.$type !== 'bpmn:SequenceFlow') continue;
      const { sourceRef: source, targetRef: target } = element;
      if (source) {
        source.outgoing ??= [];
        if (!source.outgoing.includes(element)) source.outgoing.push(element);
      }
      if (target) {
        target.incoming ??= [];
        if (!target.incoming.includes(element)) target.incoming.push(element);
      }
    }
  }
}

/**
 * The config flattened to its rules (`extends` resolved), with
 * `options.calendars` and `options.external` merged into the configuration
 * of `sopflow/sla-valid` and `sopflow/message-thrown-or-external` where
 * they are enabled. What {@link lintDefinitions} lints with; hand it to
 * bpmn-js-bpmnlint (`linting: { bpmnlint: { config, resolver } }`) to lint
 * in the modeler with the same settings.
 *
 * @throws Error when the config extends a config the resolver does not know.
 */
export async function resolveLintConfig(config: LintConfig = DEFAULT_CONFIG, options: LintOptions = {}): Promise<LintConfig> {
  const linter = new Linter({ resolver: options.resolver ?? createResolver() });
  const rules = await linter.resolveConfiguredRules(config);
  return { rules: withOptions(linter, rules, options) };
}
