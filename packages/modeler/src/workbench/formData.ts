/**
 * The pure side of the workbench's forms: what a submitted form-js form
 * sends (empty answers left out, comma-separated lists split, over the
 * other variables typed beside it), and where the engine's refusal of a
 * field belongs in the form (the component's id, for form-js to show the
 * message on the field). Pure.
 */
import { isCommaList, listOfText, type FieldProblem, type FormComponent, type FormSchema } from '@sopflow/engine';

/** Each keyed component's variable (a group's `path` prefixes its fields), with the component. */
export function keyedComponents(schema: FormSchema): Array<{ path: string; component: FormComponent }> {
  const found: Array<{ path: string; component: FormComponent }> = [];
  const visit = (components: readonly FormComponent[] | undefined, prefix: string) => {
    for (const component of components ?? []) {
      if (component.type === 'group' || component.type === 'dynamiclist') {
        if (component.type === 'group') visit(component.components, component.path ? `${prefix}${component.path}.` : prefix);
        if (component.type === 'dynamiclist' && component.path) found.push({ path: `${prefix}${component.path}`, component });
        continue;
      }
      if (component.key) found.push({ path: `${prefix}${component.key}`, component });
    }
  };
  visit(schema.components, '');
  return found;
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';

/**
 * The variables a form sends: form-js's submitted data without empty
 * answers (a hidden or untouched field says nothing), comma-separated
 * lists as lists, laid over the other variables typed beside the form.
 */
export function variablesOfForm(schema: FormSchema, data: Record<string, unknown>, other: Record<string, unknown> = {}): Record<string, unknown> {
  const variables: Record<string, unknown> = { ...other };
  const lists = new Set(keyedComponents(schema).filter(({ component }) => isCommaList(component)).map(({ path }) => path));
  const lay = (into: Record<string, unknown>, from: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(from)) {
      const path = `${prefix}${key}`;
      if (isEmpty(value)) continue;
      if (value && typeof value === 'object' && !Array.isArray(value) && !lists.has(path)) {
        const nested = (into[key] && typeof into[key] === 'object' && !Array.isArray(into[key]) ? into[key] : (into[key] = {})) as Record<string, unknown>;
        lay(nested, value as Record<string, unknown>, `${path}.`);
        continue;
      }
      into[key] = lists.has(path) && typeof value === 'string' ? listOfText(value) : value;
    }
  };
  lay(variables, data, '');
  return variables;
}

/** A schema as form-js opens it: the root is a `default` component (hand-written schemas often leave it out). Pure. */
export function renderable(schema: FormSchema): FormSchema {
  return schema.type ? schema : { ...schema, type: 'default' };
}

/**
 * The case's variables a form's conditions and bounds may read, without
 * those the form itself answers (its answers start empty, never from an
 * earlier round of the case). Given to form-js as data beside the fields:
 * form-js submits only its fields.
 */
export function contextOfForm(schema: FormSchema, variables: Record<string, unknown>): Record<string, unknown> {
  const own = new Set(keyedComponents(schema).map(({ path }) => path.split('.')[0]));
  return Object.fromEntries(Object.entries(variables).filter(([name]) => !own.has(name)));
}

/**
 * The engine's refusal laid on the form: form-js errors by component id,
 * and the problems of variables the form does not show (for a message
 * beside it).
 */
export function errorsOfProblems(schema: FormSchema, problems: readonly FieldProblem[]): { errors: Record<string, string[]>; elsewhere: FieldProblem[] } {
  const ids = new Map(keyedComponents(schema).flatMap(({ path, component }) => (component.id ? [[path, component.id] as const] : [])));
  const errors: Record<string, string[]> = {};
  const elsewhere: FieldProblem[] = [];
  for (const problem of problems) {
    const id = ids.get(problem.field);
    if (id) (errors[id] ??= []).push(problem.message);
    else elsewhere.push(problem);
  }
  return { errors, elsewhere };
}
