/**
 * A user task's form as the SOP tab edits it: the `<sop:form>` (a form-js
 * schema) or the `<sop:field>`s it would replace, the schema the form
 * editor starts from, and the extension elements after saving one. Pure:
 * reads moddle elements, changes nothing.
 */
import { fieldsOfFormSchema, formSchemaOfFields, type FieldDef, type FormSchema } from '@sopflow/engine';
import type { ModdleElement } from '../sop-properties/model.js';

/** Moddle types of a form-js schema in the task and of a declared field. */
export const FORM_TYPE = 'sop:Form';
export const FIELD_TYPE = 'sop:Field';

/** What the task declares. */
export type TaskForm =
  | { kind: 'none' }
  /** A Camunda 8 form (`zeebe:formDefinition`), edited in Camunda Modeler. */
  | { kind: 'zeebe' }
  | { kind: 'sop:field'; fields: FieldDef[] }
  | { kind: 'sop:form'; text: string; schema?: FormSchema; error?: string };

/** The extension values of an element (none: an empty list). */
export function extensionValues(target: ModdleElement): ModdleElement[] {
  return target.extensionElements?.get('values') ?? [];
}

const TYPES = new Set<FieldDef['type']>(['string', 'text', 'number', 'boolean', 'date', 'enum', 'list']);

/** A `<sop:field>` as the form editor starts from it (the engine checks the declaration on deploy). */
export function fieldOfElement(element: ModdleElement): FieldDef | undefined {
  const name: string | undefined = element.get('name');
  const type = (element.get('type') ?? 'string') as FieldDef['type'];
  if (!name || !TYPES.has(type)) return undefined;
  const field: FieldDef = { name, type };
  const label: string | undefined = element.get('label');
  if (label) field.label = label;
  if (element.get('required') === true) field.required = true;
  const pattern: string | undefined = element.get('pattern');
  if (pattern) field.pattern = pattern;
  const minLength = element.get('minLength');
  if (typeof minLength === 'number' && Number.isFinite(minLength)) field.minLength = minLength;
  const values: string | undefined = element.get('values');
  if (values) field.values = values.split(',').map((v) => v.trim()).filter(Boolean);
  const requiredWhen: string | undefined = element.get('requiredWhen');
  if (requiredWhen) field.requiredWhen = { feel: requiredWhen.replace(/^\s*=/, '') };
  return field;
}

/** The form a task declares: its `<sop:form>` (parsed when it reads), else its `<sop:field>`s. */
export function taskForm(target: ModdleElement): TaskForm {
  const values = extensionValues(target);
  const form = values.find((v) => v.$type === FORM_TYPE);
  if (form) {
    const text = String(form.get('body') ?? '');
    try {
      const schema = JSON.parse(text) as FormSchema;
      return { kind: 'sop:form', text, schema };
    } catch (error) {
      return { kind: 'sop:form', text, error: (error as Error).message };
    }
  }
  if (values.some((v) => /^zeebe:formDefinition$/i.test(v.$type))) return { kind: 'zeebe' };
  const fields = values.filter((v) => v.$type === FIELD_TYPE).flatMap((f) => fieldOfElement(f) ?? []);
  return fields.length ? { kind: 'sop:field', fields } : { kind: 'none' };
}

/** An empty form-js schema for a task without a form. */
export function emptySchema(id: string): FormSchema {
  return { type: 'default', id: `Form_${id.replace(/[^\w-]/g, '_')}`, schemaVersion: 16, components: [] };
}

/**
 * The schema the form editor opens: the task's own, else the one of its
 * `<sop:field>`s (with the task's id), else an empty one. Undefined when
 * the `<sop:form>` is not JSON (it must be fixed as text first) or the
 * task links a Camunda 8 form.
 */
export function schemaToEdit(form: TaskForm, taskId: string): FormSchema | undefined {
  if (form.kind === 'sop:form') return form.schema && !form.schema.type ? { ...form.schema, type: 'default' } : form.schema;
  if (form.kind === 'zeebe') return undefined;
  if (form.kind === 'sop:field') {
    const { generatedFrom: _generated, ...schema } = formSchemaOfFields(form.fields, emptySchema(taskId).id);
    return schema as FormSchema;
  }
  return emptySchema(taskId);
}

/** The schema as stored in `<sop:form>`: JSON, two-space indented. */
export function formText(schema: FormSchema): string {
  return JSON.stringify(schema, null, 2);
}

/** A short description of the form for the SOP tab: how many fields it has, and where it comes from. */
export function formSummary(form: TaskForm): { fields: number; source: TaskForm['kind']; error?: string } {
  if (form.kind === 'none' || form.kind === 'zeebe') return { fields: 0, source: form.kind };
  if (form.kind === 'sop:field') return { fields: form.fields.length, source: 'sop:field' };
  if (form.error) return { fields: 0, source: 'sop:form', error: form.error };
  return { fields: fieldsOfFormSchema(form.schema).fields.length, source: 'sop:form' };
}

/**
 * The extension values once a form is saved: the task's `<sop:field>`s
 * and old `<sop:form>` dropped (a task has one form), the new form last,
 * everything else where it was.
 */
export function valuesWithForm(values: readonly ModdleElement[], form: ModdleElement | undefined): ModdleElement[] {
  const kept = values.filter((v) => v.$type !== FORM_TYPE && v.$type !== FIELD_TYPE);
  return form ? [...kept, form] : kept;
}
