/**
 * The forms of start events and user tasks as the views get them — the
 * form-js schema to render (the diagram's own, or the one of its
 * `<sop:field>`s) with the engine's field rules — and the engine's
 * refusal of a form as a 400 naming the fields. The rules and the check
 * are the engine's (`checkForm`, `formSchemaOfFields`); the workbench runs
 * the check itself only for a message start event's form, which the
 * engine compiles but does not check (messages come from other systems).
 */
import { checkForm, compileFeel, formSchemaOfFields, FormValidationError, type FieldDef, type FormDef, type FormSchema, type Variables } from '@sopflow/engine';
import { HttpError } from '../server/http.js';

/** A form as the views get it: where it comes from and the form-js schema to render. */
export interface FormView {
  source: FormDef['source'];
  schema: FormSchema;
}

/** The form-js schema a view renders for a node: its own, else the one of its fields; undefined without a form. Pure. */
export function formView(form: FormDef | undefined, fields: readonly FieldDef[]): FormView | undefined {
  if (form?.schema) return { source: form.source, schema: form.schema as FormSchema };
  if (fields.length) return { source: 'sop:field', schema: formSchemaOfFields(fields) };
  return undefined;
}

/** The engine's refusal of a form as a 400 naming the first field in error (`variables.<name>`), with every field in `fields`. Pure. */
export function formRefusal(error: FormValidationError): HttpError {
  const [first, ...more] = error.fields;
  const field = `variables.${first?.field ?? ''}`;
  const rest = more.length ? ` Also: ${more.map((f) => f.message).join(' ')}` : '';
  return new HttpError(400, 'invalid-field', `Field '${field}': ${first?.message ?? error.message}${rest}`, { field, fields: error.fields });
}

/**
 * Checks a message start's variables against its form's rules with the
 * engine's check (conditions see the variables).
 * @throws FormValidationError with every field in error
 */
export function checkStartForm(processId: string, node: string, fields: readonly FieldDef[], variables: Variables): void {
  const problems = checkForm(fields, variables, (expr) => compileFeel(expr.feel).evaluate(variables));
  if (problems.length) throw new FormValidationError(`Starting process '${processId}'`, problems, { processId, node });
}
