/**
 * Rule `feel-valid`: every expression in the diagram compiles.
 */
import { checkExpression, checkTemplate, checkValue, type ExpressionProblem } from '../model/expressions.js';
import { expressionSites, type ExpressionSite } from '../model/expressionSites.js';
import { reportOn } from '../model/report.js';
import { isExecuted } from '../model/tree.js';
import type { ModdleElement, Reporter, RuleFactory } from '../types.js';

function check(site: ExpressionSite): ExpressionProblem | undefined {
  const where = { elementId: site.id, attribute: site.attribute };
  if (site.kind === 'expression') return checkExpression(site.raw, where);
  if (site.kind === 'value') return checkValue(site.raw, where);
  return checkTemplate(site.raw, where);
}

/**
 * Every FEEL expression compiles with the engine's `compileFeel`, and every
 * JUEL `${…}` is one the engine can translate (`translateJuel`): sequence
 * flow conditions, `sop:` attributes starting with `=`, sop:/Zeebe/Camunda
 * mappings, script and business-rule expressions, multi-instance and loop
 * settings, timers written as expressions, form field conditions, called
 * elements, correlation keys. The SLA attributes (`sop:sla`,
 * `sop:calendar`, escalation targets) are checked by `sla-valid`. Elements
 * of processes marked `isExecutable="false"` are not checked.
 */
const feelValid: RuleFactory = () => ({
  check(node: ModdleElement, reporter: Reporter) {
    if (!isExecuted(node)) return;
    for (const site of expressionSites(node)) {
      const problem = check(site);
      if (problem) reportOn(reporter, site.id, `feel-valid.${problem.code.slice('feel.'.length)}`, problem.message, site.attribute, problem.params);
    }
  },
});

export default feelValid;
