/**
 * The compiled fast path handles plain JSON data. When it meets anything it
 * cannot decide exactly as feelin would (a Date in the context, a key that
 * changes how feelin parses the expression, an operation on which feelin
 * throws), it gives the whole evaluation to feelin instead of guessing.
 */

/** Thrown (never returned) by fast-path code to hand an evaluation to feelin. */
export const DELEGATE: unique symbol = Symbol('sopflow.feel.delegate');

/**
 * Abandon the fast evaluation in progress; the caller re-evaluates with feelin.
 *
 * @throws always: {@link DELEGATE}.
 */
export function delegate(): never {
  throw DELEGATE;
}
