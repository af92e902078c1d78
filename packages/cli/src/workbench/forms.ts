/**
 * The forms of start events and user tasks, from their `<sop:field>`
 * declarations: which fields a view shows, and the server-side check of the
 * variables a form sends (required, required-when, type, allowed values,
 * length, pattern). The engine itself does not check forms, so the
 * workbench does before it starts a case or completes a task.
 */
import { compileFeel, type FieldDef } from '@sopflow/engine';
import { badField, type Json } from './input.js';

/** A field as the views get it: the definition's field, `requiredWhen` as FEEL text. */
export interface FormField {
  name: string;
  label?: string;
  type: FieldDef['type'];
  required?: boolean;
  /** FEEL condition (without `=`) under which the field is required. */
  requiredWhen?: string;
  pattern?: string;
  minLength?: number;
  values?: string[];
}

/** Fields for a view: plain JSON, FEEL as text. Pure. */
export function toFormFields(fields: readonly FieldDef[]): FormField[] {
  return fields.map(({ requiredWhen, ...rest }) => ({ ...rest, ...(requiredWhen ? { requiredWhen: requiredWhen.feel } : {}) }));
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function describe(field: FieldDef): string {
  return `variables.${field.name}`;
}

function label(field: FieldDef): string {
  return field.label ? ` (${field.label})` : '';
}

/** Whether `requiredWhen` holds for these variables; an expression that cannot be evaluated counts as false. */
function requiredNow(field: FieldDef, context: Json): boolean {
  if (field.required) return true;
  if (!field.requiredWhen) return false;
  try {
    return compileFeel(field.requiredWhen.feel).evaluate(context) === true;
  } catch {
    return false;
  }
}

function checkType(field: FieldDef, value: unknown): string | undefined {
  switch (field.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) && Number.isFinite(Date.parse(value)) ? undefined : 'expected a date such as 2026-12-31';
    case 'enum':
      return field.values?.includes(String(value)) ? undefined : `expected one of ${(field.values ?? []).join(', ')}`;
    case 'list':
      return Array.isArray(value) ? undefined : 'expected a list';
    default:
      // Text fields: a non-string JSON value is passed on as given, so a diagram that declares a list as text still runs.
      if (typeof value !== 'string') return undefined;
      if (field.minLength !== undefined && value.trim().length < field.minLength) return `expected at least ${field.minLength} characters`;
      if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`).test(value)) return `expected text matching ${field.pattern}`;
      return undefined;
  }
}

/**
 * Checks variables against a form's fields. `context` is what
 * `requiredWhen` conditions see besides the variables (the case's variables).
 * Pure apart from evaluating FEEL.
 * @throws HttpError 400 `invalid-field` naming the first field in error (`variables.<name>`)
 */
export function checkForm(fields: readonly FieldDef[], variables: Json, context: Json = {}): void {
  const scope = { ...context, ...variables };
  for (const field of fields) {
    const value = variables[field.name];
    if (isEmpty(value)) {
      if (requiredNow(field, scope)) {
        throw badField(describe(field), `${field.name}${label(field)} is required${field.required ? '' : ` when ${field.requiredWhen!.feel}`}.`);
      }
      continue;
    }
    const problem = checkType(field, value);
    if (problem) throw badField(describe(field), `${field.name}${label(field)}: ${problem}, got ${JSON.stringify(value)}.`);
  }
}
