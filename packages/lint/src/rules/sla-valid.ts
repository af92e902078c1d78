/**
 * Rule `sla-valid`: SLAs, calendars and escalation rules are well formed.
 */
import { attr } from '../model/extensions.js';
import { checkValue, isExpressionValue } from '../model/expressions.js';
import { reportOn } from '../model/report.js';
import { checkSlaRule, firesAtShare, isDuration, slaRules } from '../model/slaRules.js';
import { is, isExecuted, prefixesOf } from '../model/tree.js';
import type { ModdleElement, Reporter, RuleFactory } from '../types.js';

/** Configuration of `sla-valid`. */
export interface SlaValidConfig {
  /**
   * The calendars the engine will have (from the calendars file). Absent:
   * no calendars file was found, so every literal `sop:calendar` is reported.
   */
  calendars?: readonly string[];
}

function checkSla(node: ModdleElement, raw: string | undefined, reporter: Reporter): void {
  const text = raw?.trim();
  if (!text) return;
  const attribute = 'sop:sla';
  const invalid = checkValue(text, { elementId: node.id, attribute });
  if (invalid) {
    reportOn(reporter, node.id, `sla-valid.${invalid.code.slice('feel.'.length)}`, invalid.message, attribute, invalid.params);
    return;
  }
  if (isExpressionValue(text) || isDuration(text)) return;
  reportOn(reporter, node.id, 'sla-valid.sla', `sop:sla '${text}' is neither an ISO 8601 duration nor FEEL: expected e.g. PT2H or P1D, or FEEL starting with '='.`, attribute, { sla: text });
}

function checkCalendar(node: ModdleElement, raw: string | undefined, calendars: readonly string[] | undefined, reporter: Reporter): void {
  const name = raw?.trim();
  if (!name) return;
  const attribute = 'sop:calendar';
  const invalid = checkValue(name, { elementId: node.id, attribute });
  if (invalid) {
    reportOn(reporter, node.id, `sla-valid.${invalid.code.slice('feel.'.length)}`, invalid.message, attribute, invalid.params);
    return;
  }
  if (isExpressionValue(name) || calendars?.includes(name)) return;
  const message = !calendars
    ? `sop:calendar '${name}' cannot be found: no calendars file was found; expected a calendars file defining '${name}'.`
    : calendars.length
      ? `sop:calendar '${name}' is not a known calendar: expected one of: ${calendars.join(', ')}.`
      : `sop:calendar '${name}' is not a known calendar: the calendars file defines none; expected one defining '${name}'.`;
  const variant = !calendars ? 'no-file' : calendars.length ? 'unknown' : 'none-defined';
  reportOn(reporter, node.id, 'sla-valid.unknown-calendar', message, attribute, { variant, calendar: name, calendars: [...(calendars ?? [])] });
}

/**
 * On activities and processes: `sop:sla` is an ISO 8601 duration or FEEL
 * that compiles; a literal `sop:calendar` names a configured calendar (FEEL
 * is only compiled); every `<sop:escalation>` has an `at` that is `NN%` or
 * a duration, an action among remind, escalate, reassign, notify, an
 * `escalationCode` with `escalate`, a target with `reassign`/`notify`
 * (`group:<id>`/`user:<id>` list or FEEL), an `every` that is a duration, a
 * whole `times` ≥ 1; and a rule at a share of the SLA needs the element's
 * own `sop:sla`. Config: `{ calendars?: string[] }`. Elements of processes
 * marked `isExecutable="false"` are not checked.
 */
const slaValid: RuleFactory<SlaValidConfig> = (config = {}) => ({
  check(node: ModdleElement, reporter: Reporter) {
    if (!(is(node, 'bpmn:Activity') || is(node, 'bpmn:Process')) || !isExecuted(node) || !node.id) return;
    const prefixes = prefixesOf(node);
    const sla = attr(node, 'sop', 'sla', prefixes);
    checkSla(node, sla, reporter);
    checkCalendar(node, attr(node, 'sop', 'calendar', prefixes), config.calendars, reporter);
    const rules = slaRules(node);
    for (const rule of rules) {
      for (const problem of checkSlaRule(rule, node.id)) reportOn(reporter, node.id, problem.code, problem.message, problem.attribute, problem.params);
    }
    const share = rules.find(firesAtShare);
    if (share && sla === undefined) {
      reportOn(
        reporter,
        node.id,
        'sla-valid.share-without-sla',
        `sop:escalation[${share.index}] fires at ${share.at} of the SLA, but the element has no sop:sla: expected sop:sla (e.g. PT2H) on this element.`,
        'sop:sla',
        { index: share.index, at: share.at ?? '' },
      );
    }
  },
});

export default slaValid;
