/**
 * A resolver for bpmnlint's `Linter` that knows bpmnlint's built-in rules
 * and configs and this plugin's, without `require`-ing files by path: it
 * works the same in Node and bundled for the browser.
 */
import { PLUGIN_PACKAGE } from '../configs.js';
import { plugin } from '../plugin.js';
import type { BpmnlintPlugin, LintConfig, Resolver, RuleFactory } from '../types.js';
import { BPMNLINT_CONFIGS, BPMNLINT_RULES } from './bpmnlintBuiltins.js';

/** Options of {@link createResolver}. */
export interface ResolverOptions {
  /** More plugins, by package name (`bpmnlint-plugin-foo`, `@scope/bpmnlint-plugin-foo`). */
  plugins?: Readonly<Record<string, BpmnlintPlugin>>;
  /**
   * Asked for what is not known here, e.g. bpmnlint's `NodeResolver` in
   * Node, to load plugins installed next to a `.bpmnlintrc`.
   */
  fallback?: Resolver;
}

function unknown(kind: 'rule' | 'config', pkg: string, name: string): Error {
  return new Error(
    `cannot resolve ${kind} <${name}> of <${pkg}>: the resolver knows bpmnlint's built-in rules and configs and ${PLUGIN_PACKAGE}'s; pass other plugins as \`plugins\` (or a \`fallback\` resolver) to createResolver().`,
  );
}

/**
 * Creates a resolver for `new Linter({ config, resolver })` that resolves
 * `bpmnlint:recommended` / `all` / `correctness` and bpmnlint's rules,
 * `plugin:sopflow/recommended` / `all` and `sopflow/<rule>`, and any plugin
 * given in `options.plugins`; anything else goes to `options.fallback`, or
 * fails with an error naming the rule or config. Pure: the rules are
 * imported statically.
 */
export function createResolver(options: ResolverOptions = {}): Resolver {
  const plugins: Record<string, BpmnlintPlugin> = {
    bpmnlint: { rules: BPMNLINT_RULES, configs: BPMNLINT_CONFIGS },
    [PLUGIN_PACKAGE]: plugin,
    ...options.plugins,
  };
  const own = (pkg: string) => (Object.hasOwn(plugins, pkg) ? plugins[pkg] : undefined);
  return {
    resolveRule(pkg: string, ruleName: string): RuleFactory | Promise<RuleFactory> {
      const rules = own(pkg)?.rules;
      if (rules && Object.hasOwn(rules, ruleName)) return rules[ruleName];
      if (options.fallback) return options.fallback.resolveRule(pkg, ruleName);
      throw unknown('rule', pkg, ruleName);
    },
    resolveConfig(pkg: string, configName: string): LintConfig | Promise<LintConfig> {
      const configs = own(pkg)?.configs;
      if (configs && Object.hasOwn(configs, configName)) return configs[configName];
      if (options.fallback) return options.fallback.resolveConfig(pkg, configName);
      throw unknown('config', pkg, configName);
    },
  };
}
