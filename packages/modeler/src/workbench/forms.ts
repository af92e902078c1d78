/**
 * Forms from `<sop:field>` declarations: an input per field (text, number,
 * yes/no, date, a choice, a list), plus a box for other variables (JSON or
 * `name = value` lines) — the whole form when nothing is declared. Values
 * are read into variables and checked (required, required-when, type) before
 * sending; the server checks again.
 */
import { compileFeel } from '@sopflow/engine';
import { h } from '../app/dom.js';
import { parseVariables } from '../features/simulation/variables.js';
import type { FormField } from './types.js';

/** A problem with what was typed, naming the field. */
export class FormError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FormError';
  }
}

/**
 * The variable a field's raw input gives: numbers as numbers, yes/no as
 * booleans, lists split at commas, empty input as undefined. Pure.
 * @throws FormError when a number does not read as one
 */
export function readFieldValue(field: FormField, raw: string): unknown {
  const text = raw.trim();
  if (text === '') return undefined;
  switch (field.type) {
    case 'number': {
      const value = Number(text);
      if (!Number.isFinite(value)) throw new FormError(field.name, `${field.label ?? field.name}: '${text}' is not a number.`);
      return value;
    }
    case 'boolean':
      return text === 'true';
    case 'list':
      return text.split(',').map((item) => item.trim()).filter(Boolean);
    case 'text':
      return raw;
    default:
      return text;
  }
}

/** Whether a FEEL condition holds for the variables; one that cannot be evaluated does not. */
function holds(condition: string | undefined, scope: Record<string, unknown>): boolean {
  if (!condition) return false;
  try {
    return compileFeel(condition).evaluate(scope) === true;
  } catch {
    return false;
  }
}

/**
 * Checks variables against the fields before they are sent: required and
 * required-when (FEEL, evaluated on the variables), hidden fields skipped,
 * length, range and allowed values. The engine checks again on the server
 * (patterns and formats included). Pure.
 * @throws FormError naming the first field in error
 */
export function checkFields(fields: readonly FormField[], variables: Record<string, unknown>, context: Record<string, unknown> = {}): void {
  const scope = { ...context, ...variables };
  for (const field of fields) {
    if (holds(field.hiddenWhen, scope)) continue;
    const value = variables[field.name];
    const name = field.label ?? field.name;
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
      const required = field.required === true || holds(field.requiredWhen, scope);
      if (required) throw new FormError(field.name, `${name} is required${field.required ? '' : ` when ${field.requiredWhen}`}.`);
      continue;
    }
    if (typeof value === 'string' && field.minLength !== undefined && value.trim().length < field.minLength) {
      throw new FormError(field.name, `${name}: at least ${field.minLength} characters.`);
    }
    if (typeof value === 'string' && field.maxLength !== undefined && value.trim().length > field.maxLength) {
      throw new FormError(field.name, `${name}: at most ${field.maxLength} characters.`);
    }
    if (typeof value === 'number' && field.min !== undefined && value < field.min) throw new FormError(field.name, `${name}: at least ${field.min}.`);
    if (typeof value === 'number' && field.max !== undefined && value > field.max) throw new FormError(field.name, `${name}: at most ${field.max}.`);
    if (field.type === 'enum' && field.values && !field.values.includes(String(value))) throw new FormError(field.name, `${name}: one of ${field.values.join(', ')}.`);
  }
}

type Input = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function inputFor(field: FormField, id: string): Input {
  const attrs = { id, name: field.name, 'data-field': field.name, ...(field.required ? { 'aria-required': 'true' } : {}) };
  switch (field.type) {
    case 'boolean':
      return h('select', { attrs }, h('option', { attrs: { value: '' } }, '—'), h('option', { attrs: { value: 'true' } }, 'yes'), h('option', { attrs: { value: 'false' } }, 'no'));
    case 'enum':
      return h('select', { attrs }, h('option', { attrs: { value: '' } }, '—'), ...(field.values ?? []).map((v) => h('option', { attrs: { value: v } }, v)));
    case 'text':
      return h('textarea', { attrs: { ...attrs, rows: '3' } });
    case 'number':
      return h('input', { attrs: { ...attrs, type: 'number', step: 'any' } });
    case 'date':
      return h('input', { attrs: { ...attrs, type: 'date' } });
    case 'time':
      return h('input', { attrs: { ...attrs, type: 'time' } });
    case 'datetime':
      return h('input', { attrs: { ...attrs, type: 'datetime-local' } });
    case 'list':
      return h('input', { attrs: { ...attrs, type: 'text', placeholder: 'a, b, c' } });
    default:
      return h('input', { attrs: { ...attrs, type: 'text', autocomplete: 'off' } });
  }
}

/** A rendered form: its element, and a reader of its variables. */
export class FieldsForm {
  readonly element: HTMLElement;
  private readonly inputs: Array<{ field: FormField; input: Input }>;
  private readonly extra: HTMLTextAreaElement;

  /**
   * @param prefix id prefix of the inputs (`<prefix>-field-<name>`, `<prefix>-extra`)
   * @param extraLabel the label of the other-variables box
   */
  constructor(
    readonly fields: readonly FormField[],
    prefix: string,
    extraLabel = fields.length ? 'Other variables (optional)' : 'Variables',
  ) {
    this.inputs = fields.map((field) => ({ field, input: inputFor(field, `${prefix}-field-${field.name}`) }));
    this.extra = h('textarea', { attrs: { id: `${prefix}-extra`, rows: fields.length ? '2' : '4', spellcheck: 'false', placeholder: 'name = value, one per line (or a JSON object)' } });
    this.element = h(
      'div',
      { class: 'fields-form' },
      ...this.inputs.map(({ field, input }) =>
        h(
          'label',
          { class: `form-row${field.required ? ' required' : ''}`, title: field.requiredWhen ? `Required when ${field.requiredWhen}` : undefined },
          h('span', {}, `${field.label ?? field.name}${field.required ? ' *' : ''}`),
          input,
        ),
      ),
      h('label', { class: 'form-row extra' }, h('span', {}, extraLabel), this.extra),
    );
  }

  /**
   * The variables of the form: the fields' values over the other variables.
   * @throws FormError naming the field (or `variables` for the box) when something does not read or is missing
   */
  values(context: Record<string, unknown> = {}): Record<string, unknown> {
    let variables: Record<string, unknown>;
    try {
      variables = parseVariables(this.extra.value);
    } catch (error) {
      throw new FormError('variables', (error as Error).message);
    }
    for (const { field, input } of this.inputs) {
      const value = readFieldValue(field, input.value);
      if (value !== undefined) variables[field.name] = value;
    }
    checkFields(this.fields, variables, context);
    return variables;
  }

  /** Empties every input. */
  clear(): void {
    for (const { input } of this.inputs) input.value = '';
    this.extra.value = '';
  }
}
