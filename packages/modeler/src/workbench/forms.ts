/**
 * A start or task form in the workbench: the form-js form of the node
 * (its own schema, or the one generated from its `<sop:field>`s), which
 * checks in the page what the engine checks (required, lengths, ranges,
 * patterns, formats, choices, fields shown only when a condition holds),
 * plus a box for other variables (JSON or `name = value` lines) — the
 * whole form when the node declares none. The engine's refusal of a
 * submission is shown on the fields.
 */
import type { FieldProblem, FormSchema } from '@sopflow/engine';
import { h } from '../app/dom.js';
import { parseVariables } from '../features/simulation/variables.js';
import { contextOfForm, errorsOfProblems, renderable, variablesOfForm } from './formData.js';
import type { FormView } from './types.js';
import { t } from '../i18n/language.js';

type Form = import('@bpmn-io/form-js-viewer').Form;

/** form-js and its styles, loaded with the first form (the module needs a browser). */
const formJs = () => Promise.all([import('@bpmn-io/form-js-viewer'), import('@bpmn-io/form-js-viewer/dist/assets/form-js.css')]).then(([module]) => module);

/** Texts of the form, in one place, in the page's language. */
const TEXT = {
  get other() {
    return t('form.other');
  },
  get variables() {
    return t('form.variables');
  },
  get otherHint() {
    return t('form.other.hint');
  },
  notFilled: (n: number) => t('form.not-filled', { n }),
};

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

/** A rendered form: its element, a reader of its variables, and the engine's refusal shown on the fields. */
export class FieldsForm {
  readonly element: HTMLElement;
  /** Resolves once the form-js form is drawn. */
  readonly ready: Promise<void>;
  private form: Form | undefined;
  private readonly extra: HTMLTextAreaElement;

  /**
   * @param prefix id prefix (`<prefix>-formjs` holds the form, `<prefix>-extra` the other variables)
   * @param variables the case's variables, for the form's conditions and bounds (a task's form)
   */
  constructor(
    readonly view: FormView | undefined,
    prefix: string,
    variables?: Promise<Record<string, unknown>>,
  ) {
    const host = h('div', { class: 'formjs-host', attrs: { id: `${prefix}-formjs` } });
    this.extra = h('textarea', { attrs: { id: `${prefix}-extra`, rows: view ? '2' : '4', spellcheck: 'false', placeholder: TEXT.otherHint } });
    this.element = h('div', { class: 'fields-form' }, view ? host : null, h('label', { class: 'form-row extra' }, h('span', {}, view ? TEXT.other : TEXT.variables), this.extra));
    if (view) {
      this.ready = formJs().then(async ({ Form }) => {
        // No debounce: what was typed is in the form's data when Complete is pressed at once.
        const form = new Form({ container: host, debounce: false } as ConstructorParameters<typeof Form>[0]);
        // Without the case's variables (not readable) the form still works: the engine's check decides.
        const context = await (variables ?? Promise.resolve({})).catch(() => ({}));
        await form.importSchema(renderable(view.schema), contextOfForm(view.schema, context));
        this.form = form;
      });
    } else {
      this.ready = Promise.resolve();
    }
  }

  /** The schema as form-js holds it (every component with an id). */
  private schema(): FormSchema {
    return this.form!._getState().schema as FormSchema;
  }

  /**
   * The variables of the form: its answers over the other variables.
   * form-js checks the fields first and marks those in error.
   * @throws FormError when a field is in error (`form`) or the box does not read (`variables`)
   */
  async values(): Promise<Record<string, unknown>> {
    await this.ready;
    let other: Record<string, unknown>;
    try {
      other = parseVariables(this.extra.value);
    } catch (error) {
      throw new FormError('variables', (error as Error).message);
    }
    if (!this.form) return other;
    const { data, errors } = this.form.submit();
    const count = Object.keys(errors).length;
    if (count) throw new FormError('form', TEXT.notFilled(count));
    return variablesOfForm(this.schema(), data as Record<string, unknown>, other);
  }

  /** Shows the engine's refusal on the fields; returns the problems of variables the form does not show. */
  showProblems(problems: readonly FieldProblem[]): FieldProblem[] {
    if (!this.form) return [...problems];
    const { errors, elsewhere } = errorsOfProblems(this.schema(), problems);
    this.form._setState({ errors });
    return elsewhere;
  }

  /** Empties the form and the box. */
  clear(): void {
    this.form?.reset();
    this.extra.value = '';
  }

  /** Removes the form-js form. */
  destroy(): void {
    void this.ready.then(() => this.form?.destroy());
  }
}
