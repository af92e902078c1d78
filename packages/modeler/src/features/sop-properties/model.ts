/**
 * Where the `sop:` attributes of a selected diagram element live, and how
 * to read them. Pure: reads moddle elements, changes nothing.
 */

import { t, tr } from '../../i18n/language.js';

/** A bpmn-js moddle element (business object). */
export interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  id?: string;
  get(name: string): any;
  set(name: string, value: unknown): void;
  [key: string]: any;
}

/** A diagram element as the properties panel gets it. */
export interface DiagramElement {
  id: string;
  type: string;
  businessObject: ModdleElement;
}

/** What the SOP tab edits for an element. */
export type SopKind = 'process' | 'userTask' | 'activity';

/** Moddle type of an escalation rule (`<sop:escalation>`). */
export const ESCALATION_TYPE = 'sop:Escalation';

function isA(bo: ModdleElement | undefined, type: string): boolean {
  return !!bo && typeof (bo as { $instanceOf?: (t: string) => boolean }).$instanceOf === 'function' && bo.$instanceOf(type);
}

/**
 * The business object that carries the SOP attributes of a selected
 * element: the activity itself, the process (selected as the canvas root),
 * or a participant's process; undefined for anything else (events,
 * gateways, flows).
 */
export function sopTarget(element: DiagramElement): { target: ModdleElement; kind: SopKind } | undefined {
  const bo = element.businessObject;
  if (isA(bo, 'bpmn:Participant')) return bo.processRef ? { target: bo.processRef, kind: 'process' } : undefined;
  if (isA(bo, 'bpmn:Process')) return { target: bo, kind: 'process' };
  if (isA(bo, 'bpmn:UserTask')) return { target: bo, kind: 'userTask' };
  if (isA(bo, 'bpmn:Activity')) return { target: bo, kind: 'activity' };
  return undefined;
}

/** A `sop:` attribute as text ('' when absent). */
export function sopAttr(target: ModdleElement, name: string): string {
  const value = target.get(`sop:${name}`);
  return value === undefined || value === null ? '' : String(value);
}

/**
 * The calendar an SLA of `target` counts in: its own `sop:calendar`, else
 * (for a step) the one of its process; undefined for wall-clock time or
 * when it is a FEEL expression (known only per case). Pure.
 */
export function slaCalendar(target: ModdleElement): string | undefined {
  for (let element: ModdleElement | undefined = target; element; element = element.$parent) {
    const calendar = sopAttr(element, 'calendar').trim();
    if (calendar) return calendar.startsWith('=') ? undefined : calendar;
    if (element.$type === 'bpmn:Process') return undefined;
  }
  return undefined;
}

/** The escalation rules of an element, in document order. */
export function escalationRules(target: ModdleElement): ModdleElement[] {
  const values: ModdleElement[] = target.extensionElements?.get('values') ?? [];
  return values.filter((v) => v.$type === ESCALATION_TYPE);
}

/**
 * The extension values with escalation rule `from` moved to the place of
 * rule `to` (indexes among the rules), other extension elements staying
 * where they are. Pure.
 */
export function reorderRules(values: readonly ModdleElement[], from: number, to: number): ModdleElement[] {
  const positions = values.map((v, i) => (v.$type === ESCALATION_TYPE ? i : -1)).filter((i) => i >= 0);
  if (from === to || from < 0 || to < 0 || from >= positions.length || to >= positions.length) return [...values];
  const rules = positions.map((i) => values[i]);
  const [moved] = rules.splice(from, 1);
  rules.splice(to, 0, moved);
  const out = [...values];
  positions.forEach((position, k) => (out[position] = rules[k]));
  return out;
}

/** A short label of a rule for its list entry, in the page's language: `at 75% → remind`. Pure. */
export function ruleLabel(rule: ModdleElement): string {
  const action: string | undefined = rule.get('action');
  const every: string | undefined = rule.get('every');
  const code: string | undefined = rule.get('escalationCode');
  return t('sop.rule.title', {
    at: rule.get('at') || '?',
    every: every ? t('sop.rule.title.every', { every }) : '',
    action: action ? (tr.template(`sop.rule.action.${action}`) === undefined ? action : t(`sop.rule.action.${action}`)) : '?',
    code: code ? ` ${code}` : '',
  });
}
