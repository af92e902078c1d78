/**
 * The bounds every FEEL expression is held to, so that no diagram and no
 * variable can make an evaluation run for ever, exhaust memory or overflow
 * the stack. JavaScript cannot interrupt a synchronous evaluation, so what
 * goes in is bounded: the source (length, items, nesting) when the
 * expression is compiled, and the work (steps) and the result while it is
 * evaluated. See docs/expressions.md, "Limits".
 */
import { SopflowError } from '../errors.js';

/** Limits of {@link compileFeel}. Each may be raised, or set to `Infinity` to switch it off. */
export interface FeelLimits {
  /**
   * Longest expression, in characters (UTF-16 code units). Checked before
   * parsing. Default 10,000.
   */
  maxLength?: number;
  /**
   * Most items in one list, context or argument list, or `for`/`some`/`every`
   * header (commas + 1 at one level of brackets). Checked before parsing:
   * feelin's parser needs time and memory quadratic in it (measured: a
   * 10,000-item list literal takes 1.2 s and 500 MB, 40,000 items abort the
   * process). Default 1,000.
   */
  maxItems?: number;
  /** Deepest nesting of the parse tree (brackets, operators, `if`, …). Default 100. */
  maxDepth?: number;
  /**
   * Most steps one evaluation may take: one per element of a list or range a
   * `for`, `some`, `every` or filter goes through, one per function call plus
   * the length of each list passed to it. Default 1,000,000.
   */
  maxSteps?: number;
  /**
   * Largest result, in characters of its JSON form (counted without
   * building it). Default 1,000,000, as the variables' `maxBytes`.
   */
  maxResultSize?: number;
}

/** The limits used when {@link FeelLimits} leaves one out. */
export const DEFAULT_FEEL_LIMITS: Readonly<Required<FeelLimits>> = Object.freeze({
  maxLength: 10_000,
  maxItems: 1_000,
  maxDepth: 100,
  maxSteps: 1_000_000,
  maxResultSize: 1_000_000,
});

/**
 * Fills in defaults and checks every limit is a positive integer or
 * `Infinity`. Returns the frozen defaults themselves when nothing is given.
 * Pure.
 *
 * @throws {SopflowError} code `feel.invalid-options` when a limit is not a positive number.
 */
export function resolveFeelLimits(options?: FeelLimits): Readonly<Required<FeelLimits>> {
  if (!options || options === DEFAULT_FEEL_LIMITS) return DEFAULT_FEEL_LIMITS;
  const limits = { ...DEFAULT_FEEL_LIMITS };
  for (const key of Object.keys(DEFAULT_FEEL_LIMITS) as Array<keyof FeelLimits>) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0) || (Number.isFinite(value) && !Number.isInteger(value))) {
      throw new SopflowError(
        'feel.invalid-options',
        `FEEL limit '${key}' must be a positive integer or Infinity, got ${String(value)}.`,
        { option: key, value },
      );
    }
    limits[key] = value;
  }
  return Object.freeze(limits);
}
