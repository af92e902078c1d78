/**
 * Camunda 7 and Zeebe extension attributes and elements that change what
 * runs in Camunda but that sopflow does not read. Deploying such a diagram
 * must not pretend they work: each one found becomes a `bpmn.not-executed`
 * warning naming the element and the attribute (variant `ignored-attribute`).
 * Attributes with no effect on execution (history, tasklist, modeler
 * templates, colours) are left alone. Pure.
 */

import { attr, childElements, extensionElements, plainAttr, type Namespace, type Prefixes } from './extensions.js';

/** One ignored attribute or extension element, as a compile warning. */
export interface IgnoredAttribute {
  code: 'bpmn.not-executed';
  /** Qualified name, e.g. `camunda:asyncBefore`, `zeebe:taskHeaders`, `zeebe:calledElement propagateAllParentVariables`. */
  attribute: string;
  message: string;
  /** For translation: the element id, the attribute, and what sopflow does instead (`instead`, a key). */
  params: { variant: 'ignored-attribute'; element: string; attribute: string; instead: Instead };
}

/** What sopflow does instead, as a key a translation can name (the English text is in {@link INSTEAD}). */
export type Instead = 'one-commit' | 'retries' | 'due-order' | 'latest-version' | 'sla' | 'authorize' | 'no-headers' | 'all-variables' | 'bpmn-error' | 'no-business-key' | 'sop-fields';

const INSTEAD: Record<Instead, string> = {
  'one-commit': 'sopflow runs each step to the next wait state in one commit, with no asynchronous continuation; to run work in the background make it a service task (a job)',
  retries: 'a failed job is retried as sop:retries and sop:retryBackoff say (default 3 times, from 10 s, doubling)',
  'due-order': 'jobs and tasks have no priority: jobs are taken in due order',
  'latest-version': 'the call always starts the latest deployed version of the called process',
  sla: 'tasks have no due or follow-up date from this: use sop:sla (with sop:calendar)',
  authorize: 'anyone may start the process: restrict instance.start with the engine’s authorize hook',
  'no-headers': 'job handlers receive only variables: pass the values with sop:input or zeebe:input mappings',
  'all-variables': 'without mappings in that direction, sopflow passes every variable',
  'bpmn-error': 'a handler raises a BPMN error by throwing BpmnError',
  'no-business-key': 'the called instance gets no business key',
  'sop-fields': 'its fields are neither shown nor checked: declare them with sop:field (or embed a form-js schema with sop:form) and the engine checks every completion',
};

interface Rule {
  ns: Namespace;
  /** Attribute name, or extension element local name when `element` is true. */
  name: string;
  element?: boolean;
  /** Element types (`bpmn:` local names) it applies to; any when absent. */
  on?: string[];
  /** When the value (attribute) means something other than sopflow's behaviour; any value when absent. */
  when?: (value: string) => boolean;
  instead: Instead;
}

const TRUE = (v: string) => v.trim() === 'true';

const RULES: Rule[] = [
  { ns: 'camunda', name: 'asyncBefore', when: TRUE, instead: 'one-commit' },
  { ns: 'camunda', name: 'asyncAfter', when: TRUE, instead: 'one-commit' },
  { ns: 'camunda', name: 'async', when: TRUE, instead: 'one-commit' },
  { ns: 'camunda', name: 'failedJobRetryTimeCycle', element: true, instead: 'retries' },
  { ns: 'camunda', name: 'jobPriority', instead: 'due-order' },
  { ns: 'camunda', name: 'taskPriority', instead: 'due-order' },
  { ns: 'camunda', name: 'calledElementBinding', on: ['CallActivity'], when: (v) => v.trim() !== 'latest', instead: 'latest-version' },
  { ns: 'camunda', name: 'dueDate', on: ['UserTask'], instead: 'sla' },
  { ns: 'camunda', name: 'followUpDate', on: ['UserTask'], instead: 'sla' },
  { ns: 'camunda', name: 'priority', on: ['UserTask'], instead: 'due-order' },
  { ns: 'camunda', name: 'candidateStarterGroups', on: ['Process'], instead: 'authorize' },
  { ns: 'camunda', name: 'candidateStarterUsers', on: ['Process'], instead: 'authorize' },
  { ns: 'camunda', name: 'formData', element: true, on: ['UserTask', 'StartEvent'], instead: 'sop-fields' },
  { ns: 'camunda', name: 'field', element: true, instead: 'no-headers' },
  { ns: 'camunda', name: 'errorEventDefinition', element: true, instead: 'bpmn-error' },
  { ns: 'zeebe', name: 'taskSchedule', element: true, on: ['UserTask'], instead: 'sla' },
  { ns: 'zeebe', name: 'priorityDefinition', element: true, on: ['UserTask'], instead: 'due-order' },
  { ns: 'zeebe', name: 'taskHeaders', element: true, instead: 'no-headers' },
];

function localType(element: any): string {
  return String(element?.$type ?? '').replace(/^bpmn:/, '');
}

function found(element: any, attribute: string, instead: Instead): IgnoredAttribute {
  const id = String(element?.id ?? '');
  return {
    code: 'bpmn.not-executed',
    attribute,
    message: `${attribute} on '${id}' is not read by sopflow: ${INSTEAD[instead]}.`,
    params: { variant: 'ignored-attribute', element: id, attribute, instead },
  };
}

/** Whether the element has variable mappings in that direction (sop:, zeebe: or camunda:in/out). */
function hasMappings(element: any, direction: 'input' | 'output', prefixes: Prefixes): boolean {
  return (
    extensionElements(element, 'sop', direction, prefixes).length > 0 ||
    extensionElements(element, 'zeebe', 'ioMapping', prefixes).some((io) => childElements(io, direction, prefixes).length > 0) ||
    extensionElements(element, 'camunda', direction === 'input' ? 'in' : 'out', prefixes).length > 0
  );
}

/**
 * The behaviour-bearing Camunda 7 / Zeebe attributes and extension elements
 * of one element (process, flow node or sequence flow) that sopflow ignores,
 * in a stable order. Pure.
 */
export function ignoredAttributes(element: any, prefixes: Prefixes): IgnoredAttribute[] {
  const type = localType(element);
  const out: IgnoredAttribute[] = [];
  for (const rule of RULES) {
    if (rule.on && !rule.on.includes(type)) continue;
    if (rule.element) {
      if (extensionElements(element, rule.ns, rule.name, prefixes).length > 0) out.push(found(element, `${rule.ns}:${rule.name}`, rule.instead));
      continue;
    }
    const value = attr(element, rule.ns, rule.name, prefixes);
    if (value !== undefined && (!rule.when || rule.when(value))) out.push(found(element, `${rule.ns}:${rule.name}`, rule.instead));
  }
  if (type === 'CallActivity') {
    if (extensionElements(element, 'camunda', 'in', prefixes).some((m) => plainAttr(m, 'businessKey') !== undefined)) {
      out.push(found(element, 'camunda:in businessKey', 'no-business-key'));
    }
    const called = extensionElements(element, 'zeebe', 'calledElement', prefixes)[0];
    if (called) {
      const binding = plainAttr(called, 'bindingType');
      if (binding !== undefined && binding.trim() !== 'latest') out.push(found(element, 'zeebe:calledElement bindingType', 'latest-version'));
      if (plainAttr(called, 'propagateAllParentVariables')?.trim() === 'false' && !hasMappings(element, 'input', prefixes)) {
        out.push(found(element, 'zeebe:calledElement propagateAllParentVariables', 'all-variables'));
      }
      if (plainAttr(called, 'propagateAllChildVariables')?.trim() === 'false' && !hasMappings(element, 'output', prefixes)) {
        out.push(found(element, 'zeebe:calledElement propagateAllChildVariables', 'all-variables'));
      }
    }
  }
  return out;
}
