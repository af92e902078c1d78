/**
 * The server-side check of a submitted form: the same rules the workbench
 * shows, applied by the engine before a task completes or a case starts, so
 * an API client cannot skip them. Pure apart from the injected evaluator.
 */
import type { Expr, FieldDef } from '../compile/definition.js';
import { compilePattern } from '../feel/regex.js';

export type FieldProblemCode = 'required' | 'type' | 'values' | 'minLength' | 'maxLength' | 'min' | 'max' | 'pattern' | 'format' | 'condition';

/** What is wrong with one field; `params` carry the numbers and names a translated message needs. */
export interface FieldProblem {
  /** The variable (a dotted path for a form-js group with a `path`). */
  field: string;
  label?: string;
  code: FieldProblemCode;
  message: string;
  params?: Record<string, string | number>;
}

/** Evaluates a condition or a bound of the form against the task's variables and the submitted data. */
export type FormEvaluator = (expr: Expr) => unknown;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const TIME = /^\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$/;
// Deliberately plain: an address is name@domain.tld with no spaces; a phone number is international (+ or 00, 7-15 digits).
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^(\+|00)[1-9]\d{6,14}$/;

function valueAt(data: Record<string, unknown>, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(data, path)) return data[path];
  let current: unknown = data;
  for (const part of path.split('.')) {
    if (!current || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function isEmpty(field: FieldDef, value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) || (field.checked === true && value === false);
}

function describe(field: FieldDef): string {
  return field.label && field.label !== field.name ? `'${field.label}' (${field.name})` : `'${field.name}'`;
}

function isValidDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function typeProblem(field: FieldDef, value: unknown): string | undefined {
  switch (field.type) {
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return undefined;
      if (field.numberAsText && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return undefined;
      return 'a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'date':
      return typeof value === 'string' && (DATE.test(value) || DATE_TIME.test(value)) && isValidDate(value) ? undefined : 'a date such as 2026-12-31';
    case 'datetime':
      return typeof value === 'string' && DATE_TIME.test(value) && isValidDate(value) ? undefined : 'a date and time such as 2026-12-31T17:30+08:00';
    case 'time':
      return typeof value === 'string' && TIME.test(value) ? undefined : 'a time such as 17:30';
    case 'list':
      return Array.isArray(value) ? undefined : 'a list';
    default:
      return undefined;
  }
}

function numberOf(field: FieldDef, value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (field.numberAsText && typeof value === 'string') return Number(value);
  return undefined;
}

/**
 * Every problem of the submitted data, field by field in form order (all of
 * them, so a form can mark each field at once). A field that is hidden is
 * not checked; fields the form does not declare pass through unchecked.
 * Text fields given a non-string JSON value are passed on as given (a
 * diagram may declare a list as text).
 */
export function checkForm(fields: readonly FieldDef[], submitted: Record<string, unknown>, evaluate: FormEvaluator): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const holds = (expr: Expr, field: FieldDef, what: string): boolean => {
    try {
      return evaluate(expr) === true;
    } catch (error) {
      problems.push({ field: field.name, ...(field.label ? { label: field.label } : {}), code: 'condition', message: `${describe(field)}: its ${what} condition cannot be evaluated: ${error instanceof Error ? error.message : String(error)}`, params: { expression: expr.feel } });
      return false;
    }
  };
  const bound = (value: number | Expr | undefined): number | undefined => {
    if (value === undefined || typeof value === 'number') return value;
    try {
      const result = evaluate(value);
      return typeof result === 'number' && Number.isFinite(result) ? result : undefined;
    } catch {
      return undefined;
    }
  };

  for (const field of fields) {
    const problem = (code: FieldProblemCode, message: string, params?: FieldProblem['params']) =>
      problems.push({ field: field.name, ...(field.label ? { label: field.label } : {}), code, message: `${describe(field)} ${message}`, ...(params ? { params } : {}) });
    if (field.hiddenWhen && holds(field.hiddenWhen, field, 'hide')) continue;
    const value = valueAt(submitted, field.name);
    if (isEmpty(field, value)) {
      if (field.required) problem('required', field.checked ? 'must be ticked.' : 'is required.', field.checked ? { variant: 'checked' } : undefined);
      else if (field.requiredWhen && holds(field.requiredWhen, field, 'requiredWhen')) problem('required', `is required when ${field.requiredWhen.feel}.`, { variant: 'when', condition: field.requiredWhen.feel });
      continue;
    }
    const expected = typeProblem(field, value);
    if (expected) {
      problem('type', `expects ${expected}, got ${JSON.stringify(value)}.`, { expected, type: field.type });
      continue;
    }
    if (field.values && (field.type === 'enum' || field.type === 'list')) {
      const given = Array.isArray(value) ? value : [value];
      const unknown = given.filter((v) => !field.values!.includes(String(v)));
      if (unknown.length) problem('values', `expects ${field.type === 'list' ? 'items from' : 'one of'} ${field.values.join(', ')}, got ${unknown.map((v) => JSON.stringify(v)).join(', ')}.`, { values: field.values.join(', ') });
      continue;
    }
    const number = numberOf(field, value);
    if (field.type === 'number' && number !== undefined) {
      const min = bound(field.min);
      const max = bound(field.max);
      if (min !== undefined && number < min) problem('min', `must be at least ${min}, got ${number}.`, { min });
      if (max !== undefined && number > max) problem('max', `must be at most ${max}, got ${number}.`, { max });
      continue;
    }
    if (typeof value !== 'string') continue;
    const length = [...value.trim()].length;
    const minLength = bound(field.minLength);
    const maxLength = bound(field.maxLength);
    if (minLength !== undefined && length < minLength) problem('minLength', `needs at least ${minLength} characters, got ${length}.`, { minLength, length });
    if (maxLength !== undefined && length > maxLength) problem('maxLength', `takes at most ${maxLength} characters, got ${length}.`, { maxLength, length });
    if (field.pattern) {
      // Linear time (RE2): no pattern from a diagram can make a submission hang the engine.
      const matcher = compilePattern(field.pattern, '').matcher(value);
      if (!(field.patternSearch ? matcher.find() : matcher.matches())) problem('pattern', `must match ${field.pattern}.`, { pattern: field.pattern });
    }
    if (field.format === 'email' && !EMAIL.test(value)) problem('format', `must be an e-mail address such as name@example.com.`, { format: 'email' });
    if (field.format === 'phone' && !PHONE.test(value.replace(/[\s()-]/g, ''))) problem('format', `must be an international phone number such as +8613800138000.`, { format: 'phone' });
  }
  return problems;
}
