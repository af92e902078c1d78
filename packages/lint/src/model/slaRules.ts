/**
 * Reading `<sop:escalation>` rules and checking each one the way the engine
 * reads it (see docs/sla.md). Pure.
 */
import { parseDuration, type MessageParams } from '@sopflow/engine';
import { checkValue, isExpressionValue } from './expressions.js';
import { extensionElements, plainAttr } from './extensions.js';
import { prefixesOf } from './tree.js';
import type { ModdleElement } from '../types.js';

/** The actions an escalation rule may take. */
export const RULE_ACTIONS = ['remind', 'escalate', 'reassign', 'notify'] as const;

const SHARE = /^\d+(\.\d+)?%$/;

/** A problem with one attribute of one rule. */
export interface RuleProblem {
  /** `sop:escalation[2].action`, … */
  attribute: string;
  code: string;
  message: string;
  /** The values the message is built from, for translation (`rule` is `sop:escalation[N]`). */
  params: MessageParams;
}

/** One `<sop:escalation>` as written, with its 1-based position among the element's rules. */
export interface SlaRule {
  index: number;
  at?: string;
  action?: string;
  every?: string;
  times?: string;
  escalationCode?: string;
  target?: string;
}

/** The element's `<sop:escalation>` rules, in document order. Pure. */
export function slaRules(element: ModdleElement): SlaRule[] {
  return extensionElements(element, 'sop', 'escalation', prefixesOf(element)).map((rule, i) => ({
    index: i + 1,
    at: plainAttr(rule, 'at')?.trim(),
    action: plainAttr(rule, 'action')?.trim(),
    every: plainAttr(rule, 'every')?.trim(),
    times: plainAttr(rule, 'times')?.trim(),
    escalationCode: plainAttr(rule, 'escalationCode')?.trim(),
    target: plainAttr(rule, 'target'),
  }));
}

/** Whether the rule fires at a share of the SLA (`at="75%"`). Pure. */
export function firesAtShare(rule: SlaRule): boolean {
  return rule.at !== undefined && SHARE.test(rule.at);
}

/** Whether the text is an ISO 8601 duration the engine reads (`PT2H`, `P1D`, `P1W`). Pure. */
export function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** Every problem of one rule on `elementId`: `at`, `action`, `every`, `times`, `escalationCode`, `target`. Pure. */
export function checkSlaRule(rule: SlaRule, elementId: string): RuleProblem[] {
  const where = `sop:escalation[${rule.index}]`;
  const problems: RuleProblem[] = [];
  const problem = (name: string, kind: string, message: string, params: MessageParams) =>
    problems.push({ attribute: `${where}.${name}`, code: `sla-valid.rule-${kind}`, message: `${where} ${message}`, params: { rule: where, ...params } });

  if (!rule.at) problem('at', 'at', `has no 'at': expected a share of the SLA (at="75%") or an ISO 8601 duration (at="PT4H").`, { variant: 'missing' });
  else if (!firesAtShare(rule) && !isDuration(rule.at)) {
    problem('at', 'at', `at '${rule.at}' is neither a share of the SLA nor an ISO 8601 duration: expected e.g. 75% or PT4H.`, { variant: 'invalid', at: rule.at });
  }
  if (!rule.action || !(RULE_ACTIONS as readonly string[]).includes(rule.action)) {
    problem('action', 'action', `action '${rule.action ?? ''}' is not one of ${RULE_ACTIONS.join(', ')}.`, { action: rule.action ?? '', actions: [...RULE_ACTIONS] });
  }
  if (rule.every && !isDuration(rule.every)) {
    problem('every', 'every', `every '${rule.every}' is not an ISO 8601 duration: expected e.g. PT4H or P1D.`, { every: rule.every });
  }
  if (rule.times !== undefined) {
    const n = Number(rule.times);
    if (rule.times === '' || !Number.isInteger(n) || n < 1) problem('times', 'times', `times '${rule.times}' is not a whole number ≥ 1.`, { times: rule.times });
  }
  if (rule.action === 'escalate' && !rule.escalationCode) {
    problem('escalationCode', 'escalation-code', `has action="escalate" but no escalationCode: expected the BPMN escalation code to throw.`, {});
  }
  problems.push(...checkTarget(rule, elementId, where));
  return problems;
}

function checkTarget(rule: SlaRule, elementId: string, where: string): RuleProblem[] {
  const attribute = `${where}.target`;
  const target = rule.target?.trim();
  const needed = rule.action === 'reassign' || rule.action === 'notify';
  if (!target) {
    return needed
      ? [{ attribute, code: 'sla-valid.rule-target', message: `${where} has action="${rule.action}" but no target: expected group:<id> / user:<id>, comma separated, or FEEL.`, params: { variant: 'missing', rule: where, action: rule.action ?? '' } }]
      : [];
  }
  const invalid = checkValue(target, { elementId, attribute });
  if (invalid) return [{ attribute, code: `sla-valid.${invalid.code.slice('feel.'.length)}`, message: invalid.message, params: invalid.params }];
  if (needed && !isExpressionValue(target) && !target.split(',').every((t) => /^(group|user):\S+$/.test(t.trim()))) {
    return [{ attribute, code: 'sla-valid.rule-target', message: `${where} target '${target}' is not a comma list of group:<id> / user:<id>.`, params: { variant: 'invalid', rule: where, target } }];
  }
  return [];
}
