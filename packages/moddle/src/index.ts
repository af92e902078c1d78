import descriptor from '../resources/sop.json';

/** Namespace URI of the `sop:` BPMN extension. */
export const SOP_NAMESPACE = 'https://sopflow.dev/schema/bpmn/sop/1.0';

/**
 * The `sop:` extension as a moddle package descriptor. Pass it to bpmn-moddle
 * (`new BpmnModdle({ sop: sopDescriptor })`) or to bpmn-js
 * (`moddleExtensions: { sop: sopDescriptor }`).
 */
export const sopDescriptor = descriptor;

/** Actions an escalation rule (`<sop:escalation action="…">`) can take. */
export const ESCALATION_ACTIONS = ['remind', 'escalate', 'reassign', 'notify'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];
