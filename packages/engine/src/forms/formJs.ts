/**
 * Task forms in the Camunda Forms (form-js) format, read for validation:
 * the components that carry data become field rules the engine checks
 * before a task completes, and `<sop:field>` declarations become a form-js
 * schema the workbench renders. Pure.
 */
import type { Expr, FieldDef } from '../compile/definition.js';

/** A form-js schema as stored in the diagram: `{ components: [...] }` plus whatever else form-js keeps. */
export interface FormSchema {
  type?: string;
  id?: string;
  components: FormComponent[];
  [key: string]: unknown;
}

/** A form-js component (only what sopflow reads is typed). */
export interface FormComponent {
  type: string;
  id?: string;
  key?: string;
  path?: string;
  label?: string;
  subtype?: string;
  values?: Array<{ label?: string; value: unknown }>;
  validate?: { required?: boolean; minLength?: number | string; maxLength?: number | string; min?: number | string; max?: number | string; pattern?: string; validationType?: string };
  conditional?: { hide?: string };
  disabled?: boolean;
  readonly?: boolean | string;
  serializeToString?: boolean;
  components?: FormComponent[];
  [key: string]: unknown;
}

/** A problem with the schema itself, found at deploy. */
export interface FormSchemaProblem {
  message: string;
  /** The component, as `components[2].validate.pattern`. */
  path: string;
}

const KEYED_TYPES: Readonly<Record<string, FieldDef['type']>> = {
  textfield: 'string',
  textarea: 'text',
  number: 'number',
  checkbox: 'boolean',
  radio: 'enum',
  select: 'enum',
  checklist: 'list',
  taglist: 'list',
  datetime: 'date',
  filepicker: 'list',
  dynamiclist: 'list',
};

/**
 * A form-js custom property marking a text field as a list typed as
 * comma-separated items: the value is a list (a renderer splits the text
 * before sending, see {@link listOfText}).
 */
export const LIST_PROPERTY = 'sopflow:list';
const LIST_COMMA = 'comma-separated';

/** Whether a component is a text field holding a comma-separated list. Pure. */
export function isCommaList(component: FormComponent): boolean {
  return component.type === 'textfield' && (component.properties as Record<string, unknown> | undefined)?.[LIST_PROPERTY] === LIST_COMMA;
}

/** The items of a comma-separated list as typed: trimmed, empty ones dropped. Pure. */
export function listOfText(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter(Boolean);
}

const isExpr = (value: unknown): value is string => typeof value === 'string' && value.trimStart().startsWith('=');

/**
 * The field rules of a form-js schema, in document order (groups flattened;
 * a group's `path` prefixes its fields' keys). Fields that are disabled or
 * read-only take no input, so they get no rule.
 */
export function fieldsOfFormSchema(schema: unknown): { fields: FieldDef[]; problems: FormSchemaProblem[] } {
  const fields: FieldDef[] = [];
  const problems: FormSchemaProblem[] = [];
  if (!schema || typeof schema !== 'object' || !Array.isArray((schema as FormSchema).components)) {
    return { fields, problems: [{ path: '', message: 'a form-js schema is an object with a "components" list' }] };
  }
  const visit = (components: unknown[], where: string, prefix: string, hiddenBy: string[]) => {
    components.forEach((raw, index) => {
      const at = `${where}[${index}]`;
      if (!raw || typeof raw !== 'object' || typeof (raw as FormComponent).type !== 'string') {
        problems.push({ path: at, message: 'a component is an object with a "type"' });
        return;
      }
      const component = raw as FormComponent;
      const hide = component.conditional?.hide;
      if (hide !== undefined && !isExpr(hide)) problems.push({ path: `${at}.conditional.hide`, message: `expected a FEEL expression starting with "=", got ${JSON.stringify(hide)}` });
      const hiddenHere = isExpr(hide) ? [...hiddenBy, hide.trimStart().slice(1)] : hiddenBy;
      if (component.type === 'group' && Array.isArray(component.components)) {
        visit(component.components, `${at}.components`, component.path ? `${prefix}${component.path}.` : prefix, hiddenHere);
        return;
      }
      const type = KEYED_TYPES[component.type];
      if (!type || !component.key || component.disabled === true || component.readonly === true) return;
      fields.push(fieldOf(component, `${prefix}${component.key}`, type, hiddenHere, at, problems));
    });
  };
  visit((schema as FormSchema).components, 'components', '', []);
  return { fields, problems };
}

function fieldOf(component: FormComponent, name: string, type: FieldDef['type'], hiddenBy: string[], at: string, problems: FormSchemaProblem[]): FieldDef {
  const field: FieldDef = { name, type };
  if (component.label) field.label = component.label;
  if (component.type === 'datetime') field.type = component.subtype === 'time' ? 'time' : component.subtype === 'datetime' ? 'datetime' : 'date';
  if (component.type === 'number' && component.serializeToString) field.numberAsText = true;
  if (isCommaList(component)) field.type = 'list';
  const validate = component.validate ?? {};
  if (validate.required === true) {
    field.required = true;
    if (component.type === 'checkbox') field.checked = true;
  }
  for (const bound of ['minLength', 'maxLength', 'min', 'max'] as const) {
    const value = validate[bound];
    if (value === undefined || value === null || value === '') continue;
    if (isExpr(value)) field[bound] = { feel: value.trimStart().slice(1) };
    else if (typeof value === 'number' && Number.isFinite(value)) field[bound] = value;
    else problems.push({ path: `${at}.validate.${bound}`, message: `expected a number or a FEEL expression, got ${JSON.stringify(value)}` });
  }
  if (typeof validate.pattern === 'string' && validate.pattern !== '') {
    field.pattern = validate.pattern;
    field.patternSearch = true; // form-js tests the pattern anywhere in the value
  }
  if (validate.validationType === 'email' || validate.validationType === 'phone') field.format = validate.validationType;
  if (Array.isArray(component.values) && component.values.length && type === 'enum' && component.values.every((v) => typeof v?.value === 'boolean')) field.type = 'boolean'; // yes/no as a radio
  else if (Array.isArray(component.values) && (type === 'enum' || type === 'list')) field.values = component.values.map((v) => String(v?.value));
  if (hiddenBy.length) field.hiddenWhen = { feel: hiddenBy.map((h) => `(${h})`).join(' or ') } satisfies Expr;
  return field;
}

/**
 * The form-js schema of `<sop:field>` declarations, for a renderer and as
 * the start of a form designed in form-js's editor. It says what the
 * engine checks, so form-js refuses in the browser what the engine would
 * refuse: required, lengths, ranges (numbers or FEEL), whole-value
 * patterns, formats and choices. A field required only under a condition
 * shows only then (form-js has no conditional `required`): the reason for a
 * rejection appears when one rejects; a field hidden by a condition is
 * hidden as well. A list without `values` is a text field of
 * comma-separated items (form-js has no free-text list): split it before
 * sending. Pure.
 */
export function formSchemaOfFields(fields: readonly FieldDef[], id = 'sopflow-generated'): FormSchema {
  return {
    type: 'default',
    id,
    schemaVersion: 16,
    generatedFrom: 'sop:field',
    components: fields.map((field) => componentOf(field)),
  };
}

/** A bound as form-js takes it: a number, or FEEL as `=…`. */
const boundOf = (value: number | Expr): number | string => (typeof value === 'number' ? value : `=${value.feel}`);

function componentOf(field: FieldDef): FormComponent {
  const label = field.label ?? field.name;
  const base: FormComponent = { type: 'textfield', key: field.name, id: `Field_${field.name.replace(/[^\w-]/g, '_')}`, label };
  const validate: NonNullable<FormComponent['validate']> & { patternErrorMessage?: string } = {};
  if (field.required || field.requiredWhen) validate.required = true;
  for (const bound of ['minLength', 'maxLength', 'min', 'max'] as const) {
    const value = field[bound];
    if (value !== undefined) validate[bound] = boundOf(value);
  }
  if (field.pattern) {
    validate.pattern = field.patternSearch ? field.pattern : `^(?:${field.pattern})$`;
    validate.patternErrorMessage = `Must match ${field.pattern}.`;
  }
  if (field.format) validate.validationType = field.format;
  // Shown while required (requiredWhen) and not hidden (hiddenWhen).
  const hide = [...(field.requiredWhen ? [`not(${field.requiredWhen.feel})`] : []), ...(field.hiddenWhen ? [`(${field.hiddenWhen.feel})`] : [])];
  const conditional = hide.length ? { conditional: { hide: `=${hide.join(' or ')}` } } : {};
  const choices = (field.values ?? []).map((v) => ({ label: v, value: v }));
  const rest = { validate, ...conditional };
  switch (field.type) {
    case 'text':
      return { ...base, type: 'textarea', ...rest };
    case 'number':
      return { ...base, type: 'number', ...rest };
    case 'boolean':
      // A required yes/no question: "no" is an answer, so not a checkbox (form-js requires a checkbox to be ticked).
      return { ...base, type: 'radio', values: [{ label: 'Yes', value: true }, { label: 'No', value: false }], ...rest };
    case 'date':
      return { ...base, type: 'datetime', subtype: 'date', dateLabel: label, ...rest };
    case 'time':
      return { ...base, type: 'datetime', subtype: 'time', timeLabel: label, timeSerializingFormat: 'no_timezone', timeInterval: 15, use24h: true, ...rest };
    case 'datetime':
      return { ...base, type: 'datetime', subtype: 'datetime', dateLabel: label, timeLabel: label, timeSerializingFormat: 'utc_offset', timeInterval: 15, use24h: true, ...rest };
    case 'enum':
      return { ...base, type: 'select', values: choices, ...rest };
    case 'list':
      if (field.values?.length) return { ...base, type: 'checklist', values: choices, ...rest };
      return { ...base, description: 'Comma-separated', properties: { [LIST_PROPERTY]: LIST_COMMA }, ...rest };
    default:
      return { ...base, ...rest };
  }
}
