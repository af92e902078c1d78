import descriptor from '../resources/sop.json';

/** Namespace URI of the `sop:` BPMN extension. */
export const SOP_NAMESPACE = 'https://sopflow.dev/schema/bpmn/sop/1.0';

/**
 * The `sop:` extension as a moddle package descriptor. Pass it to bpmn-moddle
 * (`new BpmnModdle({ sop: sopDescriptor })`) or to bpmn-js
 * (`moddleExtensions: { sop: sopDescriptor }`). moddle rewrites a
 * descriptor in place when it registers it: when several moddles share a
 * page, give each its own {@link createSopDescriptor}.
 */
export const sopDescriptor = descriptor;

/** A fresh copy of the `sop:` descriptor, for one moddle (see {@link sopDescriptor}). */
export function createSopDescriptor(): typeof descriptor {
  return structuredClone(descriptor);
}

/**
 * `sop:` attributes whose local names Camunda 7's descriptor also defines on
 * the same BPMN types. moddle keys properties by local name, so the two
 * descriptors cannot both define them.
 */
export const CAMUNDA_COLLIDING_PROPERTIES = [
  'assignee',
  'candidateUsers',
  'candidateGroups',
  'formKey',
  'versionTag',
  'type',
  'expression',
  'resultVariable',
  'collection',
  'elementVariable',
] as const;

/**
 * The `sop:` descriptor without {@link CAMUNDA_COLLIDING_PROPERTIES}, for a
 * moddle that also loads `camunda-bpmn-moddle`. In such a document those
 * `sop:` attributes are kept by moddle as generic attributes (`$attrs`), so
 * nothing is lost on save; readers must look there too.
 */
export const sopCamundaCompatibleDescriptor = {
  ...descriptor,
  types: descriptor.types.map((type) => {
    // Only the attribute groups that extend BPMN types collide; sop's own elements keep every property.
    if (!('extends' in type) || !('properties' in type) || !type.properties) return type;
    const colliding = new Set<string>(CAMUNDA_COLLIDING_PROPERTIES);
    const attributeOnly = type.properties.filter((p) => !colliding.has(p.name));
    return { ...type, properties: attributeOnly };
  }),
};

/** Actions an escalation rule (`<sop:escalation action="…">`) can take. */
export const ESCALATION_ACTIONS = ['remind', 'escalate', 'reassign', 'notify'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];
