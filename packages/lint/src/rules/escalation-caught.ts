/**
 * Rule `escalation-caught`: every escalation thrown is caught somewhere.
 */
import { escalationCodeOf, escalationDefinitionOf, isEscalationCaught } from '../model/escalations.js';
import { isDocumentedExternal } from '../model/messages.js';
import { reportOn } from '../model/report.js';
import { slaRules } from '../model/slaRules.js';
import { is, isExecuted } from '../model/tree.js';
import type { ModdleElement, Reporter, RuleFactory } from '../types.js';

const EXPECTED =
  'expected an escalation boundary event (with this code, or none) on the thrower or an enclosing sub-process, or an escalation event sub-process on the way out';

function checkSlaEscalations(node: ModdleElement, reporter: Reporter): void {
  for (const rule of slaRules(node)) {
    if (rule.action !== 'escalate' || !rule.escalationCode || isEscalationCaught(node, rule.escalationCode)) continue;
    reportOn(
      reporter,
      node.id,
      'escalation-caught.sla-rule',
      `Escalation '${rule.escalationCode}' of sop:escalation[${rule.index}] is caught by nothing, so it will only be recorded: ${EXPECTED}.`,
      `sop:escalation[${rule.index}].escalationCode`,
      { escalationCode: rule.escalationCode, index: rule.index },
    );
  }
}

function checkThrowEvent(node: ModdleElement, reporter: Reporter): void {
  const definition = escalationDefinitionOf(node);
  const code = definition ? escalationCodeOf(definition) : undefined;
  if (code === undefined || isEscalationCaught(node, code)) return;
  // Raised for people or systems outside the process on purpose: its escalation says so.
  if (isDocumentedExternal(definition?.escalationRef)) return;
  reportOn(
    reporter,
    node.id,
    'escalation-caught.throw-event',
    `Escalation '${code}' thrown by this event is caught by nothing, so it will only be recorded: ${EXPECTED}.`,
    'escalationRef',
    { escalationCode: code },
  );
}

/**
 * Every escalation code thrown — by an SLA rule with `action="escalate"`
 * (on an activity or the process) or by an escalation throw or end event —
 * is caught: by an escalation boundary event on the thrower or on an
 * enclosing sub-process, or by an escalation event sub-process on the way
 * out. An uncaught escalation is legal (the engine records it and the case
 * goes on), so `recommended` sets this rule to `warn`. An escalation meant
 * for people or systems outside the process says so: its `bpmn:escalation`
 * has a `bpmn:documentation` containing the word "external". Escalations leaving
 * the process for a calling process are not followed. Elements of processes
 * marked `isExecutable="false"` are not checked.
 */
const escalationCaught: RuleFactory = () => ({
  check(node: ModdleElement, reporter: Reporter) {
    if (!node?.id || !isExecuted(node)) return;
    if (is(node, 'bpmn:Activity') || is(node, 'bpmn:Process')) checkSlaEscalations(node, reporter);
    else if (is(node, 'bpmn:IntermediateThrowEvent') || is(node, 'bpmn:EndEvent')) checkThrowEvent(node, reporter);
  },
});

export default escalationCaught;
