/**
 * The forms of start events and user tasks: which fields a view shows, a
 * refusal of the engine's form check as a 400 naming the field, and the
 * workbench's own check for the one form the engine does not check (a
 * message start event's `<sop:field>`s, read from the XML).
 */
import { compileFeel, type Expr, type FieldDef, type FormValidationError } from '@sopflow/engine';
import { HttpError } from '../server/http.js';
import { badField, type Json } from './input.js';

/** A field as the views get it: conditions as FEEL text, bounds given as FEEL left to the server. */
export interface FormField {
  name: string;
  label?: string;
  type: FieldDef['type'];
  required?: boolean;
  /** FEEL condition (without `=`) under which the field is required. */
  requiredWhen?: string;
  /** FEEL condition under which the field is hidden (and not required). */
  hiddenWhen?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  values?: string[];
}

const number = (value: number | Expr | undefined) => (typeof value === 'number' ? value : undefined);

/** Fields for a view: plain JSON, FEEL conditions as text. Pure. */
export function toFormFields(fields: readonly FieldDef[]): FormField[] {
  return fields.map((f) => {
    const bounds = { minLength: number(f.minLength), maxLength: number(f.maxLength), min: number(f.min), max: number(f.max) };
    return {
      name: f.name,
      type: f.type,
      ...(f.label ? { label: f.label } : {}),
      ...(f.required ? { required: true } : {}),
      ...(f.requiredWhen ? { requiredWhen: f.requiredWhen.feel } : {}),
      ...(f.hiddenWhen ? { hiddenWhen: f.hiddenWhen.feel } : {}),
      ...(f.pattern ? { pattern: f.pattern } : {}),
      ...Object.fromEntries(Object.entries(bounds).filter(([, v]) => v !== undefined)),
      ...(f.values ? { values: f.values } : {}),
    };
  });
}

/** The engine's refusal of a form as a 400 naming the first field in error (`variables.<name>`), with every field in `fields`. Pure. */
export function formRefusal(error: FormValidationError): HttpError {
  const [first, ...more] = error.fields;
  const field = `variables.${first?.field ?? ''}`;
  const rest = more.length ? ` Also: ${more.map((f) => f.message).join(' ')}` : '';
  return new HttpError(400, 'invalid-field', `Field '${field}': ${first?.message ?? error.message}${rest}`, { field, fields: error.fields });
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
      if (typeof field.minLength === 'number' && value.trim().length < field.minLength) return `expected at least ${field.minLength} characters`;
      if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`).test(value)) return `expected text matching ${field.pattern}`;
      return undefined;
  }
}

/**
 * Checks variables against `<sop:field>`s the engine does not check (a
 * message start event's). `context` is what `requiredWhen` conditions see
 * besides the variables. Pure apart from evaluating FEEL.
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
