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
import type Calendars from '../calendars/Calendars.js';
import { sopAttr, type DiagramElement, type ModdleElement } from './model.js';
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
    h('div', { class: 'bio-properties-panel-label' }, current.startsWith('=') ? 'Or a fixed duration (replaces the expression)' : 'Pick a duration'),
    h('div', { class: 'sop-picker-row' }, [
      field('days', 'd'),
      field('hours', 'h'),
      field('minutes', 'min'),
      h('button', { type: 'button', class: 'sop-picker-apply', onClick: apply, title: 'Set the SLA to this duration' }, 'Set'),
    ]),
  ]);
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
      { value: '', label: kind === 'process' ? '(none: wall-clock time)' : "(the process's calendar, else wall-clock time)" },
      ...names.map((name) => ({ value: name, label: name })),
    ];
    if (value && !value.startsWith('=') && !names.includes(value)) options.push({ value, label: `${value} (not in the calendars file)` });
    options.push({ value: FEEL_OPTION, label: 'FEEL expression…' });
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
  const description = calendars.error() ?? (file ? `From ${file}.` : 'No calendars file found next to the diagram (calendars.json, .yaml or .yml).');
  return h(SelectEntry, { id, element, label: 'Calendar', description, getValue, setValue, getOptions });
}

/** The calendar expression, shown when the calendar is FEEL. */
export function CalendarExpressionEntry(props: EntryProps) {
  if (!sopAttr(props.target, 'calendar').startsWith('=')) return null;
  return h(SopTextEntry, {
    ...props,
    name: 'calendar',
    label: 'Calendar expression',
    description: 'FEEL giving a calendar name, or null for wall-clock time.',
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
  return h(RuleTextEntry, { ...props, name: 'escalationCode', label: 'Escalation code', description: 'With escalate: the code the boundary event catches.', validate });
}

/** The target of a `reassign` or `notify` rule: required for those actions. */
export function RuleTargetEntry(props: RuleEntryProps) {
  const action = props.rule.get('action');
  const validate = useCallback((value: string | undefined) => requiredForAction(action, 'target', value) ?? validateTarget(value), [action]);
  return h(RuleTextEntry, { ...props, name: 'target', label: 'Target', description: 'group:<id> or user:<id>, comma separated, or FEEL.', validate });
}

/** The action of a rule. */
export function RuleActionEntry(props: RuleEntryProps) {
  const { id, element, rule } = props;
  const modeling = useService<Modeling>('modeling');
  return h(SelectEntry, {
    id,
    element,
    label: 'Action',
    getValue: () => rule.get('action') ?? '',
    setValue: (value: string) => modeling.updateModdleProperties(element, rule, { action: value }),
    getOptions: () => ESCALATION_ACTIONS.map((a) => ({ value: a, label: a })),
  });
}

/** When a rule fires. */
export function RuleAtEntry(props: RuleEntryProps) {
  return h(RuleTextEntry, { ...props, name: 'at', label: 'At', description: 'A share of the SLA (75%) or a duration from the start (PT4H).', validate: validateAt });
}

/** How often a rule repeats. */
export function RuleEveryEntry(props: RuleEntryProps) {
  return h(RuleTextEntry, { ...props, name: 'every', label: 'Every', description: 'Repeat this often while the step is open (PT4H).', validate: validateDuration });
}

/** How many times a rule fires at most. */
export function RuleTimesEntry(props: RuleEntryProps) {
  return h(RuleTextEntry, { ...props, name: 'times', label: 'Times', description: 'At most this many firings.', validate: validateTimes, integer: true });
}

/** The text a reminder or notification carries. */
export function RuleMessageEntry(props: RuleEntryProps) {
  return h(RuleTextEntry, { ...props, name: 'message', label: 'Message' });
}

/** Buttons moving a rule up or down the list. */
export function RuleOrderEntry(props: RuleEntryProps & { index: number; count: number; move: (from: number, to: number) => void }) {
  const { id, index, count, move } = props;
  return h('div', { class: 'bio-properties-panel-entry sop-rule-order', 'data-entry-id': id }, [
    h('button', { type: 'button', class: 'sop-move-up', disabled: index === 0, onClick: () => move(index, index - 1), title: 'Move this rule up' }, '↑ Up'),
    h('button', { type: 'button', class: 'sop-move-down', disabled: index === count - 1, onClick: () => move(index, index + 1), title: 'Move this rule down' }, '↓ Down'),
  ]);
}
