/**
 * Where a diagram holds expressions, element by element, read as `compile`
 * reads them: conditions, assignments, mappings (sop:, Zeebe, Camunda 7),
 * script and business-rule expressions, multi-instance and loop settings,
 * timers, form field conditions, called elements, correlation keys and
 * `sop:department`. The SLA attributes (`sop:sla`, `sop:calendar`,
 * `<sop:escalation target>`) are left to the `sla-valid` rule. Pure.
 */
import { attr, childElements, extensionElements, plainAttr, textOf } from './extensions.js';
import { is, prefixesOf } from './tree.js';
import type { ModdleElement } from '../types.js';

/** One expression (or value that may be one) in the diagram. */
export interface ExpressionSite {
  /** The element the finding is reported on. */
  id: string;
  /** The attribute (or child element) holding it, e.g. `conditionExpression`, `sop:input[total]`. */
  attribute: string;
  /** The text as written. */
  raw: string | undefined;
  /**
   * `expression`: always an expression; `value`: a literal unless it starts
   * with `=` or is JUEL `${…}`; `template`: literal text, refused when it
   * has a JUEL `${…}` inside.
   */
  kind: 'expression' | 'value' | 'template';
}

const FEEL_LANGUAGE = /^(feel|http:\/\/www\.omg\.org\/spec\/FEEL\/.*)$/i;
const THROW_EVENTS = ['bpmn:IntermediateThrowEvent', 'bpmn:EndEvent'];
const CATCH_EVENTS = ['bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent', 'bpmn:StartEvent'];

/** The expression sites of one element (not of its children). Pure. */
export function expressionSites(node: ModdleElement): ExpressionSite[] {
  const id: string | undefined = node?.id;
  if (!id) return [];
  const sites: ExpressionSite[] = [];
  const add = (attribute: string, raw: string | undefined, kind: ExpressionSite['kind']) => {
    if (raw !== undefined) sites.push({ id, attribute, raw, kind });
  };
  if (is(node, 'bpmn:SequenceFlow')) conditionSite(node, add);
  else if (is(node, 'bpmn:Message')) correlationSite(node, add);
  else if (is(node, 'bpmn:Process')) add('sop:department', attr(node, 'sop', 'department', prefixesOf(node)), 'value');
  else if (is(node, 'bpmn:Event')) eventSites(node, add);
  else if (is(node, 'bpmn:Activity')) activitySites(node, add);
  return sites;
}

type Add = (attribute: string, raw: string | undefined, kind: ExpressionSite['kind']) => void;

function conditionSite(flow: ModdleElement, add: Add): void {
  const condition = flow.conditionExpression;
  if (!condition) return;
  // Another language is refused by compile (and reported by the `executable` rule), not parsed as FEEL.
  if (condition.language && !FEEL_LANGUAGE.test(condition.language)) return;
  add('conditionExpression', textOf(condition), 'expression');
}

function correlationSite(message: ModdleElement, add: Add): void {
  const prefixes = prefixesOf(message);
  const subscription = extensionElements(message, 'zeebe', 'subscription', prefixes)[0];
  const key = attr(message, 'sop', 'correlationKey', prefixes) ?? plainAttr(subscription, 'correlationKey');
  if (key !== undefined) add('correlationKey', key.startsWith('=') ? key : `=${key}`, 'expression');
}

function eventSites(event: ModdleElement, add: Add): void {
  const definitions: ModdleElement[] = event.eventDefinitions ?? [];
  if (definitions.length > 1) return;
  const timer = definitions.find((d) => is(d, 'bpmn:TimerEventDefinition'));
  if (timer) {
    const kinds = (['timeDuration', 'timeDate', 'timeCycle'] as const).filter((k) => timer[k]);
    if (kinds.length === 1) add(kinds[0], textOf(timer[kinds[0]])?.trim(), 'value');
  }
  if (THROW_EVENTS.some((t) => is(event, t))) mappingSites(event, 'input', add);
  if (CATCH_EVENTS.some((t) => is(event, t))) mappingSites(event, 'output', add);
}

function activitySites(activity: ModdleElement, add: Add): void {
  const prefixes = prefixesOf(activity);
  if (is(activity, 'bpmn:UserTask')) {
    const zeebe = extensionElements(activity, 'zeebe', 'assignmentDefinition', prefixes)[0];
    for (const name of ['assignee', 'candidateUsers', 'candidateGroups']) {
      const sop = attr(activity, 'sop', name, prefixes);
      const camunda = attr(activity, 'camunda', name, prefixes);
      // compile uses the first one present, in this order.
      if (sop !== undefined) add(`sop:${name}`, sop, 'value');
      else if (camunda !== undefined) add(`camunda:${name}`, camunda, 'value');
      else add(`zeebe:assignmentDefinition.${name}`, plainAttr(zeebe, name), 'value');
    }
    for (const field of extensionElements(activity, 'sop', 'field', prefixes)) {
      const name = plainAttr(field, 'name');
      if (name) add(`sop:field[${name}].requiredWhen`, plainAttr(field, 'requiredWhen'), 'expression');
    }
  }
  if (is(activity, 'bpmn:ScriptTask') || is(activity, 'bpmn:BusinessRuleTask')) scriptSite(activity, add);
  if (is(activity, 'bpmn:CallActivity')) {
    const zeebe = extensionElements(activity, 'zeebe', 'calledElement', prefixes)[0];
    add('calledElement', activity.calledElement ?? plainAttr(zeebe, 'processId'), 'value');
  }
  add('sop:department', attr(activity, 'sop', 'department', prefixes), 'value');
  mappingSites(activity, 'input', add);
  mappingSites(activity, 'output', add);
  loopSites(activity, add);
}

function scriptSite(task: ModdleElement, add: Add): void {
  const prefixes = prefixesOf(task);
  const sop = attr(task, 'sop', 'expression', prefixes);
  const zeebe = plainAttr(extensionElements(task, 'zeebe', 'script', prefixes)[0], 'expression');
  let attribute = sop !== undefined ? 'sop:expression' : 'zeebe:script.expression';
  let expression = sop ?? zeebe;
  if (expression === undefined && is(task, 'bpmn:ScriptTask') && String(task.scriptFormat ?? '').toLowerCase() === 'feel') {
    expression = task.script;
    attribute = 'script';
  }
  if (expression !== undefined) add(attribute, expression.trim().startsWith('=') ? expression : `=${expression}`, 'expression');
}

function mappingSites(element: ModdleElement, direction: 'input' | 'output', add: Add): void {
  const prefixes = prefixesOf(element);
  const mapping = (source: string | undefined, target: string | undefined, where: string) => {
    if (!target) return; // no target: compile refuses the mapping itself (rule `executable`)
    const src = source === undefined || source.trim() === '' ? target : source;
    add(`${where}[${target}]`, /^\s*[=$#]/.test(src) ? src : `=${src}`, 'expression');
  };
  for (const m of extensionElements(element, 'sop', direction, prefixes)) mapping(plainAttr(m, 'source'), plainAttr(m, 'target'), `sop:${direction}`);
  for (const io of extensionElements(element, 'zeebe', 'ioMapping', prefixes)) {
    for (const m of childElements(io, direction, prefixes)) {
      const source = plainAttr(m, 'source');
      // Zeebe: a source without `=` is a static string (input) or refused (output, rule `executable`).
      if (source === undefined || source.trim() === '' || /^\s*=/.test(source)) mapping(source, plainAttr(m, 'target'), `zeebe:${direction}`);
    }
  }
  if (is(element, 'bpmn:CallActivity')) {
    const local = direction === 'input' ? 'in' : 'out';
    for (const m of extensionElements(element, 'camunda', local, prefixes)) {
      if (plainAttr(m, 'variables') === 'all' || plainAttr(m, 'businessKey') !== undefined) continue;
      mapping(plainAttr(m, 'sourceExpression') ?? plainAttr(m, 'source'), plainAttr(m, 'target'), `camunda:${local}`);
    }
  }
  const camundaIo = extensionElements(element, 'camunda', 'inputOutput', prefixes)[0];
  if (!camundaIo) return;
  const local = direction === 'input' ? 'inputParameter' : 'outputParameter';
  for (const param of childElements(camundaIo, local, prefixes)) {
    const name = plainAttr(param, 'name');
    const body = textOf(param)?.trim();
    if ((param.definition ?? param.$children?.[0]) !== undefined || !body) continue;
    // A body that is not one whole `${…}` is a literal string, or a JUEL template (a value check refuses it).
    if (/^[$#]\{/.test(body)) mapping(body, name, `camunda:${local}`);
    else if (name) add(`camunda:${local}[${name}]`, body, 'template');
  }
}

function loopSites(activity: ModdleElement, add: Add): void {
  const lc = activity.loopCharacteristics;
  if (!lc) return;
  const prefixes = prefixesOf(activity);
  if (is(lc, 'bpmn:StandardLoopCharacteristics')) {
    add('loopCondition', textOf(lc.loopCondition) ?? attr(lc, 'camunda', 'loopCondition', prefixes), 'expression');
    return;
  }
  const zeebe = extensionElements(lc, 'zeebe', 'loopCharacteristics', prefixes)[0];
  add('loopCardinality', textOf(lc.loopCardinality), 'expression');
  const collection = attr(lc, 'sop', 'collection', prefixes) ?? plainAttr(zeebe, 'inputCollection') ?? attr(lc, 'camunda', 'collection', prefixes);
  if (collection !== undefined) add('collection', /^\s*[=$#]/.test(collection) ? collection : `=${collection}`, 'expression');
  const outputElement = attr(lc, 'sop', 'outputElement', prefixes) ?? plainAttr(zeebe, 'outputElement');
  if (outputElement !== undefined) add('outputElement', /^\s*=/.test(outputElement) ? outputElement : `=${outputElement}`, 'expression');
  add('completionCondition', textOf(lc.completionCondition), 'expression');
}
