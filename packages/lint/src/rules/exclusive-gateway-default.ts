/**
 * Rule `exclusive-gateway-default`: a deciding gateway always has a way out.
 */
import { conditionsCoverAll } from '../gateway/coverage.js';
import { reportOn } from '../model/report.js';
import { is, isExecuted } from '../model/tree.js';
import type { ModdleElement, Reporter, RuleFactory } from '../types.js';

/**
 * An exclusive or inclusive gateway whose outgoing flows carry conditions
 * has a default flow, or its conditions provably cover every case. Decided
 * for conditions that all compare the same variable with literals (`x =
 * "a"`, `x != "a"`, `x < 10`, `x >= 10`, `x = true`, `approved`,
 * `not(approved)`, combined with and/or/not) or are the constant `true`:
 * covered when together they accept both booleans, every number, or every
 * string; a variable that is not set is not considered. Any other
 * condition counts as possibly not covering. A gateway with an outgoing
 * flow without a condition is not reported (the engine always takes such a
 * flow; bpmnlint's `conditional-flows` reports it). Gateways of processes
 * marked `isExecutable="false"` are not checked.
 */
const exclusiveGatewayDefault: RuleFactory = () => ({
  check(node: ModdleElement, reporter: Reporter) {
    if (!(is(node, 'bpmn:ExclusiveGateway') || is(node, 'bpmn:InclusiveGateway')) || !isExecuted(node) || node.default) return;
    const outgoing: ModdleElement[] = node.outgoing ?? [];
    if (outgoing.length === 0 || outgoing.some((flow) => !flow.conditionExpression)) return;
    if (conditionsCoverAll(outgoing)) return;
    reportOn(
      reporter,
      node.id,
      'exclusive-gateway-default.missing',
      'Gateway has no default flow and the conditions of its outgoing flows may not cover all cases (a case matching none stops with an incident): expected a default flow, or conditions on one variable that cover every value (e.g. x < 10 and x >= 10).',
      'default',
    );
  },
});

export default exclusiveGatewayDefault;
