/**
 * The entries of the SOP tab, as properties-panel components. Every change
 * goes through `modeling` (undoable); a value that does not pass its check
 * is shown as an error on the field and not written.
 */
import { h } from '@bpmn-io/properties-panel/preact';
import { useCallback, useEffect, useState } from '@bpmn-io/properties-panel/preact/hooks';
import { SelectEntry, TextAreaEntry, TextFieldEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { ESCALATION_ACTIONS } from '@sopflow/moddle';
import { t, tr } from '../../i18n/language.js';
import type Calendars from '../calendars/Calendars.js';
import { slaCalendar, sopAttr, type DiagramElement, type ModdleElement } from './model.js';
import {
  durationParts,
  formatDurationParts,
  requiredForAction,
  validateAt,
  validateDuration,
  validateFeel,
  validateTarget,
  validateTimes,
} from './validation.js';

type Check = (value: string | undefined) => string | null;

interface Modeling {
  updateModdleProperties(element: DiagramElement, target: ModdleElement, properties: Record<string, unknown>): void;
}

/** Props every entry gets: the selected element and what it edits. */
export interface EntryProps {
  id: string;
  element: DiagramElement;
  target: ModdleElement;
}

function clean(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

/**
 * A text field for a `sop:` attribute of the target, checked as typed;
 * `multiline` for values that are often FEEL (a growing monospace box).
 */
export function SopTextEntry(props: EntryProps & { name: string; label: string; description?: string; validate?: Check; multiline?: boolean }) {
  const { id, element, target, name, label, description, validate, multiline } = props;
  const modeling = useService<Modeling>('modeling');
  const debounce = useService('debounceInput');
  return h(multiline ? TextAreaEntry : TextFieldEntry, {
    id,
    element,
    label,
    description,
    debounce,
    validate,
    ...(multiline ? { rows: 1, autoResize: true, monospace: true } : {}),
    getValue: () => sopAttr(target, name),
    setValue: (value: string | undefined, error?: string | null) => {
      if (error) return;
      modeling.updateModdleProperties(element, target, { [`sop:${name}`]: clean(value) });
    },
  });
}

/**
 * The duration picker under the SLA field: days, hours and minutes, applied
 * as an ISO duration (`P1DT2H`). Filled from a plain duration; empty when
 * the SLA is FEEL (applying replaces the expression).
 */
export function SlaPickerEntry(props: EntryProps) {
  const { id, element, target } = props;
  const modeling = useService<Modeling>('modeling');
  const current = sopAttr(target, 'sla');
  const initial = durationParts(current) ?? { days: 0, hours: 0, minutes: 0 };
  const [parts, setParts] = useState(initial);
  // The SLA changed elsewhere (typed, undone): show its parts.
  useEffect(() => setParts(durationParts(current) ?? { days: 0, hours: 0, minutes: 0 }), [current]);
  const field = (unit: 'days' | 'hours' | 'minutes', label: string) =>
    h('label', { class: 'sop-picker-part' }, [
      h('input', {
        type: 'number',
        min: 0,
        step: 1,
        class: 'bio-properties-panel-input',
        'data-unit': unit,
        value: parts[unit],
        onInput: (e: Event) => setParts({ ...parts, [unit]: Math.max(0, Math.floor(Number((e.target as HTMLInputElement).value) || 0)) }),
      }),
      h('span', null, label),
    ]);
  const apply = () => modeling.updateModdleProperties(element, target, { 'sop:sla': formatDurationParts(parts) });
  return h('div', { class: 'bio-properties-panel-entry sop-duration-picker', 'data-entry-id': id }, [
    h('div', { class: 'bio-properties-panel-label' }, t(current.startsWith('=') ? 'sop.sla.picker.replaces' : 'sop.sla.picker')),
    h('div', { class: 'sop-picker-row' }, [
      field('days', t('sop.sla.picker.days')),
      field('hours', t('sop.sla.picker.hours')),
      field('minutes', t('sop.sla.picker.minutes')),
      h('button', { type: 'button', class: 'sop-picker-apply', onClick: apply, title: t('sop.sla.picker.set.title') }, t('sop.sla.picker.set')),
    ]),
    slaInWords(target, current),
  ]);
}

/** The SLA in words, counted in working time when a calendar applies: `4 working hours (calendar office)` / `4 个工作小时（日历 office）`. */
function slaInWords(target: ModdleElement, sla: string) {
  if (!durationParts(sla) && !/^P(\d+W)$/.test(sla.trim())) return null;
  const calendar = slaCalendar(target);
  const duration = tr.duration(sla.trim(), { working: calendar !== undefined });
  return h('div', { class: 'bio-properties-panel-description sop-sla-words' }, calendar ? t('sop.sla.words.calendar', { duration, calendar }) : t('sop.sla.words', { duration }));
}

const FEEL_OPTION = '=';

/**
 * The calendar: a choice among the calendars of the calendars file, none
 * (wall clock, or the process's calendar), or a FEEL expression.
 */
export function CalendarEntry(props: EntryProps & { kind: string }) {
  const { id, element, target, kind } = props;
  const modeling = useService<Modeling>('modeling');
  const calendars = useService<Calendars>('calendars');
  const getValue = () => {
    const value = sopAttr(target, 'calendar');
    return value.startsWith('=') ? FEEL_OPTION : value;
  };
  const getOptions = () => {
    const names = calendars.names();
    const value = sopAttr(target, 'calendar');
    const options = [
      { value: '', label: t(kind === 'process' ? 'sop.calendar.none.process' : 'sop.calendar.none.step') },
      ...names.map((name) => ({ value: name, label: name })),
    ];
    if (value && !value.startsWith('=') && !names.includes(value)) options.push({ value, label: t('sop.calendar.unknown', { name: value }) });
    options.push({ value: FEEL_OPTION, label: t('sop.calendar.feel') });
    return options;
  };
  const setValue = (value: string) => {
    const current = sopAttr(target, 'calendar');
    if (value === FEEL_OPTION) {
      if (!current.startsWith('=')) modeling.updateModdleProperties(element, target, { 'sop:calendar': current ? `="${current}"` : '=null' });
      return;
    }
    modeling.updateModdleProperties(element, target, { 'sop:calendar': clean(value) });
  };
  const file = calendars.file().file;
  const description = calendars.error() ?? (file ? t('sop.calendar.from', { file }) : t('sop.calendar.no-file'));
  return h(SelectEntry, { id, element, label: t('sop.calendar'), description, getValue, setValue, getOptions });
}

/** The calendar expression, shown when the calendar is FEEL. */
export function CalendarExpressionEntry(props: EntryProps) {
  if (!sopAttr(props.target, 'calendar').startsWith('=')) return null;
  return h(SopTextEntry, {
    ...props,
    name: 'calendar',
    label: t('sop.calendar-expression'),
    description: t('sop.calendar-expression.description'),
    validate: validateFeel,
    multiline: true,
  });
}

/** Props of the entries of one escalation rule. */
export interface RuleEntryProps {
  id: string;
  element: DiagramElement;
  rule: ModdleElement;
}

/** A text attribute of an escalation rule. */
export function RuleTextEntry(props: RuleEntryProps & { name: string; label: string; description?: string; validate?: Check; integer?: boolean }) {
  const { id, element, rule, name, label, description, validate, integer } = props;
  const modeling = useService<Modeling>('modeling');
  const debounce = useService('debounceInput');
  return h(TextFieldEntry, {
    id,
    element,
    label,
    description,
    debounce,
    validate,
    getValue: () => {
      const value = rule.get(name);
      return value === undefined || value === null ? '' : String(value);
    },
    setValue: (value: string | undefined, error?: string | null) => {
      if (error) return;
      const text = clean(value);
      modeling.updateModdleProperties(element, rule, { [name]: integer && text !== undefined ? Number(text) : text });
    },
  });
}

/** The code of an `escalate` rule: required for that action. */
export function RuleCodeEntry(props: RuleEntryProps) {
  const action = props.rule.get('action');
  const validate = useCallback((value: string | undefined) => requiredForAction(action, 'escalationCode', value), [action]);
  return h(RuleTextEntry, { ...props, name: 'escalationCode', label: t('sop.rule.code'), description: t('sop.rule.code.description'), validate });
}

/** The target of a `reassign` or `notify` rule: required for those actions. */
export function RuleTargetEntry(props: RuleEntryProps) {
  const action = props.rule.get('action');
  const validate = useCallback((value: string | undefined) => requiredForAction(action, 'target', value) ?? validateTarget(value), [action]);
  return h(RuleTextEntry, { ...props, name: 'target', label: t('sop.rule.target'), description: t('sop.rule.target.description'), validate });
}

/** The action of a rule. */
export function RuleActionEntry(props: RuleEntryProps) {
  const { id, element, rule } = props;
  const modeling = useService<Modeling>('modeling');
  return h(SelectEntry, {
    id,
    element,
    label: t('sop.rule.action'),
    getValue: () => rule.get('action') ?? '',
    setValue: (value: string) => modeling.updateModdleProperties(element, rule, { action: value }),
    getOptions: () => ESCALATION_ACTIONS.map((a) => ({ value: a, label: t(`sop.rule.action.${a}`) })),
  });
}

/** When a rule fires. */
export function RuleAtEntry(props: RuleEntryProps) {
  return h(RuleTextEntry, { ...props, name: 'at', label: t('sop.rule.at'), description: t('sop.rule.at.description'), validate: validateAt });
}

/** How often a rule repeats. */
export function RuleEveryEntry(props: RuleEntryProps) {
  return h(RuleTextEntry, { ...props, name: 'every', label: t('sop.rule.every'), description: t('sop.rule.every.description'), validate: validateDuration });
}

/** How many times a rule fires at most. */
export function RuleTimesEntry(props: RuleEntryProps) {
  return h(RuleTextEntry, { ...props, name: 'times', label: t('sop.rule.times'), description: t('sop.rule.times.description'), validate: validateTimes, integer: true });
}

/** The text a reminder or notification carries. */
export function RuleMessageEntry(props: RuleEntryProps) {
  return h(RuleTextEntry, { ...props, name: 'message', label: t('sop.rule.message') });
}

/** Buttons moving a rule up or down the list. */
export function RuleOrderEntry(props: RuleEntryProps & { index: number; count: number; move: (from: number, to: number) => void }) {
  const { id, index, count, move } = props;
  return h('div', { class: 'bio-properties-panel-entry sop-rule-order', 'data-entry-id': id }, [
    h('button', { type: 'button', class: 'sop-move-up', disabled: index === 0, onClick: () => move(index, index - 1), title: t('sop.rule.up.title') }, t('sop.rule.up')),
    h('button', { type: 'button', class: 'sop-move-down', disabled: index === count - 1, onClick: () => move(index, index + 1), title: t('sop.rule.down.title') }, t('sop.rule.down')),
  ]);
}
