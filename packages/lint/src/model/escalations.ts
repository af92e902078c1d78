/**
 * Which escalation codes an element throws and whether anything catches
 * them, as the engine propagates escalations (see `checkSla` in the
 * engine): the thrower's own boundary events, then, scope by scope on the
 * way out, event sub-processes with an escalation start event and the
 * boundary events of the enclosing sub-process. Pure.
 */
import { is } from './tree.js';
import type { ModdleElement } from '../types.js';

/** The code of an escalation event definition: `escalationCode`, else the escalation's name. */
export function escalationCodeOf(definition: ModdleElement): string | undefined {
  const escalation = definition?.escalationRef;
  const code = escalation?.escalationCode ?? escalation?.name;
  return code === undefined || code === null || code === '' ? undefined : String(code);
}

/** The escalation event definition of an event that has exactly one, escalation, event definition. */
export function escalationDefinitionOf(event: ModdleElement): ModdleElement | undefined {
  const definitions: ModdleElement[] = event?.eventDefinitions ?? [];
  return definitions.length === 1 && is(definitions[0], 'bpmn:EscalationEventDefinition') ? definitions[0] : undefined;
}

/** Whether the catching event catches `code`: an escalation without a code catches every escalation. */
function catchesCode(event: ModdleElement, code: string): boolean {
  const definition = escalationDefinitionOf(event);
  if (!definition) return false;
  const caught = escalationCodeOf(definition);
  return caught === undefined || caught === code;
}

function boundaryCatches(host: ModdleElement, code: string): boolean {
  const siblings: ModdleElement[] = host?.$parent?.flowElements ?? [];
  return siblings.some((e) => is(e, 'bpmn:BoundaryEvent') && e.attachedToRef === host && catchesCode(e, code));
}

function eventSubProcessCatches(scope: ModdleElement, code: string): boolean {
  const elements: ModdleElement[] = scope?.flowElements ?? [];
  return elements.some(
    (sub) =>
      is(sub, 'bpmn:SubProcess') &&
      sub.triggeredByEvent === true &&
      (sub.flowElements ?? []).some((start: ModdleElement) => is(start, 'bpmn:StartEvent') && catchesCode(start, code)),
  );
}

/**
 * Whether an escalation with `code` thrown by `thrower` (an activity, a
 * throw/end event, or a process for its own SLA rules) is caught: by its
 * boundary events, or on the way out by event sub-processes of each
 * enclosing scope and boundary events of each enclosing sub-process.
 * Thrown out of the process, a calling process may still catch it; that is
 * not looked at. Pure.
 */
export function isEscalationCaught(thrower: ModdleElement, code: string): boolean {
  if (is(thrower, 'bpmn:Activity') && boundaryCatches(thrower, code)) return true;
  let scope = is(thrower, 'bpmn:Process') ? thrower : thrower?.$parent;
  while (scope && (is(scope, 'bpmn:SubProcess') || is(scope, 'bpmn:Process'))) {
    if (eventSubProcessCatches(scope, code)) return true;
    if (is(scope, 'bpmn:SubProcess') && boundaryCatches(scope, code)) return true;
    scope = scope.$parent;
  }
  return false;
}
