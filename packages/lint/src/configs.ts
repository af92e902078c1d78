/**
 * The configs of bpmnlint-plugin-sopflow, used as
 * `extends: 'plugin:sopflow/recommended'` (or `…/all`).
 */
import type { RuleId } from './rules/index.js';
import type { LintConfig, RuleSetting } from './types.js';

/** The short name of this plugin in configs (`plugin:sopflow/…`, `sopflow/<rule>`). */
export const PLUGIN_NAME = 'sopflow';

/** The package name bpmnlint derives from {@link PLUGIN_NAME}. */
export const PLUGIN_PACKAGE = 'bpmnlint-plugin-sopflow';

const EXECUTABLE: RuleSetting = ['error', { omitCovered: true }];

/** Severity of each rule: all errors but `escalation-caught` (an uncaught escalation is legal, and recorded). */
const RECOMMENDED: Record<RuleId, RuleSetting> = {
  'user-task-owner': 'error',
  'sla-valid': 'error',
  'escalation-caught': 'warn',
  'feel-valid': 'error',
  'exclusive-gateway-default': 'error',
  'message-thrown-or-external': 'error',
  executable: EXECUTABLE,
};

function qualified(rules: Record<RuleId, RuleSetting>): Record<string, RuleSetting> {
  return Object.fromEntries(Object.entries(rules).map(([id, setting]) => [`${PLUGIN_NAME}/${id}`, setting]));
}

/**
 * `recommended`: every rule at `error` except `escalation-caught` at
 * `warn`; `executable` leaves out what `feel-valid` and `sla-valid` report.
 * It also turns off bpmnlint's `no-inclusive-gateway` (which `bpmnlint:recommended`
 * sets to `warn`): sopflow runs inclusive forks and joins, so using them is
 * not a smell in an SOP.
 */
export const recommended: LintConfig = {
  rules: { ...qualified(RECOMMENDED), 'bpmnlint/no-inclusive-gateway': 'off' },
};

/** `all`: every rule at `error`. */
export const all: LintConfig = {
  rules: qualified({ ...RECOMMENDED, 'escalation-caught': 'error' }),
};

/** The configs by name. */
export const configs: Readonly<Record<'recommended' | 'all', LintConfig>> = { recommended, all };

/** What `sopflow validate` uses when no `.bpmnlintrc` exists: bpmnlint's and sopflow's recommended rules. */
export const DEFAULT_CONFIG: LintConfig = { extends: ['bpmnlint:recommended', `plugin:${PLUGIN_NAME}/recommended`] };
