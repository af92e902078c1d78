/**
 * Coded messages as {@link MessageRef}s, from the shapes sopflow's packages
 * produce, so a page or the CLI renders them with `Translator.message`.
 * Structural types: this package does not depend on the engine. Pure.
 */
import type { MessageRef, Params } from './format.js';

/** A finding or problem with a code: an engine `Problem`, a `LintFinding`, a soundness `Finding`. */
export interface CodedMessage {
  code?: string;
  message: string;
  params?: Params;
}

/** The message of `problem` (its code, params and English text); a problem without a code keeps its English. Pure. */
export function problemRef(problem: CodedMessage): MessageRef {
  return { code: problem.code ?? '', ...(problem.params ? { params: problem.params } : {}), message: problem.message };
}

/** One field of a refused form (an engine `FieldProblem`: `FormValidationError.fields`). */
export interface FieldProblemLike {
  field: string;
  label?: string;
  code: string;
  message: string;
  params?: Params;
}

/**
 * The message of one field of a refused form: id `form.field.<code>`, its
 * params and `field` (the field's label, else its variable). Pure.
 */
export function fieldProblemRef(problem: FieldProblemLike): MessageRef {
  return { code: `form.field.${problem.code}`, params: { ...problem.params, field: problem.label ?? problem.field }, message: problem.message };
}

/** An error of the engine's API (a `SopflowError`): its code, message and plain-data details. */
export interface CodedError {
  code: string;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The message of an engine error: its code, its `details` that are plain
 * values (text, numbers, booleans) as params, and its English message.
 * Pure.
 */
export function errorRef(error: CodedError): MessageRef {
  const params: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(error.details ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params[name] = value;
  }
  return { code: error.code, params, message: error.message };
}
